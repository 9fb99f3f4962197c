import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { startTestPlatform, type TestPlatform, type TestUser } from '../../support/platform.js';
import { auraApp } from '../../../src/apps/aura/index.js';
import { syncConfigSchema, type SyncConfig } from '../../../src/apps/aura/sync-agent/sync-config.js';
import { SyncAgent, type SyncEvent } from '../../../src/apps/aura/sync-agent/sync-agent.js';
import { jpegPart, photoJpeg, uploadPhotos } from './aura-fixtures.js';

describe('aura sync agent: downloads, deletion rules and conflicts', () => {
  let t: TestPlatform;
  let owner: TestUser;
  let base: string;
  let dir: string;
  let adminKey: string;
  let memberKey: string;

  before(async () => {
    t = await startTestPlatform({ apps: [auraApp] });
    base = await t.server.listen({ port: 0, host: '127.0.0.1' });
    owner = await t.signup('bisync');
    adminKey = (await t.request('POST', '/api/v1/api-keys', { token: owner.token, body: { name: 'sync admin', role: 'admin', scopes: ['aura'] } })).json().key;
    memberKey = (await t.request('POST', '/api/v1/api-keys', { token: owner.token, body: { name: 'sync member', role: 'member', scopes: ['aura'] } })).json().key;
    dir = await mkdtemp(path.join(tmpdir(), 'aura-bisync-'));
  });
  after(async () => {
    await t.close();
    await rm(dir, { recursive: true, force: true });
  });

  function config(local: string, cloud: string, opts: { key?: string; conflict?: 'last-write-wins' | 'keep-both'; mode?: string } = {}): SyncConfig {
    return syncConfigSchema.parse({
      sync_agent: {
        version: '1.0.0', server_url: base, org_id: owner.orgId, api_key: opts.key ?? adminKey,
        folders: [{ local_path: local, cloud_path: cloud, mode: opts.mode ?? 'bidirectional', sync_interval_minutes: 30 }],
        settings: { conflict_strategy: opts.conflict ?? 'last-write-wins', trash_retention_days: 30 },
      },
    }).sync_agent;
  }
  async function agentFor(cfg: SyncConfig, name: string) {
    const events: SyncEvent[] = [];
    const agent = new SyncAgent(cfg, path.join(dir, `${name}-state`), (e) => events.push(e));
    await agent.open();
    return { agent, events };
  }
  async function eventId(folder: string) {
    const events = (await t.request('GET', '/aura/api/events?limit=100', { token: owner.token })).json().items as { id: string; folder: string }[];
    return events.find((e) => e.folder === folder)!.id;
  }
  async function cloudPhotos(folder: string) {
    return (await t.request('GET', `/aura/api/photos?event_id=${await eventId(folder)}&limit=100`, { token: owner.token })).json().items as { id: string; original_name: string; content_hash: string }[];
  }
  const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

  it('downloads the event\'s photos, sends a local delete to the cloud trash and a cloud delete to .aura_trash/', async () => {
    const local = path.join(dir, 'shared');
    await mkdir(local);
    const mine = await photoJpeg({ color: '#112233' });
    await writeFile(path.join(local, 'mine.jpg'), mine);
    const { agent, events } = await agentFor(config(local, 'studio/2026/shared'), 'shared');
    await agent.pass();

    const fromCloud = await photoJpeg({ color: '#445566' });
    const up = await uploadPhotos(t, owner.token, { event_id: await eventId('shared') }, [jpegPart('from-cloud.jpg', fromCloud)]);
    assert.equal(up.json().stored, 1);
    await agent.pass();
    assert.deepEqual(await readFile(path.join(local, 'from-cloud.jpg')), fromCloud, 'the cloud photo arrived with its bytes');
    const quiet = await agent.pass();
    assert.equal(quiet.bytesSent, 0, 'a downloaded photo is not sent back');
    assert.equal((await cloudPhotos('shared')).length, 2);

    // Local delete → cloud trash.
    const mineId = (await cloudPhotos('shared')).find((p) => p.content_hash === sha(mine))!.id;
    await rm(path.join(local, 'mine.jpg'));
    await agent.pass();
    assert.deepEqual((await cloudPhotos('shared')).map((p) => p.original_name), ['from-cloud.jpg']);
    const trash = (await t.request('GET', '/aura/api/trash?limit=100', { token: owner.token })).json().items as { id: string }[];
    assert.ok(trash.some((p) => p.id === mineId), 'the photo is in the cloud trash, not erased');

    // Cloud delete → local .aura_trash/.
    const cloudId = (await cloudPhotos('shared'))[0].id;
    assert.equal((await t.request('DELETE', `/aura/api/photos/${cloudId}`, { token: owner.token })).statusCode, 200);
    await agent.pass();
    assert.deepEqual((await readdir(local)).sort(), ['.aura_trash']);
    const kept = await readdir(path.join(local, '.aura_trash'));
    assert.equal(kept.length, 1);
    assert.match(kept[0], /from-cloud\.jpg$/);
    assert.deepEqual(await readFile(path.join(local, '.aura_trash', kept[0])), fromCloud);
    assert.ok(events.some((e) => e.kind === 'local-trashed'));
  });

  it('a missing folder is marked, never taken as every file deleted', async () => {
    const local = path.join(dir, 'vanishing');
    await mkdir(local);
    await writeFile(path.join(local, 'keep.jpg'), await photoJpeg({ color: '#778899' }));
    const { agent, events } = await agentFor(config(local, 'studio/2026/vanishing'), 'vanishing');
    await agent.pass();
    await rm(local, { recursive: true });
    await agent.pass();
    assert.ok(events.some((e) => e.kind === 'folder-missing'));
    assert.equal((await cloudPhotos('vanishing')).length, 1, 'the cloud photo stays');
  });

  it('a member\'s key cannot trash in the cloud: the photo stays and the agent says an admin key is needed', async () => {
    const local = path.join(dir, 'member');
    await mkdir(local);
    await writeFile(path.join(local, 'm.jpg'), await photoJpeg({ color: '#998877' }));
    const { agent, events } = await agentFor(config(local, 'studio/2026/member-folder', { key: memberKey, mode: 'upload-only' }), 'member');
    await agent.pass();
    await rm(path.join(local, 'm.jpg'));
    await agent.pass();
    assert.ok(events.some((e) => e.kind === 'needs-admin'));
    assert.equal((await cloudPhotos('member-folder')).length, 1);
  });

  it('keep-both: a cloud photo named like a different local file arrives with a suffix', async () => {
    const local = path.join(dir, 'both');
    await mkdir(local);
    const localBytes = await photoJpeg({ color: '#010203' });
    await writeFile(path.join(local, 'same.jpg'), localBytes);
    const { agent } = await agentFor(config(local, 'studio/2026/both', { conflict: 'keep-both' }), 'both');
    await agent.pass();
    const cloudBytes = await photoJpeg({ color: '#040506' });
    await uploadPhotos(t, owner.token, { event_id: await eventId('both') }, [jpegPart('same.jpg', cloudBytes)]);
    await agent.pass();
    const names = (await readdir(local)).sort();
    assert.deepEqual(names, ['same-cloud-' + sha(cloudBytes).slice(0, 8) + '.jpg', 'same.jpg']);
    assert.deepEqual(await readFile(path.join(local, 'same.jpg')), localBytes);
  });
});
