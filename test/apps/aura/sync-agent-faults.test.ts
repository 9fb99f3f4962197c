import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { copyFile, mkdir, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import sharp from 'sharp';
import type { TestPlatform, TestUser } from '../../support/platform.js';
import { syncConfigSchema, type SyncConfig } from '../../../src/apps/aura/sync-agent/sync-config.js';
import { SyncAgent, type SyncEvent } from '../../../src/apps/aura/sync-agent/sync-agent.js';
import { jpegPart, photoJpeg, uploadPhotos } from './aura-fixtures.js';
import { startSyncServer, type SyncServer } from './sync-fixtures.js';

/**
 * A TCP proxy in front of the server that, once armed, lets the next photo upload's first
 * `bytes` through and then cuts both sides: the agent losing the network in the middle of a
 * file, with the server holding part of it.
 */
async function cuttingProxy(target: string) {
  const { hostname, port } = new URL(target);
  let armed: { bytes: number; cut: () => void } | null = null;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(port), hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    }
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    upstream.on('data', (chunk) => client.write(chunk));
    let forwarded = -1; // bytes of the upload request forwarded so far; -1: not in an upload
    client.on('data', (chunk: Buffer) => {
      if (armed && forwarded < 0 && chunk.includes('POST /aura/api/photos ')) forwarded = 0;
      if (armed && forwarded >= 0) {
        const room = armed.bytes - forwarded;
        if (chunk.length >= room) {
          const { cut } = armed;
          armed = null;
          upstream.end(chunk.subarray(0, room));
          client.destroy();
          cut();
          return;
        }
        forwarded += chunk.length;
      }
      upstream.write(chunk);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    /** Cut the next upload after `bytes`; resolves once it is cut. */
    cutNextUpload(bytes: number) {
      return new Promise<void>((resolve) => {
        armed = { bytes, cut: resolve };
      });
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('aura sync agent: the network lost mid-file, the same file twice, last-write-wins both ways', () => {
  let server: SyncServer;
  let t: TestPlatform;
  let owner: TestUser;
  let dir: string;

  before(async () => {
    // An admin's key: last-write-wins moves the losing cloud photo to the cloud trash.
    server = await startSyncServer('sync-faults', 'admin');
    ({ t, owner, dir } = server);
  });
  after(async () => {
    await t.close();
    await rm(dir, { recursive: true, force: true });
  });

  function config(local: string, cloud: string, opts: { url?: string; mode?: string } = {}): SyncConfig {
    return syncConfigSchema.parse({
      sync_agent: {
        version: '1.0.0', server_url: opts.url ?? server.base, org_id: owner.orgId, api_key: server.apiKey,
        folders: [{ local_path: local, cloud_path: cloud, mode: opts.mode ?? 'bidirectional' }],
        settings: { conflict_strategy: 'last-write-wins' },
      },
    }).sync_agent;
  }
  async function eventId(folder: string) {
    const events = (await t.request('GET', '/aura/api/events?limit=100', { token: owner.token })).json().items as { id: string; folder: string }[];
    return events.find((e) => e.folder === folder)?.id;
  }
  async function cloudPhotos(folder: string) {
    const id = await eventId(folder);
    if (!id) return [];
    return (await t.request('GET', `/aura/api/photos?event_id=${id}&limit=100`, { token: owner.token })).json().items as { id: string; original_name: string; content_hash: string }[];
  }
  const trashed = async () => ((await t.request('GET', '/aura/api/trash?limit=100', { token: owner.token })).json().items as { id: string }[]).map((p) => p.id);
  const originals = async () => {
    const keys: string[] = [];
    for await (const e of t.platform.ctx.storage.driver.list(`${owner.orgId}/`)) if (e.key.includes('/originals/')) keys.push(e.key);
    return keys;
  };

  it('a connection cut mid-file leaves no photo; the agent resumes, and the photo arrives once even when a crash makes it send the file again', async () => {
    const proxy = await cuttingProxy(server.base);
    try {
      const local = path.join(dir, 'cut');
      await mkdir(local);
      // Noise compresses badly: the file is several times the bytes let through before the cut.
      const bytes = await sharp(randomBytes(1000 * 1000 * 3), { raw: { width: 1000, height: 1000, channels: 3 } }).jpeg({ quality: 95 }).toBuffer();
      const cutAfter = 256 * 1024;
      assert.ok(bytes.length > 3 * cutAfter, `${bytes.length} bytes`);
      await writeFile(path.join(local, 'big.jpg'), bytes);
      const stateDir = path.join(dir, 'cut-state');
      const cfg = config(local, 'studio/2026/cut', { url: proxy.url, mode: 'upload-only' });
      const agent = new SyncAgent(cfg, stateDir);
      await agent.open();

      const cut = proxy.cutNextUpload(cutAfter);
      const lost = await agent.pass();
      await cut;
      assert.match(lost.offline ?? '', /cannot reach/);
      assert.deepEqual({ uploaded: lost.uploaded, pending: lost.pending }, { uploaded: 0, pending: 1 });
      assert.ok(await eventId('cut'), 'the event was created before the upload');
      assert.deepEqual(await cloudPhotos('cut'), [], 'no partial photo in the catalog');

      // Resumed with the network back. Before it, the state as a crash right after the
      // server's answer would leave it: the upload still pending in the journal.
      const snapshot = path.join(dir, 'cut-snapshot');
      await mkdir(snapshot);
      for (const f of await readdir(stateDir)) await copyFile(path.join(stateDir, f), path.join(snapshot, f));
      const back = await agent.pass();
      assert.deepEqual({ uploaded: back.uploaded, pending: back.pending, offline: back.offline }, { uploaded: 1, pending: 0, offline: null });
      let photos = await cloudPhotos('cut');
      assert.deepEqual(photos.map((p) => p.content_hash), [sha(bytes)], 'the whole file, once');

      for (const f of await readdir(snapshot)) await copyFile(path.join(snapshot, f), path.join(stateDir, f));
      const events: SyncEvent[] = [];
      const afterCrash = new SyncAgent(cfg, stateDir, (e) => events.push(e));
      await afterCrash.open();
      const replay = await afterCrash.pass();
      assert.equal(replay.uploaded, 1, 'the journal sent it again');
      assert.ok(events.some((e) => e.kind === 'uploaded' && e.duplicate), 'the server answered "duplicate"');
      photos = await cloudPhotos('cut');
      assert.equal(photos.length, 1, 'still one photo');
      assert.equal((await originals()).filter((k) => k.endsWith('big.jpg')).length, 1, 'one original in storage');
    } finally {
      await proxy.close();
    }
  });

  it('last-write-wins, cloud newer: the cloud photo replaces the local file, which goes to .aura_trash/; the older cloud copy goes to the cloud trash', async () => {
    const local = path.join(dir, 'cloud-wins');
    await mkdir(local);
    const older = await photoJpeg({ color: '#203040' });
    await writeFile(path.join(local, 'portrait.jpg'), older);
    const hourAgo = new Date(Date.now() - 3_600_000);
    await utimes(path.join(local, 'portrait.jpg'), hourAgo, hourAgo);
    const agent = new SyncAgent(config(local, 'studio/2026/cloud-wins'), path.join(dir, 'cloud-wins-state'));
    await agent.open();
    await agent.pass();
    const olderId = (await cloudPhotos('cloud-wins'))[0]!.id;

    // Someone edits the photo in the cloud: a newer upload with the same name.
    const newer = await photoJpeg({ color: '#405060' });
    const up = await uploadPhotos(t, owner.token, { event_id: (await eventId('cloud-wins'))! }, [jpegPart('portrait.jpg', newer)]);
    assert.equal(up.json().stored, 1, up.body);
    const newerId = up.json().files[0].photo.id as string;
    await agent.pass();
    await agent.pass();

    assert.deepEqual(await readFile(path.join(local, 'portrait.jpg')), newer, 'the newer cloud photo is the local file now');
    const localTrash = await readdir(path.join(local, '.aura_trash'));
    assert.equal(localTrash.length, 1);
    assert.deepEqual(await readFile(path.join(local, '.aura_trash', localTrash[0]!)), older, 'the older local file is kept in the local trash');
    assert.deepEqual((await cloudPhotos('cloud-wins')).map((p) => p.id), [newerId]);
    assert.ok((await trashed()).includes(olderId), 'the older cloud copy is in the cloud trash, not erased');
    assert.equal((await agent.pass()).bytesSent, 0, 'settled: nothing more is sent');
  });

  it('last-write-wins, local newer: the local edit is uploaded and the older cloud photo goes to the cloud trash', async () => {
    const cloudFirst = await photoJpeg({ color: '#607080' });
    const created = await t.request('POST', '/aura/api/events', { token: owner.token, body: { name: 'local-wins', folder: 'local-wins' } });
    assert.equal(created.statusCode, 201, created.body);
    const up = await uploadPhotos(t, owner.token, { event_id: created.json().id }, [jpegPart('edit.jpg', cloudFirst)]);
    const cloudId = up.json().files[0].photo.id as string;

    const local = path.join(dir, 'local-wins');
    await mkdir(local);
    const agent = new SyncAgent(config(local, 'studio/2026/local-wins'), path.join(dir, 'local-wins-state'));
    await agent.open();
    await agent.pass();
    assert.deepEqual(await readFile(path.join(local, 'edit.jpg')), cloudFirst, 'downloaded first');

    // Edited on this machine later than the cloud's copy.
    const edited = await photoJpeg({ color: '#708090' });
    await writeFile(path.join(local, 'edit.jpg'), edited);
    const inAnHour = new Date(Date.now() + 3_600_000);
    await utimes(path.join(local, 'edit.jpg'), inAnHour, inAnHour);
    const pass = await agent.pass();
    assert.equal(pass.uploaded, 1);

    assert.deepEqual(await readFile(path.join(local, 'edit.jpg')), edited, 'the local edit stays');
    const photos = await cloudPhotos('local-wins');
    assert.deepEqual(photos.map((p) => p.content_hash), [sha(edited)], 'the cloud holds the edit only');
    assert.ok((await trashed()).includes(cloudId), 'the older cloud photo is in the cloud trash');
    await assert.rejects(readdir(path.join(local, '.aura_trash')), /ENOENT/, 'nothing was trashed locally');
    assert.equal((await agent.pass()).bytesSent, 0);
  });
});
