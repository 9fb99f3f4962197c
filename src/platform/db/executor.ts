import type { Kysely, Transaction } from 'kysely';
import type { PlatformTables } from './schema.js';

/** A database handle of the platform or of an app: the pool's Kysely or a transaction on it. */
export type Executor<DB extends PlatformTables = PlatformTables> = Kysely<DB> | Transaction<DB>;

/**
 * The platform's view of an app's handle, so a platform helper (audit, usage, storage catalog)
 * can write its own tables inside the app's transaction. An app's tables extend the platform's,
 * and Kysely's types exist only at compile time; its builder types are invariant, so this
 * widening is a cast, made here once rather than in every helper.
 */
export function platformView<DB extends PlatformTables>(db: Executor<DB>): Kysely<PlatformTables> {
  return db as unknown as Kysely<PlatformTables>;
}
