/**
 * Charts of usage over time (Recharts), shared by the usage page and the superadmin portal.
 * The API sends one row per day and action, only for days with events; `byDay` fills the
 * missing days with zeros so a quiet day shows as a gap in the bars, not as a missing day.
 */
import { Progress, Stack, Text } from '@mantine/core';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';

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

const COLORS = ['#1c7ed6', '#e8590c', '#2f9e44', '#9c36b5', '#c2255c', '#0c8599', '#f08c00', '#5c940d', '#3b5bdb', '#862e9c'];

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

/** Stacked bars per day and action; `title` names the chart for screen readers and sighted readers alike. */
export function DailyChart({ title, rows, from, to, field, testId }: { title: string; rows: DailyRow[]; from: Date; to: Date; field: 'events' | 'bytes'; testId?: string }) {
  const { points, actions } = byDay(rows, from, to, field);
  const total = rows.reduce((n, r) => n + r[field], 0);
  const format = (v: number) => (field === 'bytes' ? formatBytes(v) : v.toLocaleString());
  return (
    <figure style={{ margin: 0 }} data-testid={testId}>
      <Text component="figcaption" fw={600} mb="xs">
        {title} · total {format(total)}
      </Text>
      {actions.length === 0 ? (
        <Text c="dimmed" size="sm">Nothing in this period.</Text>
      ) : (
        <div style={{ width: '100%', height: 260 }} role="img" aria-label={`${title}: ${format(total)} over ${points.length} days, by ${actions.join(', ')}`}>
          <ResponsiveContainer>
            <BarChart data={points} margin={{ top: 4, right: 8, bottom: 4, left: 8 }} accessibilityLayer={false}>
              <CartesianGrid strokeDasharray="3 3" vertical={false} />
              <XAxis dataKey="day" tickFormatter={(d: string) => d.slice(5)} minTickGap={16} fontSize={12} />
              <YAxis tickFormatter={(v: number) => format(v)} width={field === 'bytes' ? 64 : 40} fontSize={12} allowDecimals={false} />
              <Tooltip formatter={(v) => format(Number(v))} />
              <Legend />
              {actions.map((a, i) => (
                <Bar key={a} dataKey={a} stackId="day" fill={COLORS[i % COLORS.length]} isAnimationActive={false} />
              ))}
            </BarChart>
          </ResponsiveContainer>
        </div>
      )}
    </figure>
  );
}

/** Storage used against the limit, as a bar with the numbers in words. */
export function StorageMeter({ used, limit }: { used: number; limit: number }) {
  const percent = limit > 0 ? Math.min(100, (used / limit) * 100) : 100;
  const color = percent >= 90 ? 'red' : percent >= 75 ? 'orange' : 'blue';
  return (
    <Stack gap={4} data-testid="storage-meter">
      <Text size="sm">
        {formatBytes(used)} of {formatBytes(limit)} used ({percent.toFixed(percent < 1 && percent > 0 ? 2 : 0)}%)
      </Text>
      <Progress value={percent} color={color} size="lg" aria-label={`Storage used: ${percent.toFixed(0)}% of the limit`} />
      {percent >= 90 && (
        <Text size="sm" c="red.8">
          Almost full: delete files you no longer need, or ask the platform operator for a larger limit.
        </Text>
      )}
    </Stack>
  );
}
