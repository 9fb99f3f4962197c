import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { syncConfigSchema, type SyncConfig } from '../../../src/apps/aura/sync-agent/sync-config.js';
import { SyncAgent, type SyncEvent } from '../../../src/apps/aura/sync-agent/sync-agent.js';
import { parseXmp } from '../../../src/apps/aura/sync-agent/xmp-sidecar.js';
import { jpegPart, photoJpeg, uploadPhotos } from './aura-fixtures.js';
import { startSyncServer, type SyncServer } from './sync-fixtures.js';

/** What Lightroom Classic writes beside IMG_0001.jpg (trimmed): attributes and RDF lists. */
const LIGHTROOM_SIDECAR = `<x:xmpmeta xmlns:x="adobe:ns:meta/" x:xmptk="Adobe XMP Core 7.0-c000">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:xmp="http://ns.adobe.com/xap/1.0/"
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:crs="http://ns.adobe.com/camera-raw-settings/1.0/"
   xmp:Rating="4"
   xmp:Label="Red"
   crs:Exposure2012="+0.35">
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">First dance</rdf:li></rdf:Alt></dc:title>
   <dc:description><rdf:Alt><rdf:li xml:lang="x-default">Anna &amp; Ben, 21:04</rdf:li></rdf:Alt></dc:description>
   <dc:subject><rdf:Bag><rdf:li>wedding</rdf:li><rdf:li>dance</rdf:li><rdf:li>Anna &amp; Ben</rdf:li></rdf:Bag></dc:subject>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>`;

