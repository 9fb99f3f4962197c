import { watch, type FSWatcher } from 'node:fs';
import { Command } from 'commander';
import { defaultStateDir, readSyncConfig } from './sync-config.js';
import { SyncAgent } from './sync-agent.js';
import { FaceApiEngine } from '../faces/face-api-engine.js';
import { progressBar } from './progress-bar.js';

/** Changes within this window are synced together (an editor saving a burst of files). */
const DEBOUNCE_MS = 2000;

/** `tenantry aura sync --config sync_config.yaml`: the studio's folders kept in sync with Aura. */
export function syncCommand(): Command {
  return new Command('sync')
    .description('sync local folders with Aura events (upload-only, download-only or bidirectional; see docs/aura.md, "Sync agent"), with an API key of the scope "aura"')
    .requiredOption('--config <file>', 'the sync_config.yaml')
    .option('--state <dir>', 'where the agent keeps its state and offline queue (default: aura-sync-state beside the config)')
    .option('--once', 'one pass, then exit (exit code 2 when uploads are still queued)')
    .option('--no-face-index', 'do not keep the local face index (`aura search --photo` then builds it when run)')
    .action(async (opts: { config: string; state?: string; once?: boolean; faceIndex: boolean }) => {
      // No platform here: the agent is only a client of the server, with the studio's API key.
      const config = await readSyncConfig(opts.config);
      const stateDir = opts.state ?? defaultStateDir(opts.config);
      const uploading = progressBar('uploading');
      const indexing = progressBar('face index');
      const faceEngine = opts.faceIndex ? new FaceApiEngine() : undefined;
      const agent = new SyncAgent(config, stateDir, (e) => {
        if (e.kind === 'progress') uploading(e.done, e.total);
        else if (e.kind === 'face-progress') indexing(e.done, e.total);
        else if (e.kind === 'rejected') console.error(`${e.rel}: refused by the server (${e.reason}); change the file to try again`);
        else if (e.kind === 'downloaded' || e.kind === 'cloud-trashed') console.log(`${e.rel}: ${e.kind}`);
        else if (e.kind === 'metadata-sent') console.log(`${e.rel}: metadata sent (XMP sidecar)`);
        else if (e.kind === 'metadata-refused') console.error(`${e.rel}: the server refused its metadata (${e.reason}); edit the sidecar or the photo's metadata in Aura`);
        else if (e.kind === 'sidecar-written') console.log(`${e.rel}: XMP sidecar written from the cloud's metadata`);
        else if (e.kind === 'local-trashed') console.log(`${e.rel}: moved to .aura_trash/ (${e.reason})`);
        else if (e.kind === 'needs-admin') console.error(`${e.rel}: ${e.reason}`);
        else if (e.kind === 'folder-missing') console.error(`${e.path} is missing: skipped (nothing is deleted for it); restore it or remove it from the config`);
        else if (e.kind === 'offline') console.error(`${new Date().toISOString()} server away (${e.reason}): ${e.pending} upload(s) queued on disk`);
      }, { faceEngine });
      await agent.open();
      const report = async () => {
        const r = await agent.pass();
        const faces = r.faces ? `; face index: ${r.faces.files} files, ${r.faces.faces} faces (${r.faces.analysed} analysed now)` : '';
        console.log(`${new Date().toISOString()} ${r.uploaded} uploaded (${r.bytesSent} bytes), ${r.pending} queued${faces}`);
        return r;
      };
      if (opts.once) {
        if ((await report()).pending > 0) process.exitCode = 2;
        return;
      }
      await loop(config.folders.map((f) => f.local_path), Math.min(...config.folders.map((f) => f.sync_interval_minutes)) * 60_000, report);
    });
}

/** A pass now, then on every change (debounced) and at least every `intervalMs`, until SIGINT/SIGTERM. */
async function loop(folders: string[], intervalMs: number, pass: () => Promise<unknown>) {
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let wake: () => void = () => {};
  let debounce: NodeJS.Timeout | undefined;
  const watchers: FSWatcher[] = [];
  for (const folder of folders) {
    try {
      watchers.push(watch(folder, { recursive: true }, () => {
        clearTimeout(debounce);
        debounce = setTimeout(() => wake(), DEBOUNCE_MS);
      }));
    } catch {
      // No recursive watch on this system: the periodic scan alone finds the changes.
    }
  }
  try {
    while (!stop.signal.aborted) {
      await pass();
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, intervalMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
        stop.signal.addEventListener('abort', wake, { once: true });
      });
    }
  } finally {
    clearTimeout(debounce);
    for (const w of watchers) w.close();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
