import { Command } from 'commander';
import cliProgress from 'cli-progress';
import { z } from 'zod';
import type { AppCliKit } from '../../platform/apps.js';
import { importDatalake } from './import/import-datalake.js';

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
  return visant;
}
