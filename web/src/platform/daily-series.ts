/**
 * The API's usage series (one row per UTC day and action, only for days with events) made
 * ready to draw: `byDay` fills the missing days with zeros, so a quiet day shows as an empty
 * slot rather than disappearing from the axis. No React here, so it is unit-tested in node
 * (test/web/daily-series.test.ts).
 */
export interface DailyRow {
  day: string;
  action: string;
  events: number;
  bytes: number;
}

export type DayPoint = { day: string } & Record<string, number | string>;

/** Every UTC day from `from` to `to` (YYYY-MM-DD), oldest first. */
export function daysBetween(from: Date, to: Date): string[] {
  const days: string[] = [];
  const cursor = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate()));
  while (cursor < to) {
    days.push(cursor.toISOString().slice(0, 10));
    cursor.setUTCDate(cursor.getUTCDate() + 1);
  }
  return days;
}

/** One point per day with a key per action (`field` of each), zero where nothing happened. */
export function byDay(rows: DailyRow[], from: Date, to: Date, field: 'events' | 'bytes'): { points: DayPoint[]; actions: string[] } {
  const actions = [...new Set(rows.map((r) => r.action))].sort();
  const points = new Map<string, DayPoint>(daysBetween(from, to).map((day) => [day, { day, ...Object.fromEntries(actions.map((a) => [a, 0])) }]));
  for (const r of rows) {
    const point = points.get(r.day);
    if (point) point[r.action] = Number(point[r.action] ?? 0) + r[field];
  }
  return { points: [...points.values()], actions };
}

/**
 * One value per day of the period from rows of `{day, [field]}` (one row a day at most).
 * Days without a row get `missing`: 0 for counts (no request counted is none made), null for a
 * level such as storage used, which has no reading that day: the chart bridges the gap rather
 * than drawing a false drop to zero.
 */
export function valuesByDay<F extends string>(
  rows: ReadonlyArray<{ day: string } & Record<F, number>>,
  field: F,
  from: Date,
  to: Date,
  missing: 0 | null,
): Array<{ day: string; value: number | null }> {
  const byDay = new Map(rows.map((r) => [r.day, r[field]]));
  return daysBetween(from, to).map((day) => ({ day, value: byDay.get(day) ?? missing }));
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

