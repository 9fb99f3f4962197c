import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, writeFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startTestPlatform, type TestPlatform, type TestUser } from '../../support/platform.js';
import { visantApp } from '../../../src/apps/visant/index.js';
import { importDatalake } from '../../../src/apps/visant/import/import-datalake.js';
import { sceneJpeg } from '../../support/images.js';

describe('visant datalake import', () => {
  let t: TestPlatform;
  let owner: TestUser;
  let root: string;
  before(async () => {
    t = await startTestPlatform({ apps: [visantApp] });
    owner = await t.signup('importer');
    root = await mkdtemp(path.join(os.tmpdir(), 'datalake-'));
    const day = path.join(root, 'lobby-cam', '2025', '10', '30');
    await mkdir(day, { recursive: true });
    await writeFile(path.join(root, 'lobby-cam', 'device.json'), JSON.stringify({ friendly_name: 'Lobby', normal_description: 'Empty lobby' }));
    await writeFile(path.join(day, '20251030_101500.jpg'), await sceneJpeg({ width: 320, height: 240 }));
    await writeFile(path.join(day, '20251030_101500.json'), JSON.stringify({ state: 'normal', score: 0.1, reason: 'Nothing unusual' }));
    await writeFile(path.join(day, '20251030_111500.jpg'), await sceneJpeg({ width: 320, height: 240, intruder: { x: 0.1, y: 0.1, w: 0.5, h: 0.5 } }));
    await writeFile(path.join(day, '20251030_111500.json'), JSON.stringify({ captured_at: '2025-10-30T11:15:00Z', state: 'abnormal', score: 0.92, reason: 'Person near the desk' }));
    await writeFile(path.join(day, '20251030_121500.png'), await sceneJpeg({ width: 320, height: 240 }).then((b) => b)); // no sidecar: will be evaluated
    await writeFile(path.join(day, 'broken.jpg'), Buffer.from('not an image'));
    await writeFile(path.join(day, 'notes.txt'), 'ignored');
    await mkdir(path.join(root, 'bad name!'));
  });
  after(async () => {
    await t.close();
    await rm(root, { recursive: true, force: true });
  });

  it('reports the plan without changing anything in a dry run', async () => {
    const report = await importDatalake(t.platform.ctx, root, owner.orgId, { dryRun: true });
    assert.equal(report.devices.length, 1);
    assert.equal(report.devices[0]!.planned, 4);
    assert.ok(report.problems.some((p) => p.path.endsWith('bad name!')));
    const devices = (await t.request('GET', '/visant/v1/devices', { token: owner.token })).json();
    assert.equal(devices.total, 0);
  });

  it('imports devices and captures with their legacy verdicts, reports failures, and is safe to run twice', async () => {
    const ticks: string[] = [];
    const report = await importDatalake(t.platform.ctx, root, owner.orgId, { progress: { start: () => {}, tick: (l) => ticks.push(l), stop: () => {} } });
    assert.equal(report.devices[0]!.imported, 3);
    assert.equal(report.devices[0]!.failed, 1);
    assert.equal(report.failures[0]!.record_id, 'broken');
    assert.equal(report.verified, false, 'the broken file keeps the import from verifying');
    assert.equal(ticks.length, 4);
    const abnormal = (await t.request('GET', '/visant/v1/captures/20251030_111500', { token: owner.token })).json();
    assert.equal(abnormal.state, 'abnormal');
    assert.equal(abnormal.reason, 'Person near the desk');
    assert.equal(abnormal.evaluation_status, 'completed');
    const device = (await t.request('GET', '/visant/v1/devices/lobby-cam', { token: owner.token })).json();
    assert.equal(device.friendly_name, 'Lobby');
    assert.equal(device.config.normal_description, 'Empty lobby');

    await rm(path.join(root, 'lobby-cam', '2025', '10', '30', 'broken.jpg'));
    const again = await importDatalake(t.platform.ctx, root, owner.orgId);
    assert.equal(again.devices[0]!.imported, 0);
    assert.equal(again.devices[0]!.already_present, 3);
    assert.equal(again.verified, true);
    const list = (await t.request('GET', '/visant/v1/captures?device_id=lobby-cam', { token: owner.token })).json();
    assert.equal(list.items.length, 3);
  });

  it('refuses an unknown org', async () => {
    await assert.rejects(importDatalake(t.platform.ctx, root, '00000000-0000-4000-8000-000000000000'), /No organization/);
  });
});
