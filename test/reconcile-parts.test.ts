import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultWorkDir, gitSource, redactCredentials } from '../src/git/work-dir.js';
import { parseInterval } from '../src/reconcile/interval.js';
import { eventLog } from '../src/reconcile/log.js';

describe('reconcile --interval', () => {
  it('takes seconds, minutes, hours and bare seconds', () => {
    expect(['30s', '5m', '1h', '90'].map(parseInterval)).toEqual([30_000, 300_000, 3_600_000, 90_000]);
  });
  it.each(['0', '0s', '', '1.5s', '-1', '1d', '5 m'])('refuses %j in one line', (text) => {
    expect(() => parseInterval(text)).toThrow(/^--interval takes a duration of at least 1s/);
  });
});

describe('reconcile --repo', () => {
  it('a path is made absolute; a URL is kept; credentials are masked where shown and left out of its identity', () => {
    expect(gitSource('repos/portal.git', '/srv')).toEqual({ fetchUrl: '/srv/repos/portal.git', identity: '/srv/repos/portal.git', shown: '/srv/repos/portal.git' });
    expect(gitSource('git@github.com:acme/portal.git', '/srv').identity).toBe('git@github.com:acme/portal.git');
    const withToken = gitSource('https://bot:tok3n@git.example.com/acme/portal.git', '/srv');
    expect(withToken).toEqual({ fetchUrl: 'https://bot:tok3n@git.example.com/acme/portal.git', identity: 'https://git.example.com/acme/portal.git', shown: 'https://***@git.example.com/acme/portal.git' });
    expect(redactCredentials("unable to access 'https://bot:tok3n@git.example.com/acme/portal.git/'", withToken)).toBe("unable to access 'https://***@git.example.com/acme/portal.git/'");
    expect(redactCredentials('see https://x:y@h/p and ssh://u:p@h2/q')).toBe('see https://***@h/p and ssh://***@h2/q');
  });
  it('the default work directory is per repository and branch, in the user cache folder, whatever the credentials', () => {
    const env = { XDG_CACHE_HOME: '/home/ci/.cache' };
    const a = defaultWorkDir(gitSource('https://bot:old@git.example.com/acme/portal.git', '/'), 'main', env);
    expect(a).toMatch(process.platform === 'linux' ? new RegExp(`^${join('/home/ci/.cache', 'portalctl', 'reconcile')}/[0-9a-f]{16}$`) : /[0-9a-f]{16}$/);
    expect(defaultWorkDir(gitSource('https://bot:new@git.example.com/acme/portal.git', '/'), 'main', env)).toBe(a);
    expect(defaultWorkDir(gitSource('https://git.example.com/acme/portal.git', '/'), 'prod', env)).not.toBe(a);
  });
});

describe('the reconcile log', () => {
  const at = () => new Date('2026-11-25T17:00:00.123Z');
  it('text: time, event, short commit, what happened, one line whatever the message holds', () => {
    const lines: string[] = [];
    const log = eventLog('text', (line) => lines.push(line), at);
    log({ event: 'applied', commit: 'abc1234def', counts: { created: 3, updated: 1, replaced: 0, deleted: 0 } });
    log({ event: 'drift', commit: 'abc1234def', address: 'application.x', action: 'update' });
    log({ event: 'failed', commit: 'abc1234def', error: 'bad\nerror: forged' });
    expect(lines).toEqual([
      '2026-11-25T17:00:00Z applied abc1234: 3 created, 1 updated\n',
      '2026-11-25T17:00:00Z drift abc1234: update application.x\n',
      '2026-11-25T17:00:00Z failed abc1234: bad\\nerror: forged\n',
    ]);
  });
  it('json: one object per line with the full commit', () => {
    const lines: string[] = [];
    eventLog('json', (line) => lines.push(line), at)({ event: 'refused', commit: 'abc1234def', error: 'no' });
    expect(lines).toEqual(['{"time":"2026-11-25T17:00:00Z","event":"refused","commit":"abc1234def","error":"no"}\n']);
  });
});
