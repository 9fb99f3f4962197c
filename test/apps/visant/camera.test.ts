import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestPlatform, type TestPlatform, type TestUser } from '../../support/platform.js';
import { sceneJpeg } from '../../support/images.js';
import { visantApp } from '../../../src/apps/visant/index.js';
import { cameraVersion, CameraStoppedError, runCamera, type CameraEvent, type CameraEventKind } from '../../../src/apps/visant/camera/run-camera.js';
import { FrameQueue } from '../../../src/apps/visant/camera/frame-queue.js';
import { openSource } from '../../../src/apps/visant/camera/frame-source.js';
import { backoffDelay } from '../../../src/apps/visant/camera/backoff.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

/** Events of one running camera, awaited as they come (no fixed sleeps). */
class Events {
  readonly seen: CameraEvent[] = [];
  private waiters: { test: (e: CameraEvent) => boolean; resolve: (e: CameraEvent) => void }[] = [];
  push = (e: CameraEvent) => {
    this.seen.push(e);
    this.waiters = this.waiters.filter((w) => (w.test(e) ? (w.resolve(e), false) : true));
  };
  count(kind: CameraEventKind) {
    return this.seen.filter((e) => e.kind === kind).length;
  }
  /** The nth (1-based) event of this kind, now or when it happens. */
  next(kind: CameraEventKind, nth = this.count(kind) + 1, match: (e: CameraEvent) => boolean = () => true): Promise<CameraEvent> {
    let n = 0;
    const found = this.seen.find((e) => e.kind === kind && match(e) && ++n === nth);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${kind} event #${nth}; seen:\n${this.seen.map((e) => `${e.kind}: ${e.message}`).join('\n')}`)), 120_000);
      this.waiters.push({ test: (e) => e.kind === kind && match(e) && ++n === nth, resolve: (e) => (clearTimeout(timer), resolve(e)) });
    });
  }
}

