import { abortableSleep, retryAfterMs } from '../../../../platform/http/retry-timing.js';

/**
 * A client for Fal.ai's queue API (https://docs.fal.ai/model-apis/model-endpoints/queue),
 * written against the HTTP protocol so its failures are ours to name:
 *
 * - submit: `POST {base}/{model}` with the model's input as JSON, `Authorization: Key …`;
 *   Fal answers `{request_id, status_url, response_url, cancel_url}`;
 * - poll `GET …/requests/{id}/status?logs=1` until `COMPLETED` (IN_QUEUE with a
 *   queue_position, then IN_PROGRESS with logs); a completed request may carry `error`;
 * - fetch the result with `GET …/requests/{id}` (the response_url);
 * - cancel with `PUT …/requests/{id}/cancel` (202 CANCELLATION_REQUESTED, 400
 *   ALREADY_COMPLETED), sent on timeout and abort so an abandoned request stops costing;
 * - 429 and 5xx are retried with backoff (Retry-After honoured); status/result reads also on
 *   network errors. A submit is retried only when Fal answered (429/5xx): a submit lost in
 *   flight may have been queued, and a blind resubmit would pay twice.
 *
 * Status and result URLs use the model's app id without its subpath ("fal-ai/flux/schnell"
 * is polled under "fal-ai/flux"): the URLs Fal returns are followed when they point at the
 * configured base, else built that way. The key is never sent to another origin (results'
 * files live on Fal's CDN).
 *
 * Interface: `FalQueueClient` (submit, status, result, cancel, run, download), `FalError`.
 */

export type FalStatus = 'IN_QUEUE' | 'IN_PROGRESS' | 'COMPLETED';

export interface FalHandle {
  model: string;
  requestId: string;
  statusUrl: string;
  responseUrl: string;
  cancelUrl: string;
}

export interface FalStatusReply {
  status: FalStatus;
  queue_position?: number;
  logs?: Array<{ message: string; timestamp?: string; level?: string }> | null;
  error?: string | null;
  error_type?: string | null;
  response_url?: string;
}

export type FalErrorKind = 'auth' | 'billing' | 'not_found' | 'invalid_input' | 'rate_limited' | 'server' | 'network' | 'failed' | 'timeout' | 'bad_output' | 'download';

export class FalError extends Error {
  constructor(
    message: string,
    public readonly kind: FalErrorKind,
    public readonly details: { status?: number; requestId?: string; cause?: unknown } = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'FalError';
  }

  /** Worth retrying the whole job later (the service, not the input, failed). */
  get retryable(): boolean {
    return ['rate_limited', 'server', 'network', 'timeout', 'download'].includes(this.kind);
  }
}

export interface FalClientOptions {
  /** "https://queue.fal.run" unless testing against a fake. */
  baseUrl: string;
  /** The Fal API key (sent as "Key …"); undefined only for public models. */
  apiKey: string | undefined;
  /** Between status polls; default 1000. */
  pollMs?: number;
  /** A whole request (submit + wait + result); default 300 000. */
  timeoutMs?: number;
  /** Retries per HTTP call on 429, 5xx (and network errors for reads); default 4. */
  maxRetries?: number;
  /** First backoff step, doubled each retry, capped at 30 s; default 500. */
  retryBaseMs?: number;
  /** One HTTP exchange; default 30 000. */
  requestTimeoutMs?: number;
  /** Largest result file accepted by download(); default 40 MB. */
  maxDownloadBytes?: number;
  fetch?: typeof fetch;
}

export interface FalRunOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  /** 0-1 from the status (queue position, in progress, done). */
  onProgress?: (fraction: number, status: FalStatusReply) => void;
}

const MODEL = /^[\w.-]+\/[\w.-]+(\/[\w.-]+)*$/;

