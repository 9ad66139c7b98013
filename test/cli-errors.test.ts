import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BackendError } from '../src/backends/backend.js';
import { LocalBackend } from '../src/backends/local/local-backend.js';
import { cli, STACK_TRACE, tempDir } from './helpers/cli.js';

afterEach(() => vi.restoreAllMocks());

describe('errors at the top of the command line', () => {
  it("a backend's refusal while reading the portal is one error line (exit 1), not an internal error", async () => {
    vi.spyOn(LocalBackend.prototype, 'read').mockRejectedValue(new BackendError('GET /v3/apis: 503 Service Unavailable: try again later', 503));
    const r = await cli(['plan', 'examples/quickstart', '--state', join(await tempDir(), 'state.json')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('error: GET /v3/apis: 503 Service Unavailable: try again later\n');
    expect(r.stderr).not.toMatch(STACK_TRACE);
  });
});
