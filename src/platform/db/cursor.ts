import { sql, type SelectQueryBuilder } from 'kysely';
import { z } from 'zod';
import { badRequest } from '../errors.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './page.js';

/**
 * Cursor pages for lists that grow while being read (audit log, captures), newest first:
 * the cursor is the (timestamp, id) of the last row seen, so appended rows never shift a page.
 * The timestamp keeps Postgres' microseconds (a JS Date would cut them to milliseconds, and
 * rows written in the same millisecond or transaction would then fall between two pages).
 * Clients treat the cursor as opaque; a tampered one answers 400 INVALID_CURSOR.
 */

export const cursorQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE),
  cursor: z.string().max(200).optional(),
});

export interface CursorRequest {
  limit: number;
  cursor?: string;
}

export interface CursorPage<T> {
  items: T[];
  next_cursor: string | null;
}

/** The zod response schema of a cursor page of `item`, for a route's OpenAPI description. */
export function cursorPageSchema<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), next_cursor: z.string().nullable() });
}

interface Position {
  at: string;
  id: string;
}

/** Microseconds as written here; milliseconds as cursors of earlier releases wrote them for captures. */
const POSITION_AT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}(\d{3})?Z$/;
const uuid = z.uuid();

export function encodeCursor(position: Position): string {
  return Buffer.from(`${position.at}|${position.id}`).toString('base64url');
}

export function decodeCursor(cursor: string): Position {
  const [at, id, ...rest] = Buffer.from(cursor, 'base64url').toString().split('|');
  if (rest.length || !at || !POSITION_AT.test(at) || Number.isNaN(Date.parse(at)) || !id || !uuid.safeParse(id).success) {
    throw badRequest('Invalid cursor: pass next_cursor from the previous page unchanged, or leave it out for the first page', undefined, 'INVALID_CURSOR');
  }
  return { at, id };
}

/**
 * Read one page of `query`, newest first by `keys.time` then `keys.id` (column references as
 * the query names them, e.g. 'c.captured_at'), after the request's cursor. The rows must
 * carry the id as `id`. `run` executes the page's query: by default on the builder's own
 * handle (a transaction); a one-statement tenant read passes readAsTenant.
 */
export async function fetchCursorPage<DB, TB extends keyof DB, O extends { id: string }>(
  query: SelectQueryBuilder<DB, TB, O>,
  keys: { time: string; id: string },
  request: CursorRequest,
  run: (page: SelectQueryBuilder<DB, TB, O & { cursor_at: string }>) => Promise<Array<O & { cursor_at: string }>> = (page) => page.execute(),
): Promise<CursorPage<O>> {
  const after = request.cursor ? decodeCursor(request.cursor) : null;
  const time = sql.ref(keys.time);
  const id = sql.ref(keys.id);
  // The position as seconds since the epoch with all six decimals, turned into the cursor's
  // ISO form only for the last row. (`to_char` per row cost PGlite about 0.1 ms a row: a
  // third of the audit list's time, docs/benchmarks.md `api`.)
  let q = query.select(sql<string>`extract(epoch from ${time})::text`.as('cursor_at')) as SelectQueryBuilder<DB, TB, O & { cursor_at: string }>;
  // A row comparison, so the (time, id) index serves the page.
  if (after) q = q.where(sql<boolean>`(${time}, ${id}) < (${after.at}::timestamptz, ${after.id}::uuid)`);
  const rows = await run(q.orderBy(time, 'desc').orderBy(id, 'desc').limit(request.limit + 1));
  const page = rows.slice(0, request.limit);
  const last = page.at(-1);
  return {
    items: page.map(({ cursor_at: _cursorAt, ...row }) => row as unknown as O),
    next_cursor: rows.length > request.limit && last ? encodeCursor({ at: isoFromEpoch(last.cursor_at), id: last.id }) : null,
  };
}

/**
 * PostgreSQL's `extract(epoch from t)` (a numeric with microseconds, "1764681424.123456") as
 * "2025-12-02T13:17:04.123456Z", exactly: a JS Date keeps only milliseconds, so it formats the
 * whole seconds and the microseconds are written from the digits themselves.
 */
export function isoFromEpoch(epoch: string): string {
  const m = /^(-?)(\d+)(?:\.(\d{1,6}))?$/.exec(epoch);
  if (!m) throw new Error(`Not an epoch with at most microseconds: ${epoch}`);
  // Whole seconds (exact as a double for any date) and the microseconds within them, kept apart.
  let seconds = Number(m[2]);
  let micros = Number((m[3] ?? '').padEnd(6, '0'));
  if (m[1]) {
    // Before 1970: -1.5 s is 1.5 s before midnight, i.e. second -2 plus 0.5 s.
    seconds = -seconds;
    if (micros) {
      seconds -= 1;
      micros = 1_000_000 - micros;
    }
  }
  return `${new Date(seconds * 1000).toISOString().slice(0, -5)}.${String(micros).padStart(6, '0')}Z`;
}
