import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { Redis } from 'ioredis';
import { startFakeS3, type FakeS3 } from '../../../test/platform/storage/s3rver.js';
import { startPgBouncer, randomPassword, type PgBouncer } from './pgbouncer.js';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.js';
import { startS3FaultProxy, type S3FaultProxy } from '../../../test/support/s3-fault-proxy.js';
import { startApiNode, startWorker, type NodeProcess } from './node-process.js';

/** The machine's PostgreSQL (CI's: 127.0.0.1:5432, user postgres, trust) and Redis. */
const PG = { host: process.env.PGHOST ?? '127.0.0.1', port: Number(process.env.PGPORT ?? 5432), user: process.env.PGUSER ?? 'postgres' };
const REDIS = { host: '127.0.0.1', port: 6379 };
/**
 * Redis is shared with whatever else runs on the machine: the cluster gets a database number
 * of its own for its keys (rate-limit counters), and deletes them at the end.
 */
const REDIS_DB = Number(process.env.CLUSTER_REDIS_DB ?? 11);

export interface ApiNode {
  process: NodeProcess;
  url: string;
}

/**
 * Tenantry scaled out on one machine, from nothing and back to nothing: a fresh PostgreSQL
 * database behind PgBouncer (transaction mode), s3rver for objects, the machine's Redis (one
 * database number), two API nodes (WORKERS=off) and one worker, all started as real processes.
 * Redis and S3 are reached through relays a test can break (tcp-proxy.ts, test/support/s3-fault-proxy.ts).
 */
export class Cluster {
  readonly apis: ApiNode[] = [];
  readonly workers: NodeProcess[] = [];
  private readonly everyProcess: NodeProcess[] = [];
  private constructor(
    readonly database: string,
    private readonly tenantRole: string,
    readonly pgbouncer: PgBouncer,
    readonly redis: TcpProxy,
    private readonly s3: FakeS3,
    readonly s3Proxy: S3FaultProxy,
    private readonly dataDir: string,
    readonly env: Record<string, string>,
  ) {}

  static async start(options: { env?: Record<string, string> } = {}): Promise<Cluster> {
    const suffix = randomBytes(4).toString('hex');
    const database = process.env.CLUSTER_DATABASE ?? `tenantry_cluster_${suffix}`;
    const tenantRole = `tenantry_cluster_tenant_${suffix}`;
    await admin((c) => c.query(`create database ${database}`));
    const undo: Array<() => Promise<unknown>> = [() => dropDatabase(database, tenantRole)];
    try {
      const owner = { user: PG.user, password: randomPassword() };
      const tenant = { user: tenantRole, password: randomPassword() };
      const pgbouncer = await startPgBouncer({ host: PG.host, port: PG.port, database, logins: [owner, tenant] });
      undo.unshift(() => pgbouncer.close());
      const redis = await startTcpProxy(REDIS);
      undo.unshift(() => redis.close());
      const s3 = await startFakeS3('tenantry-cluster');
      undo.unshift(() => s3.close());
      const s3Proxy = await startS3FaultProxy(s3.endpoint);
      undo.unshift(() => s3Proxy.close());
      const dataDir = await mkdtemp(path.join(os.tmpdir(), 'tenantry-cluster-'));
      undo.unshift(() => rm(dataDir, { recursive: true, force: true }));
      const env: Record<string, string> = {
        NODE_ENV: 'production',
        LOG_LEVEL: 'warn',
        METRICS_ENABLED: 'true',
        APPS: 'visant,genads',
        DATABASE_URL: pgbouncer.url(owner),
        DATABASE_APP_URL: pgbouncer.url(tenant),
        DATABASE_POOL_SIZE: '5',
        REDIS_URL: `redis://127.0.0.1:${redis.port}/${REDIS_DB}`,
        ...s3.env,
        S3_ENDPOINT: s3Proxy.endpoint,
        // Every node signs and opens the same tokens and sealed credentials.
        JWT_SECRET: randomBytes(32).toString('hex'),
        CREDENTIALS_KEY: randomBytes(32).toString('base64'),
        // The whole suite comes from 127.0.0.1: the per-IP limit would count all of it.
        RATE_LIMIT_IP_PER_MINUTE: '100000',
        RATE_LIMIT_USER_PER_MINUTE: '100000',
        LOGIN_MAX_ATTEMPTS_PER_IP_PER_MINUTE: '1000',
        // A dead worker's jobs are taken over in seconds, not the default minute.
        JOB_LEASE_SECONDS: '5',
        JOB_HEARTBEAT_SECONDS: '1',
        JOB_POLL_INTERVAL_SECONDS: '0.5',
        // The cheapest real GenAds pipeline: ultrafast x264, bottles cut out by threshold.
        GENADS_X264_PRESET: 'ultrafast',
        GENADS_BACKGROUND_REMOVAL: 'threshold',
        GENADS_VARIATION_CONCURRENCY: '1',
        ...options.env,
      };
      const cluster = new Cluster(database, tenantRole, pgbouncer, redis, s3, s3Proxy, dataDir, env);
      undo.unshift(() => cluster.stopProcesses());
      // Migrations run once, in the first node; the others then find nothing to apply.
      await cluster.addApiNode();
      await Promise.all([cluster.addApiNode(), cluster.addWorker()]);
      return cluster;
    } catch (err) {
      for (const step of undo) await step().catch(() => {});
      throw err;
    }
  }