describe('visant camera client', { timeout: 600_000 }, () => {
  let t: TestPlatform;
  let owner: TestUser;
  let base: string;
  let port: number;
  let dir: string;
  before(async () => {
    t = await startTestPlatform({ apps: [visantApp] });
    owner = await t.signup('camera-client');
    base = await t.server.listen({ port: 0, host: '127.0.0.1' });
    port = Number(new URL(base).port);
    dir = await mkdtemp(path.join(tmpdir(), 'visant-camera-'));
  });
  after(async () => {
    await t.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** Register a camera through the real HTTP server and save the config file Visant gives. */
  async function register(deviceId: string, trigger = { enabled: true, interval_seconds: 5 }) {
    const res = await fetch(`${base}/visant/v1/devices`, {
      method: 'POST',
      headers: { authorization: `Bearer ${owner.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ device_id: deviceId, config: { trigger } }),
    });
    assert.equal(res.status, 201);
    const body = (await res.json()) as { config_file: { content: string }; api_key: string };
    const configFile = path.join(dir, `${deviceId}.json`);
    await writeFile(configFile, body.config_file.content);
    return { configFile, apiKey: body.api_key };
  }

  async function capturesOf(deviceId: string) {
    const res = await t.request('GET', `/visant/v1/captures?device_id=${deviceId}&limit=100`, { token: owner.token });
    assert.equal(res.statusCode, 200, res.body);
    return res.json().items as { record_id: string; metadata: Record<string, unknown> }[];
  }

  function start(configFile: string, options: { source: string; queueDir?: string }) {
    const events = new Events();
    const stop = new AbortController();
    const running = runCamera({
      configFile,
      source: options.source,
      queueDir: options.queueDir ?? path.join(dir, `queue-${path.basename(configFile)}`),
      queueMax: 100,
      ffmpegPath: 'ffmpeg',
      configRefreshSeconds: 1,
      maxRetryDelaySeconds: 2,
      signal: stop.signal,
      onEvent: events.push,
    });
    return { events, stop: () => (stop.abort(), running), running };
  }

  /** The server going away: the port stops answering, open connections are cut. */
  async function serverDown() {
    const closed = new Promise((resolve) => t.server.server.close(resolve));
    t.server.server.closeAllConnections();
    await closed;
  }
  const serverUp = () => new Promise<void>((resolve) => t.server.server.listen(port, '127.0.0.1', resolve));

  it('uploads a folder of images, queues while the server is away and drains when it is back, with nothing duplicated', async () => {
    const { configFile } = await register('folder-cam');
    const images = path.join(dir, 'folder-images');
    await mkdir(images);
    for (const [i, name] of ['a-0001.jpg', 'a-0002.jpg', 'a-0003.jpg'].entries()) {
      await writeFile(path.join(images, name), await sceneJpeg({ width: 200, height: 150, intruder: { x: 0.1 * i, y: 0.1, w: 0.2, h: 0.2 } }));
    }
    const cam = start(configFile, { source: images });
    await cam.events.next('uploaded', 1);

    await serverDown();
    const queuedWhileAway = await cam.events.next('captured', 2);
    await cam.events.next('retrying', 1, (e) => e.recordId === queuedWhileAway.recordId);
    assert.equal(cam.events.count('uploaded'), 1, 'nothing uploads while the server is away');
    await serverUp();

    await cam.events.next('uploaded', 3);
    // Idle once the folder has nothing new: on a loaded machine that can be said before the
    // last queued frame went up, so any idle counts, not only one after the third upload.
    await cam.events.next('idle', 1);
    const { queued } = await cam.stop();
    assert.equal(queued, 0);

    const captured = cam.events.seen.filter((e) => e.kind === 'captured').map((e) => e.recordId).sort();
    const onServer = await capturesOf('folder-cam');
    assert.deepEqual(onServer.map((c) => c.record_id).sort(), captured, 'every frame once, none twice');
    assert.deepEqual(onServer.map((c) => c.metadata.file).sort(), ['a-0001.jpg', 'a-0002.jpg', 'a-0003.jpg']);
    assert.ok(cam.events.count('retrying') >= 1);
    const status = (await t.request('GET', '/visant/v1/devices/folder-cam/status', { token: owner.token })).json();
    assert.equal(status.device_version, cameraVersion());
    assert.match(cameraVersion(), /^tenantry-camera\/\d+\.\d+\.\d+/);

    // Started again on the same queue, the camera does not send the folder a second time.
    const again = start(configFile, { source: images });
    await again.events.next('idle');
    await again.stop();
    assert.equal((await capturesOf('folder-cam')).length, 3);
  });

  it('survives a real server restart (the platform shut down and started again on the same data)', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'visant-camera-restart-'));
    let server = await startTestPlatform({ apps: [visantApp], env: { DATA_DIR: dataDir } });
    try {
      const address = await server.server.listen({ port: 0, host: '127.0.0.1' });
      const me = await server.signup('restart-owner');
      const reg = await server.request('POST', '/visant/v1/devices', { token: me.token, body: { device_id: 'restart-cam', config: { trigger: { enabled: true, interval_seconds: 5 } } } });
      assert.equal(reg.statusCode, 201, reg.body);
      const configFile = path.join(dir, 'restart-cam.json');
      // Registered through inject, so point the file at the real listener (what Visant would give behind PUBLIC_URL).
      const fileContent = { ...JSON.parse(reg.json().config_file.content), api_url: `${address}/visant/v1` };
      delete fileContent.upload_endpoint;
      await writeFile(configFile, JSON.stringify(fileContent));
      const images = path.join(dir, 'restart-images');
      await mkdir(images);
      for (const name of ['r-1.jpg', 'r-2.jpg', 'r-3.jpg']) await writeFile(path.join(images, name), await sceneJpeg({ width: 160, height: 120 }));

      const cam = start(configFile, { source: images });
      await cam.events.next('uploaded', 1);
      await server.close();
      await cam.events.next('retrying', 1, (e) => /cannot reach/.test(e.message));
      server = await startTestPlatform({ apps: [visantApp], env: { DATA_DIR: dataDir } });
      await server.server.listen({ port: Number(new URL(address).port), host: '127.0.0.1' });
      await cam.events.next('uploaded', 3);
      await cam.stop();
      const list = await server.request('GET', '/visant/v1/captures?device_id=restart-cam&limit=10', { token: me.token });
      assert.equal(list.statusCode, 200, list.body);
      assert.deepEqual(list.json().items.map((c: { metadata: { file: string } }) => c.metadata.file).sort(), ['r-1.jpg', 'r-2.jpg', 'r-3.jpg']);
    } finally {
      await server.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('a frame the server already has (its answer was lost) leaves the queue without a second copy', async () => {
    const { configFile, apiKey } = await register('lost-answer-cam');
    const queueDir = path.join(dir, 'queue-lost-answer');
    const queue = new FrameQueue(queueDir, 10, () => {});
    await queue.open();
    const bytes = await sceneJpeg({ width: 160, height: 120 });
    const recordId = 'lost-answer-cam_20261130T100000.000Z_abcdef';
    await queue.add({ recordId, capturedAt: '2026-11-30T10:00:00.000Z', bytes, metadata: { source: 'folder' } });
    const first = await t.request('POST', '/visant/v1/captures', { token: apiKey, body: { device_id: 'lost-answer-cam', record_id: recordId, image_base64: bytes.toString('base64') } });
    assert.equal(first.statusCode, 201);

    const empty = path.join(dir, 'empty-folder');
    await mkdir(empty);
    const cam = start(configFile, { source: empty, queueDir });
    const dup = await cam.events.next('duplicate');
    assert.equal(dup.recordId, recordId);
    await cam.stop();
    assert.equal(await queue.size(), 0);
    assert.equal((await capturesOf('lost-answer-cam')).length, 1);
  });

  it('keeps queued frames while the server refuses captures (trigger disabled) and sends them once it is enabled again', async () => {
    const { configFile } = await register('paused-cam');
    const queueDir = path.join(dir, 'queue-paused');
    const queue = new FrameQueue(queueDir, 10, () => {});
    await queue.open();
    const recordId = 'paused-cam_20261130T110000.000Z_123456';
    await queue.add({ recordId, capturedAt: '2026-11-30T11:00:00.000Z', bytes: await sceneJpeg({ width: 160, height: 120 }), metadata: { source: 'folder' } });
    await t.request('PUT', '/visant/v1/devices/paused-cam/config', { token: owner.token, body: { trigger: { enabled: false, interval_seconds: 5 } } });

    const images = path.join(dir, 'paused-images');
    await mkdir(images);
    await writeFile(path.join(images, 'new.jpg'), await sceneJpeg({ width: 160, height: 120 }));
    const cam = start(configFile, { source: images, queueDir });
    const paused = await cam.events.next('paused');
    assert.match(paused.message, /trigger is disabled.*1 queued frame\(s\) kept/);
    assert.equal(cam.events.count('captured'), 0, 'no capture while the trigger is disabled');
    assert.equal(await queue.size(), 1);

    await t.request('PUT', '/visant/v1/devices/paused-cam/config', { token: owner.token, body: { trigger: { enabled: true, interval_seconds: 5 } } });
    const first = await cam.events.next('uploaded', 1);
    assert.equal(first.recordId, recordId, 'the queued frame goes first');
    await cam.events.next('uploaded', 2);
    await cam.stop();
    assert.equal((await capturesOf('paused-cam')).length, 2);
  });

  it('captures from an FFmpeg source and follows trigger changes made on the server', async () => {
    const { configFile } = await register('ffmpeg-cam', { enabled: true, interval_seconds: 30 });
    const cam = start(configFile, { source: 'lavfi:testsrc=size=320x240:rate=1' });
    const up = await cam.events.next('uploaded');
    const capture = (await capturesOf('ffmpeg-cam')).find((c) => c.record_id === up.recordId)!;
    assert.equal(capture.metadata.width, 320);
    assert.equal(capture.metadata.height, 240);
    assert.equal(capture.metadata.source, 'ffmpeg');

    const put = (trigger: { enabled: boolean; interval_seconds: number }) =>
      t.request('PUT', '/visant/v1/devices/ffmpeg-cam/config', { token: owner.token, body: { trigger } });
    assert.equal((await put({ enabled: false, interval_seconds: 30 })).statusCode, 200);
    await cam.events.next('config', 1, (e) => /trigger disabled/.test(e.message));
    assert.equal((await put({ enabled: true, interval_seconds: 5 })).statusCode, 200);
    await cam.events.next('config', 1, (e) => /every 5 s/.test(e.message));
    await cam.events.next('uploaded', 2); // enabled again: a frame at once, not 30 s later
    await cam.stop();
  });

  it('stops with a clear message when its key is revoked, at start or while running', async () => {
    const { configFile } = await register('revoked-cam');
    const images = path.join(dir, 'revoked-images');
    await mkdir(images);
    await writeFile(path.join(images, 'one.jpg'), await sceneJpeg({ width: 160, height: 120 }));
    const cam = start(configFile, { source: images });
    await cam.events.next('uploaded');
    // Watch for the stop before rotating: the camera may hit the revoked key before the rotation's answer arrives.
    const stopped = assert.rejects(cam.running, (err: Error) => err instanceof CameraStoppedError && /refused this camera's key.*new config file/.test(err.message));
    const newKey = await t.request('POST', '/visant/v1/devices/revoked-cam/key', { token: owner.token });
    assert.equal(newKey.statusCode, 201);
    await stopped;

    await assert.rejects(start(configFile, { source: images }).running, (err: Error) => err instanceof CameraStoppedError && /refused this camera's key/.test(err.message));
  });

  it('explains a bad config file or source', async () => {
    const notJson = path.join(dir, 'not-json.json');
    await writeFile(notJson, 'api_key=oops');
    await assert.rejects(start(notJson, { source: dir }).running, /is not JSON: download the device's config file again/);
    const incomplete = path.join(dir, 'incomplete.json');
    await writeFile(incomplete, JSON.stringify({ api_url: `${base}/visant/v1`, device_id: 'x' }));
    await assert.rejects(start(incomplete, { source: dir }).running, /not a Visant device config \(api_key: /);
    await assert.rejects(start(path.join(dir, 'missing.json'), { source: dir }).running, /Cannot read the config file .*ENOENT/);
    const { configFile } = await register('bad-source-cam');
    await assert.rejects(start(configFile, { source: path.join(dir, 'no-such-folder') }).running, (err: Error) => err instanceof CameraStoppedError && /not a folder/.test(err.message));
    await assert.rejects(
      runCamera({ configFile, source: 'lavfi:testsrc', queueDir: path.join(dir, 'q-noffmpeg'), queueMax: 5, ffmpegPath: path.join(dir, 'no-ffmpeg'), configRefreshSeconds: 60, maxRetryDelaySeconds: 1, signal: new AbortController().signal, onEvent: () => {} }),
      /FFmpeg was not found .*--ffmpeg <path>/,
    );
  });

  it("reports a stream it cannot read without the stream's password", async () => {
    const stream = await openSource('rtsp://cam:s3cret-pass@127.0.0.1:9/live', { ffmpegPath: 'ffmpeg', stateDir: dir });
    assert.doesNotMatch(stream.description, /s3cret/);
    await assert.rejects(stream.grab(new AbortController().signal), (err: Error) => /^FFmpeg could not read a frame from rtsp:\/\/cam:\*\*\*@127\.0\.0\.1:9\/live/.test(err.message) && !err.message.includes('s3cret'));
  });

  it('keeps the offline queue bounded, dropping the oldest frame', async () => {
    const dropped: string[] = [];
    const queue = new FrameQueue(path.join(dir, 'bounded'), 2, (id) => dropped.push(id));
    await queue.open();
    for (const id of ['q_1', 'q_2', 'q_3']) await queue.add({ recordId: id, capturedAt: new Date().toISOString(), bytes: Buffer.from(id), metadata: {} });
    assert.deepEqual(dropped, ['q_1']);
    assert.equal(await queue.size(), 2);
    assert.equal((await queue.oldest())?.recordId, 'q_2');
    assert.deepEqual((await readdir(path.join(dir, 'bounded', 'frames'))).sort(), ['q_2.img', 'q_2.json', 'q_3.img', 'q_3.json']);
  });

  it('backs off exponentially up to the ceiling', () => {
    const top = () => 1;
    assert.deepEqual([1, 2, 3, 4, 10].map((n) => backoffDelay(n, 5000, top)), [1000, 2000, 4000, 5000, 5000]);
    assert.equal(backoffDelay(3, 60_000, () => 0), 2000, 'jitter: at least half the step');
  });

  it('runs as `tenantry visant camera`: status lines, a refused bad config, SIGTERM stops it cleanly', async () => {
    const cli = (args: string[]) => spawn(process.execPath, ['bin/tenantry.js', 'visant', 'camera', ...args], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', HOME: dir, NODE_ENV: 'test' }, stdio: ['ignore', 'pipe', 'pipe'] });
    const finished = (child: ReturnType<typeof cli>) => {
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (out += d));
      return {
        output: () => out,
        exit: new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code))),
        line: (re: RegExp) => new Promise<void>((resolve, reject) => {
          const check = () => (re.test(out) ? resolve() : undefined);
          child.stdout.on('data', check);
          child.on('exit', () => (re.test(out) ? resolve() : reject(new Error(`exited without ${re}:\n${out}`))));
        }),
      };
    };
    const bad = path.join(dir, 'cli-bad.json');
    await writeFile(bad, '{}');
    const refused = finished(cli(['--config', bad, '--source', dir]));
    assert.equal(await refused.exit, 1);
    assert.match(refused.output(), /not a Visant device config/);

    const { configFile } = await register('cli-cam');
    const images = path.join(dir, 'cli-images');
    await mkdir(images);
    await writeFile(path.join(images, 'frame.jpg'), await sceneJpeg({ width: 160, height: 120 }));
    const child = cli(['--config', configFile, '--source', images]);
    const run = finished(child);
    await run.line(/uploaded cli-cam_/);
    child.kill('SIGTERM');
    assert.equal(await run.exit, 0, run.output());
    assert.match(run.output(), /SIGTERM: stopping/);
    assert.match(run.output(), /stopped: 0 frame\(s\) wait in/);
  });
});
