import { z } from 'zod';
import { sql } from 'kysely';
import type { PlatformContext } from '../context.js';
import { createSuperadmin } from '../admin/superadmin.js';
import { listOutbox, revealOutboxMessage, type OutboxEntry } from '../email/outbox.js';
import { SmtpMailer, type RetryResult } from '../email/smtp-mailer.js';
import { LocalDiskDriver } from '../storage/local-driver.js';
import { BackupRefused, createBackup } from '../backup/create-backup.js';
import { OperationRefused } from './admin-client.js';

/** How far a long operation (a backup) has come; the CLI draws it as a progress bar. */
export interface OperationProgress {
  /** What it is doing now, in words ("archiving"). */
  phase: string;
  done: number;
  total: number;
}
export type ReportProgress = (progress: OperationProgress) => void;

function operation<I extends z.ZodType, O>(input: I, run: (ctx: PlatformContext, input: z.output<I>, progress: ReportProgress) => Promise<O>) {
  return { input, run };
}

/**
 * The operator commands that must work while the server runs on the embedded database. The
 * CLI runs them in its own process when it may open the database, and otherwise asks the
 * running server to run them (admin-channel.ts): either way the same function, the same result.
 */
export const operations = {
  'create-superadmin': operation(z.object({ email: z.string().max(320), password: z.string().max(1024) }), async (ctx, i) => {
    try {
      return await createSuperadmin(ctx.database.db, { email: i.email, password: i.password, storageLimitBytes: ctx.config.defaultStorageLimitBytes });
    } catch (err) {
      // Its input errors ("--email: … is not an email address") are for the operator.
      if (err instanceof Error && err.message.startsWith('--')) throw new OperationRefused(err.message);
      throw err;
    }
  }),

  'email-outbox': operation(
    z.object({ to: z.string().max(320).optional(), id: z.string().max(64).optional(), reveal: z.boolean().default(false), limit: z.number().int().min(1).max(200).default(10) }),
    async (ctx, i): Promise<OutboxEntry[]> => {
      if (!i.reveal) return listOutbox(ctx.database.db, i);
      if (!i.id) throw new OperationRefused('--reveal shows one message in full: add --id <id> (the ids are in `tenantry email outbox`)');
      const message = await revealOutboxMessage(ctx.database.db, i.id);
      if (!message) throw new OperationRefused(`There is no message ${i.id} in the outbox: list them with \`tenantry email outbox\``);
      return [message];
    },
  ),

  'email-retry': operation(z.object({ ids: z.array(z.string().max(64)).max(1000).optional(), limit: z.number().int().min(1).max(1000).default(100) }), async (ctx, i): Promise<RetryResult> => {
    if (!(ctx.mailer instanceof SmtpMailer)) {
      throw new OperationRefused('SMTP_URL is not set, so there is no mail server to send to. Set SMTP_URL (e.g. smtp://user:pass@mail.example.com:587), restart the server, and run this again.');
    }
    return ctx.mailer.retryFailed({ ids: i.ids, limit: i.limit });
  }),

  /** Which of the given migrations (module/name) the database has not applied. */
  'pending-migrations': operation(z.object({ migrations: z.array(z.string().max(300)).max(10_000) }), async (ctx, i) => {
    const applied = await sql<{ id: string }>`select module || '/' || name as id from tenantry_migrations`.execute(ctx.database.db);
    const done = new Set(applied.rows.map((r) => r.id));
    return { pending: i.migrations.filter((m) => !done.has(m)) };
  }),

  'lifecycle-json': operation(z.object({}), async (ctx) => ctx.storage.lifecycle.toS3LifecycleConfiguration()),

  /** `tenantry backup`: the archive is written by the process that holds the embedded database. */
  backup: operation(z.object({ file: z.string().min(1).max(4096), includeKeys: z.boolean().default(false) }), async (ctx, i, progress) => {
    const driver = ctx.storage.driver;
    try {
      if (!(driver instanceof LocalDiskDriver)) throw new BackupRefused('tenantry backup archives files on local disk; with S3 storage, copy the bucket as docs/operations.md says.');
      return await createBackup({ database: ctx.database, storageRoot: driver.root, dataDir: ctx.config.dataDir }, i.file, { includeKeys: i.includeKeys, onProgress: progress });
    } catch (err) {
      if (err instanceof BackupRefused) throw new OperationRefused(err.message);
      throw err;
    }
  }),
};

export type OperationName = keyof typeof operations;
export type OperationInput<N extends OperationName> = z.input<(typeof operations)[N]['input']>;
export type OperationResult<N extends OperationName> = Awaited<ReturnType<(typeof operations)[N]['run']>>;

export function isOperationName(name: string): name is OperationName {
  return Object.hasOwn(operations, name);
}
