import { abortableSleep } from '../../../../platform/http/retry-timing.js';

/**
 * A read-only NocoDB REST (v2 API) reader for the legacy wizard tables: finds a table's id by
 * its title in a base (`GET /api/v2/meta/bases/{baseId}/tables`) and pages through its
 * records (`GET /api/v2/tables/{tableId}/records?offset&limit&sort`, answer
 * `{list, pageInfo: {totalRows, isLastPage}}`), authenticating with the `xc-token` header.
 * Pages are sorted by Id so a table being written meanwhile neither skips nor repeats rows.
 * 429 and 5xx (and network errors: reads are safe) are retried with backoff.
 *
 * Interface: `NocoDbReader` (tableId(title), records(table, {pageSize, onPage}) as an async
 * generator of pages, readAll), `NocoDbError`.
 */

export type NocoDbErrorKind = 'auth' | 'not_found' | 'invalid_input' | 'rate_limited' | 'server' | 'network' | 'bad_response';

export class NocoDbError extends Error {
  constructor(
    message: string,
    public readonly kind: NocoDbErrorKind,
    public readonly details: { status?: number; cause?: unknown } = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'NocoDbError';
  }

  get retryable(): boolean {
    return this.kind === 'rate_limited' || this.kind === 'server' || this.kind === 'network';
  }
}

export interface NocoDbOptions {
  /** e.g. "https://nocodb.example.com". */
  baseUrl: string;
  /** An API token (sent as xc-token). */
  token: string;
  /** The base (project) holding the wizard tables, e.g. "p_abc123". */
  baseId: string;
  maxRetries?: number;
  retryBaseMs?: number;
  requestTimeoutMs?: number;
  fetch?: typeof fetch;
}

export type NocoRow = Record<string, unknown>;

export interface NocoPage {
  rows: NocoRow[];
  offset: number;
  totalRows: number | null;
}

export class NocoDbReader {
  private readonly base: string;
  private readonly maxRetries: number;
  private readonly retryBaseMs: number;
  private readonly requestTimeoutMs: number;
  private readonly fetchImpl: typeof fetch;
  private tables: Promise<Array<{ id: string; title: string; table_name?: string }>> | null = null;

  constructor(private readonly options: NocoDbOptions) {
    this.base = options.baseUrl.replace(/\/+$/, '');
    this.maxRetries = options.maxRetries ?? 4;
    this.retryBaseMs = options.retryBaseMs ?? 500;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
    this.fetchImpl = options.fetch ?? fetch;
  }

  /** The id of the table titled `title` (or with that table_name) in the base. */
  async tableId(title: string, signal?: AbortSignal): Promise<string> {
    this.tables ??= this.get<{ list?: Array<{ id: string; title: string; table_name?: string }> }>(`/api/v2/meta/bases/${encodeURIComponent(this.options.baseId)}/tables`, signal)
      .then((r) => r.list ?? [])
      .catch((err) => {
        this.tables = null;
        throw err;
      });
    const tables = await this.tables;
    const hit = tables.find((t) => t.title === title) ?? tables.find((t) => t.table_name === title || t.title.toLowerCase() === title.toLowerCase());
    if (!hit) throw new NocoDbError(`NocoDB base ${this.options.baseId} has no table "${title}" (it has: ${tables.map((t) => `"${t.title}"`).join(', ') || 'none'})`, 'not_found');
    return hit.id;
  }

  /** Every record of a table (by title or id), a page at a time. */
  async *records(table: string, options: { pageSize?: number; signal?: AbortSignal } = {}): AsyncGenerator<NocoPage> {
    const id = /^m[a-z0-9]{6,}$/i.test(table) ? table : await this.tableId(table, options.signal);
    const limit = Math.max(1, Math.min(1000, options.pageSize ?? 100));
    for (let offset = 0; ; ) {
      const reply = await this.get<{ list?: NocoRow[]; pageInfo?: { totalRows?: number; isLastPage?: boolean } }>(`/api/v2/tables/${encodeURIComponent(id)}/records?offset=${offset}&limit=${limit}&sort=Id`, options.signal);
      if (!Array.isArray(reply.list)) throw new NocoDbError(`NocoDB answered the records of "${table}" without a list`, 'bad_response');
      yield { rows: reply.list, offset, totalRows: reply.pageInfo?.totalRows ?? null };
      offset += reply.list.length;
      if (reply.list.length === 0 || reply.pageInfo?.isLastPage === true || (reply.pageInfo?.isLastPage === undefined && reply.list.length < limit)) return;
    }
  }

