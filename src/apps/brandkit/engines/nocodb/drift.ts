import { isDeepStrictEqual } from 'node:util';
import type { BrandFields, LegacyBrand } from './legacy-mapping.js';

/**
 * Reconciles the legacy tables (and, if the caller adds it, what the platform already holds)
 * into one record per brand, with a drift report: for every field two sources disagree on,
 * the newer row wins (its UpdatedAt), ties and undated rows go to the source listed first
 * (Wizard Data V2 before wizard_database: V2 superseded it), and each difference is listed
 * with both values, the winner and why. Fields only one source has are taken as they are.
 * Pure: no I/O.
 *
 * Rows are matched by wizard session id, else by email and brand name.
 *
 * Interface: `reconcile(sources)` → { brands: MergedBrand[], drift: DriftEntry[] },
 * `brandKey(row)`, `formatDrift(entries)` (one line per difference, for the CLI report).
 */

export interface DriftEntry {
  key: string;
  field: keyof BrandFields | 'assets.logoUrls' | 'assets.mockupUrls';
  values: Array<{ source: string; rowId: string; value: unknown; updatedAt: string | null }>;
  winner: string;
  reason: string;
}

export interface MergedBrand {
  key: string;
  sessionId: string | null;
  email: string | null;
  fields: BrandFields;
  assets: { logoUrls: string[]; mockupUrls: string[] };
  updatedAt: Date | null;
  /** Every row that went into it. */
  rows: Array<{ source: string; rowId: string }>;
  problems: string[];
}

export function brandKey(row: Pick<LegacyBrand, 'sessionId' | 'email' | 'fields' | 'rowId' | 'table'>): string {
  if (row.sessionId) return `session:${row.sessionId}`;
  if (row.email && row.fields.name) return `email:${row.email}|${row.fields.name.trim().toLowerCase()}`;
  return `row:${row.table}:${row.rowId}`;
}

/** `sources` in precedence order for ties: e.g. [['Wizard Data V2', v2Rows], ['wizard_database', originalRows]]. */
export function reconcile(sources: Array<[string, LegacyBrand[]]>): { brands: MergedBrand[]; drift: DriftEntry[] } {
  const groups = new Map<string, Array<{ source: string; rank: number; row: LegacyBrand }>>();
  sources.forEach(([source, rows], rank) => {
    for (const row of rows) {
      const key = brandKey(row);
      const group = groups.get(key) ?? [];
      group.push({ source, rank, row });
      groups.set(key, group);
    }
  });

  const brands: MergedBrand[] = [];
  const drift: DriftEntry[] = [];
  for (const [key, group] of groups) {
    // Newest first; undated rows last; ties by source precedence, then the later row id.
    const ordered = [...group].sort((a, b) => (b.row.updatedAt?.getTime() ?? -Infinity) - (a.row.updatedAt?.getTime() ?? -Infinity) || a.rank - b.rank || Number(b.row.rowId) - Number(a.row.rowId));
    const fields: Record<string, unknown> = {};
    const fieldNames = new Set(group.flatMap((g) => Object.keys(g.row.fields)));
    for (const field of fieldNames) {
      const holders = ordered.filter((g) => (g.row.fields as Record<string, unknown>)[field] !== undefined);
      const winner = holders[0];
      fields[field] = (winner.row.fields as Record<string, unknown>)[field];
      const distinct = holders.filter((h) => !isDeepStrictEqual((h.row.fields as Record<string, unknown>)[field], fields[field]));
      if (distinct.length) drift.push(entry(key, field as keyof BrandFields, holders, winner, (h) => (h.row.fields as Record<string, unknown>)[field]));
    }
    const assets = { logoUrls: [] as string[], mockupUrls: [] as string[] };
    for (const kind of ['logoUrls', 'mockupUrls'] as const) {
      const holders = ordered.filter((g) => g.row.assets[kind].length > 0);
      if (!holders.length) continue;
      assets[kind] = holders[0].row.assets[kind];
      if (holders.some((h) => !isDeepStrictEqual(h.row.assets[kind], assets[kind]))) drift.push(entry(key, `assets.${kind}`, holders, holders[0], (h) => h.row.assets[kind]));
    }
    const newest = ordered[0].row;
    brands.push({
      key,
      sessionId: ordered.find((g) => g.row.sessionId)?.row.sessionId ?? null,
      email: ordered.find((g) => g.row.email)?.row.email ?? null,
      fields: fields as BrandFields,
      assets,
      updatedAt: newest.updatedAt,
      rows: ordered.map((g) => ({ source: g.source, rowId: g.row.rowId })),
      problems: ordered.flatMap((g) => g.row.problems.map((p) => `${g.source} row ${g.row.rowId}: ${p}`)),
    });
  }
  return { brands, drift };
}

type Holder = { source: string; rank: number; row: LegacyBrand };

function entry(key: string, field: DriftEntry['field'], holders: Holder[], winner: Holder, value: (h: Holder) => unknown): DriftEntry {
  const dated = holders.filter((h) => h.row.updatedAt);
  const tie = holders.length > 1 && holders[1].row.updatedAt?.getTime() === winner.row.updatedAt?.getTime();
  const reason = !winner.row.updatedAt
    ? `no row is dated: ${winner.source} takes precedence`
    : tie
      ? `same update time: ${winner.source} takes precedence`
      : `newer: ${winner.source} row ${winner.row.rowId} was updated ${winner.row.updatedAt.toISOString()}${dated.length < holders.length ? ' (undated rows lose)' : ''}`;
  return {
    key,
    field,
    values: holders.map((h) => ({ source: h.source, rowId: h.row.rowId, value: value(h), updatedAt: h.row.updatedAt?.toISOString() ?? null })),
    winner: winner.source,
    reason,
  };
}

export function formatDrift(entries: DriftEntry[]): string[] {
  const show = (v: unknown) => {
    const s = typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v);
    return s.length > 80 ? `${s.slice(0, 77)}...` : s;
  };
  return entries.map((e) => `${e.key} ${e.field}: ${e.values.map((v) => `${v.source}#${v.rowId}=${show(v.value)}`).join(' vs ')} → ${e.winner} (${e.reason})`);
}