export class FalQueueClient {
  private readonly base: URL;
  private readonly pollMs: number;
  private readonly timeoutMs: number;
  private readonly maxRetries: number;
  private readonly retryBaseMs: number;
  private readonly requestTimeoutMs: number;
  private readonly maxDownloadBytes: number;
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly options: FalClientOptions) {
    this.base = new URL(options.baseUrl.replace(/\/+$/, '') + '/');
    this.pollMs = options.pollMs ?? 1000;
    this.timeoutMs = options.timeoutMs ?? 300_000;
    this.maxRetries = options.maxRetries ?? 4;
    this.retryBaseMs = options.retryBaseMs ?? 500;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
    this.maxDownloadBytes = options.maxDownloadBytes ?? 40 * 1024 * 1024;
    this.fetchImpl = options.fetch ?? fetch;
  }

  async submit(model: string, input: Record<string, unknown>, signal?: AbortSignal): Promise<FalHandle> {
    if (!MODEL.test(model)) throw new FalError(`"${model}" is not a Fal model id: use "owner/app" or "owner/app/path" (e.g. "fal-ai/flux/schnell")`, 'invalid_input');
    const reply = await this.request<{ request_id?: string; status_url?: string; response_url?: string; cancel_url?: string }>('POST', this.url(model), input, { signal, model, retryNetwork: false });
    if (!reply.request_id) throw new FalError(`Fal accepted the request for ${model} but returned no request_id`, 'bad_output');
    const app = model.split('/').slice(0, 2).join('/');
    const id = encodeURIComponent(reply.request_id);
    return {
      model,
      requestId: reply.request_id,
      statusUrl: this.sameOriginOr(reply.status_url, `${app}/requests/${id}/status`),
      responseUrl: this.sameOriginOr(reply.response_url, `${app}/requests/${id}`),
      cancelUrl: this.sameOriginOr(reply.cancel_url, `${app}/requests/${id}/cancel`),
    };
  }

  async status(handle: FalHandle, signal?: AbortSignal): Promise<FalStatusReply> {
    const url = new URL(handle.statusUrl);
    url.searchParams.set('logs', '1');
    return this.request<FalStatusReply>('GET', url.toString(), undefined, { signal, model: handle.model, requestId: handle.requestId });
  }

  async result<T = unknown>(handle: FalHandle, signal?: AbortSignal): Promise<T> {
    return this.request<T>('GET', handle.responseUrl, undefined, { signal, model: handle.model, requestId: handle.requestId, failed: true });
  }

  /** True when Fal took the cancellation, false when the request had already completed. */
  async cancel(handle: FalHandle, signal?: AbortSignal): Promise<boolean> {
    try {
      await this.request('PUT', handle.cancelUrl, undefined, { signal, model: handle.model, requestId: handle.requestId });
      return true;
    } catch (err) {
      if (err instanceof FalError && err.details.status === 400) return false;
      throw err;
    }
  }

  /**
   * Submits and waits for the result. On timeout or abort the request is canceled on Fal
   * before this throws (a FalError "timeout", or the signal's reason).
   */
  async run<T = unknown>(model: string, input: Record<string, unknown>, options: FalRunOptions = {}): Promise<{ handle: FalHandle; result: T }> {
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    const deadline = AbortSignal.timeout(timeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
    let handle: FalHandle | undefined;
    let done = false;
    try {
      handle = await this.submit(model, input, signal);
      let status = await this.status(handle, signal);
      options.onProgress?.(progressOf(status), status);
      while (status.status !== 'COMPLETED') {
        await abortableSleep(this.pollMs, signal);
        status = await this.status(handle, signal);
        options.onProgress?.(progressOf(status), status);
      }
      done = true;
      if (status.error) {
        throw new FalError(`Fal request ${handle.requestId} for ${model} failed: ${status.error}${status.error_type ? ` (${status.error_type})` : ''}`, 'failed', { requestId: handle.requestId });
      }
      const result = await this.result<T>(handle, signal);
      return { handle, result };
    } catch (err) {
      if (handle && !done && signal.aborted) await this.cancelQuietly(handle);
      if (options.signal?.aborted) throw options.signal.reason;
      if (deadline.aborted) {
        throw new FalError(
          `Fal ${handle ? `request ${handle.requestId}` : 'the request'} for ${model} did not finish within ${Math.round(timeoutMs / 100) / 10} s${handle ? ' and was canceled' : ''}: retry later, or raise the timeout if the model is just slow`,
          'timeout',
          { requestId: handle?.requestId },
        );
      }
      throw err;
    }
  }

  /** A result file (image) into memory, size-capped; the key goes only to the configured origin. */
  async download(url: string, signal?: AbortSignal): Promise<{ bytes: Buffer; contentType: string }> {
    if (url.startsWith('data:')) {
      const m = /^data:([^;,]+)?(;base64)?,(.*)$/s.exec(url);
      if (!m) throw new FalError('Fal returned an unreadable data URI', 'bad_output');
      return { bytes: m[2] ? Buffer.from(m[3], 'base64') : Buffer.from(decodeURIComponent(m[3])), contentType: m[1] ?? 'application/octet-stream' };
    }
    let last: unknown;
    for (let attempt = 0; attempt <= this.maxRetries; attempt++) {
      if (attempt > 0) await abortableSleep(this.backoff(attempt), signal);
      const perRequest = AbortSignal.timeout(this.requestTimeoutMs);
      let res: Response;
      try {
        res = await this.fetchImpl(url, { headers: this.isSameOrigin(url) ? this.authHeaders() : {}, signal: signal ? AbortSignal.any([signal, perRequest]) : perRequest });
      } catch (err) {
        if (signal?.aborted) throw signal.reason;
        last = err;
        continue;
      }
      if (!res.ok) {
        await res.body?.cancel().catch(() => undefined);
        last = new FalError(`downloading Fal's result ${url} answered HTTP ${res.status}`, 'download', { status: res.status });
        if (res.status === 429 || res.status >= 500) continue;
        throw last;
      }
      const declared = Number(res.headers.get('content-length') ?? 0);
      if (declared > this.maxDownloadBytes) {
        await res.body?.cancel().catch(() => undefined);
        throw new FalError(`Fal's result ${url} is ${declared} bytes, over the ${this.maxDownloadBytes}-byte limit`, 'download');
      }
      const bytes = Buffer.from(await res.arrayBuffer());
      if (bytes.length > this.maxDownloadBytes) throw new FalError(`Fal's result ${url} is over the ${this.maxDownloadBytes}-byte limit`, 'download');
      return { bytes, contentType: res.headers.get('content-type') ?? 'application/octet-stream' };
    }
    if (last instanceof FalError) throw last;
    throw new FalError(`could not download Fal's result ${url}: ${(last as Error)?.message ?? String(last)}`, 'download', { cause: last });
  }

  private async cancelQuietly(handle: FalHandle): Promise<void> {
    try {
      await this.cancel(handle, AbortSignal.timeout(10_000));
    } catch {
      // Best effort: the caller is already failing for a better reason.
    }
  }

  private url(path: string): string {
    return new URL(path, this.base).toString();
  }

  private sameOriginOr(link: string | undefined, path: string): string {
    return link && this.isSameOrigin(link) ? link : this.url(path);
  }

  private isSameOrigin(link: string): boolean {
    try {
      return new URL(link).origin === this.base.origin;
    } catch {
      return false;
    }
  }

  private authHeaders(): Record<string, string> {
    return this.options.apiKey ? { authorization: `Key ${this.options.apiKey}` } : {};
  }

  private backoff(attempt: number): number {
    return Math.min(30_000, this.retryBaseMs * 2 ** (attempt - 1));
  }

  private async request<T>(
    method: 'GET' | 'POST' | 'PUT',
    url: string,
    body: unknown,
    ctx: { signal?: AbortSignal; model: string; requestId?: string; retryNetwork?: boolean; failed?: boolean },
  ): Promise<T> {
    let last: { status?: number; text?: string; error?: unknown } = {};
    for (let attempt = 0; attempt <= this.maxRetries; attempt++) {
      ctx.signal?.throwIfAborted();
      const perRequest = AbortSignal.timeout(this.requestTimeoutMs);
      let res: Response;
      try {
        res = await this.fetchImpl(url, {
          method,
          headers: { accept: 'application/json', ...this.authHeaders(), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: ctx.signal ? AbortSignal.any([ctx.signal, perRequest]) : perRequest,
        });
      } catch (err) {
        if (ctx.signal?.aborted) throw ctx.signal.reason;
        last = { error: err };
        if (ctx.retryNetwork === false) break;
        if (attempt < this.maxRetries) await abortableSleep(this.backoff(attempt + 1), ctx.signal);
        continue;
      }
      if (res.ok) {
        try {
          return (await res.json()) as T;
        } catch (err) {
          throw new FalError(`Fal answered ${method} ${url} with something that is not JSON`, 'bad_output', { status: res.status, requestId: ctx.requestId, cause: err });
        }
      }
      const text = await res.text().catch(() => '');
      last = { status: res.status, text };
      if ((res.status === 429 || res.status >= 500) && !(ctx.failed && res.status === 500 && isModelError(text)) && attempt < this.maxRetries) {
        await abortableSleep(retryAfterMs(res) ?? this.backoff(attempt + 1), ctx.signal);
        continue;
      }
      break;
    }
    throw this.httpError(last, ctx, method === 'POST' && last.status === undefined);
  }

  private httpError(last: { status?: number; text?: string; error?: unknown }, ctx: { model: string; requestId?: string; failed?: boolean }, lostSubmit: boolean): FalError {
    const { status } = last;
    const detail = detailOf(last.text ?? '');
    const d = { status, requestId: ctx.requestId, cause: last.error };
    if (status === undefined) {
      const reason = (last.error as Error)?.message ?? String(last.error);
      return new FalError(
        lostSubmit
          ? `could not reach Fal at ${this.base.origin} to submit to ${ctx.model} (${reason}); not resubmitted in case it was queued: check the network, then retry`
          : `could not reach Fal at ${this.base.origin} after ${this.maxRetries + 1} attempts (${reason}): check the network and the Fal base URL`,
        'network',
        d,
      );
    }
    const about = ctx.requestId ? `request ${ctx.requestId} for ${ctx.model}` : ctx.model;
    if (status === 401 || status === 403) return new FalError(`Fal refused the API key (HTTP ${status}${detail ? `: ${detail}` : ''}): check the Fal key in the brandkit settings`, 'auth', d);
    if (status === 402) return new FalError(`Fal asks for payment (HTTP 402${detail ? `: ${detail}` : ''}): add credit to the Fal account`, 'billing', d);
    if (status === 404) return new FalError(`Fal does not know ${about} (HTTP 404${detail ? `: ${detail}` : ''}): check the model id`, 'not_found', d);
    if (status === 400 || status === 422) {
      if (ctx.failed) return new FalError(`Fal ${about} failed: ${detail || `HTTP ${status}`}`, 'failed', d);
      return new FalError(`Fal refused the input for ${ctx.model} (HTTP ${status}): ${detail || 'no detail'}; the model's input names or limits may have changed`, 'invalid_input', d);
    }
    if (status === 429) return new FalError(`Fal kept rate-limiting (HTTP 429) after ${this.maxRetries + 1} attempts: generate fewer variations at once or retry later`, 'rate_limited', d);
    if (ctx.failed && status === 500 && isModelError(last.text ?? '')) return new FalError(`Fal ${about} failed in the model: ${detail}`, 'failed', d);
    return new FalError(`Fal answered HTTP ${status} ${this.maxRetries + 1} times${detail ? ` (${detail})` : ''}: its service may be degraded, retry later`, 'server', d);
  }
}

/** A result read that answers 500 with a model's own error (not the service failing): no point retrying. */
function isModelError(text: string): boolean {
  try {
    const j = JSON.parse(text) as { detail?: unknown; error_type?: unknown };
    return j.error_type !== undefined;
  } catch {
    return false;
  }
}

function progressOf(s: FalStatusReply): number {
  if (s.status === 'COMPLETED') return 1;
  if (s.status === 'IN_QUEUE') return Math.max(0.01, 0.1 - Math.min(9, s.queue_position ?? 0) * 0.01);
  // Many models log "N%" or "step k/n"; use the last one.
  const last = [...(s.logs ?? [])].reverse().map((l) => /(\d{1,3})%|(\d+)\s*\/\s*(\d+)/.exec(l.message)).find(Boolean);
  const pct = last ? (last[1] ? Number(last[1]) / 100 : Number(last[2]) / Number(last[3])) : 0;
  return 0.15 + 0.8 * Math.min(1, pct);
}

/** Fal's errors: `{detail: "..."}` or FastAPI's `{detail: [{loc, msg}]}`. */
function detailOf(text: string): string {
  try {
    const j = JSON.parse(text) as { detail?: unknown; error?: unknown; status?: unknown };
    const d = j.detail ?? j.error ?? j.status;
    if (Array.isArray(d)) return d.map((e: { loc?: unknown[]; msg?: string }) => `${(e.loc ?? []).slice(1).join('.') || 'input'}: ${e.msg ?? JSON.stringify(e)}`).join('; ').slice(0, 500);
    return typeof d === 'string' ? d.slice(0, 500) : d === undefined ? '' : JSON.stringify(d).slice(0, 500);
  } catch {
    return text.trim().slice(0, 300);
  }
}
