import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { GenAdsConfig } from '../config.js';
import { abortableSleep, retryAfterMs } from '../../../platform/http/retry-timing.js';

/**
 * A client for Replicate's HTTP prediction API (https://replicate.com/docs/reference/http),
 * written against the protocol rather than the SDK so its behaviour under failure is ours:
 *
 * - create: `POST /v1/models/{owner}/{name}/predictions` with `{input}` for an official model
 *   ("owner/name", always its latest version), or `POST /v1/predictions` with `{version, input}`
 *   for a pinned "owner/name:version";
 * - poll `GET /v1/predictions/{id}` (the `urls.get` Replicate returns) every `pollMs` until
 *   succeeded / failed / canceled;
 * - 429 waits for `Retry-After`; 5xx and network errors retry with exponential backoff;
 * - an overall timeout after which the prediction is canceled remotely
 *   (`POST /v1/predictions/{id}/cancel`) so it stops costing money, and the same on abort;
 * - outputs (a URL or a list of URLs) are streamed to disk.
 */
export type PredictionStatus = 'starting' | 'processing' | 'succeeded' | 'failed' | 'canceled' | 'aborted';

export interface Prediction {
  id: string;
  status: PredictionStatus;
  output?: unknown;
  error?: unknown;
  logs?: string | null;
  metrics?: { predict_time?: number; total_time?: number };
  urls?: { get?: string; cancel?: string; stream?: string; web?: string };
  created_at?: string;
  started_at?: string | null;
  completed_at?: string | null;
}

export type ReplicateErrorKind =
  | 'auth'
  | 'billing'
  | 'not_found'
  | 'invalid_input'
  | 'rate_limited'
  | 'server'
  | 'network'
  | 'failed'
  | 'canceled'
  | 'timeout'
  | 'bad_output'
  | 'download';

export class ReplicateError extends Error {
  constructor(
    message: string,
    public readonly kind: ReplicateErrorKind,
    public readonly details: { status?: number; predictionId?: string; cause?: unknown } = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'ReplicateError';
  }
}

export interface ReplicateClientOptions {
  /** e.g. "https://api.replicate.com" (GENADS_REPLICATE_BASE_URL). */
  baseUrl: string;
  /** GENADS_REPLICATE_API_TOKEN. */
  apiToken: string | undefined;
  /** Between status polls; default 2000. */
  pollMs?: number;
  /** Whole prediction (create + wait) and, separately, each download; default 600 000. */
  timeoutMs?: number;
  /** Retries per HTTP call on 429, 5xx and network errors; default 4. */
  maxRetries?: number;
  /** First backoff step, doubled each retry (capped at 30 s); default 1000. */
  retryBaseMs?: number;
  /** One HTTP exchange (not a whole prediction); default 30 000. */
  requestTimeoutMs?: number;
  /** For tests and proxies. */
  fetch?: typeof fetch;
}

export interface RunOptions {
  signal?: AbortSignal;
  /** Overrides the client's timeoutMs for this prediction. */
  timeoutMs?: number;
  /** 0-1 as the prediction goes (from its status and the percentages in its logs). */
  onProgress?: (fraction: number, prediction: Prediction) => void;
}

export interface RunResult {
  prediction: Prediction;
  /** Output URLs, in the order the model returned them. */
  outputUrls: string[];
  /** Seconds of GPU time billed: metrics.predict_time, or started_at→completed_at when Replicate omits it. */
  predictTime: number;
}

/** A parsed model reference: "owner/name" or "owner/name:version". */
export interface ModelRef {
  owner: string;
  name: string;
  version?: string;
}

export function parseModelRef(model: string): ModelRef {
  const m = /^([\w.-]+)\/([\w.-]+)(?::([0-9a-f]{64}))?$/.exec(model.trim());
  if (!m) throw new ReplicateError(`"${model}" is not a Replicate model reference: use "owner/name" or "owner/name:<64-hex version>"`, 'invalid_input');
  return { owner: m[1], name: m[2], version: m[3] };
}

const TERMINAL = new Set<PredictionStatus>(['succeeded', 'failed', 'canceled', 'aborted']);

