import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Config } from '../config/config.js';
import type { StorageDriver } from './driver.js';
import { LocalDiskDriver } from './local-driver.js';
import { S3Driver } from './s3-driver.js';
import { UrlSigner } from './url-signer.js';
import { defaultUploadKinds, UploadKindRegistry } from './upload-kinds.js';
import { LifecycleRegistry } from './lifecycle-rules.js';
import { StorageOwnership } from './ownership.js';

/** The storage services on PlatformContext: the driver plus the registries apps extend. */
export interface PlatformStorage {
  driver: StorageDriver;
  kinds: UploadKindRegistry;
  lifecycle: LifecycleRegistry;
  /** Key prefixes apps own, and who may change them through the files API (ownership.ts). */
  ownership: StorageOwnership;
  close(): Promise<void>;
}

/**
 * Build the configured driver. `signingSecret` (the JWT secret, resolved at start) keys the
 * local driver's presigned URLs. With DATA_DIR=memory:// and no STORAGE_DIR the local driver
 * uses a throwaway temporary directory, removed on close.
 */
export async function createStorage(config: Config, signingSecret: string): Promise<PlatformStorage> {
  const driver = await createDriver(config, signingSecret);
  const kinds = new UploadKindRegistry();
  for (const kind of defaultUploadKinds(config.storage.uploadMaxBytes)) kinds.register(kind);
  return { driver, kinds, lifecycle: new LifecycleRegistry(), ownership: new StorageOwnership(), close: () => driver.close() };
}

async function createDriver(config: Config, signingSecret: string): Promise<StorageDriver> {
  const s = config.storage;
  if (s.driver === 's3') {
    return new S3Driver({
      bucket: s.s3.bucket!,
      region: s.s3.region,
      endpoint: s.s3.endpoint,
      forcePathStyle: s.s3.forcePathStyle,
      credentials: s.s3.accessKeyId && s.s3.secretAccessKey ? { accessKeyId: s.s3.accessKeyId, secretAccessKey: s.s3.secretAccessKey } : undefined,
      partSizeBytes: s.s3.partSizeBytes,
      timeoutMs: s.s3.timeoutSeconds * 1000,
    });
  }
  const ephemeral = !s.dir && config.dataDir.startsWith('memory://');
  const root = s.dir ?? (ephemeral ? await mkdtemp(path.join(os.tmpdir(), 'tenantry-storage-')) : path.join(config.dataDir, 'storage'));
  return new LocalDiskDriver({ root, signer: new UrlSigner(signingSecret), baseUrl: config.publicUrl ?? '', ephemeral });
}
