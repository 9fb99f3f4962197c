// test-database: embedded only
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { z } from 'zod';
import { ConfigError, loadConfig } from '../../../src/platform/config/config.js';
import { defineAppSettings } from '../../../src/platform/config/app-settings.js';
import { enabledApps } from '../../../src/platform/enabled-apps.js';
import type { TenantryApp } from '../../../src/platform/apps.js';
import { installedApps } from '../../../src/apps/index.js';

const alphaSettings = defineAppSettings('ALPHA', z.object({ ALPHA_LIMIT: z.coerce.number().int().min(1).max(10).default(3) }), (e) => ({ limit: e.ALPHA_LIMIT }));
const alpha: TenantryApp = { name: 'alpha', prefix: '/alpha', settings: alphaSettings };
const beta: TenantryApp = { name: 'beta', prefix: '/beta' };

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
    return err.problems;
  }
  assert.fail('expected a ConfigError');
}

describe('enabled apps (APPS)', () => {
  it('runs every installed app when APPS is unset, and only the named ones when set', () => {
    assert.deepEqual(enabledApps([alpha, beta], loadConfig({})).map((a) => a.name), ['alpha', 'beta']);
    assert.deepEqual(enabledApps([alpha, beta], loadConfig({ APPS: 'beta' })).map((a) => a.name), ['beta']);
  });

  it('refuses an unknown name, listing the valid ones', () => {
    const problems = problemsOf(() => enabledApps([alpha, beta], loadConfig({ APPS: 'alpha,bta' })));
    assert.equal(problems.length, 1);
    assert.match(problems[0], /^APPS: "bta" is not an app of this build; valid names: alpha, beta$/);
  });

  it("validates an enabled app's settings, and ignores a disabled app's", () => {
    const problems = problemsOf(() => enabledApps([alpha, beta], loadConfig({ ALPHA_LIMIT: '99' })));
    assert.match(problems[0], /^ALPHA_LIMIT: /);
    assert.deepEqual(enabledApps([alpha, beta], loadConfig({ ALPHA_LIMIT: '99', APPS: 'beta' })).map((a) => a.name), ['beta']);
  });

  it('names a misspelt app variable instead of silently using the default', () => {
    const problems = problemsOf(() => alphaSettings.load(loadConfig({ ALPHA_LIMT: '5' })));
    assert.match(problems[0], /^ALPHA_LIMT: not a ALPHA setting \(known: ALPHA_LIMIT\)$/);
    assert.deepEqual(alphaSettings.load(loadConfig({ ALPHA_LIMIT: '5' })), { limit: 5 });
  });

  it('refuses settings whose variables lack the prefix (a programming error)', () => {
    assert.throws(() => defineAppSettings('ALPHA', z.object({ LIMIT: z.string() }), (e) => e), /LIMIT must start with ALPHA_/);
  });

  it('every installed app has a unique name and prefix, and its CLI is named after it', () => {
    const names = installedApps.map((a) => a.name);
    assert.equal(new Set(names).size, names.length);
    assert.equal(new Set(installedApps.map((a) => a.prefix)).size, names.length);
    for (const app of installedApps) {
      assert.equal(app.prefix, `/${app.name}`);
      const cli = app.cli?.({ start: () => Promise.reject(new Error('not started in this test')) });
      if (cli) assert.equal(cli.name(), app.name);
    }
  });
});

describe('the CLI and APPS', () => {
  const tenantry = (args: string[], env: Record<string, string>) =>
    spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { env: { ...process.env, DATA_DIR: 'memory://', DATABASE_URL: '', ...env }, encoding: 'utf8' });

  it('stops every command on a misspelt app name, exit code 2', () => {
    const run = tenantry(['migrate'], { APPS: 'genad' });
    assert.equal(run.status, 2);
    assert.match(run.stderr, /APPS: "genad" is not an app of this build; valid names: visant, genads/);
  });

  it("refuses a disabled app's commands, saying how to enable them", () => {
    const run = tenantry(['visant', 'import-datalake', '/nowhere', '--org', '00000000-0000-4000-8000-000000000000'], { APPS: 'genads' });
    assert.equal(run.status, 1);
    assert.match(run.stderr, /The visant app is not enabled \(APPS=genads\): add visant to APPS to use its commands\./);
  });
});
