import type { ReactNode } from 'react';
import { Table } from '@mantine/core';

/** A wide table that scrolls sideways on a phone, reachable from the keyboard (a tab stop) and named for screen readers. */
export function ScrollTable({ label, minWidth, children }: { label: string; minWidth: number; children: ReactNode }) {
  return (
    // Positioned, so that a visually hidden header (position: absolute) stays inside the scrolled
    // box instead of widening the whole page on a phone.
    <Table.ScrollContainer minWidth={minWidth} type="native" tabIndex={0} role="region" aria-label={label} style={{ position: 'relative' }}>
      <Table striped>{children}</Table>
    </Table.ScrollContainer>
  );
}

/** The first instant of a day (YYYY-MM-DD, the browser's zone), `plus` days later: "To" includes its whole day. */
export function startOfDay(day: string, plus = 0): string {
  const d = new Date(`${day}T00:00:00`);
  d.setDate(d.getDate() + plus);
  return d.toISOString();
}
