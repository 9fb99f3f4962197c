import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import type { TestPlatform, TestUser } from '../../support/platform.js';
import { multipartForm } from '../../support/multipart.js';
import { dataOf, startSocial } from './social-fixture.js';
import { waitForJobEnd } from '../../support/jobs.js';
import { describeVideo } from '../../../src/apps/social/media/video-poster.js';

/** An MP4 (H.264) made by FFmpeg from a lavfi graph; `remux` options go on a stream copy of it (FFmpeg 5.1 sets a rotation only there). */
async function clip(graph: string, remux: string[] = []): Promise<Buffer> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'social-video-'));
  try {
    const file = path.join(dir, 'clip.mp4');
    execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', graph, '-c:v', 'libx264', '-pix_fmt', 'yuv420p', file]);
    if (!remux.length) return readFileSync(file);
    execFileSync('ffmpeg', ['-v', 'error', '-i', file, '-c', 'copy', ...remux, path.join(dir, 'remuxed.mp4')]);
    return readFileSync(path.join(dir, 'remuxed.mp4'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('social media library and campaigns', () => {
  let t: TestPlatform;
  let admin: TestUser;
  let editor: TestUser;
  let viewer: TestUser;
  let png: Buffer;
  before(async () => {
    t = await startSocial({ SOCIAL_MEDIA_IMAGE_MAX_MB: '1' });
    admin = await t.signup('social-media');
    editor = await t.addMember(admin, 'editor');
    viewer = await t.addMember(admin, 'viewer');
    png = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#3366cc' } }).png().toBuffer();
  });
  after(() => t.close());

  const upload = (token: string, fields: Record<string, string>, file: { filename: string; type: string; data: Buffer }) => {
    const form = multipartForm(fields, [{ field: 'file', ...file }]);
    return t.server.inject({ method: 'POST', url: '/social/api/media', headers: { authorization: `Bearer ${token}`, 'content-type': form.contentType }, payload: form.payload });
  };

  it('uploads an image with tags, measures it, serves it, finds it by tag and name', async () => {
    const media = dataOf(await upload(editor.token, { name: 'Blue banner', tags: 'Spring, banner', alt_text: 'A blue rectangle' }, { filename: 'banner.png', type: 'image/png', data: png }), 201);
    assert.equal(media.media_type, 'image');
    assert.equal(media.mime_type, 'image/png');
    assert.equal(media.width, 64);
    assert.equal(media.height, 48);
    assert.equal(media.size_bytes, png.length);
    assert.deepEqual(media.tags, ['spring', 'banner']);
    const file = await t.request('GET', `/social/api/media/${media.id}/file`, { token: viewer.token });
    assert.equal(file.statusCode, 200);
    assert.equal(file.headers['content-type'], 'image/png');
    assert.deepEqual(file.rawPayload, png);

    dataOf(await upload(editor.token, { tags: 'summer' }, { filename: 'other.png', type: 'image/png', data: png }), 201);
    const byTag = dataOf(await t.request('GET', '/social/api/media?tag=spring', { token: viewer.token }));
    assert.deepEqual(byTag.items.map((m: { id: string }) => m.id), [media.id]);
    const bothTags = dataOf(await t.request('GET', '/social/api/media?tag=spring,summer', { token: viewer.token }));
    assert.deepEqual(bothTags.items, []);
    const byName = dataOf(await t.request('GET', '/social/api/media?q=banner', { token: viewer.token }));
    assert.deepEqual(byName.items.map((m: { id: string }) => m.id), [media.id]);
    const retagged = dataOf(await t.request('PATCH', `/social/api/media/${media.id}`, { token: editor.token, body: { tags: ['Hero'] } }));
    assert.deepEqual(retagged.tags, ['hero']);
  });

  it('makes a thumbnail of each image by a job after the upload, and serves it', async () => {
    const photo = await sharp({ create: { width: 1600, height: 900, channels: 3, background: '#cc6633' } }).jpeg().toBuffer();
    const media = dataOf(await upload(editor.token, { name: 'Wide photo' }, { filename: 'wide.jpg', type: 'image/jpeg', data: photo }), 201);
    assert.equal(media.thumbnail_ready, false, 'the job runs once the upload has committed');
    const job = await t.db.selectFrom('job_runs').select('id').where('org_id', '=', admin.orgId).where('name', '=', 'storage.derivatives').orderBy('created_at', 'desc').executeTakeFirstOrThrow();
    assert.equal((await waitForJobEnd(t, admin.orgId, job.id)).state, 'completed');

    const listed = dataOf(await t.request('GET', '/social/api/media?q=Wide', { token: viewer.token })).items[0];
    assert.equal(listed.thumbnail_ready, true);
    const thumb = await t.request('GET', `/social/api/media/${media.id}/thumbnail`, { token: viewer.token });
    assert.equal(thumb.statusCode, 200);
    assert.equal(thumb.headers['content-type'], 'image/webp');
    const meta = await sharp(thumb.rawPayload).metadata();
    assert.deepEqual([meta.format, meta.width, meta.height], ['webp', 400, 225]);
    // Before its job has run the answer says what to expect.
    const video = dataOf(await upload(editor.token, {}, { filename: 'clip.mp4', type: 'video/mp4', data: await clip('color=c=red:size=64x64:rate=10:duration=1') }), 201);
    assert.equal(video.thumbnail_ready, false);
    const notYet = await t.request('GET', `/social/api/media/${video.id}/thumbnail`, { token: viewer.token });
    assert.equal(notYet.statusCode, 404);
    assert.equal(notYet.json().code, 'THUMBNAIL_NOT_READY');
    assert.match(notYet.json().error, /a video one of its frames/);
    // Another workspace's id is not found, thumbnail or not.
    const stranger = await t.signup('social-media-stranger');
    assert.equal((await t.request('GET', `/social/api/media/${media.id}/thumbnail`, { token: stranger.token })).statusCode, 404);
  });

  it("measures each video and makes its thumbnail from one of its frames, upright as players show it", async () => {
    // A portrait phone video: stored 96x64 with a rotation of 90°, shown 64x96; green for 0.5 s, then blue.
    const portrait = await clip('color=c=green:size=96x64:rate=10:duration=0.5[a];color=c=blue:size=96x64:rate=10:duration=2[b];[a][b]concat', ['-metadata:s:v:0', 'rotate=90']);
    const media = dataOf(await upload(editor.token, { name: 'Portrait clip' }, { filename: 'portrait.mp4', type: 'video/mp4', data: portrait }), 201);
    assert.deepEqual([media.media_type, media.width, media.height, media.duration_seconds], ['video', null, null, null], 'measured by the job, after the upload');
    const job = await t.db.selectFrom('job_runs').select('id').where('org_id', '=', admin.orgId).where('name', '=', 'social.video-poster').orderBy('created_at', 'desc').executeTakeFirstOrThrow();
    const run = await waitForJobEnd(t, admin.orgId, job.id);
    assert.equal(run.state, 'completed', run.error ?? '');

    const measured = dataOf(await t.request('GET', `/social/api/media/${media.id}`, { token: viewer.token }));
    assert.deepEqual([measured.width, measured.height, measured.thumbnail_ready], [64, 96, true]);
    assert.ok(Math.abs(measured.duration_seconds - 2.5) < 0.15, `duration ${measured.duration_seconds}`);
    const thumb = await t.request('GET', `/social/api/media/${media.id}/thumbnail`, { token: viewer.token });
    assert.equal(thumb.statusCode, 200);
    assert.equal(thumb.headers['content-type'], 'image/webp');
    const { data, info } = await sharp(thumb.rawPayload).raw().toBuffer({ resolveWithObject: true });
    assert.deepEqual([info.width, info.height], [64, 96], 'upright and not enlarged');
    // The frame at one second: blue, past the green opening (a canned or first frame would fail).
    const [r, g, b] = data.subarray(0, 3);
    assert.ok(b > 200 && r < 60 && g < 60, `poster colour ${[r, g, b]}`);

    // Its measured length is checked against each network's rules: 2.5 s is too short for an Instagram Reel, fine for X.
    const checks = dataOf(await t.request('POST', '/social/api/posts/check', { token: editor.token, body: { text: 'clip', networks: ['x', 'instagram'], media: { '*': [media.id] } } }));
    const rules = Object.fromEntries(checks.map((c: { network: string; violations: Array<{ rule: string }> }) => [c.network, c.violations.map((v) => v.rule)]));
    assert.deepEqual(rules, { x: [], instagram: ['video_too_short'] });

    // Deleting the video takes its poster with it.
    const poster = await t.db.selectFrom('storage_objects').select('id').where('org_id', '=', admin.orgId).where('variant', '=', 'thumb').where('key', 'like', '%portrait.mp4~thumb.webp').executeTakeFirstOrThrow();
    assert.equal((await t.request('DELETE', `/social/api/media/${media.id}`, { token: admin.token })).statusCode, 200);
    assert.equal(await t.db.selectFrom('storage_objects').select('id').where('id', '=', poster.id).executeTakeFirst(), undefined);
  });

  it('skips, rather than fails, a video deleted while it is being read', async () => {
    const media = dataOf(await upload(editor.token, { name: 'Short-lived clip' }, { filename: 'short-lived.mp4', type: 'video/mp4', data: await clip('color=c=red:size=64x64:rate=10:duration=2') }), 201);
    // Its upload's own run first, so that only the run below touches it.
    const job = await t.db.selectFrom('job_runs').select('id').where('org_id', '=', admin.orgId).where('name', '=', 'social.video-poster').orderBy('created_at', 'desc').executeTakeFirstOrThrow();
    assert.equal((await waitForJobEnd(t, admin.orgId, job.id)).state, 'completed');

    // A second reading, with the video deleted once its bytes are copied: the thumbnail step then finds no live file.
    const steps: string[] = [];
    const result = await describeVideo(t.platform.ctx, admin.orgId, media.id, {
      onStep: async (_percent, message) => {
        steps.push(message);
        if (message === 'reading the video') assert.equal((await t.request('DELETE', `/social/api/media/${media.id}`, { token: admin.token })).statusCode, 200);
      },
    });
    assert.deepEqual(result, { skipped: 'media deleted' });
    assert.deepEqual(steps, ['reading the video', 'making the thumbnail'], 'deleted mid-read, after the copy');
    // Nothing of it was made afresh under the deleted video.
    const live = await t.db.selectFrom('storage_objects').select('id').where('org_id', '=', admin.orgId).where('key', 'like', '%short-lived.mp4%').where('status', '=', 'active').execute();
    assert.deepEqual(live, []);
  });

  it('fails the job of a video FFmpeg cannot read with what to do, and keeps the file', async () => {
    // An MP4's signature (it passes the type check) with nothing playable behind it.
    const broken = Buffer.concat([Buffer.from('\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom', 'latin1'), Buffer.alloc(4096, 0x5a)]);
    const media = dataOf(await upload(editor.token, { name: 'Broken clip' }, { filename: 'broken.mp4', type: 'video/mp4', data: broken }), 201);
    const job = await t.db.selectFrom('job_runs').select('id').where('org_id', '=', admin.orgId).where('name', '=', 'social.video-poster').orderBy('created_at', 'desc').executeTakeFirstOrThrow();
    const run = await waitForJobEnd(t, admin.orgId, job.id);
    assert.equal(run.state, 'failed');
    assert.match(run.error ?? '', /The video "Broken clip" could not be read .*: export it again as MP4 \(H\.264\) and upload that/);
    const kept = dataOf(await t.request('GET', `/social/api/media/${media.id}`, { token: viewer.token }));
    assert.deepEqual([kept.duration_seconds, kept.thumbnail_ready], [null, false]);
  });

  it('refuses wrong types, oversized images, viewers and forms without a file', async () => {
    const text = await upload(editor.token, {}, { filename: 'fake.png', type: 'image/png', data: Buffer.from('not an image at all, just text') });
    assert.equal(text.statusCode, 415, text.body);
    const big = await sharp({ create: { width: 1200, height: 1200, channels: 3, background: '#000' } }).png({ compressionLevel: 0 }).toBuffer();
    assert.ok(big.length > 1024 * 1024);
    const tooLarge = await upload(editor.token, {}, { filename: 'big.png', type: 'image/png', data: big });
    assert.equal(tooLarge.statusCode, 413, tooLarge.body);
    const byViewer = await upload(viewer.token, {}, { filename: 'v.png', type: 'image/png', data: png });
    assert.equal(byViewer.statusCode, 403);
    const json = await t.request('POST', '/social/api/media', { token: editor.token, body: { name: 'x' } });
    assert.equal(json.statusCode, 415);
    const form = multipartForm({ name: 'no file' }, []);
    const noFile = await t.server.inject({ method: 'POST', url: '/social/api/media', headers: { authorization: `Bearer ${editor.token}`, 'content-type': form.contentType }, payload: form.payload });
    assert.equal(noFile.json().code, 'FILE_REQUIRED');
  });

  it('shows where media is used and refuses to delete it while a post shows it', async () => {
    const media = dataOf(await upload(editor.token, {}, { filename: 'used.png', type: 'image/png', data: png }), 201);
    const post = dataOf(await t.request('POST', '/social/api/posts', { token: editor.token, body: { text: 'with a picture', media: { '*': [media.id], instagram: [media.id] } } }), 201).post;
    assert.deepEqual(Object.keys(post.media).sort(), ['*', 'instagram']);
    const detail = dataOf(await t.request('GET', `/social/api/media/${media.id}`, { token: viewer.token }));
    assert.deepEqual(detail.used_in.map((u: { post_id: string; network: string }) => `${u.post_id}:${u.network}`).sort(), [`${post.id}:*`, `${post.id}:instagram`]);
    const refused = await t.request('DELETE', `/social/api/media/${media.id}`, { token: editor.token });
    assert.equal(refused.statusCode, 409);
    assert.equal(refused.json().code, 'MEDIA_IN_USE');
    assert.deepEqual(refused.json().details.post_ids, [post.id]);

    // Detach (a new version without it), then delete; restoring the old version is refused.
    dataOf(await t.request('PATCH', `/social/api/posts/${post.id}`, { token: editor.token, body: { media: {} } }));
    assert.deepEqual(dataOf(await t.request('GET', `/social/api/media/${media.id}`, { token: viewer.token })).used_in, []);
    dataOf(await t.request('DELETE', `/social/api/media/${media.id}`, { token: editor.token }));
    assert.equal((await t.request('GET', `/social/api/media/${media.id}`, { token: viewer.token })).statusCode, 404);
    assert.equal((await t.request('GET', `/social/api/media/${media.id}/file`, { token: viewer.token })).statusCode, 404);
    const restore = await t.request('POST', `/social/api/posts/${post.id}/versions/1/restore`, { token: editor.token });
    assert.equal(restore.statusCode, 409);
    assert.equal(restore.json().code, 'MEDIA_DELETED');
    const diff = dataOf(await t.request('GET', `/social/api/posts/${post.id}/diff?from=1&to=2`, { token: viewer.token }));
    assert.deepEqual(diff.media, { '*': { added: [], removed: [media.id] }, instagram: { added: [], removed: [media.id] } });
  });

  it('creates, edits, archives and deletes campaigns, listing their posts', async () => {
    const campaign = dataOf(await t.request('POST', '/social/api/campaigns', { token: editor.token, body: { name: 'Black Friday', color: '#112233', starts_on: '2030-11-20', ends_on: '2030-11-30' } }), 201);
    assert.equal(campaign.starts_on, '2030-11-20');
    assert.equal(campaign.post_count, 0);
    const dup = await t.request('POST', '/social/api/campaigns', { token: editor.token, body: { name: 'black friday' } });
    assert.equal(dup.statusCode, 409);
    assert.equal(dup.json().code, 'CAMPAIGN_EXISTS');
    const backwards = await t.request('PATCH', `/social/api/campaigns/${campaign.id}`, { token: editor.token, body: { ends_on: '2030-11-01' } });
    assert.equal(backwards.json().code, 'INVALID_DATES');
    assert.equal((await t.request('POST', '/social/api/campaigns', { token: viewer.token, body: { name: 'Nope' } })).statusCode, 403);

    const post = dataOf(await t.request('POST', '/social/api/posts', { token: editor.token, body: { text: 'Deals all week', campaign_id: campaign.id } }), 201).post;
    const posts = dataOf(await t.request('GET', `/social/api/campaigns/${campaign.id}/posts`, { token: viewer.token }));
    assert.deepEqual(posts.items.map((p: { id: string }) => p.id), [post.id]);
    assert.equal(dataOf(await t.request('GET', `/social/api/campaigns/${campaign.id}`, { token: viewer.token })).post_count, 1);

    const archived = dataOf(await t.request('POST', `/social/api/campaigns/${campaign.id}/archive`, { token: editor.token }));
    assert.equal(archived.status, 'archived');
    assert.ok(archived.archived_at);
    const closed = await t.request('POST', '/social/api/posts', { token: editor.token, body: { text: 'late deal', campaign_id: campaign.id } });
    assert.equal(closed.statusCode, 409);
    assert.equal(closed.json().code, 'CAMPAIGN_ARCHIVED');
    const listed = dataOf(await t.request('GET', '/social/api/campaigns?status=archived', { token: viewer.token }));
    assert.deepEqual(listed.items.map((c: { id: string }) => c.id), [campaign.id]);
    dataOf(await t.request('POST', `/social/api/campaigns/${campaign.id}/unarchive`, { token: editor.token }));

    assert.equal((await t.request('DELETE', `/social/api/campaigns/${campaign.id}`, { token: editor.token })).statusCode, 403);
    dataOf(await t.request('DELETE', `/social/api/campaigns/${campaign.id}`, { token: admin.token }));
    assert.equal((await t.request('GET', `/social/api/campaigns/${campaign.id}`, { token: viewer.token })).statusCode, 404);
    assert.equal(dataOf(await t.request('GET', `/social/api/posts/${post.id}`, { token: viewer.token })).campaign_id, null);
  });
});
