import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { addDays, droppedAt, shift, viewDays, wallClock, weekStart } from '../../web/src/apps/social/calendar-range.js';

describe('Social calendar ranges', () => {
  it('starts weeks on Monday and crosses months and years', () => {
    assert.equal(weekStart('2026-11-30'), '2026-11-30'); // a Monday
    assert.equal(weekStart('2026-12-06'), '2026-11-30'); // the Sunday after
    assert.equal(weekStart('2027-01-01'), '2026-12-28');
    assert.equal(addDays('2028-02-28', 1), '2028-02-29');
  });

  it('covers whole weeks around a month, Monday to Sunday', () => {
    const days = viewDays('month', '2026-03-15');
    assert.equal(days[0], '2026-02-23');
    assert.equal(days[days.length - 1], '2026-04-05');
    assert.equal(days.length % 7, 0);
    // The daylight-saving change (29 March in Europe) neither skips nor repeats a day.
    assert.equal(new Set(days).size, days.length);
    assert.deepEqual(viewDays('week', '2026-03-29'), ['2026-03-23', '2026-03-24', '2026-03-25', '2026-03-26', '2026-03-27', '2026-03-28', '2026-03-29']);
  });

  it('moves by a week or to the first of the next or previous month', () => {
    assert.equal(shift('week', '2026-12-30', 1), '2027-01-06');
    assert.equal(shift('month', '2026-01-31', 1), '2026-02-01');
    assert.equal(shift('month', '2026-01-15', -1), '2025-12-01');
  });

  it('shows an instant as the wall-clock time of the zone it was planned in', () => {
    // 20:00 UTC on 14 March is 05:00 the next day in Tokyo, 16:00 in New York (daylight time since 8 March).
    assert.equal(wallClock('2026-03-14T20:00:00Z', 'Asia/Tokyo'), '2026-03-15T05:00');
    assert.equal(wallClock('2026-03-14T20:00:00Z', 'America/New_York'), '2026-03-14T16:00');
    assert.equal(wallClock('2026-03-14T00:30:00Z', 'UTC'), '2026-03-14T00:30');
  });

  it('moves a dropped post by whole days at its own wall-clock time, in its own zone', () => {
    // Planned 09:00 in Tokyo on 16 March (00:00 UTC), shown on 16 March in a UTC workspace.
    const tokyo = { scheduled_at: '2026-03-16T00:00:00Z', timezone: 'Asia/Tokyo' };
    assert.equal(droppedAt(tokyo, 'UTC', '2026-03-18'), '2026-03-18T09:00');
    assert.equal(droppedAt(tokyo, 'UTC', '2026-03-16'), null, 'dropped on its own day: no move');
    // Shown on the 15th in a New York workspace (20:00 the evening before): one day later is the 17th in Tokyo.
    assert.equal(droppedAt(tokyo, 'America/New_York', '2026-03-16'), '2026-03-17T09:00');
    // Across Europe's daylight-saving change (29 March) the wall-clock time stays 09:00.
    const paris = { scheduled_at: '2026-03-27T08:00:00Z', timezone: 'Europe/Paris' };
    assert.equal(droppedAt(paris, 'Europe/Paris', '2026-03-30'), '2026-03-30T09:00');
    // Backwards, and across a month and a year.
    assert.equal(droppedAt({ scheduled_at: '2027-01-02T15:30:00Z', timezone: 'UTC' }, 'UTC', '2026-12-30'), '2026-12-30T15:30');
  });
});
