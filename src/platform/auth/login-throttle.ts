import { setTimeout as sleep } from 'node:timers/promises';
import { sql, type Kysely } from 'kysely';
import type { PlatformTables } from '../db/schema.js';
import type { Executor } from '../db/executor.js';
import { tooManyRequests } from '../errors.js';

/**
 * Password guesses against one account from one address: this many pass, then the address
 * waits until its score has decayed. Only that address is refused, so an attacker elsewhere
 * cannot lock the account's owner out.
 */
export const FREE_ATTEMPTS_PER_ADDRESS = 5;
const ADDRESS_HALF_LIFE_SECONDS = 10 * 60;
/**
 * Guesses against one account from every address together. Past this score each attempt is
 * slowed down, never refused: a refusal here would again let anyone lock the owner out.
 */
export const ACCOUNT_SLOWDOWN_FROM = 20;
const ACCOUNT_HALF_LIFE_SECONDS = 30 * 60;
const SLOWDOWN_STEP_MS = 100;
const MAX_SLOWDOWN_MS = 2_000;
/** The row counting an account's attempts from every address. */
const EVERY_ADDRESS = '*';
/** Half-lives after which a score counts as zero (2^-40): keeps power() clear of float underflow. */
const MAX_HALF_LIVES = 40;

/** How long an attempt on an account under attack waits before its password is checked. */
export function slowDownMs(accountScore: number): number {
  if (accountScore <= ACCOUNT_SLOWDOWN_FROM) return 0;
  return Math.min(MAX_SLOWDOWN_MS, Math.ceil((accountScore - ACCOUNT_SLOWDOWN_FROM) * SLOWDOWN_STEP_MS));
}

/**
 * Login attempts, counted before the password is checked: one statement adds the attempt to
 * both scores (this address, every address) and returns them, so parallel guesses each see
 * the count including the others, and none slips past the limit. Scores decay exponentially,
 * so the wait grows with the pressure and ends by itself.
 */
export class LoginThrottle {
  constructor(private readonly db: Kysely<PlatformTables>) {}

  /** Counts one attempt; throws 429 when this address must wait, else slows down as the account's pressure asks. */
  async admit(account: string, address: string): Promise<void> {
    const { rows } = await sql<{ source: string; score: number }>`
      insert into login_attempts as a (account, source, score, updated_at)
      values (${account}, ${address}, 1, now()), (${account}, ${EVERY_ADDRESS}, 1, now())
      on conflict (account, source) do update set
        score = a.score * power(0.5::float8, least(
          extract(epoch from (now() - a.updated_at))::float8
            / (case when a.source = ${EVERY_ADDRESS} then ${ACCOUNT_HALF_LIFE_SECONDS} else ${ADDRESS_HALF_LIFE_SECONDS} end)::float8,
          ${MAX_HALF_LIVES}::float8)) + 1,
        updated_at = now()
      returning source, score`.execute(this.db);
    const fromAddress = rows.find((r) => r.source !== EVERY_ADDRESS)?.score ?? 1;
    const fromEveryAddress = rows.find((r) => r.source === EVERY_ADDRESS)?.score ?? 1;
    if (fromAddress > FREE_ATTEMPTS_PER_ADDRESS) {
      // The next attempt passes once the score has decayed to FREE - 1 (it then adds one).
      const seconds = ADDRESS_HALF_LIFE_SECONDS * Math.log2(fromAddress / (FREE_ATTEMPTS_PER_ADDRESS - 1));
      throw tooManyRequests(Math.max(1, Math.ceil(seconds)), 'Too many failed logins for this account from this address');
    }
    const delay = slowDownMs(fromEveryAddress);
    if (delay) await sleep(delay);
  }

  /** The right password from this address: its count starts again (the account-wide one decays). */
  async succeeded(account: string, address: string): Promise<void> {
    await this.db.deleteFrom('login_attempts').where('account', '=', account).where('source', '=', address).execute();
  }

  /** A password reset proves the owner: every count on the account starts again. */
  static async clear(db: Executor, account: string): Promise<void> {
    await db.deleteFrom('login_attempts').where('account', '=', account).execute();
  }
}

const PURGE_BATCH = 1000;

/**
 * Scores decay by themselves, but their rows stay: every address that ever tried a password
 * (and every email address an attacker typed) would otherwise keep one forever. Rows untouched
 * for `retentionHours` are deleted in bounded batches; by then a score has halved at least
 * 12 times (account) or 36 times (address), so nothing that still matters is lost.
 */
export async function purgeLoginAttempts(db: Kysely<PlatformTables>, retentionHours: number, now = new Date()): Promise<{ deleted: number }> {
  const before = new Date(now.getTime() - retentionHours * 3_600_000);
  let deleted = 0;
  for (;;) {
    const { rows } = await sql<{ n: number }>`
      with gone as (
        delete from login_attempts where ctid in (
          select ctid from login_attempts where updated_at < ${before} limit ${PURGE_BATCH})
        returning 1)
      select count(*)::int as n from gone`.execute(db);
    const n = rows[0]?.n ?? 0;
    deleted += n;
    if (n < PURGE_BATCH) return { deleted };
  }
}
