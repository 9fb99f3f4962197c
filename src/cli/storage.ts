import { Command } from 'commander';
import { operate } from './operate.js';

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
      // stdout is exactly the JSON document (operate logs to stderr).
      console.log(JSON.stringify(await operate('lifecycle-json', {}), null, 2));
    });
  return storage;
}
