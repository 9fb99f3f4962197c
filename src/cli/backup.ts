import path from 'node:path';
import { Command } from 'commander';
import cliProgress from 'cli-progress';
import { loadConfig } from '../platform/config/config.js';
import { DataDirBusyError, liveLockHolder } from '../platform/db/data-dir-lock.js';
import { runThroughServer } from '../platform/local-admin/admin-client.js';
import type { ReportProgress } from '../platform/local-admin/operations.js';
import { BackupRefused, createBackup, type BackupSummary } from '../platform/backup/create-backup.js';
import { restoreBackup } from '../platform/backup/restore-backup.js';

/**
 * `tenantry backup <file>` and `tenantry restore <file>` for the embedded install (PGlite and
 * local storage). A backup runs in the process that holds the database: the running server,
 * through the local admin channel, or this one when no server runs (platform/backup/).
 */
export function backupCommands(): Command[] {
  const backup = new Command('backup')
    .description('write a consistent tar.gz of the embedded database and the stored files (works while the server runs)')
    .argument('<file>', 'the archive to write, e.g. tenantry-backup.tar.gz (must not exist)')
    .option('--include-keys', 'also archive DATA_DIR/jwt-secret and DATA_DIR/credentials-key (otherwise keep them apart: docs/security.md)')
    .action(async (file: string, opts: { includeKeys?: boolean }) => {
      const target = fromCallerDir(file);
      const bar = progressBar();
      let summary: BackupSummary;
      try {
        summary = await runBackup(target, Boolean(opts.includeKeys), bar.report);
      } finally {
        bar.stop();
      }
      const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
      console.log(`Backup written to ${summary.file} (${mb(summary.bytes)}): the database (${mb(summary.databaseBytes)}, ${summary.migrations} migrations) and ${summary.objects} object(s) (${mb(summary.objectBytes)}).`);
      if (!summary.keysIncluded) console.log('The key files (DATA_DIR/jwt-secret, DATA_DIR/credentials-key) are not in it: keep a copy of them apart, or run with --include-keys.');
      if (summary.missing.length) console.error(`Warning: ${summary.missing.length} object(s) in the catalog had no file on disk already (e.g. ${summary.missing[0]}); the others are archived.`);
      if (summary.mismatched.length) console.error(`Warning: ${summary.mismatched.length} object(s) on disk differ from their catalog checksum (e.g. ${summary.mismatched[0]}); archived as found.`);
    });

  const restore = new Command('restore')
    .description('restore a `tenantry backup` archive into an empty DATA_DIR (checked against its checksums first)')
    .argument('<file>', 'the archive written by tenantry backup')
    .action(async (file: string) => {
      const bar = progressBar();
      let summary;
      try {
        summary = await restoreBackup(loadConfig(), fromCallerDir(file), { onProgress: bar.report });
      } finally {
        bar.stop();
      }
      console.log(`Restored the backup of ${summary.createdAt} into ${summary.dataDir}: ${summary.objects} object(s), ${summary.migrations} migrations${summary.keysRestored.length ? `, keys ${summary.keysRestored.join(', ')}` : ''}.`);
      for (const w of summary.warnings) console.error(`Warning: ${w}`);
      console.log('Start the server (npm start, or tenantry serve): it applies any newer migrations.');
    });
  return [backup, restore];
}

/** A path as the operator typed it: `npm run tenantry -- backup x` runs in the package root, npm keeps the caller's directory in INIT_CWD. */
function fromCallerDir(file: string): string {
  return path.resolve(process.env.INIT_CWD ?? process.cwd(), file);
}

async function runBackup(file: string, includeKeys: boolean, onProgress: ReportProgress): Promise<BackupSummary> {
  const config = loadConfig();
  if (config.databaseUrl) throw new BackupRefused('tenantry backup archives the embedded database; with DATABASE_URL use pg_dump and copy the storage as docs/operations.md says.');
  if (config.dataDir.startsWith('memory://')) throw new BackupRefused('DATA_DIR is memory://: there is nothing on disk to back up.');
  if (config.storage.driver !== 'local') throw new BackupRefused('tenantry backup archives files on local disk; with S3 storage, copy the bucket as docs/operations.md says.');
  const holder = await liveLockHolder(config.dataDir);
  if (holder) {
    const answer = await runThroughServer(config.dataDir, holder.pid, 'backup', { file, includeKeys }, { onProgress });
    if (answer) return answer.result;
    throw new DataDirBusyError(holder, config.dataDir, holder.command === 'serve' || holder.command === 'worker' ? 'it does not answer commands yet (still starting?): try again once it is listening' : undefined);
  }
  // No server: this process opens the database (and holds DATA_DIR's lock meanwhile); only
  // then does it need the database driver.
  const { openDatabase } = await import('../platform/db/database.js');
  const database = await openDatabase(config, { holder: 'backup' });
  try {
    return await createBackup({ database, storageRoot: config.storage.dir ?? path.join(config.dataDir, 'storage'), dataDir: config.dataDir }, file, { includeKeys, onProgress });
  } finally {
    await database.close();
  }
}

/** A bar on stderr per phase (stdout keeps the summary); nothing drawn when stderr is not a terminal. */
function progressBar(): { report: ReportProgress; stop(): void } {
  const bar = new cliProgress.SingleBar({ format: '{phase} [{bar}] {percentage}%', hideCursor: true, stream: process.stderr }, cliProgress.Presets.shades_classic);
  let phase: string | undefined;
  return {
    report(p) {
      if (p.phase !== phase) {
        if (phase) bar.stop();
        phase = p.phase;
        bar.start(Math.max(1, p.total), p.done, { phase: p.phase.padEnd(21) });
      } else {
        bar.setTotal(Math.max(1, p.total));
        bar.update(p.done);
      }
    },
    stop() {
      if (phase) bar.stop();
      phase = undefined;
    },
  };
}
