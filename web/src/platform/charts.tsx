/** Charts of usage over time (Recharts), shared by the usage page and the superadmin portal. */
import { Progress, Stack, Text } from '@mantine/core';
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { byDay, formatBytes, valuesByDay, type DailyRow } from './daily-series';

export { formatBytes } from './daily-series';

/**
 * Tooltip rows in the text colour: Recharts colours them like their series, and the series'
 * blue on the tooltip's white misses 4.5:1 (a tap on a phone opens a tooltip, and axe sees it).
 */
const TOOLTIP_ITEM_STYLE = { color: 'var(--mantine-color-text)' };

const COLORS = ['#1c7ed6', '#e8590c', '#2f9e44', '#9c36b5', '#c2255c', '#0c8599', '#f08c00', '#5c940d', '#3b5bdb', '#862e9c'];

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
              <Tooltip itemStyle={TOOLTIP_ITEM_STYLE} formatter={(v) => format(Number(v))} />
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

/** Storage used per day (a line, bridging days without a snapshot), from the API's `storage_days`. */
export function StorageChart({ title, rows, from, to, testId }: { title: string; rows: Array<{ day: string; storage_used_bytes: number }>; from: Date; to: Date; testId?: string }) {
  const points = valuesByDay(rows, 'storage_used_bytes', from, to, null);
  const latest = rows.at(-1);
  return (
    <figure style={{ margin: 0 }} data-testid={testId}>
      <Text component="figcaption" fw={600} mb="xs">
        {title}
        {latest && ` · ${formatBytes(latest.storage_used_bytes)} on ${latest.day}`}
      </Text>
      {rows.length === 0 ? (
        <Text c="dimmed" size="sm">No reading in this period yet: storage is recorded once a day.</Text>
      ) : (
        <div style={{ width: '100%', height: 260 }} role="img" aria-label={`${title}: ${rows.map((r) => `${r.day} ${formatBytes(r.storage_used_bytes)}`).slice(-3).join(', ')}`}>
          <ResponsiveContainer>
            <LineChart data={points} margin={{ top: 4, right: 8, bottom: 4, left: 8 }} accessibilityLayer={false}>
              <CartesianGrid strokeDasharray="3 3" vertical={false} />
              <XAxis dataKey="day" tickFormatter={(d: string) => d.slice(5)} minTickGap={16} fontSize={12} />
              <YAxis tickFormatter={(v: number) => formatBytes(v)} width={64} fontSize={12} />
              <Tooltip itemStyle={TOOLTIP_ITEM_STYLE} formatter={(v) => formatBytes(Number(v))} />
              <Line type="monotone" dataKey="value" name="Storage used" stroke={COLORS[0]} strokeWidth={2} dot={rows.length < 3} connectNulls isAnimationActive={false} />
            </LineChart>
          </ResponsiveContainer>
        </div>
      )}
    </figure>
  );
}

/** Authenticated API requests per day (bars, zero on days without any), from the API's `request_days`. */
export function RequestsChart({ title, rows, from, to, testId }: { title: string; rows: Array<{ day: string; requests: number }>; from: Date; to: Date; testId?: string }) {
  const points = valuesByDay(rows, 'requests', from, to, 0);
  const total = rows.reduce((n, r) => n + r.requests, 0);
  return (
    <figure style={{ margin: 0 }} data-testid={testId}>
      <Text component="figcaption" fw={600} mb="xs">
        {title} · total {total.toLocaleString()}
      </Text>
      {total === 0 ? (
        <Text c="dimmed" size="sm">No API requests counted in this period yet (counts are written about once a minute).</Text>
      ) : (
        <div style={{ width: '100%', height: 260 }} role="img" aria-label={`${title}: ${total.toLocaleString()} over ${points.length} days`}>
          <ResponsiveContainer>
            <BarChart data={points} margin={{ top: 4, right: 8, bottom: 4, left: 8 }} accessibilityLayer={false}>
              <CartesianGrid strokeDasharray="3 3" vertical={false} />
              <XAxis dataKey="day" tickFormatter={(d: string) => d.slice(5)} minTickGap={16} fontSize={12} />
              <YAxis tickFormatter={(v: number) => v.toLocaleString()} width={48} fontSize={12} allowDecimals={false} />
              <Tooltip itemStyle={TOOLTIP_ITEM_STYLE} formatter={(v) => Number(v).toLocaleString()} />
              <Bar dataKey="value" name="Requests" fill={COLORS[0]} isAnimationActive={false} />
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
