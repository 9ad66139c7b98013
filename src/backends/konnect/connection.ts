import { UserError } from '../../errors.js';
import { escapeControl, quote } from '../../diagnostics/quote.js';
import { isLoopbackHost } from './loopback.js';
import { DEFAULT_REGION, isRegion, regionBaseUrl, REGIONS } from './regions.js';
import { Secret } from './secret.js';

/** The command-line options the konnect backend reads (as commander parses them). */
export interface KonnectOptions {
  /** --konnect-url: the admin API's base URL (the emulator, a proxy). */
  konnectUrl?: string;
  /** --region: us (default), eu, au, me, in, sg. */
  region?: string;
  /** --portal (or the config's `portal`): a portal name or id. */
  portal?: string;
  /** --portal-url: the portal's own URL, for the developer session. */
  portalUrl?: string;
  /** --parallelism: requests in flight at most (default 10). */
  parallelism?: string | number;
  /** Milliseconds before a request without an answer is given up (and retried where safe). */
  timeoutMs?: number;
  /** --insecure: allow the token and the developer's password over plain http to a host that is not this machine. */
  insecure?: boolean;
}

export interface DeveloperCredentials {
  email: string;
  password: Secret;
}

/** Everything needed to talk to Konnect, checked; secrets only as Secret. */
export interface KonnectConnection {
  /** The admin API, e.g. `https://us.api.konghq.com` (no trailing slash). */
  adminUrl: string;
  token: Secret;
  /** A portal name or id, when one was given. */
  portal?: string;
  /** The developer-facing portal's URL when given; otherwise the portal's canonical domain over https. */
  portalUrl?: string;
  /** From KONNECT_PORTAL_EMAIL / KONNECT_PORTAL_PASSWORD; without them there is no developer session. */
  developer?: DeveloperCredentials;
  parallelism: number;
  timeoutMs: number;
}

export const DEFAULT_PARALLELISM = 10;
export const MAX_PARALLELISM = 100;
export const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * The connection the options and environment describe, or a UserError (one line, exit 1) saying
 * what is wrong. No request is made. The token comes from KONNECT_TOKEN only; a secret is never
 * sent over plain http to a host that is not this machine.
 */
export function connectionFromOptions(options: KonnectOptions, env: NodeJS.ProcessEnv = process.env): KonnectConnection {
  const adminUrl = adminBaseUrl(options);
  const token = env.KONNECT_TOKEN?.trim();
  if (!token) {
    throw new UserError('KONNECT_TOKEN is not set: the konnect backend needs a Konnect personal or system access token (kpat_… or spat_…) in it');
  }
  if (!isHeaderSafe(token)) throw new UserError('KONNECT_TOKEN holds characters a token cannot have (spaces, line breaks or control characters)');
  if (options.insecure !== true) refusePlainHttp(adminUrl, 'the Konnect token', '--konnect-url');

  const portalUrl = options.portalUrl === undefined ? undefined : baseUrl(options.portalUrl, '--portal-url');
  if (portalUrl !== undefined && options.insecure !== true) refusePlainHttp(portalUrl, "the developer's password and session cookie", '--portal-url');

  return {
    adminUrl,
    token: new Secret(token),
    ...(options.portal !== undefined && options.portal.trim() !== '' ? { portal: options.portal.trim() } : {}),
    ...(portalUrl !== undefined ? { portalUrl } : {}),
    ...developerFromEnv(env),
    parallelism: parallelism(options.parallelism),
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
  };
}

function adminBaseUrl(options: KonnectOptions): string {
  if (options.konnectUrl !== undefined && options.region !== undefined) {
    throw new UserError('give --konnect-url or --region, not both');
  }
  if (options.konnectUrl !== undefined) {
    const url = baseUrl(options.konnectUrl, '--konnect-url');
    if (/\/v[23]$/.test(url)) {
      throw new UserError(`--konnect-url ${quote(options.konnectUrl)} ends with an API version: give the host only (e.g. https://eu.api.konghq.com)`);
    }
    return url;
  }
  const region = options.region ?? DEFAULT_REGION;
  if (!isRegion(region)) throw new UserError(`--region ${quote(region)} is not a Konnect region: use one of ${REGIONS.join(', ')}`);
  return regionBaseUrl(region);
}

/** An http(s) URL without credentials, query or fragment, as a base to append paths to. */
function baseUrl(text: string, flag: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UserError(`${flag} ${quote(text)} is not a URL (e.g. https://eu.api.konghq.com)`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new UserError(`${flag} ${quote(text)}: only http and https URLs are supported`);
  // A URL with a user or password would put a secret where messages show the URL.
  if (url.username || url.password) throw new UserError(`${flag}: a URL must not hold a user name or password`);
  if (url.search || url.hash) throw new UserError(`${flag} ${quote(text)}: give a URL without a query or fragment`);
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/** Refuses, before any request, to send `what` in clear to a host that is not this machine. */
function refusePlainHttp(url: string, what: string, flag: string): void {
  const { protocol, hostname } = new URL(url);
  if (protocol === 'http:' && !isLoopbackHost(hostname)) {
    throw new UserError(
      `refusing to send ${what} over plain http to ${escapeControl(hostname)} (${flag}): use https, or a loopback address (127.0.0.1, ::1, localhost), or --insecure to send it anyway`,
    );
  }
}

function developerFromEnv(env: NodeJS.ProcessEnv): { developer?: DeveloperCredentials } {
  const email = env.KONNECT_PORTAL_EMAIL?.trim() || undefined;
  const password = env.KONNECT_PORTAL_PASSWORD || undefined;
  if (email === undefined && password === undefined) return {};
  if (email === undefined) throw new UserError('KONNECT_PORTAL_PASSWORD is set but KONNECT_PORTAL_EMAIL is not: the developer session needs both');
  if (password === undefined) throw new UserError('KONNECT_PORTAL_EMAIL is set but KONNECT_PORTAL_PASSWORD is not: the developer session needs both');
  return { developer: { email, password: new Secret(password) } };
}

function parallelism(value: string | number | undefined): number {
  if (value === undefined) return DEFAULT_PARALLELISM;
  const n = typeof value === 'number' ? value : /^\s*\d+\s*$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > MAX_PARALLELISM) {
    throw new UserError(`--parallelism ${quote(String(value))} is not a whole number from 1 to ${MAX_PARALLELISM}`);
  }
  return n;
}

/** Visible ASCII only: what an HTTP header value can carry, and what Konnect tokens are made of. */
function isHeaderSafe(value: string): boolean {
  return /^[\x21-\x7e]+$/.test(value);
}
