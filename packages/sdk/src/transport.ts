import { GatehouseError, GatehouseNetworkError, parseRetryAfter } from './errors.js';

/**
 * Retries with exponential backoff and full jitter (a random wait between 0 and `baseDelayMs · 2^retry`, at most
 * `maxDelayMs`), never shorter than the server's `Retry-After`. Capped in count and in total time: a wait that
 * would end past `maxElapsedMs` is not started, and the last error is thrown instead.
 */
export interface RetryOptions {
  /** Attempts in all, the first one included (default 4). 1 turns retries off. */
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Time budget of one call, waits included (default 30 s). */
  maxElapsedMs?: number;
}

export interface TransportOptions {
  retry?: RetryOptions;
  /** Timeout of one attempt (default 30 s); a timed-out attempt counts as a network error. */
  timeoutMs?: number;
  /** The fetch to use (default the global one), e.g. to route through a proxy agent. */
  fetch?: typeof fetch;
  /** How to wait between attempts (default setTimeout). */
  sleep?: (ms: number) => Promise<void>;
  /** Source of jitter in [0, 1) (default Math.random). */
  random?: () => number;
  userAgent?: string;
}

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  /** Computed for each attempt, so that signed requests are signed anew (fresh nonce and timestamp). */
  headers?: () => Record<string, string> | Promise<Record<string, string>>;
  /** Sent as JSON. */
  json?: unknown;
  /**
   * Whether sending the request twice does no harm (default: GET, PUT and DELETE yes, POST and PATCH no). A request
   * that is not idempotent is retried only when the server says it did not act on it (429, 503) — never after a 5xx
   * or a broken connection, when it may have been applied.
   */
  idempotent?: boolean;
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON, the text when the answer is not JSON, undefined when empty. */
  body: unknown;
}

const RETRIED_STATUSES = new Set([429, 500, 502, 503, 504]);
/** Answers that say the request was refused before anything was done. */
const NOT_APPLIED_STATUSES = new Set([429, 503]);

export class HttpTransport {
  readonly #fetch: typeof fetch;
  readonly #retry: Required<RetryOptions>;
  readonly #timeoutMs: number;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #random: () => number;
  readonly #userAgent: string;

  constructor(options: TransportOptions = {}) {
    this.#fetch = options.fetch ?? ((input, init) => fetch(input, init));
    this.#retry = { maxAttempts: 4, baseDelayMs: 200, maxDelayMs: 10_000, maxElapsedMs: 30_000, ...options.retry };
    this.#timeoutMs = options.timeoutMs ?? 30_000;
    this.#sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.#random = options.random ?? Math.random;
    this.#userAgent = options.userAgent ?? 'gatehouse-sdk/0.1.0';
  }

  /**
   * Sends a request, retrying 429, 5xx and network failures (only 429 and 503 for requests that are not idempotent).
   * Answers 2xx; anything else throws a
   * {@link GatehouseError}, an unreachable server a {@link GatehouseNetworkError}.
   */
  async send(request: HttpRequest): Promise<HttpResponse> {
    const started = Date.now();
    const idempotent = request.idempotent ?? !['POST', 'PATCH'].includes(request.method);
    const retried = idempotent ? RETRIED_STATUSES : NOT_APPLIED_STATUSES;
    for (let attempt = 1; ; attempt += 1) {
      let failure: GatehouseError | GatehouseNetworkError;
      let retryAfterMs: number | undefined;
      try {
        const response = await this.#attempt(request);
        if (response.status < 400) return response;
        failure = GatehouseError.fromResponse(response.status, response.body, response.headers);
        if (!retried.has(response.status)) throw failure;
        retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
      } catch (error) {
        if (error instanceof GatehouseError) throw error;
        failure = new GatehouseNetworkError(request.url, error);
        if (!idempotent) throw failure;
      }
      if (attempt >= this.#retry.maxAttempts) throw failure;
      const ceiling = Math.min(this.#retry.maxDelayMs, this.#retry.baseDelayMs * 2 ** (attempt - 1));
      const delay = Math.max(retryAfterMs ?? 0, Math.floor(this.#random() * ceiling));
      if (Date.now() - started + delay > this.#retry.maxElapsedMs) throw failure;
      await this.#sleep(delay);
    }
  }

  async #attempt(request: HttpRequest): Promise<HttpResponse> {
    const headers: Record<string, string> = {
      Accept: 'application/json',
      'User-Agent': this.#userAgent,
      ...(request.headers ? await request.headers() : {}),
    };
    let body: string | undefined;
    if (request.json !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(request.json);
    }
    const response = await this.#fetch(request.url, {
      method: request.method,
      headers,
      body,
      signal: AbortSignal.timeout(this.#timeoutMs),
    });
    const text = await response.text();
    let parsed: unknown;
    if (text !== '') {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
    }
    return { status: response.status, headers: response.headers, body: parsed };
  }
}