  private async processEnv(name: string) {
    const dir = await mkdtemp(path.join(this.dataDir, `${name}-`));
    return { ...this.env, DATA_DIR: dir };
  }

  /** Start one more API node; it takes the next index in `apis` (or `index`, replacing a dead one). */
  async addApiNode(index = this.apis.length): Promise<ApiNode> {
    const node = await startApiNode(`api-${index}`, await this.processEnv(`api-${index}`));
    this.everyProcess.push(node.process);
    this.apis[index] = node;
    return node;
  }

  async addWorker(): Promise<NodeProcess> {
    const worker = await startWorker(`worker-${this.workers.length}`, await this.processEnv(`worker-${this.workers.length}`));
    this.everyProcess.push(worker);
    this.workers.push(worker);
    return worker;
  }

  get urls() {
    return this.apis.map((a) => a.url);
  }

  /** The cluster's database reached directly (not through PgBouncer), as its owner. */
  get directUrl() {
    return `postgres://${encodeURIComponent(PG.user)}@${PG.host}:${PG.port}/${this.database}`;
  }

  /** A direct connection to the cluster's database (not through PgBouncer), as its owner, for checks. */
  async query<R extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<R[]> {
    const client = new pg.Client({ ...PG, database: this.database });
    await client.connect();
    try {
      return (await client.query<R>(text, values)).rows;
    } finally {
      await client.end();
    }
  }

  /** The output of every process, for a failure message. */
  logs() {
    return this.everyProcess.map((p) => `--- ${p.name}\n${p.tail(40)}`).join('\n');
  }

  private async stopProcesses() {
    await Promise.all(this.everyProcess.map((p) => p.kill()));
  }

  async close() {
    await this.stopProcesses();
    await this.s3Proxy.close();
    await this.s3.close();
    await this.redis.close();
    await this.pgbouncer.close();
    await rm(this.dataDir, { recursive: true, force: true });
    await deleteRedisKeys();
    await dropDatabase(this.database, this.tenantRole);
  }
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ ...PG, database: 'postgres' });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** The database, then the tenant login role the first node created in it (roles are server-wide). */
async function dropDatabase(database: string, role: string) {
  await admin(async (c) => {
    await c.query(`drop database if exists ${database} with (force)`);
    await c.query(`drop role if exists ${role}`);
  });
}

async function deleteRedisKeys() {
  const redis = new Redis({ ...REDIS, db: REDIS_DB, lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', 'tenantry:*', 'COUNT', 500);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
