import { describe, expect, it } from 'vitest';
import { writeConcurrency } from '../src/cli/backend-options.js';
import { cli } from './helpers/cli.js';

describe('writes in flight during an apply (--concurrency)', () => {
  it('by default as many as --parallelism lets requests be in flight: 10, or the --parallelism given', () => {
    expect(writeConcurrency({})).toBe(10);
    expect(writeConcurrency({ parallelism: '25' })).toBe(25);
    expect(writeConcurrency({ parallelism: '3' })).toBe(3);
  });

  it('--concurrency wins over --parallelism; 0 still writes one at a time', () => {
    expect(writeConcurrency({ concurrency: '4', parallelism: '25' })).toBe(4);
    expect(writeConcurrency({ concurrency: '0' })).toBe(1);
  });

  it('an invalid --concurrency is one line; an invalid --parallelism is left to the backend to refuse', () => {
    expect(() => writeConcurrency({ concurrency: 'many' })).toThrow('--concurrency takes a whole number, not "many"');
    expect(writeConcurrency({ parallelism: 'lots' })).toBe(10);
  });

  it.each(['apply', 'reconcile', 'migrate'])('%s --help says the default', async (command) => {
    const { stdout } = await cli([command, '--help']);
    expect(stdout.replace(/\s+/g, ' ')).toContain('writes in flight at once (default: --parallelism, 10 when that is not given either)');
  });
});
