import type { TenantryApp } from './apps.js';
import { ConfigError, type Config } from './config/config.js';

/**
 * The apps this process runs: every installed app, or those named in APPS. The one place
 * that reads APPS, used by the server, the worker, `migrate`, `admin` and every app's CLI, so
 * they all agree. It takes apps or their manifests (apps.ts), so the CLI can check before it
 * imports any app. An unknown name stops the start with the valid ones (a typo must not run
 * a platform without the app), and each enabled app's settings are validated here too, so a
 * bad `<PREFIX>_*` variable is reported before anything opens.
 */
export function enabledApps<A extends Pick<TenantryApp, 'name' | 'settings'>>(installed: readonly A[], config: Pick<Config, 'apps' | 'variables'>): A[] {
  const names = installed.map((a) => a.name);
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate) throw new Error(`Two installed apps are named "${duplicate}"`);
  const requested = config.apps;
  if (requested) {
    const unknown = requested.filter((n) => !names.includes(n));
    if (unknown.length) {
      const valid = names.length ? names.join(', ') : '(none installed)';
      throw new ConfigError([`APPS: ${unknown.map((n) => `"${n}"`).join(', ')} ${unknown.length === 1 ? 'is not an app' : 'are not apps'} of this build; valid names: ${valid}`]);
    }
  }
  const apps = requested ? installed.filter((a) => requested.includes(a.name)) : [...installed];
  const problems = apps.flatMap((a) => {
    try {
      a.settings?.load(config);
      return [];
    } catch (err) {
      if (err instanceof ConfigError) return err.problems;
      throw err;
    }
  });
  if (problems.length) throw new ConfigError(problems);
  return apps;
}
