import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';
import { deref, toJsonSchema, type Direction } from './openapi-schema.js';

const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

/** `../shared/konnect-api` beside the repository root (where CI puts Konnect's specs); KONNECT_API_SPECS overrides it. */
export const SPECS_DIR = process.env.KONNECT_API_SPECS ?? fileURLToPath(new URL('../../../shared/konnect-api/', import.meta.url));

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch'] as const;

type Doc = Record<string, any>;

export interface QueryParameter {
  name: string;
  deepObject: boolean;
  /** For a deepObject: the fields it accepts (undefined: any). */
  fields?: Set<string>;
  /** For a scalar: its type, to check the value. */
  type?: string;
  allowEmpty: boolean;
}

/** One operation of one spec, by method and full path (server prefix included: MAPPING 1.1). */
export interface Operation {
  /** `<spec folder>/<version> <operationId>`, e.g. `portal-management/v3 list-applications`. */
  name: string;
  method: string;
  path: string;
  pattern: RegExp;
  /** Path parameters in the template: fewer wins when two templates match (`/portals/email-domains` over `/portals/{portalId}`). */
  variables: number;
  query: Map<string, QueryParameter>;
  /** The security the operation needs: a bearer token, the session cookie, or nothing. */
  auth: 'bearer' | 'cookie' | 'none';
  request?: { required: boolean; media: string[]; validate: () => ValidateFunction | undefined };
  /** Documented statuses (`200`, `4XX`, `default`) → their media types and a validator per type. */
  responses: Map<string, Map<string, () => ValidateFunction | undefined>>;
}

export interface SpecIndex {
  operations: Operation[];
  find(method: string, path: string): Operation | undefined;
}

/** The specs' index, or undefined when the folder is absent. */
export function loadSpecIndex(dir = SPECS_DIR): SpecIndex | undefined {
  if (!existsSync(dir)) return undefined;
  const ajv = new Ajv({ allErrors: true, strict: false, allowUnionTypes: true });
  addFormats(ajv);
  // Formats the specs name that ajv-formats does not know: annotations only.
  for (const format of ['path', '^[a-z0-9-_]{0,128}$']) ajv.addFormat(format, true);
  const operations: Operation[] = [];
  for (const api of readdirSync(dir, { withFileTypes: true })) {
    if (!api.isDirectory()) continue;
    for (const version of readdirSync(join(dir, api.name))) {
      const file = join(dir, api.name, version, 'openapi.yaml');
      if (!existsSync(file)) continue;
      const doc = parse(readFileSync(file, 'utf8'), { maxAliasCount: -1 }) as Doc;
      operations.push(...operationsOf(doc, `${api.name}/${version}`, ajv));
    }
  }
  operations.sort((a, b) => a.variables - b.variables);
  return {
    operations,
    find: (method, path) => operations.find((o) => o.method === method.toUpperCase() && o.pattern.test(path)),
  };
}

function operationsOf(doc: Doc, spec: string, ajv: Ajv): Operation[] {
  const prefix = new URL(doc.servers?.[0]?.url ?? 'https://host/').pathname.replace(/\/$/, '');
  const out: Operation[] = [];
  for (const [template, rawItem] of Object.entries<Doc>(doc.paths ?? {})) {
    const item = deref<Doc>(doc, rawItem);
    for (const method of METHODS) {
      const op = item[method] as Doc | undefined;
      if (op === undefined) continue;
      const path = prefix + template;
      const name = `${spec} ${op.operationId ?? `${method.toUpperCase()} ${template}`}`;
      const compile = (schema: unknown, direction: Direction) => {
        let validate: ValidateFunction | undefined;
        return () => (validate ??= schema === undefined ? undefined : ajv.compile(toJsonSchema(doc, schema, direction) as object));
      };
      const parameters = [...(item.parameters ?? []), ...(op.parameters ?? [])].map((p: unknown) => deref<Doc>(doc, p));
      const body = op.requestBody === undefined ? undefined : deref<Doc>(doc, op.requestBody);
      const json = body?.content?.['application/json'];
      const responses = new Map<string, Map<string, () => ValidateFunction | undefined>>();
      for (const [status, raw] of Object.entries<unknown>(op.responses ?? {})) {
        const response = deref<Doc>(doc, raw);
        responses.set(status, new Map(Object.entries<Doc>(response.content ?? {}).map(([media, content]) => [media, compile(content.schema, 'response')])));
      }
      out.push({
        name,
        method: method.toUpperCase(),
        path,
        pattern: new RegExp(`^${path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}/?$`),
        variables: (template.match(/\{/g) ?? []).length,
        query: new Map(parameters.filter((p) => p.in === 'query').map((p) => [p.name as string, queryParameter(doc, p)])),
        auth: authOf(doc, op),
        ...(body !== undefined && {
          request: { required: body.required === true, media: Object.keys(body.content ?? {}), validate: compile(json?.schema, 'request') },
        }),
        responses,
      });
    }
  }
  return out;
}

function queryParameter(doc: Doc, p: Doc): QueryParameter {
  const schema = deref<Doc>(doc, p.schema ?? {});
  const deepObject = p.style === 'deepObject';
  const fields = deepObject ? fieldsOf(doc, schema) : undefined;
  return {
    name: p.name,
    deepObject,
    ...(fields !== undefined && { fields }),
    ...(typeof schema.type === 'string' && { type: schema.type }),
    allowEmpty: p.allowEmptyValue === true,
  };
}

/** The properties a deepObject parameter's schema names (through allOf); undefined when it leaves them open. */
function fieldsOf(doc: Doc, schema: Doc): Set<string> | undefined {
  const fields = new Set<string>();
  let open = false;
  const visit = (s: Doc) => {
    s = deref<Doc>(doc, s);
    for (const key of Object.keys(s.properties ?? {})) fields.add(key);
    for (const part of [...(s.allOf ?? []), ...(s.oneOf ?? []), ...(s.anyOf ?? [])]) visit(part);
    if (s.additionalProperties !== undefined && s.additionalProperties !== false) open = true;
  };
  visit(schema);
  return open || fields.size === 0 ? undefined : fields;
}

function authOf(doc: Doc, op: Doc): Operation['auth'] {
  const requirements = (op.security ?? doc.security ?? []) as Record<string, unknown>[];
  if (requirements.length === 0 || requirements.some((r) => Object.keys(r).length === 0)) return 'none';
  const schemes = requirements.flatMap((r) => Object.keys(r)).map((name) => doc.components?.securitySchemes?.[name] as Doc | undefined);
  if (schemes.some((s) => s?.type === 'apiKey' && s.in === 'cookie')) return 'cookie';
  return 'bearer';
}