export class ReplicateClient {
  private readonly base: URL;
  private readonly pollMs: number;
  private readonly timeoutMs: number;
  private readonly maxRetries: number;
  private readonly retryBaseMs: number;
  private readonly requestTimeoutMs: number;
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly options: ReplicateClientOptions) {
    this.base = new URL(options.baseUrl.replace(/\/+$/, '') + '/');
    this.pollMs = options.pollMs ?? 2000;
    this.timeoutMs = options.timeoutMs ?? 600_000;
    this.maxRetries = options.maxRetries ?? 4;
    this.retryBaseMs = options.retryBaseMs ?? 1000;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
    this.fetchImpl = options.fetch ?? fetch;
  }

  static fromConfig(replicate: GenAdsConfig['replicate']): ReplicateClient {
    return new ReplicateClient({ baseUrl: replicate.baseUrl, apiToken: replicate.apiToken, pollMs: replicate.pollMs, timeoutMs: replicate.timeoutMs });
  }

  /** Starts a prediction. Not aborted mid-request by `signal` (see `run`), only between retries. */
  async create(model: string, input: Record<string, unknown>, signal?: AbortSignal): Promise<Prediction> {
    const ref = parseModelRef(model);
    const url = ref.version ? this.url('v1/predictions') : this.url(`v1/models/${encodeURIComponent(ref.owner)}/${encodeURIComponent(ref.name)}/predictions`);
    const body = ref.version ? { version: ref.version, input } : { input };
    return this.request<Prediction>('POST', url, body, { signal, abortInFlight: false, context: { model } });
  }

  async get(prediction: Prediction | string, signal?: AbortSignal): Promise<Prediction> {
    const url = typeof prediction === 'string' ? this.url(`v1/predictions/${encodeURIComponent(prediction)}`) : this.sameOriginOr(prediction.urls?.get, `v1/predictions/${encodeURIComponent(prediction.id)}`);
    return this.request<Prediction>('GET', url, undefined, { signal, context: { predictionId: typeof prediction === 'string' ? prediction : prediction.id } });
  }

  /** Asks Replicate to stop a prediction; it stops billing from then on. */
  async cancel(prediction: Prediction | string, signal?: AbortSignal): Promise<Prediction> {
    const id = typeof prediction === 'string' ? prediction : prediction.id;
    const url = typeof prediction === 'string' ? this.url(`v1/predictions/${encodeURIComponent(id)}/cancel`) : this.sameOriginOr(prediction.urls?.cancel, `v1/predictions/${encodeURIComponent(id)}/cancel`);
    return this.request<Prediction>('POST', url, undefined, { signal, context: { predictionId: id } });
  }

  /**
   * Creates a prediction and waits for it. On timeout or abort the prediction is canceled on
   * Replicate before this throws (a ReplicateError of kind "timeout", or the signal's reason).
   * If the abort lands while the create request is in flight, this returns at once and cancels
   * the prediction as soon as the create answers, so no prediction is left running unseen.
   */
  async run(model: string, input: Record<string, unknown>, options: RunOptions = {}): Promise<RunResult> {
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(new Error('deadline')), timeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, deadline.signal]) : deadline.signal;
    let prediction: Prediction | undefined;
    try {
      const creating = this.create(model, input, signal);
      try {
        prediction = await untilAborted(creating, signal);
      } catch (err) {
        if (signal.aborted) creating.then((p) => this.cancelQuietly(p)).catch(() => undefined);
        throw err;
      }
      options.onProgress?.(progressOf(prediction), prediction);
      while (!TERMINAL.has(prediction.status)) {
        await abortableSleep(this.pollMs, signal);
        prediction = await this.get(prediction, signal);
        options.onProgress?.(progressOf(prediction), prediction);
      }
    } catch (err) {
      if (prediction && !TERMINAL.has(prediction.status)) await this.cancelQuietly(prediction);
      if (options.signal?.aborted) throw options.signal.reason;
      if (deadline.signal.aborted) {
        const what = prediction ? `prediction ${prediction.id} (${prediction.status})` : 'the prediction';
        throw new ReplicateError(
          `Replicate ${what} for ${model} did not finish within ${timeoutMs >= 1000 ? `${Math.round(timeoutMs / 1000)} s` : `${timeoutMs} ms`} and was canceled: retry later, or raise GENADS_PROVIDER_TIMEOUT_MS if the model is just slow`,
          'timeout',
          { predictionId: prediction?.id },
        );
      }
      throw err;
    } finally {
      clearTimeout(timer);
    }

    if (prediction.status === 'failed') {
      throw new ReplicateError(`Replicate prediction ${prediction.id} for ${model} failed: ${errorText(prediction.error) || 'no error message given'}`, 'failed', { predictionId: prediction.id });
    }
    if (prediction.status !== 'succeeded') {
      throw new ReplicateError(`Replicate prediction ${prediction.id} for ${model} was ${prediction.status} before it finished (by someone else, or by Replicate)`, 'canceled', { predictionId: prediction.id });
    }
    const outputUrls = outputUrlsOf(prediction.output);
    if (outputUrls.length === 0) {
      throw new ReplicateError(`Replicate prediction ${prediction.id} for ${model} succeeded without an output URL (output: ${JSON.stringify(prediction.output)?.slice(0, 200)})`, 'bad_output', { predictionId: prediction.id });
    }
    return { prediction, outputUrls, predictTime: predictTimeOf(prediction) };
  }

  /**
   * Streams `url` into `path` (written to `path.part`, then renamed, so a half download never
   * looks like a file). The token is sent only to Replicate's own origin: output files live on a
   * CDN that needs none, and a token must not leak to another host.
   */
  async download(url: string, path: string, signal?: AbortSignal): Promise<number> {
    const deadline = AbortSignal.timeout(this.timeoutMs);
    const combined = signal ? AbortSignal.any([signal, deadline]) : deadline;
    const part = `${path}.part`;
    let lastError: unknown;
    for (let attempt = 0; attempt <= this.maxRetries; attempt++) {
      if (attempt > 0) await abortableSleep(this.backoff(attempt), combined);
      combined.throwIfAborted();
      let res: Response;
      try {
        res = await this.fetchImpl(url, { headers: this.isSameOrigin(url) ? this.authHeaders() : {}, signal: combined });
      } catch (err) {
        if (combined.aborted) throw signal?.aborted ? signal.reason : new ReplicateError(`download of ${url} timed out`, 'download', { cause: err });
        lastError = err;
        continue;
      }
      if (!res.ok || !res.body) {
        await res.body?.cancel().catch(() => undefined);
        lastError = new ReplicateError(`downloading the output ${url} answered HTTP ${res.status}`, 'download', { status: res.status });
        if (res.status === 429 || res.status >= 500) {
          const wait = retryAfterMs(res);
          if (wait !== null) await abortableSleep(wait, combined);
          continue;
        }
        throw lastError;
      }
      try {
        let bytes = 0;
        const body = Readable.fromWeb(res.body as unknown as WebReadableStream<Uint8Array>);
        body.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
        });
        await pipeline(body, createWriteStream(part), { signal: combined });
        await rename(part, path);
        return bytes;
      } catch (err) {
        await rm(part, { force: true });
        if (combined.aborted) throw signal?.aborted ? signal.reason : new ReplicateError(`download of ${url} timed out`, 'download', { cause: err });
        lastError = err;
      }
    }
    if (lastError instanceof ReplicateError) throw lastError;
    throw new ReplicateError(`could not download the output ${url}: ${(lastError as Error)?.message ?? String(lastError)}`, 'download', { cause: lastError });
  }

  private async cancelQuietly(prediction: Prediction): Promise<void> {
    try {
      await this.cancel(prediction, AbortSignal.timeout(15_000));
    } catch {
      // Best effort: the caller is already failing for a better reason; Replicate also ends predictions at its own limit.
    }
  }

  private url(path: string): string {
    return new URL(path, this.base).toString();
  }

  /** Replicate's own link when it points at the configured API (the token goes there), else the path on the base URL. */
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
    return this.options.apiToken ? { authorization: `Bearer ${this.options.apiToken}` } : {};
  }

  private backoff(attempt: number): number {
    return Math.min(30_000, this.retryBaseMs * 2 ** (attempt - 1));
  }

  private async request<T>(
    method: 'GET' | 'POST',
    url: string,
    body: unknown,
    opts: { signal?: AbortSignal; abortInFlight?: boolean; context: { model?: string; predictionId?: string } },
  ): Promise<T> {
    const { signal } = opts;
    let last: { status?: number; text?: string; error?: unknown } = {};
    for (let attempt = 0; attempt <= this.maxRetries; attempt++) {
      signal?.throwIfAborted();
      const perRequest = AbortSignal.timeout(this.requestTimeoutMs);
      let res: Response;
      try {
        res = await this.fetchImpl(url, {
          method,
          headers: { ...this.authHeaders(), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: signal && opts.abortInFlight !== false ? AbortSignal.any([signal, perRequest]) : perRequest,
        });
      } catch (err) {
        if (signal?.aborted) throw signal.reason;
        last = { error: err };
        if (attempt < this.maxRetries) await abortableSleep(this.backoff(attempt + 1), signal);
        continue;
      }
      if (res.ok) return (await res.json()) as T;
      const text = await res.text().catch(() => '');
      last = { status: res.status, text };
      if ((res.status === 429 || res.status >= 500) && attempt < this.maxRetries) {
        await abortableSleep(retryAfterMs(res) ?? this.backoff(attempt + 1), signal);
        continue;
      }
      break;
    }
    throw this.httpError(last, opts.context, url);
  }

  private httpError(last: { status?: number; text?: string; error?: unknown }, context: { model?: string; predictionId?: string }, url: string): ReplicateError {
    const { status } = last;
    const detail = problemDetail(last.text ?? '');
    const d = { status, predictionId: context.predictionId, cause: last.error };
    if (status === undefined) {
      const reason = (last.error as Error)?.message ?? String(last.error);
      return new ReplicateError(`could not reach Replicate at ${this.base.origin} after ${this.maxRetries + 1} attempts (${reason}): check GENADS_REPLICATE_BASE_URL and the network`, 'network', d);
    }
    if (status === 401) return new ReplicateError(`Replicate rejected the API token (HTTP 401${detail ? `: ${detail}` : ''}): check GENADS_REPLICATE_API_TOKEN`, 'auth', d);
    if (status === 403) return new ReplicateError(`Replicate refused access (HTTP 403${detail ? `: ${detail}` : ''}): check GENADS_REPLICATE_API_TOKEN and that its account may run ${context.model ?? 'this model'}`, 'auth', d);
    if (status === 402) return new ReplicateError(`Replicate asks for payment (HTTP 402${detail ? `: ${detail}` : ''}): set up billing or add credit on the Replicate account of GENADS_REPLICATE_API_TOKEN`, 'billing', d);
    if (status === 404) {
      return context.model
        ? new ReplicateError(`Replicate has no model or version "${context.model}" (HTTP 404): check GENADS_REPLICATE_VIDEO_MODEL / GENADS_REPLICATE_MUSIC_MODEL`, 'not_found', d)
        : new ReplicateError(`Replicate does not know ${url} (HTTP 404)${detail ? `: ${detail}` : ''}`, 'not_found', d);
    }
    if (status === 422 || status === 400) {
      return new ReplicateError(`Replicate refused the input for ${context.model ?? 'the prediction'} (HTTP ${status}): ${detail || 'no detail'}; the model's input names or limits may have changed, see its API page`, 'invalid_input', d);
    }
    if (status === 429) return new ReplicateError(`Replicate kept rate-limiting (HTTP 429) after ${this.maxRetries + 1} attempts: lower GENADS_VARIATION_CONCURRENCY or retry later`, 'rate_limited', d);
    if (status >= 500) return new ReplicateError(`Replicate answered HTTP ${status} ${this.maxRetries + 1} times${detail ? ` (${detail})` : ''}: its service may be degraded, retry later`, 'server', d);
    return new ReplicateError(`Replicate answered HTTP ${status}${detail ? `: ${detail}` : ''}`, 'server', d);
  }
}

