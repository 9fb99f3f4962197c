import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rm, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { TestPlatform, TestUser } from '../../support/platform.js';
import { readSyncConfig, type SyncConfig } from '../../../src/apps/aura/sync-agent/sync-config.js';
import { SyncAgent, type SyncEvent } from '../../../src/apps/aura/sync-agent/sync-agent.js';
import { photoJpeg } from './aura-fixtures.js';
import { startSyncServer, type SyncServer } from './sync-fixtures.js';

describe('aura sync agent: upload-only delta sync and the offline queue', () => {
  let server: SyncServer;
  let t: TestPlatform;
  let owner: TestUser;
  let base: string;
  let dir: string;
  let apiKey: string;

  before(async () => {
    server = await startSyncServer('sync');
    ({ t, owner, base, dir, apiKey } = server);
  });
  after(async () => {
    await t.close();
    await rm(dir, { recursive: true, force: true });
  });

  const serverDown = () => server.down();
  const serverUp = () => server.up();

  /** Write a sync_config.yaml in the seed's shape for these folders and read it back as the CLI does. */
  async function configFor(name: string, folders: { local: string; cloud: string }[], key = apiKey): Promise<SyncConfig> {
    const file = path.join(dir, `${name}.yaml`);
    const lines = [
      'sync_agent:',
      '  version: "1.0.0"',
      `  server_url: "${base}"`,
      `  org_id: "${owner.orgId}"`,
      `  api_key: "${key}"`,
      '  folders:',
      ...folders.flatMap((f) => [`    - local_path: ${JSON.stringify(f.local)}`, `      cloud_path: "${f.cloud}"`, '      mode: "upload-only"', '      sync_interval_minutes: 30']),
      '  settings:',
      '    bandwidth_limit_kbps: 5000',
      '    trash_retention_days: 30',
      '    conflict_strategy: "last-write-wins"',
      '    optimize_on_upload: true',
      '    sync_metadata: true',
    ];
    await writeFile(file, `${lines.join('\n')}\n`);
    return readSyncConfig(file);
  }

  async function photosOf(folder: string) {
    const events = (await t.request('GET', '/aura/api/events?limit=100', { token: owner.token })).json().items as { id: string; folder: string }[];
    const event = events.find((e) => e.folder === folder);
    if (!event) return [];
    const res = await t.request('GET', `/aura/api/photos?event_id=${event.id}&limit=100`, { token: owner.token });
    return res.json().items as { id: string; content_hash: string; original_name: string; source_type: string }[];
  }

  it('reads the seed\'s YAML and refuses a broken one with what to fix', async () => {
    const config = await configFor('good', [{ local: '/tmp/x', cloud: 'studio-abc/2026/weddings' }]);
    assert.equal(config.folders[0].mode, 'upload-only');
    assert.equal(config.settings.bandwidth_limit_kbps, 5000);
    const bad = path.join(dir, 'bad.yaml');
    await writeFile(bad, 'sync_agent:\n  version: "1"\n  org_id: "not-a-uuid"\n  api_key: "k"\n  folders: []\n');
    await assert.rejects(readSyncConfig(bad), (err: Error) => /org_id: must be your studio's id/.test(err.message) && /server_url/.test(err.message) && /folders: list at least one folder/.test(err.message));
    await writeFile(bad, 'sync_agent: [unclosed\n');
    await assert.rejects(readSyncConfig(bad), /not valid YAML/);
    await assert.rejects(readSyncConfig(path.join(dir, 'missing.yaml')), /Cannot read the sync config .*ENOENT/);
  });

  it('refuses a login token in place of an API key', async () => {
    const local = path.join(dir, 'token-folder');
    await mkdir(local);
    await writeFile(path.join(local, 'a.jpg'), await photoJpeg({ color: '#101010' }));
    const config = await configFor('token', [{ local, cloud: 'studio/2026/token-test' }], owner.token);
    const agent = new SyncAgent(config, path.join(dir, 'token-state'));
    await agent.open();
    await assert.rejects(agent.pass(), /login token, not an API key/);
  });

  it('uploads new files once, sends zero bytes when nothing changed, and only the changed file after an edit', async () => {
    const local = path.join(dir, 'weddings');
    await mkdir(path.join(local, 'day-1'), { recursive: true });
    const a = await photoJpeg({ color: '#aa0000' });
    await writeFile(path.join(local, 'a.jpg'), a);
    await writeFile(path.join(local, 'day-1', 'b.jpg'), await photoJpeg({ color: '#00aa00' }));
    // The same bytes under another name: one photo in the catalog.
    await writeFile(path.join(local, 'day-1', 'a-copy.jpg'), a);
    await writeFile(path.join(local, 'notes.txt'), 'not a photo');
    await mkdir(path.join(local, '.aura_trash'));
    await writeFile(path.join(local, '.aura_trash', 'old.jpg'), await photoJpeg({ color: '#0000aa' }));

    const config = await configFor('weddings', [{ local, cloud: 'studio-abc/2026/weddings' }]);
    const seen: SyncEvent[] = [];
    const agent = new SyncAgent(config, path.join(dir, 'weddings-state'), (e) => seen.push(e));
    await agent.open();
    const first = await agent.pass();
    assert.deepEqual({ queued: first.queued, uploaded: first.uploaded, pending: first.pending, offline: first.offline }, { queued: 3, uploaded: 3, pending: 0, offline: null });
    assert.ok(first.bytesSent > 0);
    assert.equal(seen.filter((e) => e.kind === 'uploaded' && e.duplicate).length, 1, 'the copy is answered as a duplicate');
    let photos = await photosOf('weddings');
    assert.equal(photos.length, 2, 'two distinct photos; the copy and the hidden trash folder are not new photos');
    assert.ok(photos.every((p) => p.source_type === 'local_sync'));

    const second = await agent.pass();
    assert.equal(second.bytesSent, 0, 'nothing changed: nothing sent');
    assert.equal(second.queued, 0);

    // A restarted agent (same state folder) sends nothing either.
    const restarted = new SyncAgent(config, path.join(dir, 'weddings-state'));
    await restarted.open();
    assert.equal((await restarted.pass()).bytesSent, 0);

    await writeFile(path.join(local, 'day-1', 'b.jpg'), await photoJpeg({ color: '#00ab00', width: 80 }));
    const third = await restarted.pass();
    assert.equal(third.uploaded, 1);
    photos = await photosOf('weddings');
    assert.equal(photos.length, 3);
  });

  it('queues on disk while the server is away, survives a restart, and uploads everything exactly once when it is back', async () => {
    const local = path.join(dir, 'events');
    await mkdir(local);
    await writeFile(path.join(local, 'first.jpg'), await photoJpeg({ color: '#123456' }));
    const config = await configFor('events', [{ local, cloud: 'studio-abc/2026/events' }]);
    const stateDir = path.join(dir, 'events-state');
    const agent = new SyncAgent(config, stateDir);
    await agent.open();
    assert.equal((await agent.pass()).uploaded, 1);

    await serverDown();
    try {
      await writeFile(path.join(local, 'second.jpg'), await photoJpeg({ color: '#654321' }));
      await writeFile(path.join(local, 'third.jpg'), await photoJpeg({ color: '#abcdef' }));
      const away = await agent.pass();
      assert.equal(away.queued, 2);
      assert.equal(away.uploaded, 0);
      assert.equal(away.pending, 2);
      assert.match(away.offline ?? '', /cannot reach/);
      // Still away: a second pass queues nothing twice.
      const again = await agent.pass();
      assert.equal(again.queued, 0);
      assert.equal(again.pending, 2);
    } finally {
      await serverUp();
    }

    // The agent is restarted (a new process would read the same state folder).
    const restarted = new SyncAgent(config, stateDir);
    await restarted.open();
    const back = await restarted.pass();
    assert.equal(back.uploaded, 2);
    assert.equal(back.pending, 0);
    assert.equal(back.queued, 0, 'the files came from the journal, not from a new scan');
    const photos = await photosOf('events');
    assert.deepEqual(photos.map((p) => p.original_name).sort(), ['first.jpg', 'second.jpg', 'third.jpg']);
    assert.equal(new Set(photos.map((p) => p.content_hash)).size, 3);
    assert.equal((await restarted.pass()).bytesSent, 0);
  });
});
