/**
 * Social's journeys need the networks: the platform is built in this process with
 * `createSocialApp({ providers: fakes.providers })`, every adapter pointing at the local fake
 * networks (test/apps/social/fakes, the same servers the API tests use), on the embedded
 * database in memory, listening on a free port and serving the built web app. The OAuth
 * redirect is the page at http://127.0.0.1:<port>/social/accounts/callback/<network>.
 */
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../../../src/platform/config/config';
import { startPlatform } from '../../../src/platform/runtime';
import { createSocialApp } from '../../../src/apps/social/index';
import { startFakeNetworks, type FakeNetworks } from '../../../test/apps/social/fakes/index';
import { TestPlatform } from '../../../test/support/platform';

export interface SocialServer {
  url: string;
  fakes: FakeNetworks;
  /** API helpers (sign up, invite a member) on the same platform. */
  api: TestPlatform;
  close(): Promise<void>;
}

export async function startSocialServer(): Promise<SocialServer> {
  const fakes = await startFakeNetworks({ timeoutMs: 10_000 });
  const config = loadConfig({
    DATA_DIR: 'memory://',
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'warn',
    JWT_SECRET: 'e2e-secret-e2e-secret-e2e-secret-0123456789',
    JOB_POLL_INTERVAL_SECONDS: '0.5',
    RATE_LIMIT_IP_PER_MINUTE: '100000',
    RATE_LIMIT_USER_PER_MINUTE: '100000',
  });
  const platform = await startPlatform({ config, apps: [createSocialApp({ providers: fakes.providers })] });
  await platform.server.listen({ host: '127.0.0.1', port: 0 });
  // The OAuth redirect URI is built from the port bound (connect.service.ts).
  config.port = (platform.server.server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${config.port}`,
    fakes,
    api: new TestPlatform(platform),
    async close() {
      await platform.close();
      await fakes.close();
    },
  };
}
