import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { Agent, interceptors, request, type Dispatcher } from 'undici';
import { ProviderError } from './errors.js';
import { retryAfterSeconds } from './retry-after.js';
import type { Network } from './provider.js';

/**
 * One HTTP call to a network, with a timeout on every request and the answer mapped onto
 * ProviderError kinds. Adapters describe each network's error body with `describeError`, so
 * that an invalid_request carries the network's own words.
 */
export interface NetworkHttpOptions {
  network: Network;
  timeoutMs: number;
  /** Pulls the human message out of the network's error body. */
  describeError: (body: unknown, status: number) => string | undefined;
  /** Some networks answer 400/403 for a revoked token; the adapter says which bodies mean that. */
  isAuthError?: (body: unknown, status: number) => boolean;
  /** Networks that rate-limit with another status (Meta's Graph API: 400/403 with code 4, 17, 32, 613). */
  isRateLimited?: (body: unknown, status: number) => boolean;
  /** A wait the network gives outside the standard headers (Meta's usage headers). */
  retryAfter?: (headers: Headers) => number | undefined;
}

export interface RequestOptions {
  method?: string;
  headers?: Record<string, string>;
  /** JSON-encoded unless it is a body fetch takes as is (form, bytes, URLSearchParams). */
  json?: unknown;
  body?: BodyInit;
  signal?: AbortSignal;
  /** What the call is doing, for messages ("uploading the image"). */
  step: string;
  /** Error statuses whose body the adapter reads itself (Bluesky's 409 for a video it already has). */
  acceptStatuses?: number[];
}

/**
 * undici's own request rather than fetch (which is undici with web streams around it): a
 * third of the CPU per call, which a due minute of thousands of posts spends thousands of
 * times. Redirects are followed as fetch follows them.
 */
const dispatcher = new Agent().compose(interceptors.redirect({ maxRedirections: 20 }));

export class NetworkHttp {
  constructor(private readonly options: NetworkHttpOptions) {}

  /** Sends the request and returns the parsed JSON body (undefined for an empty body). */
  async request<T = unknown>(url: string | URL, req: RequestOptions): Promise<{ body: T; headers: Headers; status: number }> {
    const { network, timeoutMs } = this.options;
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = req.signal ? AbortSignal.any([req.signal, timeout]) : timeout;
    const headers: Record<string, string> = { accept: 'application/json', ...req.headers };
    let body: string | Uint8Array | Readable | undefined;
    if (req.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(req.json);
    } else {
      body = encodeBody(req.body, headers);
    }
    let status: number;
    let responseHeaders: Headers;
    let text: string;
    try {
      const res = await request(url, { method: (req.method ?? 'GET') as Dispatcher.HttpMethod, headers, body, signal, dispatcher });
      status = res.statusCode;
      responseHeaders = toHeaders(res.headers);
      text = await res.body.text();
    } catch (err) {
      if (req.signal?.aborted) throw req.signal.reason;
      const timedOut = timeout.aborted;
      throw new ProviderError(
        network,
        'unavailable',
        timedOut
          ? `${label(network)} did not answer within ${timeoutMs / 1000} s while ${req.step}; try again later (scheduled posts are retried on their own)`
          : `${label(network)} could not be reached while ${req.step} (${(err as Error).message}); try again later (scheduled posts are retried on their own)`,
        { cause: err },
      );
    }
    const parsed = parseBody(text);
    if ((status >= 200 && status < 300) || req.acceptStatuses?.includes(status)) return { body: parsed as T, headers: responseHeaders, status };
    throw this.toError(status, responseHeaders, parsed, req.step);
  }

  private toError(status: number, headers: Headers, body: unknown, step: string): ProviderError {
    const { network } = this.options;
    const said = this.options.describeError(body, status) ?? (typeof body === 'string' && body ? body.slice(0, 300) : undefined);
    const suffix = said ? `: ${said}` : '';
    const base = { networkStatus: status, networkMessage: said };
    if (status === 429 || this.options.isRateLimited?.(body, status)) {
      const wait = retryAfterSeconds(headers) ?? this.options.retryAfter?.(headers);
      return new ProviderError(network, 'rate_limited', `${label(network)} rate-limited the account while ${step}${wait ? `; retry after ${wait} s` : ''}${suffix}`, {
        ...base,
        retryAfterSeconds: wait,
      });
    }
    if (status === 401 || this.options.isAuthError?.(body, status)) {
      return new ProviderError(network, 'auth_revoked', `${label(network)} no longer accepts this account's token (${step})${suffix}; reconnect the account`, base);
    }
    if (status >= 500 || status === 408) {
      return new ProviderError(network, 'unavailable', `${label(network)} failed with ${status} while ${step}${suffix}; try again later (scheduled posts are retried on their own)`, {
        ...base,
        retryAfterSeconds: retryAfterSeconds(headers),
      });
    }
    return new ProviderError(network, 'invalid_request', `${label(network)} refused the request while ${step} (${status})${suffix}`, base);
  }
}

const LABELS: Record<Network, string> = { x: 'X', linkedin: 'LinkedIn', facebook: 'Facebook', instagram: 'Instagram', bluesky: 'Bluesky', mastodon: 'Mastodon' };
export const label = (network: Network) => LABELS[network];

function parseBody(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * A body as undici takes it, with the content type fetch would give it: forms (multipart with
 * their boundary, or urlencoded), blobs and streams are encoded by the same Response that
 * fetch uses, so the bytes on the wire are the same.
 */
function encodeBody(body: BodyInit | undefined, headers: Record<string, string>): string | Uint8Array | Readable | undefined {
  if (body === undefined || typeof body === 'string' || body instanceof Uint8Array) return body;
  const encoded = new Response(body);
  const type = encoded.headers.get('content-type');
  if (type && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = type;
  return encoded.body ? Readable.fromWeb(encoded.body as NodeReadableStream) : undefined;
}

function toHeaders(raw: Record<string, string | string[] | undefined>): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw)) {
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else if (value !== undefined) headers.append(name, value);
  }
  return headers;
}

/** Joins a configured base URL (which may carry a path, e.g. a fake's prefix) and an API path. */
export function apiUrl(base: string, path: string, query?: Record<string, string | undefined>): URL {
  const url = new URL(base.replace(/\/+$/, '') + path);
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) url.searchParams.set(k, v);
  return url;
}

/** Resolves after `ms`, or rejects at once when the signal aborts (polling loops). */
export function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(t), reject(signal.reason)), { once: true });
  });
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
