import { z } from 'zod';
import { defineJob } from './define-job.js';
import { purgeExpiredTrash } from '../storage/trash.js';
import { applyLifecycle } from '../storage/lifecycle.js';
import { makeDerivatives } from '../storage/derivatives.js';
import { deleteOrgFiles } from '../storage/org-files.js';
import { purgeDeliveredEmail } from '../email/outbox.js';
import { retryDueEmail } from '../email/retry-due.js';
import { purgeLoginAttempts } from '../auth/login-throttle.js';
import { snapshotOrgStorage } from '../usage/storage-snapshot.js';
import { sweepOrphans } from '../storage/orphans.js';

/**
 * The platform's own jobs. Maintenance sweeps run daily across all tenants, each org's share
 * in its own tenant transaction (forEachOrg): an org whose share fails is logged and counted
 * in the result, and the others are swept. Both are idempotent, so a sweep cut short by a
 * crash simply runs again.
 */
export const purgeTrashJob = defineJob({
  name: 'storage.purge-trash',
  scope: 'system',
  schema: z.object({}),
  schedule: '17 3 * * *',
  expireInSeconds: 3600,
  retryLimit: 3,
  retryDelaySeconds: 60,
  handler: async (ctx) => purgeExpiredTrash(ctx),
});

export const lifecycleJob = defineJob({
  name: 'storage.lifecycle',
  scope: 'system',
  schema: z.object({}),
  schedule: '47 3 * * *',
  expireInSeconds: 3600,
  retryLimit: 3,
  retryDelaySeconds: 60,
  handler: async (ctx) => applyLifecycle(ctx),
});

/** Delivered email (masked already) is deleted after EMAIL_OUTBOX_RETENTION_DAYS. */
export const purgeEmailOutboxJob = defineJob({
  name: 'email.purge-outbox',
  scope: 'system',
  schema: z.object({}),
  schedule: '27 3 * * *',
  expireInSeconds: 3600,
  retryLimit: 3,
  retryDelaySeconds: 60,
  handler: async (ctx) => purgeDeliveredEmail(ctx.database.db, ctx.config.emailOutboxRetentionDays),
});

/**
 * Failed email sent again once its backoff has run out (EMAIL_RETRY_BASE_SECONDS doubled per
 * attempt), until EMAIL_RETRY_MAX_ATTEMPTS; after that it stays failed for an operator. Rows
 * are claimed with SKIP LOCKED (smtp-mailer.ts), so an overlapping run never sends one twice;
 * no pg-boss retries, since the next scheduled run is the retry.
 */
export const retryFailedEmailJob = defineJob({
  name: 'email.retry-failed',
  scope: 'system',
  schema: z.object({}),
  schedule: '*/5 * * * *',
  expireInSeconds: 600,
  retryLimit: 0,
  handler: async (ctx) => retryDueEmail(ctx),
});

/** Login-attempt scores untouched for LOGIN_ATTEMPTS_RETENTION_HOURS (login-throttle.ts). */
export const purgeLoginAttemptsJob = defineJob({
  name: 'auth.purge-login-attempts',
  scope: 'system',
  schema: z.object({}),
  schedule: '7 * * * *',
  expireInSeconds: 600,
  retryLimit: 3,
  retryDelaySeconds: 60,
  handler: async (ctx) => purgeLoginAttempts(ctx.database.db, ctx.config.loginAttemptsRetentionHours),
});

/**
 * Each org's storage used, into storage_daily for today (storage-snapshot.ts). One row per org
 * and day, upserted: it runs hourly rather than once at a fixed hour so an embedded install that
 * sleeps at night still gets its day's point, and the day keeps the latest value seen.
 */
export const storageSnapshotJob = defineJob({
  name: 'usage.storage-snapshot',
  scope: 'system',
  schema: z.object({}),
  schedule: '55 * * * *',
  expireInSeconds: 1800,
  retryLimit: 3,
  retryDelaySeconds: 60,
  handler: async (ctx) => snapshotOrgStorage(ctx),
});

/**
 * Bytes whose deletion failed when their row went (storage_orphans), deleted once the store
 * answers again; each key on its own, with a backoff per key (orphans.ts). Hourly: a store
 * that was down for minutes is cleaned within the hour.
 */
export const sweepOrphansJob = defineJob({
  name: 'storage.orphans',
  scope: 'system',
  schema: z.object({}),
  schedule: '37 * * * *',
  expireInSeconds: 1800,
  retryLimit: 0,
  handler: async (ctx) => sweepOrphans(ctx),
});

/** Thumbnails and web-sized versions of an uploaded image (idempotent: existing variants are kept). */
export const derivativesJob = defineJob({
  name: 'storage.derivatives',
  schema: z.object({ objectId: z.uuid() }),
  expireInSeconds: 300,
  retryLimit: 2,
  handler: async (ctx, job) => {
    await job.reportProgress(10, 'making derivatives');
    const variants = await makeDerivatives(ctx, { orgId: job.orgId, objectId: job.data.objectId });
    return Object.fromEntries(Object.entries(variants).map(([variant, obj]) => [variant, obj.id]));
  },
});

/** A deleted org's stored files, queued by the org deletion with a grace period (org-files.ts). */
export const deleteOrgFilesJob = defineJob({
  name: 'storage.delete-org-files',
  scope: 'system',
  // Not "orgId": that names the org an org job runs for, and this org no longer exists.
  schema: z.object({ deletedOrgId: z.uuid() }),
  expireInSeconds: 6 * 3600,
  retryLimit: 5,
  retryDelaySeconds: 300,
  handler: async (ctx, job) => deleteOrgFiles(ctx, job.data.deletedOrgId, job.signal),
});

export const platformJobs = [purgeTrashJob, lifecycleJob, purgeEmailOutboxJob, retryFailedEmailJob, purgeLoginAttemptsJob, storageSnapshotJob, sweepOrphansJob, derivativesJob, deleteOrgFilesJob];