  async readAll(table: string, options: { pageSize?: number; signal?: AbortSignal; onProgress?: (read: number, total: number | null) => void } = {}): Promise<NocoRow[]> {
    const rows: NocoRow[] = [];
    for await (const page of this.records(table, options)) {
      rows.push(...page.rows);
      options.onProgress?.(rows.length, page.totalRows);
    }
    return rows;
  }

  private async get<T>(path: string, signal?: AbortSignal): Promise<T> {
    let last: { status?: number; text?: string; error?: unknown } = {};
    for (let attempt = 0; attempt <= this.maxRetries; attempt++) {
      signal?.throwIfAborted();
      const perRequest = AbortSignal.timeout(this.requestTimeoutMs);
      let res: Response;
      try {
        res = await this.fetchImpl(`${this.base}${path}`, { headers: { 'xc-token': this.options.token, accept: 'application/json' }, signal: signal ? AbortSignal.any([signal, perRequest]) : perRequest });
      } catch (err) {
        if (signal?.aborted) throw signal.reason;
        last = { error: err };
        if (attempt < this.maxRetries) await abortableSleep(this.backoff(attempt + 1), signal);
        continue;
      }
      if (res.ok) {
        try {
          return (await res.json()) as T;
        } catch (err) {
          throw new NocoDbError(`NocoDB answered ${path} with something that is not JSON`, 'bad_response', { status: res.status, cause: err });
        }
      }
      const text = await res.text().catch(() => '');
      last = { status: res.status, text };
      if ((res.status === 429 || res.status >= 500) && attempt < this.maxRetries) {
        const ra = Number(res.headers.get('retry-after'));
        await abortableSleep(Number.isFinite(ra) && ra > 0 ? Math.min(60_000, ra * 1000) : this.backoff(attempt + 1), signal);
        continue;
      }
      break;
    }
    const { status } = last;
    const msg = messageOf(last.text ?? '');
    const d = { status, cause: last.error };
    if (status === undefined) throw new NocoDbError(`could not reach NocoDB at ${this.base} after ${this.maxRetries + 1} attempts (${(last.error as Error)?.message ?? String(last.error)}): check the URL and the network, then run the import again`, 'network', d);
    if (status === 401 || status === 403) throw new NocoDbError(`NocoDB refused the token (HTTP ${status}${msg ? `: ${msg}` : ''}): create an API token in NocoDB (Team & Settings → Tokens) with read access to the base`, 'auth', d);
    if (status === 404) throw new NocoDbError(`NocoDB has no ${path.split('?')[0]} (HTTP 404${msg ? `: ${msg}` : ''}): check the base id and table`, 'not_found', d);
    if (status === 400 || status === 422) throw new NocoDbError(`NocoDB refused ${path.split('?')[0]} (HTTP ${status}): ${msg || 'no detail'}`, 'invalid_input', d);
    if (status === 429) throw new NocoDbError(`NocoDB kept rate-limiting (HTTP 429) after ${this.maxRetries + 1} attempts: run the import again later`, 'rate_limited', d);
    throw new NocoDbError(`NocoDB answered HTTP ${status} ${this.maxRetries + 1} times${msg ? ` (${msg})` : ''}: run the import again later`, 'server', d);
  }

  private backoff(attempt: number): number {
    return Math.min(30_000, this.retryBaseMs * 2 ** (attempt - 1));
  }
}

function messageOf(text: string): string {
  try {
    const j = JSON.parse(text) as { msg?: unknown; message?: unknown; error?: unknown };
    const m = j.msg ?? j.message ?? j.error;
    return typeof m === 'string' ? m.slice(0, 300) : '';
  } catch {
    return text.trim().slice(0, 200);
  }
}

