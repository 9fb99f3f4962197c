import { readFile } from 'node:fs/promises';
import { Command, InvalidArgumentError } from 'commander';
import { DEFAULT_FACE_MATCH_THRESHOLD, FACE_THRESHOLD_MAX, FACE_THRESHOLD_MIN } from '../config.js';
import { MAX_FACE_RESULTS } from '../faces/face-search.schema.js';
import { FaceApiEngine } from '../faces/face-api-engine.js';
import { defaultStateDir, readSyncConfig } from './sync-config.js';
import { hybridFaceSearch, SelfieProblem, type HybridMatch } from './hybrid-search.js';
import { progressBar } from './progress-bar.js';

const numberIn = (min: number, max: number, what: string, integer = false) => (value: string) => {
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) throw new InvalidArgumentError(`${what} from ${min} to ${max}`);
  return n;
};

/**
 * `tenantry aura search --photo selfie.jpg --config sync_config.yaml`: the photos of the person
 * in the selfie, from the sync agent's local face index and, when the server answers, from the
 * studio's cloud library, merged (hybrid-search.ts). Works with the server away.
 */
export function searchCommand(): Command {
  return new Command('search')
    .description('find the photos of the person in a selfie: in the synced folders (offline, the agent\'s local face index) and, when the server answers, in the studio\'s cloud library, merged without duplicates')
    .requiredOption('--photo <file>', 'the selfie: a JPEG, PNG or WebP photo with exactly one face')
    .requiredOption('--config <file>', 'the sync agent\'s sync_config.yaml (its folders, server and API key)')
    .option('--state <dir>', 'the sync agent\'s state folder (default: aura-sync-state beside the config)')
    .option('--threshold <similarity>', `cosine similarity a face must reach, ${FACE_THRESHOLD_MIN}-${FACE_THRESHOLD_MAX}`, numberIn(FACE_THRESHOLD_MIN, FACE_THRESHOLD_MAX, 'a similarity'), DEFAULT_FACE_MATCH_THRESHOLD)
    .option('--limit <n>', `most results, 1-${MAX_FACE_RESULTS}`, numberIn(1, MAX_FACE_RESULTS, 'a whole number', true), 20)
    .option('--json', 'print the result as JSON')
    .action(async (opts: { photo: string; config: string; state?: string; threshold: number; limit: number; json?: boolean }) => {
      const config = await readSyncConfig(opts.config);
      let selfie: Buffer;
      try {
        selfie = await readFile(opts.photo);
      } catch (err) {
        throw new Error(`Cannot read ${opts.photo} (${(err as NodeJS.ErrnoException).code ?? String(err)}): check the path given to --photo`, { cause: err });
      }
      let result;
      try {
        result = await hybridFaceSearch({
          config,
          stateDir: opts.state ?? defaultStateDir(opts.config),
          engine: new FaceApiEngine(),
          selfie,
          selfieName: opts.photo,
          threshold: opts.threshold,
          limit: opts.limit,
          onIndexProgress: progressBar('indexing faces'),
        });
      } catch (err) {
        if (!(err instanceof SelfieProblem)) throw err;
        console.error(err.message);
        process.exitCode = 1;
        return;
      }
      if (opts.json) {
        console.log(JSON.stringify(result, null, 2));
        return;
      }
      if (result.offline) console.error(`Offline: ${result.offline}. These are the local results only.`);
      else if (result.cloudError) console.error(`The cloud search failed (${result.cloudError}). These are the local results only.`);
      if (result.matches.length === 0) {
        console.log(`No photo of this person at similarity ${opts.threshold} or more (${result.indexed.files} local files searched).`);
        return;
      }
      for (const m of result.matches) console.log(describe(m));
    });
}

/** One line a result: similarity, where it is, the local path(s) and the cloud photo. */
function describe(m: HybridMatch): string {
  const where = [...m.paths, ...(m.cloud ? [`cloud photo ${m.cloud.photo_id} (${m.cloud.original_name})`] : [])];
  return `${m.similarity.toFixed(3)}  ${m.source.padEnd(5)}  ${where.join('  ')}`;
}