describe('aura sync agent: photo metadata through XMP sidecars (sync_metadata)', () => {
  let server: SyncServer;
  let memberKey: string;

  before(async () => {
    server = await startSyncServer('xmpsync', 'admin');
    const member = await server.t.request('POST', '/api/v1/api-keys', { token: server.owner.token, body: { name: 'member agent', role: 'member', scopes: ['aura'] } });
    memberKey = member.json().key;
  });
  after(async () => {
    await server.t.close();
    await rm(server.dir, { recursive: true, force: true });
  });

  function config(local: string, cloud: string, opts: { key?: string; mode?: string; syncMetadata?: boolean } = {}): SyncConfig {
    return syncConfigSchema.parse({
      sync_agent: {
        version: '1.0.0', server_url: server.base, org_id: server.owner.orgId, api_key: opts.key ?? server.apiKey,
        folders: [{ local_path: local, cloud_path: cloud, mode: opts.mode ?? 'upload-only' }],
        settings: { sync_metadata: opts.syncMetadata ?? true },
      },
    }).sync_agent;
  }
  async function agentFor(cfg: SyncConfig, name: string) {
    const events: SyncEvent[] = [];
    const agent = new SyncAgent(cfg, path.join(server.dir, `${name}-state`), (e) => events.push(e));
    await agent.open();
    return { agent, events };
  }
  const photosOf = async (folder: string) => {
    const events = (await server.t.request('GET', '/aura/api/events?limit=100', { token: server.owner.token })).json().items as { id: string; folder: string }[];
    const eventId = events.find((e) => e.folder === folder)!.id;
    const items = (await server.t.request('GET', `/aura/api/photos?event_id=${eventId}&limit=100`, { token: server.owner.token })).json().items;
    return { eventId, items: items as { id: string; original_name: string; metadata: Record<string, unknown> }[] };
  };

  it('reads the fields tools write, as attributes or elements, with XML escapes', () => {
    assert.deepEqual(parseXmp(LIGHTROOM_SIDECAR), { rating: 4, label: 'Red', title: 'First dance', description: 'Anna & Ben, 21:04', keywords: ['wedding', 'dance', 'Anna & Ben'] });
    assert.deepEqual(parseXmp('<rdf:Description><xmp:Rating>-1</xmp:Rating></rdf:Description>'), { rating: -1 }, 'rejected, as an element');
    assert.deepEqual(parseXmp('<rdf:Description xmp:Rating="9"/>'), {}, 'a rating out of -1..5 is ignored');
  });

  it('sends a sidecar\'s rating, label, title, caption and keywords; an edit replaces them, a deletion clears them; other entries and EXIF stay', async () => {
    const local = path.join(server.dir, 'dance');
    await mkdir(local);
    await writeFile(path.join(local, 'IMG_0001.jpg'), await photoJpeg({ color: '#223344', takenAt: '2026:06:20 21:04:00' }));
    await writeFile(path.join(local, 'IMG_0001.xmp'), LIGHTROOM_SIDECAR);
    await writeFile(path.join(local, 'IMG_0002.jpg'), await photoJpeg({ color: '#334455' }));
    const { agent, events } = await agentFor(config(local, 'studio/2026/dance'), 'dance');
    await agent.pass();

    const { items } = await photosOf('dance');
    const first = items.find((p) => p.original_name === 'IMG_0001.jpg')!;
    const { exif, ...entries } = first.metadata;
    assert.ok(exif, 'the EXIF read at upload is still there');
    assert.deepEqual(entries, { xmp_rating: 4, xmp_label: 'Red', xmp_title: 'First dance', xmp_description: 'Anna & Ben, 21:04', xmp_keywords: 'wedding, dance, Anna & Ben' });
    const second = items.find((p) => p.original_name === 'IMG_0002.jpg')!;
    assert.deepEqual(Object.keys(second.metadata).filter((k) => k.startsWith('xmp_')), [], 'no sidecar, no entries');
    assert.deepEqual(events.filter((e) => e.kind === 'metadata-sent').map((e) => (e as { rel: string }).rel), ['IMG_0001.jpg']);

    // An entry set in Aura survives the sidecar's changes.
    const patched = await server.t.request('PATCH', `/aura/api/photos/${first.id}`, { token: server.owner.token, body: { metadata: { ...entries, album: 'Reception' } } });
    assert.equal(patched.statusCode, 200, patched.body);

    events.length = 0;
    await agent.pass();
    assert.equal(events.filter((e) => e.kind === 'metadata-sent').length, 0, 'an unchanged sidecar sends nothing');

    await writeFile(path.join(local, 'IMG_0001.xmp'), LIGHTROOM_SIDECAR.replace('xmp:Rating="4"', 'xmp:Rating="5"').replace('xmp:Label="Red"', 'xmp:Label="Green"'));
    await agent.pass();
    let now = (await photosOf('dance')).items.find((p) => p.id === first.id)!.metadata;
    assert.equal(now.xmp_rating, 5);
    assert.equal(now.xmp_label, 'Green');
    assert.equal(now.album, 'Reception');

    await rm(path.join(local, 'IMG_0001.xmp'));
    await agent.pass();
    now = (await photosOf('dance')).items.find((p) => p.id === first.id)!.metadata;
    assert.deepEqual(Object.keys(now).sort(), ['album', 'exif'], 'the sidecar\'s entries are gone, the rest stays');
  });

  it('darktable\'s NAME.ext.xmp is read too; with sync_metadata off nothing is sent', async () => {
    const local = path.join(server.dir, 'darktable');
    await mkdir(local);
    await writeFile(path.join(local, 'shot.jpg'), await photoJpeg({ color: '#445566' }));
    await writeFile(path.join(local, 'shot.jpg.xmp'), '<rdf:Description xmp:Rating="2"/>');
    const off = await agentFor(config(local, 'studio/2026/darktable', { syncMetadata: false }), 'darktable-off');
    await off.agent.pass();
    assert.equal((await photosOf('darktable')).items[0]!.metadata.xmp_rating, undefined);
    const on = await agentFor(config(local, 'studio/2026/darktable'), 'darktable-on');
    await on.agent.pass();
    assert.equal((await photosOf('darktable')).items[0]!.metadata.xmp_rating, 2);
  });

  it('metadata the server refuses (over 50 entries with the sidecar\'s) is reported once, and the other photos go on', async () => {
    const local = path.join(server.dir, 'full');
    await mkdir(local);
    await writeFile(path.join(local, 'full.jpg'), await photoJpeg({ color: '#8899aa' }));
    await writeFile(path.join(local, 'ok.jpg'), await photoJpeg({ color: '#99aabb' }));
    const { agent, events } = await agentFor(config(local, 'studio/2026/full'), 'full');
    await agent.pass();
    const full = (await photosOf('full')).items.find((p) => p.original_name === 'full.jpg')!;
    const fifty = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`note_${i}`, i]));
    assert.equal((await server.t.request('PATCH', `/aura/api/photos/${full.id}`, { token: server.owner.token, body: { metadata: fifty } })).statusCode, 200);
    await writeFile(path.join(local, 'full.xmp'), '<rdf:Description xmp:Rating="1"/>');
    await writeFile(path.join(local, 'ok.xmp'), '<rdf:Description xmp:Rating="3"/>');
    await agent.pass();
    const refused = events.filter((e) => e.kind === 'metadata-refused');
    assert.deepEqual(refused.map((e) => (e as { rel: string }).rel), ['full.jpg']);
    assert.match((refused[0] as { reason: string }).reason, /50 entries/);
    assert.equal((await photosOf('full')).items.find((p) => p.original_name === 'ok.jpg')!.metadata.xmp_rating, 3, 'the next photo was still sent');
    events.length = 0;
    await agent.pass();
    assert.equal(events.filter((e) => e.kind === 'metadata-refused').length, 0, 'not sent again until the sidecar changes');
  });

  it('a member\'s key may not change metadata: the agent says an admin key is needed and tries again later', async () => {
    const local = path.join(server.dir, 'member');
    await mkdir(local);
    await writeFile(path.join(local, 'm.jpg'), await photoJpeg({ color: '#556677' }));
    await writeFile(path.join(local, 'm.xmp'), '<rdf:Description xmp:Rating="3"/>');
    const { agent, events } = await agentFor(config(local, 'studio/2026/member', { key: memberKey }), 'member');
    await agent.pass();
    const needs = events.find((e) => e.kind === 'needs-admin');
    assert.ok(needs && /metadata/.test((needs as { reason: string }).reason), JSON.stringify(events));
    assert.equal((await photosOf('member')).items[0]!.metadata.xmp_rating, undefined);
    events.length = 0;
    await agent.pass();
    assert.ok(events.some((e) => e.kind === 'needs-admin'), 'not forgotten: asked again at the next pass');
  });

  it('a downloaded photo with sidecar entries in Aura gets its NAME.xmp, which is not sent back', async () => {
    const local = path.join(server.dir, 'vows');
    await mkdir(local);
    const { agent, events } = await agentFor(config(local, 'studio/2026/vows', { mode: 'bidirectional' }), 'vows');
    await agent.pass(); // creates the event
    const { eventId } = await photosOf('vows');
    const up = await uploadPhotos(server.t, server.owner.token, { event_id: eventId }, [jpegPart('rings.jpg', await photoJpeg({ color: '#667788' }))]);
    const id = up.json().files[0].photo.id;
    const metadata = { xmp_rating: 5, xmp_title: 'Rings <close-up>', xmp_keywords: 'rings, vows', album: 'Ceremony' };
    assert.equal((await server.t.request('PATCH', `/aura/api/photos/${id}`, { token: server.owner.token, body: { metadata } })).statusCode, 200);

    await agent.pass();
    const sidecar = await readFile(path.join(local, 'rings.xmp'), 'utf8');
    assert.deepEqual(parseXmp(sidecar), { rating: 5, title: 'Rings <close-up>', keywords: ['rings', 'vows'] });
    assert.ok(events.some((e) => e.kind === 'sidecar-written'));
    events.length = 0;
    await agent.pass();
    assert.equal(events.filter((e) => e.kind === 'metadata-sent').length, 0, 'the written sidecar is known, not sent back');
    const { exif: _exif, ...after } = (await server.t.request('GET', `/aura/api/photos/${id}`, { token: server.owner.token })).json().metadata;
    assert.deepEqual(after, metadata);
  });
});
