import { Command } from 'commander';
import cliProgress from 'cli-progress';
import { z } from 'zod';
import type { AppCliKit } from '../../platform/apps.js';
import { importNocoDb } from './import/import-nocodb.js';

/** `tenantry brandkit …`: Brandkit's operator commands. */
export function brandkitCommand(kit: AppCliKit) {
  const brandkit = new Command('brandkit').description('Brandkit brand wizard');
  brandkit
    .command('import-nocodb')
    .description('import the legacy NocoDB wizard tables ("Wizard Data V2" and "wizard_database") into an org\'s brands; see docs/brandkit.md')
    .requiredOption('--org <id>', 'the organization to import into (its UUID); users are matched by email among its members')
    .requiredOption('--url <url>', 'the NocoDB server, e.g. https://nocodb.example.com')
    .requiredOption('--base <id>', 'the NocoDB base (project) id holding the tables, e.g. p_abc123')
    .option('--token-env <name>', 'the environment variable holding the NocoDB API token (never on the command line)', 'NOCODB_TOKEN')
    .option('--dry-run', 'read, reconcile and report, change nothing')
    .action(async (opts: { org: string; url: string; base: string; tokenEnv: string; dryRun?: boolean }) => {
      if (!z.uuid().safeParse(opts.org).success) throw new Error(`--org: "${opts.org}" is not an organization id (a UUID)`);
      if (!z.url({ protocol: /^https?$/ }).safeParse(opts.url).success) throw new Error(`--url: "${opts.url}" is not an http(s) URL`);
      const token = process.env[opts.tokenEnv];
      if (!token) throw new Error(`Set the NocoDB API token in the environment variable ${opts.tokenEnv}`);
      const platform = await kit.start();
      const bar = new cliProgress.SingleBar({ format: 'importing [{bar}] {percentage}% | {value}/{total} | {label}', hideCursor: true, clearOnComplete: false }, cliProgress.Presets.shades_classic);
      try {
        const report = await importNocoDb(platform.ctx, { baseUrl: opts.url, token, baseId: opts.base }, opts.org, {
          dryRun: opts.dryRun,
          progress: process.stderr.isTTY ? { start: (total) => bar.start(total, 0, { label: '' }), tick: (label) => bar.increment({ label }), stop: () => bar.stop() } : undefined,
        });
        console.log(`Read ${Object.entries(report.read).map(([t, n]) => `${n} row(s) of "${t}"`).join(' and ')}.`);
        if (report.drift.length) {
          console.log(`Drift between the tables (${report.drift.length}; the newer row wins):`);
          for (const line of report.drift) console.log(`  ${line}`);
        }
        console.table(report.brands.map((b) => ({ brand: b.name ?? b.key, email: b.email ?? '', outcome: b.outcome, note: b.note ?? '' })));
        for (const p of report.problems) console.error(`problem: ${p}`);
        if (report.dryRun) console.log('Dry run: nothing was changed.');
        if (report.brands.some((b) => b.outcome === 'skipped')) process.exitCode = 1;
      } finally {
        await platform.close();
      }
    });
  return brandkit;
}
