import os from 'node:os';
import path from 'node:path';
import { mkdtemp, rm } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { benchConfig, machine } from './support.js';
import { startPlatform } from '../src/platform/runtime.js';
import { visantApp } from '../src/apps/visant/index.js';
import { sceneJpeg } from '../test/support/images.js';
import { tokenFromEmail } from '../test/support/outbox.js';

/**
 * Visant under load (seed phase 7: "load test with 100 concurrent users", p95 < 2 s):
 * 100 cameras each upload a 640x480 JPEG every UPLOAD_EVERY_S seconds (base64 JSON, with
 * their own device keys), while 20 dashboard users each list the newest captures and poll
 * one capture's status every READ_EVERY_S seconds, for BENCH_DURATION seconds. Evaluation
 * jobs run in the same process meanwhile. Reports latency percentiles and every error.
 */
const DEVICES = Number(process.env.BENCH_DEVICES ?? 100);
const USERS = Number(process.env.BENCH_USERS ?? 20);
const DURATION_S = Number(process.env.BENCH_DURATION ?? 60);
const UPLOAD_EVERY_S = Number(process.env.BENCH_UPLOAD_EVERY ?? 5);
const READ_EVERY_S = Number(process.env.BENCH_READ_EVERY ?? 1);

function percentile(sorted: number[], p: number) {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : 0;
}

export async function run() {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'tenantry-bench-visant-'));
  const config = benchConfig(dir, {
    // Every simulated camera and user shares 127.0.0.1: the per-IP limit would throttle them as one.
    RATE_LIMIT_IP_PER_MINUTE: '1000000',
    // The same for the credential budget that signup and invitation acceptance share.
    LOGIN_MAX_ATTEMPTS_PER_IP_PER_MINUTE: '1000000',
    DATABASE_POOL_SIZE: '20',
  });
  const platform = await startPlatform({ config, apps: [visantApp] });
  await platform.server.listen({ host: '127.0.0.1', port: 0 });
  const base = `http://127.0.0.1:${(platform.server.server.address() as { port: number }).port}`;
  const post = (url: string, token: string, body: unknown) =>
    fetch(`${base}${url}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });

  const signup = (await (await fetch(`${base}/api/v1/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: `bench-${Date.now()}@example.test`, password: 'bench password', org_name: 'Bench' }),
  })).json()) as { access_token: string };
  const token = signup.access_token;
  // Twenty real dashboard users (each with their own session and per-user rate limit), invited into the org.
  const userTokens: string[] = [];
  for (let u = 0; u < USERS; u++) {
    const email = `viewer-${u}-${Date.now()}@example.test`;
    await post('/api/v1/invites', token, { email, role: 'viewer' });
    // The invitation token travels only by email: read it from the embedded outbox, as the invitee would.
    const inviteToken = await tokenFromEmail(platform.ctx.database.db, email, 'inv_');
    const accepted = (await (await fetch(`${base}/api/v1/invites/accept`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: inviteToken, password: 'viewer password' }) })).json()) as { access_token: string };
    userTokens.push(accepted.access_token);
  }
  process.stderr.write(`registering ${DEVICES} devices…\n`);
  const keys: string[] = [];
  for (let i = 0; i < DEVICES; i++) {
    const res = await post('/visant/v1/devices', token, { device_id: `cam-${i}` });
    keys.push(((await res.json()) as { api_key: string }).api_key);
  }
  const images = await Promise.all([0, 1, 2, 3].map((k) => sceneJpeg(k % 2 ? { intruder: { x: 0.1 * k, y: 0.1, w: 0.3, h: 0.3 } } : { brightness: 1 + k / 10 })));
  const payloads = images.map((b) => b.toString('base64'));

  const latencies = { upload: [] as number[], list: [] as number[], status: [] as number[] };
  const errors: string[] = [];
  const stopAt = Date.now() + DURATION_S * 1000;
  let seq = 0;
  const timed = async (kind: keyof typeof latencies, fn: () => Promise<Response>, ok: number) => {
    const t0 = performance.now();
    try {
      const res = await fn();
      await res.arrayBuffer();
      latencies[kind].push(performance.now() - t0);
      if (res.status !== ok) errors.push(`${kind}: HTTP ${res.status}`);
    } catch (err) {
      errors.push(`${kind}: ${(err as Error).message}`);
    }
  };

  process.stderr.write(`load: ${DEVICES} devices every ${UPLOAD_EVERY_S} s, ${USERS} users every ${READ_EVERY_S} s, ${DURATION_S} s…\n`);
  const device = async (i: number) => {
    await sleep(Math.random() * UPLOAD_EVERY_S * 1000);
    while (Date.now() < stopAt) {
      const started = Date.now();
      await timed('upload', () => post('/visant/v1/captures', keys[i]!, { device_id: `cam-${i}`, record_id: `r-${i}-${seq++}`, image_base64: payloads[seq % payloads.length] }), 201);
      await sleep(Math.max(0, UPLOAD_EVERY_S * 1000 - (Date.now() - started)));
    }
  };
  const user = async (u: number) => {
    const userToken = userTokens[u]!;
    await sleep(Math.random() * READ_EVERY_S * 1000);
    while (Date.now() < stopAt) {
      const started = Date.now();
      let newest: string | undefined;
      await timed('list', async () => {
        const res = await fetch(`${base}/visant/v1/captures?limit=20`, { headers: { authorization: `Bearer ${userToken}` } });
        const clone = res.clone();
        newest = ((await clone.json()) as { items?: Array<{ record_id: string }> }).items?.[0]?.record_id;
        return res;
      }, 200);
      if (newest) await timed('status', () => fetch(`${base}/visant/v1/captures/${newest}/status`, { headers: { authorization: `Bearer ${userToken}` } }), 200);
      await sleep(Math.max(0, READ_EVERY_S * 1000 - (Date.now() - started)));
    }
  };
  await Promise.all([...keys.map((_, i) => device(i)), ...Array.from({ length: USERS }, (_, u) => user(u))]);

  // Let the evaluation queue drain, then count how many captures were judged.
  const drainUntil = Date.now() + 60_000;
  let pending = Infinity;
  while (Date.now() < drainUntil) {
    const res = await fetch(`${base}/visant/v1/captures?evaluation_status=pending&limit=1`, { headers: { authorization: `Bearer ${token}` } });
    if (res.status !== 200) throw new Error(`listing pending captures answered ${res.status}: ${await res.text()}`);
    pending = ((await res.json()) as { items: unknown[] }).items.length;
    if (!pending) break;
    await sleep(500);
  }
  await platform.close();
  await rm(dir, { recursive: true, force: true });

  const summary = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return { count: s.length, p50_ms: Math.round(percentile(s, 50)), p95_ms: Math.round(percentile(s, 95)), p99_ms: Math.round(percentile(s, 99)), max_ms: Math.round(s.at(-1) ?? 0) };
  };
  const all = [...latencies.upload, ...latencies.list, ...latencies.status].sort((a, b) => a - b);
  return {
    database: platform.ctx.database.kind,
    machine: machine(),
    devices: DEVICES,
    users: USERS,
    duration_s: DURATION_S,
    upload_every_s: UPLOAD_EVERY_S,
    read_every_s: READ_EVERY_S,
    upload: summary(latencies.upload),
    list: summary(latencies.list),
    status: summary(latencies.status),
    p95_ms: Math.round(percentile(all, 95)),
    errors: errors.length,
    error_samples: [...new Set(errors)].slice(0, 5),
    evaluations_pending_after_drain: pending,
  };
}
