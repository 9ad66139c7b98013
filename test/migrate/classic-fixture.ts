import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The four statuses a registration can have; a registration to an auto-approving version cannot be pending. */
const MANUAL = ['pending', 'approved', 'rejected', 'revoked'] as const;
const AUTO = ['approved', 'rejected', 'revoked'] as const;

export interface PortalShape {
  /** Registration status by registration address (`registration.app-07/billing/v2`). */
  statuses: Map<string, string>;
  /** The applications that have credentials, and each credential's address. */
  credentials: Map<string, string[]>;
  /** The registrations whose status is not the one their version gives a new registration by itself. */
  needsAdmin: Set<string>;
}

/**
 * A portal as `dump --backend konnect-classic` writes it: `n` applications owned by the classic
 * session developer, each registered to a version that needs approval (statuses cycling through all
 * four) and every third one to an auto-approving version too; every other application has one or two
 * credentials. The auto-approving version is deprecated and has a description (v3 holds neither).
 */
export function classicDumpText(n: number, owner = 'classic-dev@example.com', versionDescription = true): { text: string; shape: PortalShape } {
  const shape: PortalShape = { statuses: new Map(), credentials: new Map(), needsAdmin: new Set() };
  const apps: string[] = [];
  for (let i = 0; i < n; i++) {
    const ref = `app-${String(i).padStart(2, '0')}`;
    const regs: string[] = [];
    const manual = MANUAL[i % MANUAL.length]!;
    regs.push(`      - { product: billing, version: v2, status: ${manual} }`);
    shape.statuses.set(`registration.${ref}/billing/v2`, manual);
    if (manual !== 'pending') shape.needsAdmin.add(`registration.${ref}/billing/v2`);
    if (i % 3 === 0) {
      const auto = AUTO[(i / 3) % AUTO.length]!;
      regs.push(`      - { product: billing, version: v1, status: ${auto} }`);
      shape.statuses.set(`registration.${ref}/billing/v1`, auto);
      if (auto !== 'approved') shape.needsAdmin.add(`registration.${ref}/billing/v1`);
    }
    const creds = i % 2 === 0 ? (i % 4 === 0 ? ['default', 'ci'] : ['default']) : [];
    if (creds.length > 0) shape.credentials.set(ref, creds.map((c) => `credential.${ref}/${c}`));
    apps.push(
      [
        `  - reference_id: ${ref}`,
        `    name: App ${i}`,
        `    description: Application number ${i}`,
        `    owner: { type: developer, name: ${owner} }`,
        `    auth_strategy: key-auth`,
        `    registrations:`,
        ...regs,
        `    credentials:${creds.length === 0 ? ' []' : ''}`,
        ...creds.map((c) => `      - name: ${c}`),
      ].join('\n'),
    );
  }
  const text = [
    '# yaml-language-server: $schema=https://portalctl.dev/schemas/portalctl.schema.json',
    '# portalctl dump --backend konnect-classic',
    'namespace: payments',
    'auth_strategies:',
    '  - name: key-auth',
    '    type: key_auth',
    '    key_names: [apikey]',
    'products:',
    '  - name: billing',
    '    description: Invoices and payments',
    '    versions:',
    '      - name: v1',
    ...(versionDescription ? ['        description: The first version'] : []),
    '        publish_status: published',
    '        deprecated: true',
    '        registration: { enabled: true, auth_strategy: key-auth, auto_approve: true }',
    '      - name: v2',
    '        publish_status: published',
    '        registration: { enabled: true, auth_strategy: key-auth, auto_approve: false }',
    'applications:',
    ...apps,
    '',
  ].join('\n');
  return { text, shape };
}

/** Writes the classic-shaped dump into `dir` as `dump --out` does (portal.yaml). */
export async function writeClassicDump(dir: string, n: number): Promise<PortalShape> {
  const { text, shape } = classicDumpText(n);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'portal.yaml'), text);
  return shape;
}
