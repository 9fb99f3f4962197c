/**
 * A wall-clock time in an IANA zone ("2026-12-01T09:00" in "Europe/Paris") as an instant.
 * A time with its own offset or Z is taken as it is. The zone's offset is read at the guessed
 * instant and again at the result, so times next to a DST change land on the zone's clock.
 */
export function zonedToInstant(local: string, zone: string): Date {
  if (/(Z|[+-]\d{2}:?\d{2})$/i.test(local)) return new Date(local);
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?$/.exec(local);
  if (!m) return new Date(NaN);
  const wall = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +(m[6] ?? 0));
  let at = wall - offsetMs(wall, zone);
  at = wall - offsetMs(at, zone);
  return new Date(at);
}

function offsetMs(at: number, zone: string): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
      .formatToParts(new Date(at))
      .map((p) => [p.type, p.value]),
  );
  const asUtc = Date.UTC(+parts.year, +parts.month - 1, +parts.day, +parts.hour, +parts.minute, +parts.second);
  return asUtc - Math.floor(at / 1000) * 1000;
}
