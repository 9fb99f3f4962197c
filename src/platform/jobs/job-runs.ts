import { sql, type Kysely, type Transaction } from 'kysely';
import type { JobRunState, PlatformTables } from '../db/schema.js';

/**
 * The tenant-visible record of each org job (table job_runs): state, progress, attempts,
 * outcome. Writes carry the attempt number they belong to, so a run that was timed out
 * and superseded by a retry cannot overwrite the newer attempt's progress.
 */
export const JOB_VIEW_FIELDS = [
  'id', 'name', 'state', 'progress', 'stage', 'attempts', 'max_attempts', 'error', 'result',
  'created_at', 'started_at', 'finished_at', 'updated_at',
] as const;

export interface JobView {
  id: string;
  name: string;
  state: JobRunState;
  progress: number;
  stage: string | null;
  attempts: number;
  max_attempts: number;
  error: string | null;
  result: unknown;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  updated_at: Date;
}

export const TERMINAL_STATES: ReadonlySet<JobRunState> = new Set(['completed', 'failed', 'cancelled']);

type Db = Kysely<PlatformTables> | Transaction<PlatformTables>;

/** JSON for a jsonb column; results that cannot be serialised are recorded as such, not lost silently. */
export function toJsonColumn(value: unknown): string | null {
  if (value === undefined) return null;
  try {
    return JSON.stringify(value);
  } catch (err) {
    return JSON.stringify({ unserializable: (err as Error).message });
  }
}

export interface StartedRun {
  view: JobView;
  previous: { progress: number; stage: string | null; checkpoint: unknown } | null;
}

/*
 * Each record below is one statement, built here and run by the caller: on its own through
 * writeAsTenant (one round trip, db/tenant-read.ts) or inside a transaction the caller holds.
 */

/** Mark an attempt as started (creating the row if the job was queued without one). */
export function startRunStatement(db: Db, run: { id: string; orgId: string; name: string; attempt: number; maxAttempts: number }) {
  return db
    .insertInto('job_runs')
    .values({ id: run.id, org_id: run.orgId, name: run.name, state: 'active', attempts: run.attempt, max_attempts: run.maxAttempts, started_at: sql<Date>`now()` })
    .onConflict((oc) =>
      oc.column('id').doUpdateSet({
        state: 'active',
        attempts: run.attempt,
        max_attempts: run.maxAttempts,
        started_at: sql<Date>`now()`,
        finished_at: null,
        error: null,
        updated_at: sql<Date>`now()`,
      }),
    )
    .returning([...JOB_VIEW_FIELDS, 'checkpoint']);
}

/** What startRunStatement's row says: the run's view, and what an earlier attempt left to resume from. */
export function startedRun(row: JobView & { checkpoint: unknown } | undefined, attempt: number): StartedRun {
  if (!row) throw new Error('job_runs: the start of a run returned no row');
  const { checkpoint, ...view } = row;
  const earlier = attempt > 1 && (row.progress > 0 || row.stage !== null || checkpoint !== null);
  return { view, previous: earlier ? { progress: row.progress, stage: row.stage, checkpoint } : null };
}

/** Progress of the active attempt; no row when the attempt was superseded or has ended. */
export function progressStatement(db: Db, run: { id: string; orgId: string; attempt: number }, pct: number, stage: string | null, checkpoint?: unknown) {
  let q = db
    .updateTable('job_runs')
    .set({ progress: pct, stage, updated_at: sql<Date>`now()` })
    .where('id', '=', run.id)
    .where('org_id', '=', run.orgId)
    .where('attempts', '=', run.attempt)
    .where('state', '=', 'active');
  if (checkpoint !== undefined) q = q.set({ checkpoint: toJsonColumn(checkpoint) });
  return q.returning(JOB_VIEW_FIELDS);
}

export type RunOutcome = { state: 'completed'; result: unknown } | { state: 'retry' | 'failed'; error: string };

/** The attempt's outcome; no row when the attempt was superseded or has ended. */
export function finishRunStatement(db: Db, run: { id: string; orgId: string; attempt: number }, outcome: RunOutcome) {
  const done = outcome.state !== 'retry';
  return db
    .updateTable('job_runs')
    .set({
      state: outcome.state,
      ...(outcome.state === 'completed'
        ? { progress: 100, result: toJsonColumn(outcome.result), error: null }
        : { error: outcome.error.slice(0, 2000) }),
      finished_at: done ? sql<Date>`now()` : null,
      updated_at: sql<Date>`now()`,
    })
    .where('id', '=', run.id)
    .where('org_id', '=', run.orgId)
    .where('attempts', '=', run.attempt)
    .where('state', '=', 'active')
    .returning(JOB_VIEW_FIELDS);
}
