import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe } from 'node:test';
import { startTestPlatform, type TestPlatform, type TestUser } from '../../support/platform.js';
import { withSystem } from '../../../src/platform/db/tenant.js';
import { LocalDiskDriver } from '../../../src/platform/storage/local-driver.js';
import { driverConformance, type ConformanceTarget } from './driver-conformance.js';
import { startFakeS3, type FakeS3 } from './s3rver.js';

/** Fetch a presigned URL: server-relative ones go to the platform, absolute ones over HTTP. */
function fetcher(t: () => TestPlatform): ConformanceTarget['fetchUrl'] {
  return async (url, init = {}) => {
    if (url.startsWith('/')) {
      const res = await t().server.inject({ method: (init.method ?? 'GET') as 'GET', url, payload: init.body, headers: init.headers });
      return { status: res.statusCode, body: res.rawPayload };
    }
    const res = await fetch(url, { method: init.method ?? 'GET', body: init.body ? new Uint8Array(init.body) : undefined, headers: init.headers });
    return { status: res.status, body: Buffer.from(await res.arrayBuffer()) };
  };
}

describe('local disk driver', () => {
  let t: TestPlatform;
  let owner: TestUser;
  before(async () => {
    t = await startTestPlatform();
    owner = await t.signup('conformance');
  });
  after(() => t.close());
  driverConformance('local disk', {
    driver: () => t.platform.ctx.storage.driver,
    fetchUrl: fetcher(() => t),
    verifiesSignatures: true,
    signedUrls: {
      base: () => owner.orgId,
      async catalogue(storageKey) {
        const key = storageKey.slice(owner.orgId.length + 1);
        await withSystem(t.db, (tx) => tx.insertInto('storage_objects').values({ org_id: owner.orgId, key, storage_key: storageKey, status: 'active', kind: 'file' }).execute());
      },
    },
    async leftovers() {
      const driver = t.platform.ctx.storage.driver as LocalDiskDriver;
      return readdir(path.join(driver.root, '.incoming')).catch(() => []);
    },
  });
});

describe('S3 driver (s3rver)', () => {
  let t: TestPlatform;
  let s3: FakeS3;
  before(async () => {
    s3 = await startFakeS3();
    t = await startTestPlatform({ env: { ...s3.env, S3_PART_SIZE_BYTES: String(5 * 1024 * 1024) } });
  });
  after(async () => {
    await t.close();
    await s3.close();
  });
  driverConformance('s3', { driver: () => t.platform.ctx.storage.driver, fetchUrl: fetcher(() => t), verifiesSignatures: false });
});
