import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import JSZip from 'jszip';
import sharp from 'sharp';
import { sql } from 'kysely';
import { startTestPlatform, type TestPlatform, type TestUser } from '../../support/platform.js';
import { multipartForm } from '../../support/multipart.js';
import { auraApp } from '../../../src/apps/aura/index.js';
import { auraDb } from '../../../src/apps/aura/db.js';
import { faceCrop, facelessPhoto, samplePhoto } from './face-fixtures.js';
import { jpegPart, uploadPhotos } from './aura-fixtures.js';

const PER_IP = 4;
const PER_TOKEN = 30;

describe('aura guest scan: a guest finds their photos of an event with a selfie', () => {
  let t: TestPlatform;
  let owner: TestUser;
  let other: TestUser;
  const events: Record<string, { id: string; token: string }> = {};
  const photos: Record<string, string> = {};
  let sample1: Buffer;
  let selfie: Buffer;
  let descriptor: number[];
  let ipCounter = 0;
  /** Each call its own address, so the per-IP limit only bites in the test about it. */
  const freshIp = () => `10.0.${Math.floor(++ipCounter / 250)}.${ipCounter % 250}`;

  const searchSelfie = (token: string, image: Buffer, ip = freshIp()) => {
    const form = multipartForm({}, [{ field: 'selfie', filename: 'me.jpg', type: 'image/jpeg', data: image }]);
    return t.server.inject({ method: 'POST', url: `/aura/api/scan/${token}/search`, remoteAddress: ip, headers: { 'content-type': form.contentType }, payload: form.payload });
  };
  const searchDescriptor = (token: string, body: unknown, ip = freshIp()) =>
    t.server.inject({ method: 'POST', url: `/aura/api/scan/${token}/search`, remoteAddress: ip, headers: { 'content-type': 'application/json' }, payload: JSON.stringify(body) });
  const get = (url: string, headers: Record<string, string> = {}) => t.server.inject({ method: 'GET', url, remoteAddress: freshIp(), headers });

  async function createEvent(user: TestUser, name: string, patch: Record<string, unknown>) {
    const created = await t.request('POST', '/aura/api/events', { token: user.token, body: { name } });
    assert.equal(created.statusCode, 201, created.body);
    const id = created.json().id as string;
    // PATCH bypasses validation of guest_expires_at in the past, which a test needs: write it directly.
    await auraDb.withTenant(t.platform.ctx, { orgId: user.orgId }, (tx) => tx.updateTable('aura_events').set(patch).where('id', '=', id).execute());
    const token = (await auraDb.withTenant(t.platform.ctx, { orgId: user.orgId }, (tx) => tx.selectFrom('aura_events').select('guest_token').where('id', '=', id).executeTakeFirstOrThrow())).guest_token;
    return { id, token };
  }
  async function upload(user: TestUser, eventId: string, name: string, data: Buffer): Promise<string> {
    const res = await uploadPhotos(t, user.token, { event_id: eventId }, [jpegPart(name, data)]);
    assert.ok(res.statusCode < 300, res.body);
    const id = res.json().files[0].photo.id as string;
    // The upload enqueued detection: wait until its faces are written.
    const deadline = Date.now() + 180_000;
    for (;;) {
      const n = await auraDb.withTenant(t.platform.ctx, { orgId: user.orgId }, (tx) => tx.selectFrom('aura_faces').select((eb) => eb.fn.countAll<number>().as('n')).where('photo_id', '=', id).executeTakeFirstOrThrow());
      if (Number(n.n) > 0) return id;
      if (Date.now() > deadline) throw new Error(`no faces detected for ${name}`);
      await sleep(200);
    }
  }
  /** The studio's rows in every tenant table (other test files share a PostgreSQL database: only this org's rows say what the search wrote). */
  const rowCounts = async () => {
    const tables = await sql<{ table_name: string }>`select table_name from information_schema.columns where table_schema = 'public' and column_name = 'org_id' order by table_name`.execute(t.db);
    const counts: Record<string, number> = {};
    for (const { table_name } of tables.rows) counts[table_name] = Number((await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table_name)} where org_id = ${owner.orgId}`.execute(t.db)).rows[0]!.n);
    return counts;
  };
  const storedFiles = async (orgId: string) => {
    const keys: string[] = [];
    for await (const e of t.platform.ctx.storage.driver.list(`${orgId}/`)) keys.push(e.key);
    return keys.sort();
  };

  before(async () => {
    t = await startTestPlatform({ apps: [auraApp], env: { AURA_GUEST_SEARCH_PER_IP_PER_MINUTE: String(PER_IP), AURA_GUEST_SEARCH_PER_TOKEN_PER_MINUTE: String(PER_TOKEN) } });
    owner = await t.signup('aura-scan');
    other = await t.signup('aura-scan-other');
    sample1 = await samplePhoto(1);
    events.open = await createEvent(owner, 'Halloween party', { guest_access: true, event_date: '2026-10-31' });
    events.second = await createEvent(owner, 'Second party', { guest_access: true });
    events.off = await createEvent(owner, 'Closed party', { guest_access: false });
    events.expired = await createEvent(owner, 'Past party', { guest_access: true, guest_expires_at: new Date(Date.now() - 60_000) });
    events.otherOrg = await createEvent(other, 'Their party', { guest_access: true });
    photos.s1 = await upload(owner, events.open.id, 'party-1.jpg', sample1);
    photos.s2 = await upload(owner, events.open.id, 'party-2.jpg', await samplePhoto(2));
    // The same people at another event of the studio (other bytes, so not a duplicate upload).
    photos.second = await upload(owner, events.second.id, 'second-1.jpg', await sharp(sample1).jpeg({ quality: 80 }).toBuffer());
    photos.otherOrg = await upload(other, events.otherOrg.id, 'theirs-1.jpg', sample1);
    const face = await auraDb.withTenant(t.platform.ctx, { orgId: owner.orgId }, (tx) =>
      tx.selectFrom('aura_faces').select(['box_x', 'box_y', 'box_width', 'box_height', 'descriptor']).where('photo_id', '=', photos.s1!).orderBy('box_x').executeTakeFirstOrThrow());
    selfie = await faceCrop(sample1, { x: face.box_x, y: face.box_y, width: face.box_width, height: face.box_height });
    descriptor = face.descriptor;
  });
  after(() => t?.close());

  it('shows the event of an open link, and says why a link does not work: unknown (404), guest access off (404), expired (410)', async () => {
    const info = await get(`/aura/api/scan/${events.open!.token}`);
    assert.equal(info.statusCode, 200, info.body);
    assert.deepEqual(info.json(), { name: 'Halloween party', event_date: '2026-10-31', guest_expires_at: null });
    assert.match(String(info.headers['cache-control']), /no-store/);
    const unknown = await get(`/aura/api/scan/${'x'.repeat(43)}`);
    assert.equal(unknown.statusCode, 404);
    assert.equal(unknown.json().code, 'GUEST_LINK_NOT_FOUND');
    const off = await get(`/aura/api/scan/${events.off!.token}`);
    assert.equal(off.statusCode, 404);
    assert.equal(off.json().code, 'GUEST_ACCESS_OFF');
    assert.match(off.json().error, /ask the studio/);
    const expired = await get(`/aura/api/scan/${events.expired!.token}`);
    assert.equal(expired.statusCode, 410);
    assert.equal(expired.json().code, 'GUEST_LINK_EXPIRED');
    // Searching is refused the same way.
    assert.equal((await searchDescriptor(events.off!.token, { descriptor })).json().code, 'GUEST_ACCESS_OFF');
    assert.equal((await searchDescriptor(events.expired!.token, { descriptor })).statusCode, 410);
  });

  it('a selfie finds the guest\'s photo of this event only, and its links work with the session only', async () => {
    const res = await searchSelfie(events.open!.token, selfie);
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    assert.deepEqual(body.photos.map((p: { id: string }) => p.id), [photos.s1], 'not the other event\'s copy, not the other org\'s, not a stranger\'s photo');
    assert.equal(body.event.name, 'Halloween party');
    assert.ok(new Date(body.expires_at).getTime() > Date.now());
    for (const url of [body.photos[0].thumb_url, body.photos[0].full_url]) {
      const img = await get(url);
      assert.equal(img.statusCode, 200, img.body);
      assert.equal(img.headers['content-type'], 'image/webp');
    }
    const original = await get(body.photos[0].original_url);
    assert.equal(original.statusCode, 200);
    assert.equal(original.headers['content-type'], 'image/jpeg');
    assert.deepEqual(original.rawPayload, sample1);
    // The header carries the session as well as the query.
    const base = `/aura/api/scan/${events.open!.token}/photos`;
    assert.equal((await get(`${base}/${photos.s1}/full`, { 'x-guest-session': body.session })).statusCode, 200);
    // Photos the session did not match: a stranger's at the same event, another event's, another org's.
    for (const id of [photos.s2, photos.second, photos.otherOrg]) {
      const r = await get(`${base}/${id}/full?session=${body.session}`);
      assert.equal(r.statusCode, 404, `photo ${id}`);
    }
    // No session, an unknown one, or this session on another event's link.
    assert.equal((await get(`${base}/${photos.s1}/full`)).json().code, 'GUEST_SESSION_EXPIRED');
    assert.equal((await get(`${base}/${photos.s1}/full?session=${'y'.repeat(43)}`)).statusCode, 410);
    assert.equal((await get(`/aura/api/scan/${events.second!.token}/photos/${photos.second}/full?session=${body.session}`)).statusCode, 410);
    // Guest access turned off: the session's links stop at once.
    await auraDb.withTenant(t.platform.ctx, { orgId: owner.orgId }, (tx) => tx.updateTable('aura_events').set({ guest_access: false }).where('id', '=', events.open!.id).execute());
    assert.equal((await get(body.photos[0].full_url)).json().code, 'GUEST_ACCESS_OFF');
    await auraDb.withTenant(t.platform.ctx, { orgId: owner.orgId }, (tx) => tx.updateTable('aura_events').set({ guest_access: true }).where('id', '=', events.open!.id).execute());
  });

  it('an expired session no longer opens its photos', async () => {
    const body = (await searchDescriptor(events.open!.token, { descriptor })).json();
    assert.equal(body.photos.length, 1);
    await auraDb.withTenant(t.platform.ctx, { orgId: owner.orgId }, (tx) => tx.updateTable('aura_guest_sessions').set({ expires_at: new Date(Date.now() - 1000) }).where('photo_ids', '@>', sql<string[]>`array[${photos.s1}]::uuid[]`).execute());
    const r = await get(body.photos[0].full_url);
    assert.equal(r.statusCode, 410);
    assert.match(r.json().error, /take a selfie again/);
  });

  it('a descriptor from the browser finds the same photo; the other studio\'s link finds only its own copy', async () => {
    const mine = await searchDescriptor(events.open!.token, { descriptor });
    assert.equal(mine.statusCode, 200, mine.body);
    assert.deepEqual(mine.json().photos.map((p: { id: string }) => p.id), [photos.s1]);
    const theirs = await searchDescriptor(events.otherOrg!.token, { descriptor });
    assert.deepEqual(theirs.json().photos.map((p: { id: string }) => p.id), [photos.otherOrg]);
    const bad = await searchDescriptor(events.open!.token, { descriptor: [1, 2, 3] });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /128 numbers/);
  });

  it('a selfie without a face, or with several, is refused with words the page can show', async () => {
    const none = await searchSelfie(events.open!.token, await facelessPhoto());
    assert.equal(none.statusCode, 422);
    assert.equal(none.json().code, 'NO_FACE');
    const group = await searchSelfie(events.open!.token, sample1);
    assert.equal(group.statusCode, 422);
    assert.equal(group.json().code, 'SEVERAL_FACES');
    assert.match(group.json().error, /only your face/);
  });

  it('downloads the session\'s photos as one ZIP of originals', async () => {
    const body = (await searchDescriptor(events.open!.token, { descriptor })).json();
    const res = await get(body.zip_url);
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.headers['content-type'], 'application/zip');
    assert.match(String(res.headers['content-disposition']), /Halloween party\.zip/);
    const zip = await JSZip.loadAsync(res.rawPayload);
    const files = Object.values(zip.files).filter((f) => !f.dir);
    assert.deepEqual(files.map((f) => f.name), ['party-1.jpg']);
    assert.deepEqual(await files[0]!.async('nodebuffer'), sample1);
    assert.equal((await get(`/aura/api/scan/${events.open!.token}/zip`)).statusCode, 410);
  });

  it('keeps neither the selfie nor its embedding: only a session row with photo ids and a usage event', async () => {
    const before = await rowCounts();
    const filesBefore = await storedFiles(owner.orgId);
    const res = await searchSelfie(events.open!.token, selfie);
    assert.equal(res.statusCode, 200, res.body);
    const afterCounts = await rowCounts();
    const changed = Object.keys(afterCounts).filter((k) => afterCounts[k] !== before[k]).sort();
    assert.deepEqual(changed, ['aura_guest_sessions', 'usage_events']);
    assert.equal(afterCounts.aura_guest_sessions! - before.aura_guest_sessions!, 1);
    assert.deepEqual(await storedFiles(owner.orgId), filesBefore);
    const session = await sql<Record<string, unknown>>`select * from aura_guest_sessions order by created_at desc limit 1`.execute(t.db);
    assert.deepEqual(Object.keys(session.rows[0]!).sort(), ['created_at', 'event_id', 'expires_at', 'id', 'org_id', 'photo_ids', 'token_hash']);
    assert.notEqual(session.rows[0]!.token_hash, res.json().session, 'the session token is kept hashed');
    const usage = await sql<{ metadata: unknown }>`select metadata from usage_events where action = 'aura.guest_search' order by created_at desc limit 1`.execute(t.db);
    const metadata = typeof usage.rows[0]!.metadata === 'string' ? JSON.parse(usage.rows[0]!.metadata) : usage.rows[0]!.metadata;
    assert.deepEqual(metadata, { event_id: events.open!.id, source: 'selfie', results: 1 });
  });

  it('limits searches per address and per link (429 with retry-after)', async () => {
    const ip = '192.0.2.77';
    const codes: number[] = [];
    for (let i = 0; i <= PER_IP; i++) codes.push((await searchDescriptor(events.second!.token, { descriptor }, ip)).statusCode);
    assert.deepEqual(codes, [...Array(PER_IP).fill(200), 429]);
    // Another link is limited on its own, from many addresses together.
    const token = 'z'.repeat(43);
    let last = 0;
    for (let i = 0; i <= PER_TOKEN; i++) last = (await searchDescriptor(token, { descriptor })).statusCode;
    assert.equal(last, 429);
    const limited = await searchDescriptor(token, { descriptor });
    assert.ok(Number(limited.headers['retry-after']) >= 1);
    assert.match(limited.json().error, /this event's link/);
  });
});
