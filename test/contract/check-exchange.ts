import type { ErrorObject } from 'ajv';
import type { Exchange } from '../../src/emulator/index.js';
import type { Operation, SpecIndex } from './spec-index.js';

/** One way an exchange differs from its operation in Konnect's specs. */
export interface Violation {
  exchange: string;
  operation: string;
  /** `request body /owner/id`, `response 200 body /data/0`, `query page[foo]`, … */
  where: string;
  rule: string;
}

export const formatViolation = (v: Violation) => `${v.exchange} [${v.operation}] ${v.where}: ${v.rule}`;

/**
 * Statuses where the emulator refused the request itself: the request side is not checked then,
 * since tests send such requests on purpose (a bad body → 400, no token → 401, no JSON → 415).
 * The answer is checked all the same.
 */
const REFUSED = new Set([400, 401, 413, 415]);

/** The violations of one exchange (none for an injected fault: its answer is the emulator's, DESIGN 26). */
export function checkExchange(index: SpecIndex, exchange: Exchange): Violation[] {
  const label = `${exchange.method} ${exchange.path}${exchange.query.length ? '?' + new URLSearchParams(exchange.query).toString() : ''} → ${exchange.status}`;
  if (exchange.injected) return [];
  const operation = index.find(exchange.method, exchange.path);
  if (operation === undefined) return [{ exchange: label, operation: 'none', where: 'path', rule: 'no operation of the specs has this method and path' }];
  const out: Violation[] = [];
  const violation = (where: string, rule: string) => out.push({ exchange: label, operation: operation.name, where, rule });
  if (!REFUSED.has(exchange.status)) checkRequest(operation, exchange, violation);
  checkResponse(operation, exchange, violation);
  return out;
}

function checkRequest(operation: Operation, exchange: Exchange, violation: (where: string, rule: string) => void): void {
  if (operation.auth === 'bearer' && !exchange.hasBearer) violation('request headers', 'the operation needs `Authorization: Bearer …`');
  if (operation.auth === 'cookie' && !exchange.hasSessionCookie) violation('request headers', 'the operation needs the portalaccesstoken cookie');
  for (const [key, value] of exchange.query) {
    const scalar = operation.query.get(key);
    if (scalar !== undefined && !scalar.deepObject) {
      if (value === '' ? !scalar.allowEmpty : !fitsType(value, scalar.type)) violation(`query ${key}`, `"${value}" is not a ${scalar.type ?? 'value'}`);
      continue;
    }
    const deep = /^([^[\]]+)\[([^\]]+)\]/.exec(key);
    const parameter = deep ? operation.query.get(deep[1]!) : undefined;
    if (parameter === undefined || !parameter.deepObject) {
      violation(`query ${key}`, 'the operation declares no such query parameter');
      continue;
    }
    // `filter[labels.owner]`: the field is `labels`.
    const field = deep![2]!.split('.')[0]!;
    if (parameter.fields !== undefined && !parameter.fields.has(field)) violation(`query ${key}`, `"${field}" is not a field of ${parameter.name} (${[...parameter.fields].join(', ')})`);
  }
  const request = operation.request;
  if (exchange.requestBody === undefined) {
    if (request?.required) violation('request body', 'the operation requires a body');
    return;
  }
  if (request === undefined) return violation('request body', 'the operation takes no body');
  const media = mediaType(exchange.requestContentType);
  if (!request.media.includes(media)) return violation('request headers', `Content-Type "${media}" is not one of ${request.media.join(', ')}`);
  const validate = request.validate();
  if (validate !== undefined && !validate(exchange.requestBody)) for (const e of validate.errors ?? []) violation(`request body ${e.instancePath || '/'}`, describe(e));
}

function checkResponse(operation: Operation, exchange: Exchange, violation: (where: string, rule: string) => void): void {
  const status = String(exchange.status);
  const documented = operation.responses.get(status) ?? operation.responses.get(`${status[0]}XX`) ?? operation.responses.get('default');
  if (documented === undefined) return violation(`response ${status}`, `status not documented (documented: ${[...operation.responses.keys()].join(', ')})`);
  if (exchange.responseBody === undefined) {
    if (documented.size > 0) violation(`response ${status} body`, `missing (documented: ${[...documented.keys()].join(', ')})`);
    return;
  }
  const media = mediaType(exchange.responseContentType);
  const validator = documented.get(media);
  if (validator === undefined) return violation(`response ${status} headers`, `Content-Type "${media}" is not documented (${[...documented.keys()].join(', ') || 'no body'})`);
  const validate = validator();
  if (validate !== undefined && !validate(exchange.responseBody)) for (const e of validate.errors ?? []) violation(`response ${status} body ${e.instancePath || '/'}`, describe(e));
}

const mediaType = (header: string | undefined) => (header ?? '').split(';')[0]!.trim().toLowerCase();

function fitsType(value: string, type: string | undefined): boolean {
  if (type === 'integer') return /^-?\d+$/.test(value);
  if (type === 'number') return value.trim() !== '' && Number.isFinite(Number(value));
  if (type === 'boolean') return value === 'true' || value === 'false';
  return true;
}

function describe(e: ErrorObject): string {
  const params = e.params as Record<string, unknown>;
  if (e.keyword === 'additionalProperties') return `unknown property "${String(params.additionalProperty)}"`;
  if (e.keyword === 'false schema') return 'must not be sent (readOnly)';
  if (e.keyword === 'enum') return `${e.message} (${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')})`;
  return `${e.keyword}: ${e.message ?? ''}`;
}
