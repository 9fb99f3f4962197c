import type { Logger } from 'pino';
import type { Config } from '../config/config.js';
import type { Database } from '../db/database.js';
import type { EventBus } from './event-bus.js';
import { MemoryEventBus } from './memory-bus.js';
import { PostgresEventBus } from './postgres-bus.js';
import { RedisEventBus } from './redis-bus.js';

/**
 * REALTIME_DRIVER=auto picks the widest fan-out available: Redis when REDIS_URL is set,
 * else PostgreSQL LISTEN/NOTIFY when DATABASE_URL is set (several API processes share one
 * database), else in-process (embedded PGlite is a single process anyway).
 */
export async function createEventBus(config: Pick<Config, 'realtime' | 'redisUrl' | 'databaseUrl'>, database: Database, log: Logger): Promise<EventBus> {
  const driver = config.realtime.driver === 'auto' ? (config.redisUrl ? 'redis' : config.databaseUrl ? 'postgres' : 'memory') : config.realtime.driver;
  if (driver === 'redis') {
    const bus = new RedisEventBus(config.redisUrl!, log);
    try {
      await bus.start();
    } catch (err) {
      await bus.close();
      throw new Error(`Realtime: cannot subscribe on Redis at REDIS_URL (${(err as Error).message}); check that Redis is running`, { cause: err });
    }
    return bus;
  }
  if (driver === 'postgres') {
    if (database.kind !== 'postgres' || !config.databaseUrl) throw new Error('Realtime: the postgres driver needs DATABASE_URL');
    // LISTEN holds its connection for good: behind a transaction-mode pooler the notifications
    // would go to whichever client the server connection serves next, so it may have its own URL.
    const bus = new PostgresEventBus(config.realtime.listenUrl ?? config.databaseUrl, database.pool, database.db, log);
    await bus.start();
    return bus;
  }
  return new MemoryEventBus(log);
}
