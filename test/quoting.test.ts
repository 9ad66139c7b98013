import { describe, expect, it } from 'vitest';
import { formatProblem } from '../src/diagnostics/problems.js';
import { FROM_ENVIRONMENT, quote } from '../src/diagnostics/quote.js';
import { validate } from './helpers/validate.js';

const FORGE = 'x\nportal.yaml:1:1: error: forged line\r\u001b[31mred';


/** No raw control character (other than the newline that ends each line) reaches the output. */
function expectNoControlCharacters(text: string) {
  expect(text.replace(/\n/g, '')).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
}

describe('quote: the one way a config value reaches a message', () => {
  it('escapes newlines, carriage returns and terminal escapes as JSON does', () => {
    expect(quote('a\nb\rc\u001b[31md\te')).toBe('"a\\nb\\rc\\u001b[31md\\te"');
    expect(quote('say "hi"\\')).toBe('"say \\"hi\\"\\\\"');
  });

  it('escapes the controls JSON leaves alone: C1 controls, line separators, bidi overrides', () => {
    expect(quote('a\u009b31mb\u2028c\u202ed')).toBe('"a\\u009b31mb\\u2028c\\u202ed"');
  });

  it('cuts a long value after 60 characters', () => {
    expect(quote('y'.repeat(2_000_000))).toBe(`"${'y'.repeat(60)}…"`);
    expect(quote('y'.repeat(60))).toBe(`"${'y'.repeat(60)}"`);
    // A cut never splits a character made of two UTF-16 units.
    expect(quote('y'.repeat(59) + '😀' + 'z')).toBe(`"${'y'.repeat(59)}…"`);
  });

  it('never shows a value from the environment', () => {
    expect(quote('kpat_secret', true)).toBe(FROM_ENVIRONMENT);
  });

  it('formatProblem escapes control characters in the file name and the message', () => {
    const line = formatProblem({ severity: 'error', message: `bad ${FORGE}`, at: { file: 'a\nb.yaml', line: 1, col: 2 } });
    expect(line.split('\n')).toHaveLength(1);
    expect(line).toBe('a\\nb.yaml:1:2: bad x\\nportal.yaml:1:1: error: forged line\\r\\u001b[31mred');
  });
});

describe('validate: a hostile value cannot forge lines or colours', () => {
  it('gives exactly one line per problem for values with newlines and escapes in a name, a reference and a label', async () => {
    const y = JSON.stringify(FORGE); // a YAML double-quoted scalar holding the raw characters
    const r = await validate({
      'p.yaml': 'auth_strategies: [{ name: ka, type: key_auth }]\nproducts:\n  - name: billing\n    versions: [{ name: v1, registration: { enabled: true, auth_strategy: ka } }]\n',
      'name.yaml': `applications:\n  - reference_id: ${y}\n    name: App\n`,
      'labels.yaml': `applications:\n  - reference_id: labelled\n    name: App\n    labels: { ${y}: ok, fine: ${y} }\n`,
      'ref.yaml': `applications:\n  - reference_id: app\n    name: App\n    registrations: [{ product: ${y}, version: v1 }]\n`,
    });
    expect(r.code).toBe(1);
    expectNoControlCharacters(r.stderr);
    const quoted = '"x\\nportal.yaml:1:1: error: forged line\\r\\u001b[31mred"';
    expect(r.stderr.trimEnd().split('\n')).toEqual([
      `${r.at('labels.yaml', 4, 15)}: label key ${quoted} is not valid: use letters, digits, '.', '_' and '-', starting and ending with a letter or digit, not starting with kong, konnect, mesh or kic`,
      `${r.at('labels.yaml', 4, 82)}: fine: ${quoted} is not valid: use letters, digits, '.', '_' and '-', starting and ending with a letter or digit`,
      `${r.at('name.yaml', 2, 19)}: reference_id: ${quoted} is not valid: use letters, digits, '.', '_' and '-', starting with a letter or digit`,
      `${r.at('ref.yaml', 4, 21)}: unknown product ${quoted}`,
      'invalid: 4 errors',
    ]);
  });

  it('quotes a hostile reference in a cross-reference error on one line', async () => {
    const y = JSON.stringify(FORGE);
    const r = await validate({
      'p.yaml': 'auth_strategies: [{ name: ka, type: key_auth }]\nproducts:\n  - name: billing\n    versions: [{ name: v1, registration: { enabled: true, auth_strategy: ka } }]\n',
      'a.yaml': `applications:\n  - reference_id: app\n    name: App\n    registrations: [{ product: ${y}, version: v1 }, { product: billing, version: ${y} }]\n`,
    });
    expect(r.code).toBe(1);
    expectNoControlCharacters(r.stderr);
    expect(r.stderr.trimEnd().split('\n')).toEqual([
      `${r.at('a.yaml', 4, 21)}: unknown product "x\\nportal.yaml:1:1: error: forged line\\r\\u001b[31mred"`,
      `${r.at('a.yaml', 4, 104)}: unknown version "x\\nportal.yaml:1:1: error: forged line\\r\\u001b[31mred" of product "billing"`,
      'invalid: 2 errors',
    ]);
  });

  it('quotes an unknown field name and a field path that hold control characters', async () => {
    const r = await validate({ 'a.yaml': `applications:\n  - reference_id: app\n    name: App\n    "ev\\u001bil\\nkey": 1\n` });
    expect(r.code).toBe(1);
    expectNoControlCharacters(r.stderr);
    expect(r.stderr).toContain(`${r.at('a.yaml', 4, 5)}: unknown field "ev\\u001bil\\nkey" in applications[0]\n`);
  });

  it('cuts a long value in a message', async () => {
    const r = await validate({ 'a.yaml': `applications:\n  - { reference_id: app, name: App, owner: { type: ${'z'.repeat(5000)}, name: x } }\n` });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`type: must be one of developer, team, not "${'z'.repeat(60)}…"\n`);
    expect(r.stderr.length).toBeLessThan(500);
  });
});

describe('validate: a value from the environment is never quoted', () => {
  it('in a cross-reference error (a status that the version makes impossible)', async () => {
    const r = await validate(
      {
        'a.yaml': `auth_strategies: [{ name: ka, type: key_auth }]
products:
  - name: billing
    versions: [{ name: v1, registration: { enabled: true, auth_strategy: ka, auto_approve: true } }]
applications:
  - reference_id: app
    name: App
    registrations: [{ product: billing, version: v1, status: '\${{ env "STATUS" }}' }]
`,
      },
      { STATUS: 'pending' },
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `${r.at('a.yaml', 8, 21)}: status (a value from the environment) is impossible: billing/v1 auto-approves registrations (${r.at('a.yaml', 4, 16)}); remove the status or turn auto_approve off\ninvalid: 1 error\n`,
    );
    expect(r.stderr).not.toContain('pending');
  });
});
