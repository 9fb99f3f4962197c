import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { byDay, daysBetween, formatBytes, valuesByDay } from '../../web/src/platform/daily-series.js';

describe('daily usage series for the charts', () => {
  it('lists every UTC day of the period, the day of `from` included, `to` excluded', () => {
    assert.deepEqual(daysBetween(new Date('2026-02-27T15:00:00Z'), new Date('2026-03-02T00:00:00Z')), ['2026-02-27', '2026-02-28', '2026-03-01']);
    assert.deepEqual(daysBetween(new Date('2026-03-02T00:00:00Z'), new Date('2026-03-02T00:00:00Z')), []);
  });

  it('fills quiet days and absent actions with zero, and sums per day and action', () => {
    const rows = [
      { day: '2026-03-01', action: 'visant.capture', events: 3, bytes: 300 },
      { day: '2026-03-03', action: 'storage.upload', events: 1, bytes: 50 },
      { day: '2026-03-03', action: 'visant.capture', events: 2, bytes: 20 },
      // Outside the period: ignored rather than drawn on a day the axis does not have.
      { day: '2026-02-01', action: 'visant.capture', events: 9, bytes: 9 },
    ];
    const { points, actions } = byDay(rows, new Date('2026-03-01T00:00:00Z'), new Date('2026-03-04T00:00:00Z'), 'events');
    assert.deepEqual(actions, ['storage.upload', 'visant.capture']);
    assert.deepEqual(points, [
      { day: '2026-03-01', 'storage.upload': 0, 'visant.capture': 3 },
      { day: '2026-03-02', 'storage.upload': 0, 'visant.capture': 0 },
      { day: '2026-03-03', 'storage.upload': 1, 'visant.capture': 2 },
    ]);
    assert.equal(byDay(rows, new Date('2026-03-01T00:00:00Z'), new Date('2026-03-04T00:00:00Z'), 'bytes').points[2]['storage.upload'], 50);
  });

  it('writes sizes in the unit a person reads', () => {
    assert.equal(formatBytes(0), '0 B');
    assert.equal(formatBytes(1023), '1023 B');
    assert.equal(formatBytes(1536), '1.5 KB');
    assert.equal(formatBytes(5 * 1024 ** 3), '5.0 GB');
    assert.equal(formatBytes(250 * 1024 ** 2), '250 MB');
  });

  it('gives one value a day: zero for a count, null (no reading) for a level, out-of-period rows ignored', () => {
    const from = new Date('2026-03-01T00:00:00Z');
    const to = new Date('2026-03-04T00:00:00Z');
    const requests = [{ day: '2026-03-02', requests: 7 }, { day: '2026-02-01', requests: 9 }];
    assert.deepEqual(valuesByDay(requests, 'requests', from, to, 0), [
      { day: '2026-03-01', value: 0 },
      { day: '2026-03-02', value: 7 },
      { day: '2026-03-03', value: 0 },
    ]);
    const storage = [{ day: '2026-03-01', storage_used_bytes: 100 }, { day: '2026-03-03', storage_used_bytes: 0 }];
    assert.deepEqual(valuesByDay(storage, 'storage_used_bytes', from, to, null), [
      { day: '2026-03-01', value: 100 },
      { day: '2026-03-02', value: null },
      { day: '2026-03-03', value: 0 },
    ], 'a real zero stays zero; a day without a snapshot is null');
  });
});
