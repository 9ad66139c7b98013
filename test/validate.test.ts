import { describe, expect, it } from 'vitest';
import { cli } from './helpers/cli.js';
import { validate } from './helpers/validate.js';

const STRATEGIES = `auth_strategies:
  - { name: key-auth, type: key_auth }
  - { name: sso, type: openid_connect, issuer: "https://idp.example.com/" }
`;
const PRODUCTS = `products:
  - name: billing
    versions:
      - name: v1
        registration: { enabled: true, auth_strategy: key-auth, auto_approve: true }
      - name: v2
        registration: { enabled: true, auth_strategy: key-auth }
      - name: closed
      - name: sso
        registration: { enabled: true, auth_strategy: sso }
`;

describe('validate: the examples', () => {
  it('accepts examples/quickstart with a summary per kind', async () => {
    const r = await cli(['validate', 'examples/quickstart']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      'valid: 1 auth strategy, 1 product, 1 product version, 1 application, 1 registration, 1 credential (1 file, namespace quickstart)\n',
    );
    expect(r.stderr).toBe('');
  });

  it('accepts examples/org, merging every file', async () => {
    const r = await cli(['validate', 'examples/org']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('2 auth strategies, 3 products, 5 product versions, 3 developers, 2 teams, 3 team members, 1 team role, 5 applications, 7 registrations, 4 credentials (7 files');
    expect(r.stderr).toBe('');
  });
});

describe('validate: schema errors', () => {
  it('reports every problem, each at its file, line and column, and exits 1', async () => {
    const r = await validate({
      'a.yaml': `applications:
  - refrence_id: app1
    name: App
    registrations:
      - { product: billing, version: v1, status: aproved }
`,
      'b.yaml': `products:
  - name: billing
    versions:
      - { name: v1, registration: { enabled: yes } }
`,
    });
    expect(r.code).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toEqual([
      `${r.at('a.yaml', 2, 5)}: missing required field "reference_id" in applications[0]`,
      `${r.at('a.yaml', 2, 5)}: unknown field "refrence_id" in applications[0] (did you mean "reference_id"?)`,
      `${r.at('a.yaml', 5, 50)}: status: must be one of approved, pending, rejected, revoked, not "aproved" (did you mean "approved"?)`,
      `${r.at('b.yaml', 4, 46)}: enabled: must be a boolean, not a string (write true or false)`,
      'invalid: 4 errors',
    ]);
  });

  it('points at unknown top-level sections with a suggestion', async () => {
    const r = await validate({ 'a.yaml': 'namespace: ok\naplications: []\n' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${r.at('a.yaml', 2, 1)}: unknown field "aplications" at the top level (did you mean "applications"?)`);
  });

  it('checks strategy fields by type, and the type itself', async () => {
    const r = await validate({
      'a.yaml': `auth_strategies:
  - { name: a, type: key_ath }
  - { name: b, type: openid_connect }
  - { name: c, type: key_auth, issuer: "https://x.example/" }
  - { name: d }
`,
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${r.at('a.yaml', 2, 22)}: type: must be one of key_auth, openid_connect, not "key_ath" (did you mean "key_auth"?)`);
    expect(r.stderr).toContain(`${r.at('a.yaml', 3, 5)}: missing required field "issuer" in auth_strategies[1]`);
    expect(r.stderr).toContain(`${r.at('a.yaml', 4, 32)}: unknown field "issuer" in auth_strategies[2]`);
    expect(r.stderr).toContain(`${r.at('a.yaml', 5, 5)}: missing required field "type" in auth_strategies[3]`);
  });

  it('requires an auth strategy when registration is enabled', async () => {
    const r = await validate({ 'a.yaml': 'products:\n  - name: p\n    versions:\n      - { name: v1, registration: { enabled: true } }\n' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${r.at('a.yaml', 4, 35)}: missing required field "auth_strategy" in products[0].versions[0].registration`);
    expect(r.stderr).not.toContain('"then"');
  });

  it('refuses label keys Konnect refuses, __proto__ among them, without polluting prototypes', async () => {
    const r = await validate({ 'a.yaml': 'products:\n  - name: p\n    labels: { __proto__: x, kong-internal: y, team: z }\n' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${r.at('a.yaml', 3, 15)}: label key "__proto__" is not valid`);
    expect(r.stderr).toContain(`${r.at('a.yaml', 3, 29)}: label key "kong-internal" is not valid`);
    expect(r.stderr).not.toContain('"team"');
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
});

describe('validate: across files', () => {
  it('names both places of a duplicate key, within and across files', async () => {
    const r = await validate({
      'a.yaml': `${STRATEGIES}${PRODUCTS}applications:\n  - { reference_id: app, name: A }\n  - { reference_id: app, name: B }\n`,
      'b.yaml': `products:\n  - name: billing\n`,
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${r.at('a.yaml', 16, 5)}: duplicate application "app": already declared at ${r.at('a.yaml', 15, 5)}`);
    expect(r.stderr).toContain(`${r.at('b.yaml', 2, 5)}: duplicate product "billing": already declared at ${r.at('a.yaml', 5, 5)}`);
  });

  it('refuses conflicting namespaces, naming both files', async () => {
    const r = await validate({ 'a.yaml': 'namespace: one\n', 'b.yaml': 'namespace: two\n' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${r.at('b.yaml', 1, 12)}: namespace "two" conflicts with "one" set at ${r.at('a.yaml', 1, 12)}`);
  });

  it('reports unknown strategies, products and versions with suggestions', async () => {
    const r = await validate({
      'a.yaml': `${STRATEGIES}products:
  - name: billing
    versions:
      - { name: v1, registration: { enabled: true, auth_strategy: key-auht } }
applications:
  - reference_id: app
    name: App
    auth_strategy: nope
    registrations:
      - { product: biling, version: v1 }
      - { product: billing, version: v9 }
`,
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${r.at('a.yaml', 7, 9)}: unknown auth strategy "key-auht" (did you mean "key-auth"?)`);
    expect(r.stderr).toContain(`${r.at('a.yaml', 9, 5)}: unknown auth strategy "nope"`);
    expect(r.stderr).toContain(`${r.at('a.yaml', 13, 9)}: unknown product "biling" (did you mean "billing"?)`);
    expect(r.stderr).toContain(`${r.at('a.yaml', 14, 9)}: unknown version "v9" of product "billing"`);
  });

  it('refuses a registration to a version whose registration is disabled, naming the version', async () => {
    const r = await validate({
      'p.yaml': STRATEGIES + PRODUCTS,
      'a.yaml': 'applications:\n  - reference_id: app\n    name: App\n    registrations:\n      - { product: billing, version: closed }\n',
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `${r.at('a.yaml', 5, 9)}: cannot register to billing/closed: registration is disabled on that version (${r.at('p.yaml', 11, 9)})`,
    );
  });

  it('refuses a pending status on a version that auto-approves, and allows it where approval is manual', async () => {
    const r = await validate({
      'p.yaml': STRATEGIES + PRODUCTS,
      'a.yaml': `applications:
  - reference_id: app
    name: App
    registrations:
      - { product: billing, version: v1, status: pending }
      - { product: billing, version: v2, status: pending }
`,
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${r.at('a.yaml', 5, 9)}: status "pending" is impossible: billing/v1 auto-approves registrations (${r.at('p.yaml', 7, 9)})`);
    expect(r.stderr).not.toContain(r.at('a.yaml', 6, 9));
  });

  it('refuses a credential on an application whose strategy is openid_connect, stated or implied', async () => {
    const r = await validate({
      'p.yaml': STRATEGIES + PRODUCTS,
      'a.yaml': `applications:
  - reference_id: stated
    name: A
    auth_strategy: sso
    credentials: [{ name: ci }]
  - reference_id: implied
    name: B
    registrations: [{ product: billing, version: sso }]
    credentials: [{ name: ci }]
  - reference_id: fine
    name: C
    registrations: [{ product: billing, version: v1 }]
    credentials: [{ name: ci }]
`,
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${r.at('a.yaml', 5, 19)}: credential "ci": application "stated" uses openid_connect strategy "sso"`);
    expect(r.stderr).toContain(`${r.at('a.yaml', 9, 19)}: credential "ci": application "implied" uses openid_connect strategy "sso"`);
    expect(r.stderr.trim().split('\n')).toHaveLength(3); // two errors and the count
  });

  it('refuses an application registered to versions of different strategies', async () => {
    const r = await validate({
      'p.yaml': STRATEGIES + PRODUCTS,
      'a.yaml': `applications:
  - reference_id: mixed
    name: A
    registrations: [{ product: billing, version: v1 }, { product: billing, version: sso }]
  - reference_id: explicit
    name: B
    auth_strategy: key-auth
    registrations:
      - { product: billing, version: sso }
`,
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${r.at('a.yaml', 2, 5)}: application "mixed" registers to versions with different auth strategies`);
    expect(r.stderr).toContain(`${r.at('a.yaml', 9, 9)}: application "explicit" uses auth strategy "key-auth" (${r.at('a.yaml', 5, 5)}), but billing/sso requires "sso"`);
  });

  it('warns, without failing, about references into a section no file declares', async () => {
    const r = await validate({
      'a.yaml': 'applications:\n  - reference_id: app\n    name: App\n    registrations: [{ product: billing, version: v1 }]\n',
    });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(`${r.at('a.yaml', 4, 21)}: warning: product version "billing/v1" is not checked: no file given declares products\n`);
    expect(r.stdout).toMatch(/^valid: /);
  });
});

describe('validate: environment substitution', () => {
  const APP = 'applications:\n  - reference_id: app\n    name: App\n    description: ${{ env "APP_DESCRIPTION" }}\n';

  it('substitutes ${{ env "NAME" }} from the environment', async () => {
    const r = await validate({ 'a.yaml': APP }, { APP_DESCRIPTION: 'from the environment' });
    expect(r.code).toBe(0);
  });

  it('names a missing variable at its place', async () => {
    const r = await validate({ 'a.yaml': APP });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`${r.at('a.yaml', 4, 18)}: environment variable APP_DESCRIPTION is not set\ninvalid: 1 error\n`);
  });

  it('never echoes a substituted value in a message', async () => {
    const secret = 'kpat_SUPER-secret value!';
    const r = await validate(
      { 'a.yaml': 'applications:\n  - reference_id: app\n    name: App\n    owner: { type: developer, name: x }\n    labels: { a: \'${{ env "S" }}\' }\n' },
      { S: secret },
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('(a value from the environment) is not valid');
    expect(r.stderr).not.toContain(secret);
  });

  it('refuses environment values in names and references, which appear in plans', async () => {
    const r = await validate(
      { 'a.yaml': 'applications:\n  - reference_id: ${{ env "REF" }}\n    name: App\n    registrations: [{ product: p, version: \'${{ env "REF" }}\' }]\n' },
      { REF: 'secret-ref' },
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${r.at('a.yaml', 2, 19)}: reference_id: \${{ env }} is not allowed in names and references`);
    expect(r.stderr).toContain(`${r.at('a.yaml', 4, 44)}: version: \${{ env }} is not allowed in names and references`);
    expect(r.stderr).not.toContain('secret-ref');
  });

  it('reports a malformed substitution', async () => {
    const r = await validate({ 'a.yaml': 'applications:\n  - { reference_id: app, name: "${{ env NAME }}" }\n' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('malformed substitution: write ${{ env "NAME" }}');
  });
});
