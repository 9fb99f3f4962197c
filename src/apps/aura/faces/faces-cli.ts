import { Command, InvalidArgumentError } from 'commander';
import cliProgress from 'cli-progress';
import { z } from 'zod';
import type { AppCliKit } from '../../../platform/apps.js';
import { reindexFaces } from './face-index.js';
import { redetectFaces } from './redetect.js';

const bar = (label: string) =>
  new cliProgress.SingleBar({ format: `${label} [{bar}] {percentage}% | {value}/{total}`, hideCursor: true, clearOnComplete: false }, cliProgress.Presets.shades_classic);

const uuidOption = (value: string) => {
  if (!z.uuid().safeParse(value).success) throw new InvalidArgumentError('an event id (a UUID)');
  return value;
};

/** `tenantry aura faces …`: rebuild the face index, queue detection again. */
export function facesCommand(kit: AppCliKit): Command {
  const faces = new Command('faces').description('face detection and search');
  faces
    .command('reindex')
    .description('rebuild the HNSW face index (and, where pgvector has been installed since, add the vector column and fill it)')
    .action(async () => {
      const platform = await kit.start();
      const progress = bar('reindexing');
      try {
        const result = await reindexFaces(platform.ctx, process.stderr.isTTY ? { start: (t) => progress.start(t, 0), tick: (d) => progress.update(d), stop: () => progress.stop() } : undefined);
        if (result.mode === 'exact') console.log(`The vector extension is not available on this database: face search stays exact over ${result.faces} faces. Install pgvector and run this again.`);
        else console.log(`HNSW index rebuilt over ${result.faces} faces (${result.backfilled} filled in from their descriptors).`);
      } finally {
        await platform.close();
      }
    });
  faces
    .command('redetect')
    .description('queue face detection again for photos (run by the server or `tenantry worker`)')
    .option('--org <slug>', 'only this organization')
    .option('--event <id>', 'only this event', uuidOption)
    .action(async (opts: { org?: string; event?: string }) => {
      const platform = await kit.start();
      const progress = bar('queuing');
      let started = false;
      try {
        const { queued } = await redetectFaces(platform.ctx, { orgSlug: opts.org, eventId: opts.event }, (done, total) => {
          if (!process.stderr.isTTY) return;
          if (!started) {
            progress.start(total, 0);
            started = true;
          }
          progress.update(done);
        });
        if (started) progress.stop();
        console.log(`Queued face detection for ${queued} photo${queued === 1 ? '' : 's'}.`);
      } finally {
        await platform.close();
      }
    });
  return faces;
}
