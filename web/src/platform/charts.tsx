/** Charts of usage over time (Recharts), shared by the usage page and the superadmin portal. */
import { Progress, Stack, Text } from '@mantine/core';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { byDay, formatBytes, type DailyRow } from './daily-series';

export { formatBytes } from './daily-series';

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
