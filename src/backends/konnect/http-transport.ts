import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

/** The headers of an answer, read as the Fetch API's Headers are (names in any case; repeated values joined). */
export interface AnswerHeaders {
  get(name: string): string | null;
  getSetCookie(): string[];
}

/** One exchange's answer, its whole body read as text. */
export interface Answer {
  status: number;
  headers: AnswerHeaders;
  text: string;
}

/**
 * No answer came: the connection failed or dropped (`code` is the socket error's, e.g. ECONNRESET),
 * or nothing arrived within the timeout (`code` TIMEOUT). The message says which, in words, on one
 * line. The caller decides whether to retry.
 */
export class NoAnswerError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'NoAnswerError';
  }
}

export interface Exchange {
  method: string;
  /** Path and query, appended to the transport's base URL. */
  target: string;
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
}

/**
 * HTTP/1.1 to one base URL over node:http(s) with kept-alive connections: a few tenths of a
 * millisecond of CPU per request where `fetch` (undici's WHATWG streams, a transferable
 * AbortSignal per request) cost well over one. Redirects are never followed (Konnect does not
 * redirect, and following one could carry the token elsewhere). Idle connections do not keep the
 * process alive, and one the server announces it will close (`Keep-Alive: timeout=N`) is dropped first.
 */
export class HttpTransport {
  readonly #send: typeof httpRequest;
  readonly #agent: HttpAgent;
  readonly #host: string;
  readonly #port: number | undefined;
  readonly #basePath: string;

  constructor(baseUrl: string) {
    const url = new URL(baseUrl);
    const https = url.protocol === 'https:';
    this.#send = https ? httpsRequest : httpRequest;
    this.#agent = https ? new HttpsAgent({ keepAlive: true }) : new HttpAgent({ keepAlive: true });
    // A bracketed IPv6 literal is a hostname without its brackets.
    this.#host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    this.#port = url.port === '' ? undefined : Number(url.port);
    this.#basePath = url.pathname.replace(/\/+$/, '');
  }

  /** Sends one request and reads its whole answer; rejects with NoAnswerError when none comes. */
  exchange({ method, target, headers, body, timeoutMs }: Exchange): Promise<Answer> {
    return new Promise<Answer>((resolve, reject) => {
      let settled = false;
      const fail = (error: NoAnswerError) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        request.destroy();
        reject(error);
      };
      const request = this.#send(
        {
          host: this.#host,
          port: this.#port,
          path: `${this.#basePath}${target}`,
          method,
          agent: this.#agent,
          headers: body === undefined ? headers : { ...headers, 'Content-Length': String(Buffer.byteLength(body)) },
        },
        (response: IncomingMessage) => {
          let text = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => (text += chunk));
          response.on('end', () => {
            if (settled) return;
            settled = true;
            clearTimeout(timer);
            resolve({ status: response.statusCode ?? 0, headers: new NodeAnswerHeaders(response.headers), text });
          });
          response.on('aborted', () => fail(new NoAnswerError('ECONNRESET', 'connection closed during the answer (ECONNRESET)')));
          response.on('error', (error) => fail(noAnswer(error)));
        },
      );
      // The whole exchange, the answer's body included, within the timeout (as fetch's AbortSignal.timeout did).
      const timer = setTimeout(() => fail(new NoAnswerError('TIMEOUT', `no answer within ${timeoutMs} ms`)), timeoutMs);
      request.on('error', (error) => fail(noAnswer(error)));
      request.end(body);
    });
  }
}

/** Socket errors as a person reads them. */
const SOCKET_ERRORS: Record<string, string> = {
  ECONNRESET: 'connection reset',
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
};

/** What went wrong, in words and with the socket error's code: `connection refused (ECONNREFUSED)`. */
function noAnswer(error: Error): NoAnswerError {
  if (error instanceof NoAnswerError) return error;
  const raw = (error as NodeJS.ErrnoException).code;
  const code = typeof raw === 'string' ? raw : 'ERR_CONNECTION';
  // node's words for a connection closed before any answer came.
  const words = error.message === 'socket hang up' ? 'connection closed without an answer' : (SOCKET_ERRORS[code] ?? error.message);
  return new NoAnswerError(code, `${words} (${code})`);
}

class NodeAnswerHeaders implements AnswerHeaders {
  // Private: a Set-Cookie header holds the session cookie.
  readonly #raw: IncomingHttpHeaders;
  constructor(raw: IncomingHttpHeaders) {
    this.#raw = raw;
  }

  get(name: string): string | null {
    const value = this.#raw[name.toLowerCase()];
    if (value === undefined) return null;
    return Array.isArray(value) ? value.join(', ') : value;
  }

  getSetCookie(): string[] {
    return this.#raw['set-cookie'] ?? [];
  }
}
