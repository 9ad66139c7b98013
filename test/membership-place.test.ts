import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tempDir } from './helpers/cli.js';

describe('validate: team membership is declared on the team only', () => {
  it('a `teams:` under a developer is one error at its key, saying where membership goes', async () => {
    const file = join(await tempDir(), 'people.yaml');
    await writeFile(file, 'developers:\n  - email: dana@partner.example\n    full_name: Dana\n    teams: [acme-partners]\n');
    const r = await cli(['validate', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `${file}:4:5: unknown field "teams" in developers[0]: a developer's teams are declared on each team: list them under teams[].members\ninvalid: 1 error\n`,
    );
  });

  it('another unknown field of a developer still gets its did-you-mean', async () => {
    const file = join(await tempDir(), 'people.yaml');
    await writeFile(file, 'developers:\n  - email: dana@partner.example\n    full_name: Dana\n    stauts: approved\n');
    const r = await cli(['validate', file]);
    expect(r.stderr).toContain('unknown field "stauts" in developers[0] (did you mean "status"?)');
  });
});
