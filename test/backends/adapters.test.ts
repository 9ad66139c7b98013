import { describe, expect, it } from 'vitest';
import { LIFECYCLES } from '../../src/backends/adapter.js';
import { KINDS } from '../../src/model/kind.js';
import { SPECS } from '../../src/model/kinds/index.js';

describe('the adapters typing', () => {
  it('knows every kind by the lifecycle its kind module declares', () => {
    expect(Object.keys(LIFECYCLES).sort()).toEqual([...KINDS].sort());
    for (const kind of KINDS) expect(LIFECYCLES[kind], kind).toBe(SPECS[kind].lifecycle);
  });
});
