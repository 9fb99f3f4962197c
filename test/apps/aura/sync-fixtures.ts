import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startTestPlatform, type TestPlatform, type TestUser } from '../../support/platform.js';
import { auraApp } from '../../../src/apps/aura/index.js';

export interface SyncServer {
  t: TestPlatform;
  owner: TestUser;
  /** The server's address, for the sync config's server_url. */
  base: string;
  /** An API key of the owner's studio with the scope "aura" and the role asked for. */
  apiKey: string;
  /** A temporary folder for the test's local folders and state. */
  dir: string;
  /** The server goes away: the listener is closed and every open connection cut. */
  down(): Promise<void>;
  /** The server comes back on the same address. */
  up(): Promise<void>;
}

/** Aura on a listening port (the agent talks HTTP to it) with a studio and the agent's API key. */
export async function startSyncServer(label: string, role: 'member' | 'admin' = 'member'): Promise<SyncServer> {
  const t = await startTestPlatform({ apps: [auraApp] });
  const base = await t.server.listen({ port: 0, host: '127.0.0.1' });
  const port = Number(new URL(base).port);
  const owner = await t.signup(label);
  const key = await t.request('POST', '/api/v1/api-keys', { token: owner.token, body: { name: 'sync agent', role, scopes: ['aura'] } });
  assert.equal(key.statusCode, 201, key.body);
  const dir = await mkdtemp(path.join(tmpdir(), `aura-${label}-`));
  return {
    t, owner, base, dir, apiKey: key.json().key as string,
    async down() {
      const closed = new Promise((resolve) => t.server.server.close(resolve));
      t.server.server.closeAllConnections();
      await closed;
    },
    up: () => new Promise<void>((resolve) => t.server.server.listen(port, '127.0.0.1', resolve)),
  };
}
