import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { sceneJpeg } from '../../test/support/images.js';
import { bottlePhoto, logoPng } from '../../test/apps/genads/support/images.js';
import { buildPdf } from '../../test/apps/genads/support/pdf.js';
import { SAMPLE_GUIDELINES } from '../../test/apps/genads/support/documents.js';
import pino from 'pino';
import { loadConfig } from '../../src/platform/config/config.js';
import { openDatabase } from '../../src/platform/db/database.js';
import { createEventBus } from '../../src/platform/realtime/create-event-bus.js';
import { Cluster } from './support/cluster.js';
import { ApiClient, expectStatus, type Account, type Answer } from './support/api-client.js';
import { EventStream, StreamRefused } from './support/event-stream.js';

/**
 * Tenantry scaled out (issue 15, item 4): two API nodes with WORKERS=off and one worker, on
 * PostgreSQL through PgBouncer in transaction mode, S3 (s3rver) and Redis, each a real
 * process. The journeys alternate between the nodes; then processes are killed and the
 * shared services taken away, and the suite checks what users see.
 */
describe('several nodes behind PgBouncer, with S3 and Redis', { timeout: 10 * 60_000 }, () => {
  let cluster: Cluster;
  let api: ApiClient;
  let ana: Account;
  const streams: EventStream[] = [];
  const stream = async (node: number, auth: { token: string } | { ticket: string }, topics: string[]) => {
    const s = await EventStream.open(cluster.urls[node]!, auth, topics);
    streams.push(s);
    return s;
  };
  const UPLOADS_PER_MINUTE = 4;
  let deviceKey: string;
  const capture = (node: number, key: string, deviceId: string, recordId: string, image: Buffer) =>
    api.call(node, 'POST', '/visant/v1/captures', { token: key, json: { device_id: deviceId, record_id: recordId, image_base64: image.toString('base64') } });
  /**
   * A device of its own for a step that uploads: every upload, refused ones included, counts
   * against the device's UPLOADS_PER_MINUTE, and on a fast run all the steps fit in one minute.
   */
  const newDevice = async (deviceId: string) =>
    expectStatus(await api.call(0, 'POST', '/visant/v1/devices', { token: ana.token, json: { device_id: deviceId } }), 201, `device ${deviceId}`).body.api_key as string;

  /** A test whose failure message ends with every process's last output lines. */
  const step = (name: string, options: { timeout?: number }, fn: () => Promise<void>) =>
    it(name, options, async () => {
      try {
        await fn();
      } catch (err) {
        if (err instanceof Error && cluster) err.message += `\n${cluster.logs()}`;
        throw err;
      }
    });

  before(async () => {
    cluster = await Cluster.start({ env: { VISANT_DEVICE_UPLOADS_PER_MINUTE: String(UPLOADS_PER_MINUTE) } });
    api = new ApiClient(() => cluster.urls);
    ana = await api.signup(0, 'ana');
  });
  after(async () => {
    for (const s of streams) s.close();
    await cluster?.close();
  });

  step('Visant: a capture uploaded on one node is evaluated by the worker and streamed to a client of the other node', {}, async () => {
    const device = expectStatus(await api.call(1, 'POST', '/visant/v1/devices', { token: ana.token, json: { device_id: 'porch' } }), 201, 'device on node 1');
    deviceKey = device.body.api_key;
    const live = await stream(1, { token: ana.token }, ['visant:device:porch']);
    const image = await sceneJpeg();
    expectStatus(await capture(0, deviceKey, 'porch', 'rec-1', image), 201, 'capture on node 0');
    await live.waitFor((e) => e.payload.type === 'visant.capture.created', 'capture created, on node 1');
    const evaluated = await live.waitFor((e) => e.payload.type === 'visant.capture.evaluated', 'capture evaluated by the worker, on node 1');
    assert.equal(evaluated.topic, 'visant:device:porch');

    // Read back on the other node: the row (PostgreSQL) and the image bytes (S3) are shared.
    const one = expectStatus(await api.call(1, 'GET', '/visant/v1/captures/rec-1', { token: ana.token }), 200, 'capture on node 1');
    assert.notEqual(one.body.evaluation_status, 'pending');
    const img = await fetch(one.body.image_url); // presigned by S3 itself
    assert.equal(img.status, 200);
    assert.deepEqual(Buffer.from(await img.arrayBuffer()), image);
  });

  step('rate limits and single-use tickets are shared: a limit is reached across both nodes', {}, async () => {
    const gate = await newDevice('gate');
    const image = await sceneJpeg({ width: 64, height: 48 });
    // Alternating nodes: each node alone sees half the uploads, so only a shared count refuses the fifth.
    for (let i = 0; i < UPLOADS_PER_MINUTE; i++) expectStatus(await capture(i % 2, gate, 'gate', `gate-${i}`, image), 201, `upload ${i + 1} on node ${i % 2}`);
    const refused = await capture(UPLOADS_PER_MINUTE % 2, gate, 'gate', 'gate-over', image);
    assert.equal(refused.status, 429, refused.text);
    assert.equal(refused.body.code, 'RATE_LIMITED');
    assert.ok(Number(refused.headers.get('retry-after')) >= 1);
    assert.equal((await capture((UPLOADS_PER_MINUTE + 1) % 2, gate, 'gate', 'gate-over', image)).status, 429, 'the other node refuses too');

    // A realtime ticket is spent by its first connection, whichever node that is.
    const { ticket } = expectStatus(await api.call(0, 'POST', '/api/v1/realtime/ticket', { token: ana.token }), 201, 'ticket').body;
    await stream(1, { ticket }, ['visant:captures']);
    await assert.rejects(stream(0, { ticket }, ['visant:captures']), (err: unknown) => err instanceof StreamRefused && err.status === 401);
  });

  step('GenAds: a worker killed mid-generation is replaced and the campaign finishes with one final video per variation', { timeout: 6 * 60_000 }, async () => {
    const onboard = await api.form(0, 'POST', '/genads/api/brands/onboard', ana.token, { brand_name: `Maison ${randomBytes(3).toString('hex')}` }, [
      { field: 'logo', filename: 'logo.png', type: 'image/png', data: await logoPng() },
      { field: 'guidelines', filename: 'guidelines.pdf', type: 'application/pdf', data: buildPdf({ pages: [SAMPLE_GUIDELINES] }) },
    ]);
    expectStatus(onboard, 201, 'onboarding on node 0');
    const perfume = expectStatus(
      await api.form(1, 'POST', '/genads/api/perfumes', ana.token, { perfume_name: 'Rose Éternelle', perfume_gender: 'feminine' }, [
        { field: 'front_image', filename: 'front.png', type: 'image/png', data: await bottlePhoto() },
      ]),
      201,
      'perfume on node 1',
    ).body;
    const campaign = expectStatus(
      await api.call(0, 'POST', '/genads/api/campaigns', {
        token: ana.token,
        json: { perfume_id: perfume.perfume_id, campaign_name: 'Valentine', creative_prompt: 'Rose petals at golden hour, romantic and tender', selected_style: 'romantic_floral', target_duration: 15, num_variations: 2 },
      }),
      201,
      'campaign on node 0',
    ).body;
    const id = campaign.campaign_id as string;
    const topic = `genads:campaign:${id}`;
    const live = await stream(0, { token: ana.token }, [topic, 'jobs']);
    const started = expectStatus(await api.call(1, 'POST', `/genads/api/generation/campaigns/${id}/generate`, { token: ana.token }), 202, 'generate on node 1');

    // Kill the worker once the first variation is done and the second is under way.
    const jobId = started.body.job_id as string;
    const midway = await live.waitFor((e) => e.topic === topic && e.payload.status === 'processing' && e.payload.variations_completed === 1, 'first variation finished', 4 * 60_000);
    const victim = cluster.workers[0]!;
    const killed = await victim.kill();
    assert.equal(killed.signal, 'SIGKILL');
    const eventsBeforeKill = live.events.length;
    // This job's events only: the org's feed also carries its other jobs (onboarding's), which may finish meanwhile.
    const generationFinished = live.events.filter((e) => e.topic === 'jobs' && e.payload.id === jobId && e.payload.state === 'completed');
    assert.deepEqual(generationFinished, [], 'killed before the job finished');
    await cluster.addWorker();

    // The user sees the takeover (a retry with the reason), then the job finishing.
    const retried = await live.waitFor((e) => e.topic === 'jobs' && e.payload.id === jobId && e.payload.state === 'retry', 'the job taken over', 60_000).catch((err) => {
      throw new Error(`${err.message}\n${JSON.stringify(live.events.filter((e) => e.topic === 'jobs').map((e) => [e.payload.id === jobId, e.payload.state, e.payload.attempts, e.payload.error]))}\n${cluster.logs()}`);
    });
    assert.match(retried.payload.error ?? '', /stopped/);
    await live.waitFor((e) => e.topic === 'jobs' && e.payload.id === jobId && e.payload.state === 'completed', 'job completed', 4 * 60_000);
    const done = await live.waitFor((e) => e.topic === topic && e.payload.status === 'completed', 'campaign completed');
    assert.equal(done.payload.variations_completed, 2);
    const afterKill = live.events.slice(eventsBeforeKill).filter((e) => e.topic === topic).map((e) => e.payload.progress as number);
    assert.ok(afterKill.length > 1, 'progress continued to be published after the kill');
    assert.ok(Math.min(...afterKill) >= midway.payload.progress, `progress resumed at ${Math.min(...afterKill)}, not below the ${midway.payload.progress} reached before the kill`);

    const job = expectStatus(await api.call(0, 'GET', `/api/v1/jobs/${jobId}`, { token: ana.token }), 200, 'job').body;
    assert.equal(job.state, 'completed');
    assert.equal(job.attempts, 2, 'one takeover');
    const finals = await cluster.query<{ key: string; n: number }>(
      "select key, count(*)::int as n from storage_objects where org_id = $1 and key like $2 and status = 'active' group by key order by key",
      [ana.orgId, `%/campaigns/${id}/%final_video.mp4`],
    );
    assert.deepEqual(finals.map((f) => [f.key.replace(/^.*\/(variation_\d)\/.*$/, '$1'), f.n]), [['variation_0', 1], ['variation_1', 1]]);
    const videos = expectStatus(await api.call(1, 'GET', `/genads/api/campaigns/${id}/videos`, { token: ana.token }), 200, 'videos').body;
    assert.equal(videos.variations.length, 2);
    for (const v of videos.variations) {
      assert.equal(v.ready, true);
      const mp4 = Buffer.from(await (await fetch(v.final.url)).arrayBuffer());
      assert.equal(mp4.subarray(4, 8).toString('latin1'), 'ftyp', 'an MP4 file from S3');
    }
  });

  step('an API node SIGKILLed under a stream of writes loses no acknowledged write', {}, async () => {
    const acknowledged: string[] = [];
    let n = 0;
    let killed = false;
    let onFortyAcknowledged!: () => void;
    const fortyAcknowledged = new Promise<void>((resolve) => (onFortyAcknowledged = resolve));
    const writer = async () => {
      for (;;) {
        const deviceId = `w-${n++}`;
        let res: Answer;
        try {
          res = await api.call(0, 'POST', '/visant/v1/devices', { token: ana.token, json: { device_id: deviceId } });
        } catch {
          if (killed) return; // the node is gone: the connection failed, nothing was acknowledged
          throw new Error(`node 0 failed before it was killed:\n${cluster.logs()}`);
        }
        if (res.status >= 200 && res.status < 300) {
          if (acknowledged.push(deviceId) === 40) onFortyAcknowledged();
        }
        else if (!killed) throw new Error(`write refused before the kill: ${res.status} ${res.text}`);
      }
    };
    const writers = Promise.all(Array.from({ length: 4 }, writer));
    // A writer that fails before the kill ends the wait with its error.
    await Promise.race([fortyAcknowledged, writers]);
    killed = true;
    await cluster.apis[0]!.process.kill();
    await writers;
    // Every acknowledged device is there, read through the surviving node.
    const listed = new Set<string>();
    for (let page = 1; ; page++) {
      const res = expectStatus(await api.call(1, 'GET', `/visant/v1/devices?limit=100&page=${page}`, { token: ana.token }), 200, 'devices on node 1').body;
      const items = res.items as Array<{ device_id: string }>;
      for (const d of items) listed.add(d.device_id);
      if (items.length < 100) break;
    }
    const lost = acknowledged.filter((d) => !listed.has(d));
    assert.deepEqual(lost, [], `${lost.length} of ${acknowledged.length} acknowledged writes lost`);
    // The replacement node serves the same data.
    await cluster.addApiNode(0);
    expectStatus(await api.call(0, 'GET', `/visant/v1/devices/${acknowledged.at(-1)}`, { token: ana.token }), 200, 'on the replacement node');
  });

  step('the PostgreSQL realtime bus works behind PgBouncer when REALTIME_DATABASE_URL gives its LISTEN a direct connection', {}, async () => {
    // Two "nodes" in this process: their pools (and so NOTIFY) go through PgBouncer, their LISTEN straight to PostgreSQL.
    const config = loadConfig({ DATABASE_URL: cluster.env.DATABASE_URL, REALTIME_DRIVER: 'postgres', REALTIME_DATABASE_URL: cluster.directUrl });
    assert.equal(config.realtime.listenUrl, cluster.directUrl);
    const log = pino({ level: 'silent' });
    const nodes = await Promise.all([0, 1].map(async () => {
      const database = await openDatabase(config);
      return { database, bus: await createEventBus(config, database, log) };
    }));
    try {
      assert.deepEqual(nodes.map((n) => n.bus.kind), ['postgres', 'postgres']);
      const received = new Promise<unknown>((resolve) => nodes[1]!.bus.subscribe(ana.orgId, ['pooled'], (e) => resolve(e.payload)));
      await nodes[0]!.bus.publish(ana.orgId, 'pooled', { through: 'pgbouncer' });
      assert.deepEqual(await received, { through: 'pgbouncer' });
      const listeners = await cluster.query<{ n: number }>("select count(*)::int as n from pg_stat_activity where datname = $1 and application_name = 'tenantry-realtime'", [cluster.database]);
      assert.equal(listeners[0]!.n, 2, 'each bus listens on a direct connection of its own');
    } finally {
      for (const n of nodes) {
        await n.bus.close();
        await n.database.close();
      }
    }
  });

  step('PgBouncer restarted under load: requests fail cleanly while it is down, then every node recovers', {}, async () => {
    const load = new LoadRecorder();
    const loads = [0, 1, 0, 1].map((node) => load.run(() => api.call(node, 'GET', '/visant/v1/devices?limit=5', { token: ana.token, signal: AbortSignal.timeout(30_000) })));
    try {
      await load.until((a) => a.phase === 'before' && a.status === 200, 10);
      // Only requests sent once PgBouncer has exited count as "down" (earlier ones may still get through).
      load.phase = 'stopping';
      await cluster.pgbouncer.stop();
      load.phase = 'down';
      await load.until((a) => a.phase === 'down', 20);
      load.phase = 'starting';
      await cluster.pgbouncer.start();
      load.phase = 'up';
      await load.until((a) => a.phase === 'up' && a.status === 200, 20);
    } finally {
      await load.stop(loads);
    }

    // Sent and answered while PgBouncer was gone: a clean 503. (A request sent then may also wait
    // for a pool slot and be served after the restart: a 200 is fine, a lost connection or a 500 is not.)
    const down = load.answers.filter((a) => a.phase === 'down' && a.answeredIn === 'down');
    assert.ok(down.length >= 20);
    const summary = (answers: LoadAnswer[]) => [...new Set(answers.map((a) => `${a.status} ${a.body?.code ?? a.error ?? ''}`))].join(', ');
    const unclean = down.filter((a) => !(a.status === 503 && a.body?.success === false && typeof a.body.code === 'string' && a.body.requestId));
    assert.deepEqual(unclean, [], `while PgBouncer is down every request gets a 503 envelope: ${summary(unclean)}`);
    const broken = load.answers.filter((a) => a.status !== 200 && a.status !== 503);
    assert.deepEqual(broken, [], `no request at any point lost its connection or got a 500: ${summary(broken)}`);
    assert.ok(cluster.apis.every((a) => a.process.alive) && cluster.workers.at(-1)!.alive, `every process survived:\n${cluster.logs()}`);

    // Writes, reads and the worker's jobs work again through the restarted pooler.
    const live = await stream(0, { token: ana.token }, ['visant:device:porch']);
    expectStatus(await capture(1, deviceKey, 'porch', 'after-pgbouncer', await sceneJpeg({ brightness: 1.2 })), 201, 'capture after the restart');
    await live.waitFor((e) => e.payload.type === 'visant.capture.evaluated' && e.payload.capture?.record_id === 'after-pgbouncer', 'evaluated by the worker after the restart');
  });

  step('Redis unavailable: rate-limited requests fail closed with 503, realtime misses events; both recover when it returns', {}, async () => {
    const garage = await newDevice('garage');
    await cluster.redis.cut();
    try {
      const refused = await capture(0, garage, 'garage', 'no-redis', await sceneJpeg({ width: 64, height: 48 }));
      assert.equal(refused.status, 503, refused.text);
      assert.equal(refused.body.code, 'RATE_LIMIT_UNAVAILABLE');
      assert.ok(Number(refused.headers.get('retry-after')) >= 1);
      const listed = await api.call(1, 'GET', '/visant/v1/devices?limit=1', { token: ana.token });
      assert.equal(listed.status, 503, listed.text);
      assert.equal((await api.call(1, 'GET', '/healthz')).status, 200, 'the node itself is alive');
    } finally {
      await cluster.redis.restore();
    }
    // ioredis reconnects (and re-subscribes) on its own: limits and fan-out come back.
    const live = await stream(1, { token: ana.token }, ['visant:device:garage']);
    const back = await retryUntil(() => capture(0, garage, 'garage', `redis-back-${randomBytes(3).toString('hex')}`, Buffer.alloc(0)), (r) => r.status !== 503, 'Redis answering again');
    assert.notEqual(back.status, 503);
    expectStatus(await capture(0, garage, 'garage', 'after-redis', await sceneJpeg({ width: 64, height: 48 })), 201, 'capture after Redis is back');
    await live.waitFor((e) => e.payload.type === 'visant.capture.created' && e.payload.capture?.record_id === 'after-redis', 'an event through Redis again');
  });

  step('S3 answering errors: an upload fails with a clear error and leaves nothing in the catalog; uploads work once S3 recovers', {}, async () => {
    const cellar = await newDevice('cellar');
    const image = await sceneJpeg({ width: 64, height: 48 });
    // Active objects: what the catalog lists and counts. A failed upload may leave a pending row
    // when S3 also refuses to delete its staged bytes; the stale-upload sweep clears those.
    const activeObjects = async () =>
      (await cluster.query<{ n: number }>("select count(*)::int as n from storage_objects where org_id = $1 and status = 'active'", [ana.orgId]))[0]!.n;
    const before = await activeObjects();
    cluster.s3Proxy.failing = true;
    let failed: Answer;
    try {
      failed = await capture(1, cellar, 'cellar', 's3-down', image);
    } finally {
      cluster.s3Proxy.failing = false;
    }
    assert.ok(cluster.s3Proxy.failed > 1, 'the SDK retried');
    assert.equal(failed.status, 503, failed.text);
    assert.equal(failed.body.code, 'STORAGE_UNAVAILABLE');
    assert.equal(await activeObjects(), before, 'no object was added to the catalog');
    assert.equal((await api.call(0, 'GET', '/visant/v1/captures/s3-down', { token: ana.token })).status, 404, 'no capture row either');
    expectStatus(await capture(0, cellar, 'cellar', 's3-down', image), 201, 'the same upload once S3 answers again');
  });
});

