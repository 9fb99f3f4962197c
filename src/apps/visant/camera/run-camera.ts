import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_DEVICE_CONFIG } from '../devices/device-config.js';
import { readCameraConfig, type Trigger } from './camera-config.js';
import { DeviceClient } from './device-client.js';
import { FrameQueue } from './frame-queue.js';
import { FolderSource, openSource, SourceUnusableError } from './frame-source.js';
import { backoffDelay } from './backoff.js';
import { Wakeup } from './wakeup.js';

/** Reported with every capture (the device's `device_version`): the client and the release it came with. */
export function cameraVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../../package.json', import.meta.url), 'utf8')) as { version: string };
  return `tenantry-camera/${pkg.version}`;
}

export interface CameraOptions {
  configFile: string;
  /** Overrides the config file's `source`. */
  source?: string;
  /** Default: `visant-queue-<device_id>` beside the config file. */
  queueDir?: string;
  queueMax: number;
  ffmpegPath: string;
  configRefreshSeconds: number;
  maxRetryDelaySeconds: number;
  /** Aborting it stops the camera cleanly: what is queued stays queued for the next start. */
  signal: AbortSignal;
  onEvent: (event: CameraEvent) => void;
}

export type CameraEventKind = 'started' | 'captured' | 'idle' | 'source_error' | 'uploaded' | 'duplicate' | 'retrying' | 'paused' | 'config' | 'dropped' | 'rejected' | 'stopped';

export interface CameraEvent {
  kind: CameraEventKind;
  message: string;
  recordId?: string;
}

/** The camera cannot go on (its key was revoked, its source is unusable): the message says what to do. */
export class CameraStoppedError extends Error {}

/**
 * A Visant camera: grab a frame from the source at every trigger, queue it on disk, upload
 * the queue oldest first with the device key (retrying with exponential backoff while the
 * server is away), and re-read the device's configuration so trigger changes reach it.
 * Resolves when `signal` aborts; throws CameraStoppedError when it has to stop by itself.
 */
