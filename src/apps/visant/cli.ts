import { Command, InvalidArgumentError } from 'commander';
import cliProgress from 'cli-progress';
import { z } from 'zod';
import type { AppCliKit } from '../../platform/apps.js';
import { importDatalake } from './import/import-datalake.js';
import { runCamera } from './camera/run-camera.js';

/** A whole number option within bounds (every camera setting has them). */
const boundedInt = (min: number, max: number) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`a whole number from ${min} to ${max}`);
  return n;
};

/** `tenantry visant …`: Visant's operator commands. */
export function visantCommand(kit: AppCliKit) {
  const visant = new Command('visant').description('Visant camera monitoring');
  visant
    .command('import-datalake')
    .description('import a legacy filesystem datalake (one folder per device; see docs/visant.md for the layout)')
    .argument('<dir>', 'the datalake root folder')
    .requiredOption('--org <id>', 'the organization to import into (its UUID)')
    .option('--dry-run', 'scan and report what would be imported, change nothing')
    .action(async (dir: string, opts: { org: string; dryRun?: boolean }) => {
      if (!z.uuid().safeParse(opts.org).success) throw new Error(`--org: "${opts.org}" is not an organization id (a UUID)`);
      // Workers stay off: queued evaluations run in the server or `tenantry worker`.
      const platform = await kit.start();
      const bar = new cliProgress.SingleBar({ format: 'importing [{bar}] {percentage}% | {value}/{total} | {label}', hideCursor: true, clearOnComplete: false }, cliProgress.Presets.shades_classic);
      try {
        const report = await importDatalake(platform.ctx, dir, opts.org, {
          dryRun: opts.dryRun,
          progress: process.stderr.isTTY
            ? { start: (total) => bar.start(total, 0, { label: '' }), tick: (label) => bar.increment({ label }), stop: () => bar.stop() }
            : undefined,
        });
        for (const p of report.problems) console.error(`skipped ${p.path}: ${p.problem}`);
        for (const f of report.failures) console.error(`failed ${f.device_id}/${f.record_id}: ${f.error}`);
        console.table(report.devices);
        if (report.dryRun) console.log('Dry run: nothing was changed.');
        else if (report.verified) console.log('Verified: every planned capture is in the database.');
        else {
          console.error('Not every planned capture is in the database: fix the failures above and run the import again (it skips what is already there).');
          process.exitCode = 1;
        }
      } finally {
        await platform.close();
      }
    });
  visant
    .command('camera')
    .description('run this machine as a Visant camera: capture on the device\'s trigger, queue on disk, upload with the device key (see docs/visant.md, "Running a camera")')
    .requiredOption('--config <file>', 'the device\'s config file, as Visant gave it at registration (or with a new key)')
    .option('--source <source>', 'a folder of images, a video device (/dev/video0, v4l2:…, avfoundation:…, dshow:…), an rtsp:// or http(s):// stream, or lavfi:testsrc (default: the config file\'s "source")')
    .option('--queue <dir>', 'the offline queue folder (default: visant-queue-<device_id> beside the config file)')
    .option('--queue-max <frames>', 'frames kept while the server is away; beyond that the oldest is dropped', boundedInt(1, 100_000), 500)
    .option('--ffmpeg <path>', 'the FFmpeg binary, for video devices and streams', 'ffmpeg')
    .option('--config-refresh <seconds>', 'how often the device\'s configuration is read from the server', boundedInt(1, 3600), 60)
    .option('--max-retry-delay <seconds>', 'the longest wait between upload retries while the server is away', boundedInt(1, 3600), 60)
    .action(async (opts: { config: string; source?: string; queue?: string; queueMax: number; ffmpeg: string; configRefresh: number; maxRetryDelay: number }) => {
      // No platform here: a camera is only a client of a Visant server, with its device key.
      const stop = new AbortController();
      const onSignal = (signal: NodeJS.Signals) => {
        console.log(`${new Date().toISOString()} ${signal}: stopping…`);
        stop.abort();
      };
      process.once('SIGTERM', onSignal);
      process.once('SIGINT', onSignal);
      try {
        await runCamera({
          configFile: opts.config,
          source: opts.source,
          queueDir: opts.queue,
          queueMax: opts.queueMax,
          ffmpegPath: opts.ffmpeg,
          configRefreshSeconds: opts.configRefresh,
          maxRetryDelaySeconds: opts.maxRetryDelay,
          signal: stop.signal,
          onEvent: (e) => console.log(`${new Date().toISOString()} ${e.message}`),
        });
      } finally {
        process.off('SIGTERM', onSignal);
        process.off('SIGINT', onSignal);
      }
    });
  return visant;
}
