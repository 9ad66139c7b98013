/**
 * A config big enough that apply takes a moment: `n` applications named `<prefix>-<i>`, each
 * registered to billing/v1 and, unless `credentials` is false, holding one credential.
 */
export function manyApplications(n: number, { prefix = 'app', namespace = 'big', credentials = true } = {}): string {
  const credential = credentials ? '    credentials: [{ name: ci }]\n' : '';
  const apps = Array.from({ length: n }, (_, i) => `  - reference_id: ${prefix}-${i}\n    name: App ${i}\n    registrations: [{ product: billing, version: v1 }]\n${credential}`);
  return `namespace: ${namespace}
auth_strategies: [{ name: key-auth, type: key_auth }]
products:
  - name: billing
    versions: [{ name: v1, registration: { enabled: true, auth_strategy: key-auth, auto_approve: true } }]
applications:
${apps.join('')}`;
}