export async function runCamera(o: CameraOptions): Promise<{ queued: number }> {
  const config = await readCameraConfig(o.configFile);
  const spec = o.source ?? config.source;
  if (!spec) throw new CameraStoppedError('No frame source: pass --source <folder | /dev/video0 | rtsp://… | http://… | lavfi:testsrc>, or add "source" to the config file');
  const queueDir = path.resolve(o.queueDir ?? path.join(path.dirname(o.configFile), `visant-queue-${config.device_id}`));
  const emit = (kind: CameraEventKind, message: string, recordId?: string) => o.onEvent({ kind, message, ...(recordId ? { recordId } : {}) });
  const queue = new FrameQueue(queueDir, o.queueMax, (id) => emit('dropped', `queue full (${o.queueMax} frames): dropped the oldest frame, ${id}`, id));
  await queue.open();
  const source = await openSource(spec, { ffmpegPath: o.ffmpegPath, stateDir: queueDir }).catch((err: unknown) => {
    throw err instanceof SourceUnusableError ? new CameraStoppedError(err.message) : err;
  });
  const version = cameraVersion();
  const client = new DeviceClient(config, version);

  const stop = new AbortController();
  const onAbort = () => stop.abort();
  o.signal.addEventListener('abort', onAbort, { once: true });
  if (o.signal.aborted) stop.abort();
  let fatal: string | null = null;
  const fail = (message: string) => {
    fatal ??= message;
    stop.abort();
  };
  let trigger: Trigger = config.trigger ?? DEFAULT_DEVICE_CONFIG.trigger;
  /** The server refused a capture because the trigger is off: capture and upload wait for the configuration to say otherwise. */
  let pausedByServer = false;
  const frameQueued = new Wakeup();
  const configChanged = new Wakeup();
  const sleep = new Wakeup();
  const active = () => trigger.enabled && !pausedByServer;
  const describeTrigger = (t: Trigger) => (t.enabled ? `a frame every ${t.interval_seconds} s` : 'trigger disabled: not capturing');

  const first = await client.fetchConfig(stop.signal).catch((err: unknown) => {
    if (stop.signal.aborted) return null; // stopped before the server answered
    throw err;
  });
  if (!first || first.kind === 'fatal') {
    o.signal.removeEventListener('abort', onAbort);
    if (first) throw new CameraStoppedError(first.message);
    return { queued: await queue.size() };
  }
  if (first.kind === 'ok') trigger = first.trigger;
  else emit('retrying', `${first.reason}: using the trigger from the config file; frames wait in the queue until the server answers`);
  emit('started', `camera ${config.device_id} (${version}): ${source.description} → ${config.api_url}, ${describeTrigger(trigger)}; queue ${queueDir} (${await queue.size()} waiting)`);

  async function nextTrigger(last: number) {
    while (!stop.signal.aborted) {
      if (!active()) {
        await configChanged.wait(Infinity, stop.signal);
        last = 0; // enabled again: capture at once
        continue;
      }
      const due = last + trigger.interval_seconds * 1000 - Date.now();
      if (due <= 0) return;
      await configChanged.wait(due, stop.signal);
    }
  }

  async function captureLoop() {
    let idle = false;
    let last = 0;
    for (;;) {
      await nextTrigger(last);
      if (stop.signal.aborted) return;
      last = Date.now();
      try {
        const frame = await source.grab(stop.signal);
        if (!frame) {
          if (!idle) emit('idle', `no new image in ${source.description}: waiting for one`);
          idle = true;
          continue;
        }
        idle = false;
        const capturedAt = new Date();
        const recordId = `${config.device_id.slice(0, 200)}_${capturedAt.toISOString().replace(/[-:]/g, '')}_${randomBytes(3).toString('hex')}`;
        await queue.add({ recordId, capturedAt: capturedAt.toISOString(), bytes: frame.bytes, metadata: frame.origin });
        if (source instanceof FolderSource) await source.taken(frame);
        emit('captured', `captured ${recordId} (${Math.ceil(frame.bytes.length / 1024)} KB; ${await queue.size()} queued)`, recordId);
        frameQueued.notify();
      } catch (err) {
        if (stop.signal.aborted) return;
        if (err instanceof SourceUnusableError) return fail(err.message);
        emit('source_error', `${(err as Error).message}: trying again at the next trigger`);
      }
    }
  }

  async function uploadLoop() {
    let failures = 0;
    while (!stop.signal.aborted) {
      if (pausedByServer) {
        await configChanged.wait(Infinity, stop.signal);
        continue;
      }
      const frame = await queue.oldest();
      if (!frame) {
        await frameQueued.wait(Infinity, stop.signal);
        continue;
      }
      let outcome;
      try {
        outcome = await client.upload(frame, stop.signal);
      } catch (err) {
        if (stop.signal.aborted) return; // the frame stays queued; if it did arrive, the next start finds it there (409) and moves on
        throw err;
      }
      switch (outcome.kind) {
        case 'delivered':
        case 'duplicate':
          await queue.remove(frame.recordId);
          failures = 0;
          emit(outcome.kind === 'delivered' ? 'uploaded' : 'duplicate', `${outcome.kind === 'delivered' ? 'uploaded' : 'already on the server:'} ${frame.recordId} (${await queue.size()} queued)`, frame.recordId);
          break;
        case 'retry': {
          failures += 1;
          const delay = outcome.retryAfterMs ?? backoffDelay(failures, o.maxRetryDelaySeconds * 1000);
          emit('retrying', `upload of ${frame.recordId} failed: ${outcome.reason}; retrying in ${(delay / 1000).toFixed(1)} s (${await queue.size()} queued)`, frame.recordId);
          await sleep.wait(delay, stop.signal);
          break;
        }
        case 'paused':
          pausedByServer = true;
          emit('paused', `${outcome.message} (capturing paused; ${await queue.size()} queued frame(s) kept until the trigger is enabled again)`);
          configChanged.notify();
          break;
        case 'rejected':
          await queue.reject(frame, outcome.reason);
          emit('rejected', `the server refused ${frame.recordId} for good (${outcome.reason}): set aside in ${path.join(queueDir, 'rejected')}`, frame.recordId);
          break;
        case 'fatal':
          return fail(outcome.message);
      }
    }
  }

  async function configLoop() {
    while (!stop.signal.aborted) {
      await sleep.wait(o.configRefreshSeconds * 1000, stop.signal);
      if (stop.signal.aborted) return;
      let got;
      try {
        got = await client.fetchConfig(stop.signal);
      } catch (err) {
        if (stop.signal.aborted) return;
        throw err;
      }
      if (got.kind === 'fatal') return fail(got.message);
      if (got.kind !== 'ok') continue; // the upload loop reports the server being away
      const changed = got.trigger.enabled !== trigger.enabled || got.trigger.interval_seconds !== trigger.interval_seconds;
      const resume = pausedByServer && got.trigger.enabled;
      trigger = got.trigger;
      if (resume) pausedByServer = false;
      if (changed) emit('config', `new configuration from the server: ${describeTrigger(trigger)}`);
      if (changed || resume) configChanged.notify();
    }
  }

  const guard = (loop: () => Promise<void>) => loop().catch((err: unknown) => fail(err instanceof Error ? err.message : String(err)));
  await Promise.all([guard(captureLoop), guard(uploadLoop), guard(configLoop)]);
  o.signal.removeEventListener('abort', onAbort);
  if (fatal) throw new CameraStoppedError(fatal);
  const left = await queue.size();
  emit('stopped', `stopped: ${left} frame(s) wait in ${queueDir} and are sent when the camera starts again`);
  return { queued: left };
}
