/**
 * Builds the web app (web/dist) when it is missing or older than its sources, so that
 * `npm start` always serves the UI of the checked-out code. Runs as npm's prestart.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const web = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../web');
const builtIndex = path.join(web, 'dist/index.html');
const sources = ['src', 'public', 'index.html', 'vite.config.ts', 'package.json'].map((p) => path.join(web, p));

function newestChange(file: string): number {
  if (!existsSync(file)) return 0;
  const stat = statSync(file);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(file).map((name) => newestChange(path.join(file, name))));
}

const builtAt = existsSync(builtIndex) ? statSync(builtIndex).mtimeMs : 0;
if (builtAt < Math.max(...sources.map(newestChange))) {
  if (!existsSync(path.join(web, 'node_modules'))) execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: web, stdio: 'inherit' });
  console.log(builtAt ? 'web app sources changed: rebuilding web/dist' : 'building the web app (web/dist)');
  // Always the production bundle: Vite builds React's development one when NODE_ENV says so,
  // and `npm start` may be run with NODE_ENV=test (the shutdown test does).
  execFileSync('npm', ['run', 'build'], { cwd: web, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } });
}
