import { Command } from 'commander';
import pino from 'pino';
import { startPlatform } from '../platform/runtime.js';
import { installedApps } from '../apps/index.js';

/**
 * `tenantry storage lifecycle-json`: the S3 bucket lifecycle configuration equivalent to the
 * lifecycle rules the platform and the installed apps register, for
 * `aws s3api put-bucket-lifecycle-configuration --lifecycle-configuration file://…`.
 */
export function storageCommand() {
  const storage = new Command('storage').description('object storage');
  storage
    .command('lifecycle-json')
    .description('print the S3 bucket lifecycle configuration matching the registered lifecycle rules')
    .action(async () => {
      // Logs go to stderr so stdout is exactly the JSON document.
      const platform = await startPlatform({ apps: installedApps, log: pino({ level: 'warn' }, pino.destination(2)) });
      try {
        console.log(JSON.stringify(platform.ctx.storage.lifecycle.toS3LifecycleConfiguration(), null, 2));
      } finally {
        await platform.close();
      }
    });
  return storage;
}
