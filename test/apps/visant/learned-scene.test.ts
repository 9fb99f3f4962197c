import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { startTestPlatform, type TestPlatform, type TestUser } from '../../support/platform.js';
import { visantApp } from '../../../src/apps/visant/index.js';
import { sceneJpeg } from '../../support/images.js';
import { visantDb } from '../../../src/apps/visant/db.js';
import { waitForJobEnd } from '../../support/jobs.js';

const INTRUDER = { x: 0.3, y: 0.15, w: 0.3, h: 0.6 };

/**
 * Visant out of the box (issue #16, items 7 and 12): a new camera nobody has marked normals
 * for learns its scene from its own captures and flags an intruder; the alert links to the
 * capture and its thumbnail; /metrics shows the evaluation queue and latency.
 */
describe('visant: a new camera judges by itself within its first captures', () => {
  let t: TestPlatform;
  let owner: TestUser;
  let key: string;
  const recipient = `alerts-${Date.now()}@example.test`;
  let minute = 0;

  before(async () => {
    t = await startTestPlatform({ apps: [visantApp], env: { PUBLIC_URL: 'https://cams.example.test' } });
    owner = await t.signup('visant-learn');
    const created = await t.request('POST', '/visant/v1/devices', { token: owner.token, body: { device_id: 'porch', config: { notifications: { email_recipients: [recipient], cooldown_minutes: 60 } } } });
    assert.equal(created.statusCode, 201, created.body);
    key = created.json().api_key;
  });
  after(() => t.close());

  /** Upload one frame (a minute after the previous one) and wait for its judgement. */
  async function frame(recordId: string, image: Buffer) {
    minute += 1;
    const res = await t.request('POST', '/visant/v1/captures', {
      token: key,
      body: { device_id: 'porch', record_id: recordId, captured_at: new Date(Date.UTC(2026, 10, 2, 8, minute)).toISOString(), image_base64: image.toString('base64') },
    });
    assert.equal(res.statusCode, 201, res.body);
    const deadline = Date.now() + 30_000;
    for (;;) {
      const body = (await t.request('GET', `/visant/v1/captures/${recordId}`, { token: owner.token })).json();
      if (body.evaluation_status === 'completed' || body.evaluation_status === 'failed') return body;
      if (Date.now() > deadline) throw new Error(`evaluation of ${recordId} did not finish`);
      await sleep(100);
    }
  }

  /** The device's alert email: sent by the evaluation job after it saved the verdict, so wait for that job to end. */
  async function alertMail() {
    const run = await t.db.selectFrom('job_runs').select('id').where('org_id', '=', owner.orgId).where('name', '=', 'visant.evaluate').orderBy('created_at', 'desc').executeTakeFirstOrThrow();
    assert.equal((await waitForJobEnd(t, owner.orgId, run.id)).state, 'completed');
    return t.db.selectFrom('email_outbox').select(['text_body', 'html_body']).where('to_address', '=', recipient).executeTakeFirstOrThrow();
  }

  it('says it has not enough history for its first captures, then learns the scene and ignores the odd abnormal frame', async () => {
    for (const [i, id] of ['f1', 'f2'].entries()) {
      const r = await frame(id, await sceneJpeg({ noise: { seed: i + 1 } }));
      assert.equal(r.state, 'uncertain');
      assert.equal(r.agent_details.basis, 'not_enough_history');
      assert.match(r.reason, new RegExp(`^Not enough history yet: this camera has ${i} earlier capture`));
    }
    // An odd frame early in the history: someone walked past while the camera was learning.
    const odd = await frame('f3-odd', await sceneJpeg({ intruder: INTRUDER, noise: { seed: 3 } }));
    assert.equal(odd.agent_details.basis, 'not_enough_history');
    for (const [i, id] of ['f4', 'f5', 'f6'].entries()) {
      const r = await frame(id, await sceneJpeg({ noise: { seed: 10 + i } }));
      assert.equal(r.state, 'normal', `${id}: ${r.reason}`);
      assert.equal(r.agent_details.basis, 'learned_background');
      assert.match(r.reason, /^Matches the normal scene: \d+% similar to the scene learned from this camera's last \d+ captures\.$/);
    }
    const mails = await t.db.selectFrom('email_outbox').select('id').where('to_address', '=', recipient).execute();
    assert.equal(mails.length, 0, 'nothing abnormal so far, no alert');
  });

  it('judges an obvious intruder abnormal without anyone marking normals, and the alert links to the capture and its thumbnail', async () => {
    const r = await frame('f7-intruder', await sceneJpeg({ intruder: INTRUDER, noise: { seed: 20 } }));
    assert.equal(r.state, 'abnormal', r.reason);
    assert.equal(r.agent_details.basis, 'learned_background');
    assert.match(r.reason, /^The scene has changed: only \d+% similar to the scene learned from this camera's last 6 captures, most of all in the /);
    const marked = await visantDb.db(t.platform.ctx).selectFrom('visant_captures').select('id').where('org_id', '=', owner.orgId).where('marked_normal', '=', true).execute();
    assert.equal(marked.length, 0, 'nobody marked a normal');

    const mail = await alertMail();
    assert.match(mail.text_body, /^See the capture: https:\/\/cams\.example\.test\/visant\/captures\/f7-intruder$/m);
    const thumb = /^Thumbnail \(link valid for 7 days\): (\S+)$/m.exec(mail.text_body)?.[1];
    assert.ok(thumb, mail.text_body);
    assert.ok(thumb.startsWith('https://cams.example.test/'), thumb);
    assert.match(mail.html_body ?? '', /<img src="https:\/\/cams\.example\.test\/[^"]+" alt="Capture f7-intruder"/);
    const image = await t.server.inject({ method: 'GET', url: thumb.replace('https://cams.example.test', '') });
    assert.equal(image.statusCode, 200);
    assert.equal(image.headers['content-type'], 'image/jpeg');
    const exp = Number(new URL(thumb).searchParams.get('exp'));
    assert.ok(exp - Date.now() / 1000 > 6.9 * 86400, 'the thumbnail link lasts about 7 days');
  });

  it('keeps user-marked normals as the strongest signal', async () => {
    // The owner says the scene with the intruder is normal (say, a new statue): it now matches.
    assert.equal((await t.request('POST', '/visant/v1/captures/f7-intruder/mark-normal', { token: owner.token, body: { normal: true } })).statusCode, 200);
    const r = await frame('f8', await sceneJpeg({ intruder: INTRUDER, noise: { seed: 30 } }));
    assert.equal(r.agent_details.basis, 'marked_normals');
    assert.equal(r.state, 'normal', r.reason);
    assert.match(r.reason, /the closest of 1 capture marked normal/);
  });

  it('shows the evaluation queue depth and latency in /metrics', async () => {
    const db = visantDb.db(t.platform.ctx);
    const pendingInDb = async () => Number((await db.selectFrom('visant_captures').select((eb) => eb.fn.countAll<number>().as('n')).where('evaluation_status', '=', 'pending').executeTakeFirstOrThrow()).n);
    const gauge = (body: string) => Number(/^visant_evaluation_queue_depth\{status="pending"\} (\d+)$/m.exec(body)?.[1]);
    /**
     * The gauge counts every org's captures, and on PostgreSQL other test files share the
     * database: compare it with the database's own count at a moment that count held still.
     */
    const scrapeWhenStill = async () => {
      for (let i = 0; i < 20; i++) {
        const before = await pendingInDb();
        const res = await t.request('GET', '/metrics');
        assert.equal(res.statusCode, 200, res.body.slice(0, 300));
        if ((await pendingInDb()) === before) return { body: res.body, pending: before };
      }
      throw new Error('the pending count never held still');
    };

    const first = await scrapeWhenStill();
    assert.equal(gauge(first.body), first.pending);
    assert.match(first.body, /^visant_evaluation_queue_depth\{status="processing"\} \d+$/m);
    const count = (state: string) => Number(new RegExp(`^visant_evaluation_latency_seconds_count\\{evaluator="baseline-ssim",state="${state}"\\} (\\d+)$`, 'm').exec(first.body)?.[1]);
    assert.equal(count('uncertain'), 3);
    assert.equal(count('normal'), 4);
    assert.equal(count('abnormal'), 1);
    assert.match(first.body, /^visant_evaluation_latency_seconds_bucket\{le="900",evaluator="baseline-ssim",state="normal"\} 4$/m);

    // The gauge reads the database when scraped: a capture waiting in any process's queue counts.
    await db.updateTable('visant_captures').set({ evaluation_status: 'pending' }).where('org_id', '=', owner.orgId).where('record_id', '=', 'f8').execute();
    const queued = await scrapeWhenStill();
    assert.ok(queued.pending >= 1);
    assert.equal(gauge(queued.body), queued.pending);
    await db.updateTable('visant_captures').set({ evaluation_status: 'completed' }).where('org_id', '=', owner.orgId).where('record_id', '=', 'f8').execute();
  });
});