/** Resolves like `promise`, or rejects with the signal's reason as soon as it aborts. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

function problemDetail(text: string): string {
  try {
    const j = JSON.parse(text) as { detail?: unknown; title?: unknown; error?: unknown };
    const d = j.detail ?? j.error ?? j.title;
    return typeof d === 'string' ? d.slice(0, 500) : d === undefined ? '' : JSON.stringify(d).slice(0, 500);
  } catch {
    return text.trim().slice(0, 300);
  }
}

function errorText(error: unknown): string {
  if (error === null || error === undefined) return '';
  return typeof error === 'string' ? error : JSON.stringify(error);
}

/** Output is a URL, a list of URLs, or (for some models) an object holding them. */
export function outputUrlsOf(output: unknown): string[] {
  const isUrl = (v: unknown): v is string => typeof v === 'string' && /^(https?:|data:)/.test(v);
  if (isUrl(output)) return [output];
  if (Array.isArray(output)) return output.filter(isUrl);
  if (output && typeof output === 'object') return Object.values(output).flatMap((v) => outputUrlsOf(v));
  return [];
}

function predictTimeOf(p: Prediction): number {
  const t = p.metrics?.predict_time;
  if (typeof t === 'number' && Number.isFinite(t) && t >= 0) return t;
  if (p.started_at && p.completed_at) {
    const ms = Date.parse(p.completed_at) - Date.parse(p.started_at);
    if (Number.isFinite(ms) && ms >= 0) return ms / 1000;
  }
  return 0;
}

/** Progress from the status and the last percentage in the logs (most models log a tqdm bar). */
function progressOf(p: Prediction): number {
  if (p.status === 'succeeded') return 1;
  if (p.status !== 'processing') return TERMINAL.has(p.status) ? 1 : 0.02;
  const matches = [...(p.logs ?? '').matchAll(/(\d{1,3}(?:\.\d+)?)%/g)];
  const pct = matches.length ? Math.min(100, Number(matches[matches.length - 1][1])) : 0;
  return 0.05 + 0.9 * (pct / 100);
}