interface LoadAnswer {
  /** The test's phase when the request was sent, and when its answer came. */
  phase: string;
  answeredIn: string;
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body?: any;
  error?: string;
}

/** Requests sent in a loop by several clients, each answer recorded with the phase of the test it came in. */
class LoadRecorder {
  phase = 'before';
  readonly answers: LoadAnswer[] = [];
  private stopped = false;
  private waiters: Array<{ match: (a: LoadAnswer) => boolean; count: number; resolve: () => void }> = [];

  async run(send: () => Promise<Answer>) {
    while (!this.stopped) {
      const phase = this.phase;
      let answer: LoadAnswer;
      try {
        const res = await send();
        answer = { phase, answeredIn: this.phase, status: res.status, body: res.body };
      } catch (err) {
        answer = { phase, answeredIn: this.phase, status: 0, error: String((err as Error).cause ?? err) };
      }
      this.answers.push(answer);
      this.waiters = this.waiters.filter((w) => (w.match(answer) && --w.count === 0 ? (w.resolve(), false) : true));
    }
  }

  /** Resolves once `count` more answers matching `match` have come in. */
  until(match: (a: LoadAnswer) => boolean, count: number, timeoutMs = 60_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${this.answers.filter(match).length} matching answers in ${timeoutMs} ms; last: ${JSON.stringify(this.answers.slice(-3))}`)), timeoutMs);
      this.waiters.push({ match, count, resolve: () => (clearTimeout(timer), resolve()) });
    });
  }

  async stop(loops: Promise<void>[]) {
    this.stopped = true;
    await Promise.all(loops);
  }
}

/** Calls `send` again as soon as each answer comes back until one satisfies `done`. */
async function retryUntil(send: () => Promise<Answer>, done: (a: Answer) => boolean, what: string, timeoutMs = 30_000): Promise<Answer> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const answer = await send();
    if (done(answer)) return answer;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: last answer ${answer.status} ${answer.text}`);
  }
}
