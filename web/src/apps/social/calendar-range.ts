/**
 * Calendar arithmetic on plain days (YYYY-MM-DD), done in UTC so that no browser zone or
 * daylight-saving change shifts a day: the API groups posts by day in the workspace's zone.
 */
const DAY = 86_400_000;

export const toDay = (t: number) => new Date(t).toISOString().slice(0, 10);
export const parseDay = (day: string) => Date.parse(`${day}T00:00:00Z`);
export const addDays = (day: string, n: number) => toDay(parseDay(day) + n * DAY);

/** Monday on or before the day. */
export function weekStart(day: string): string {
  const weekday = (new Date(parseDay(day)).getUTCDay() + 6) % 7;
  return addDays(day, -weekday);
}

/** The days a view shows: whole weeks, Monday first; a month view covers every week touching the month. */
export function viewDays(view: 'month' | 'week', anchor: string): string[] {
  let first: string;
  let last: string;
  if (view === 'week') {
    first = weekStart(anchor);
    last = addDays(first, 6);
  } else {
    const monthStart = `${anchor.slice(0, 7)}-01`;
    const d = new Date(parseDay(monthStart));
    const monthEnd = toDay(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0));
    first = weekStart(monthStart);
    last = addDays(weekStart(monthEnd), 6);
  }
  const days: string[] = [];
  for (let day = first; day <= last; day = addDays(day, 1)) days.push(day);
  return days;
}

/** The anchor one view earlier or later. */
export function shift(view: 'month' | 'week', anchor: string, by: number): string {
  if (view === 'week') return addDays(anchor, 7 * by);
  const d = new Date(parseDay(`${anchor.slice(0, 7)}-01`));
  return toDay(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + by, 1));
}

/** The wall-clock time of an instant in a zone, as a datetime-local input wants it (YYYY-MM-DDTHH:mm). */
export function wallClock(value: string, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .formatToParts(new Date(value))
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
}

/**
 * Where a post dropped on another day of the calendar goes: the same wall-clock time in the
 * post's own zone, moved by as many days as the drop moved it. The calendar's days are the
 * workspace's, the post's time is its zone's (they may differ), so the move is counted in
 * days between the workspace days and applied to the post's own date: 09:00 in Tokyo stays
 * 09:00 in Tokyo across a daylight-saving change. Null when the post stays on its day.
 */
export function droppedAt(post: { scheduled_at: string; timezone: string }, workspaceZone: string, targetDay: string): string | null {
  const fromDay = wallClock(post.scheduled_at, workspaceZone).slice(0, 10);
  const days = Math.round((parseDay(targetDay) - parseDay(fromDay)) / DAY);
  if (days === 0) return null;
  const own = wallClock(post.scheduled_at, post.timezone);
  return `${addDays(own.slice(0, 10), days)}T${own.slice(11)}`;
}
