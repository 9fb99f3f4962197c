/**
 * Regenerates the web app's typed API client from the server's own OpenAPI description:
 * starts the platform in-process with every installed app on an in-memory database, writes
 * web/openapi.json and generates web/src/api/schema.d.ts with openapi-typescript.
 *
 *   npm run web:api          regenerate (after changing a route)
 *   npm run web:api:check    fail when the committed client no longer matches the routes (CI)
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../src/platform/config/config.js';
import { startPlatform } from '../src/platform/runtime.js';
import { installedApps } from '../src/apps/index.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const specFile = path.join(root, 'web/openapi.json');
const typesFile = path.join(root, 'web/src/api/schema.d.ts');
const generator = path.join(root, 'web/node_modules/.bin/openapi-typescript');
const check = process.argv.includes('--check');

async function currentSpec(): Promise<string> {
  // Every installed app, whatever APPS says in the caller's environment: the client covers them all.
  const config = loadConfig({ DATA_DIR: 'memory://', NODE_ENV: 'test', LOG_LEVEL: 'error', WORKERS: 'off' });
  const platform = await startPlatform({ config, apps: installedApps, workers: false });
  try {
    const res = await platform.server.inject({ method: 'GET', url: '/openapi.json' });
    if (res.statusCode !== 200) throw new Error(`GET /openapi.json answered ${res.statusCode}: ${res.body}`);
    return `${JSON.stringify(res.json(), null, 2)}\n`;
  } finally {
    await platform.close();
  }
}

function generateTypes(spec: string, out: string) {
  if (!existsSync(generator)) throw new Error('openapi-typescript is missing: run `npm ci --prefix web` first');
  const dir = mkdtempSync(path.join(tmpdir(), 'tenantry-web-api-'));
  try {
    const input = path.join(dir, 'openapi.json');
    writeFileSync(input, spec);
    execFileSync(generator, [input, '-o', out], { stdio: ['ignore', 'ignore', 'inherit'] });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const spec = await currentSpec();
if (check) {
  const dir = mkdtempSync(path.join(tmpdir(), 'tenantry-web-api-check-'));
  try {
    const freshTypes = path.join(dir, 'schema.d.ts');
    generateTypes(spec, freshTypes);
    const stale = [
      [specFile, spec],
      [typesFile, readFileSync(freshTypes, 'utf8')],
    ].filter(([file, fresh]) => !existsSync(file) || readFileSync(file, 'utf8') !== fresh).map(([file]) => path.relative(root, file));
    if (stale.length) {
      console.error(`The web app's API client is stale (${stale.join(', ')}): run \`npm run web:api\` and commit the result.`);
      process.exit(1);
    }
    console.log('web API client is up to date');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
} else {
  writeFileSync(specFile, spec);
  generateTypes(spec, typesFile);
  console.log(`wrote ${path.relative(root, specFile)} and ${path.relative(root, typesFile)}`);
}
