import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TokenBucket, throttledStream, type Clock } from '../../../src/apps/aura/sync-agent/throttle.js';

/** A clock that moves only when the throttle sleeps: bytes per window are counted, nothing waits. */
function fakeClock(): Clock & { t: number } {
  const clock = { t: 0, now: () => clock.t, sleep: async (ms: number) => { clock.t += ms; } };
  return clock;
}

async function drain(stream: ReadableStream<Uint8Array>, clock: Clock) {
  const sent: { at: number; total: number }[] = [];
  let total = 0;
  for await (const chunk of stream) {
    total += chunk.length;
    sent.push({ at: clock.now(), total });
  }
  return sent;
}

describe('aura sync agent: bandwidth limit', () => {
  it('sends 200 KB at 100 KB/s over ≥ 1 s of clock (one second of burst, then the rate), never ahead of the bucket', async () => {
    const clock = fakeClock();
    const rate = 100 * 1024;
    const sent = await drain(throttledStream([new Uint8Array(200 * 1024)], new TokenBucket(rate, clock), 8 * 1024), clock);
    assert.equal(sent.at(-1)!.total, 200 * 1024);
    // The bucket starts full (one second's worth), so 200 KB need one more second of clock.
    assert.ok(clock.t >= 1000, `clock at ${clock.t} ms`);
    assert.ok(clock.t <= 1100, `no needless waiting (clock at ${clock.t} ms)`);
    for (const s of sent) assert.ok(s.total <= rate + (rate * s.at) / 1000, `${s.total} bytes by ${s.at} ms is over the limit`);
    // In every one-second window after the first burst, at most one second's worth went out.
    for (let start = 0; start + 1000 <= clock.t; start += 100) {
      const inWindow = (sent.findLast((s) => s.at <= start + 1000)?.total ?? 0) - (sent.findLast((s) => s.at <= start)?.total ?? 0);
      if (start > 0) assert.ok(inWindow <= rate + 8 * 1024, `${inWindow} bytes in the second from ${start} ms`);
    }
  });

  it('without a bucket the stream does not wait', async () => {
    const clock = fakeClock();
    const sent = await drain(throttledStream([new Uint8Array(50_000), new Uint8Array(10)], null), clock);
    assert.equal(sent.at(-1)!.total, 50_010);
    assert.equal(clock.t, 0);
  });
});
