import { sql } from 'kysely';
import type { PlatformContext } from '../../../platform/context.js';
import type { Transaction } from 'kysely';
import type { PlatformTables } from '../../../platform/db/schema.js';
import { recordAudit, type RequestMeta } from '../../../platform/audit/audit.service.js';
import { conflict, forbidden, tooManyRequests, unauthorized } from '../../../platform/errors.js';
import { hashPasswordWithSalt } from '../../../platform/auth/secrets.js';
import { LoginThrottle } from '../../../platform/auth/login-throttle.js';
import { issueSession, recordLogin } from '../../../platform/auth/sessions.js';
import { auraDb } from '../db.js';
import { withClaims, type AuraAuthResult } from './aura-auth.service.js';
import type { AuraConfig } from '../config.js';
import { selfieFace } from '../faces/face-search.service.js';
import { unitDescriptor } from '../faces/face-vectors.js';

/** Lockouts in a row double the wait, up to this. */
const MAX_LOCKOUT_MS = 24 * 3_600_000;

const disabled = () => forbidden('PIN login is not turned on for this studio: log in with your email and password, or ask an admin to turn it on in Aura\'s settings', 'STATION_LOGIN_DISABLED');
const faceRequired = () => forbidden('This studio\'s station asks for your face with your PIN: use the station\'s face login (POST /aura/api/auth/face-login)', 'FACE_REQUIRED');
const faceLoginOff = () => forbidden('Face login is not turned on for this studio: log in with your PIN, or ask an admin to turn face login on in Aura\'s settings', 'FACE_LOGIN_DISABLED');
const faceMismatch = () => unauthorized('Your face did not match the one you enrolled: try again facing the camera in good light, or log in with your email and password', 'FACE_MISMATCH');
const notEnrolled = () => conflict('You have not enrolled your face for the station yet: log in with your email and password and enrol it (PUT /aura/api/me/face)', 'FACE_NOT_ENROLLED');
const wrongPin = () => unauthorized('This PIN is not right: try again, or log in with your email and password', 'INVALID_PIN');

/**
 * The capture station's login: the studio's slug and an employee's PIN.
 *
 * Why the PIN alone names the employee (no name to pick first): a station would otherwise have
 * to list the studio's staff to anyone who opens it. Instead every PIN of one org is hashed
 * with argon2id under the org's salt (aura_settings.pin_salt), so equal PINs give equal hashes:
 * the unique index (org_id, pin_hash) refuses a PIN another employee of the org already has,
 * and a login finds its employee with one argon2 computation, like a password login.
 *
 * A 4-digit PIN is weak, so guesses are limited twice: per address (the platform's login
 * throttle) and per org from every address (counted before the PIN is checked, so parallel
 * guesses cannot outrun the count): after AURA_STATION_MAX_FAILURES wrong PINs in a row the
 * org's PIN login locks, for longer after each lockout. Anyone who knows the slug can lock it;
 * the employees still log in with email and password, and an admin saving the settings unlocks it.
 */
export class StationLoginService {
  private readonly throttle: LoginThrottle;

  constructor(private readonly ctx: PlatformContext, private readonly config: AuraConfig) {
    this.throttle = new LoginThrottle(ctx.database.db);
  }

  /** PIN only: refused (403 FACE_REQUIRED) where the org asks for the face too. */
  async login(input: { org_slug: string; pin: string }, meta: RequestMeta): Promise<AuraAuthResult> {
    return this.loginWith(input, meta, null);
  }

  /**
   * Face + PIN (the seed's POST /auth/face-login): the PIN names the employee, then the selfie
   * must match the face that employee enrolled at AURA_FACE_LOGIN_THRESHOLD. Never the face
   * alone: a face is not a secret. A mismatch counts towards the same lockout as a wrong PIN
   * (the attempt is counted before either is checked). The selfie is read in memory only.
   */
  async faceLogin(input: { org_slug: string; pin: string; selfie: Buffer }, meta: RequestMeta): Promise<AuraAuthResult> {
    return this.loginWith(input, meta, input.selfie);
  }

  private async loginWith(input: { org_slug: string; pin: string }, meta: RequestMeta, selfie: Buffer | null): Promise<AuraAuthResult> {
    const db = auraDb.db(this.ctx);
    const org = await db
      .selectFrom('orgs as o')
      .innerJoin('aura_settings as s', 's.org_id', 'o.id')
      .select(['o.id', 'o.status', 's.station_login_enabled', 's.station_face_login', 's.pin_salt'])
      .where('o.slug', '=', input.org_slug)
      .executeTakeFirst();
    if (!org || !org.station_login_enabled) throw disabled();
    if (org.status === 'suspended') throw forbidden('This organization is suspended: contact support', 'ORG_SUSPENDED');
    // Decided by the org's setting alone, before any attempt is counted: it tells nothing about a PIN.
    if (selfie && !org.station_face_login) throw faceLoginOff();
    if (!selfie && org.station_face_login) throw faceRequired();

    const account = `aura-station:${org.id}`;
    await this.throttle.admit(account, meta.ip ?? 'unknown');
    await this.countAttempt(org.id);

    // A selfie without exactly one face is refused (422) after the attempt was counted.
    const face = selfie ? unitDescriptor((await selfieFace(this.ctx, selfie)).descriptor) : null;
    const pinHash = await hashPasswordWithSalt(input.pin, org.pin_salt);
    const session = await auraDb.withSystem(this.ctx, async (tx) => {
      const who = await tx
        .selectFrom('aura_station_pins as p')
        .innerJoin('memberships as m', (j) => j.onRef('m.org_id', '=', 'p.org_id').onRef('m.user_id', '=', 'p.user_id'))
        .innerJoin('users as u', 'u.id', 'p.user_id')
        .innerJoin('orgs as o', 'o.id', 'p.org_id')
        .select(['u.id', 'u.email', 'u.status', 'm.role', 'o.name'])
        .where('p.org_id', '=', org.id)
        .where('p.pin_hash', '=', pinHash)
        .executeTakeFirst();
      // A PIN opens employee sessions only: one whose holder became an admin or viewer no longer works.
      if (!who || who.status !== 'active' || (who.role !== 'member' && who.role !== 'editor')) return null;
      if (face) {
        const enrolled = await tx.selectFrom('aura_face_logins').select('descriptor').where('org_id', '=', org.id).where('user_id', '=', who.id).executeTakeFirst();
        if (!enrolled) throw notEnrolled();
        if (cosine(face, enrolled.descriptor) < this.config.faces.loginThreshold) return 'face-mismatch' as const;
      }
      await tx.updateTable('aura_settings').set({ station_failures: 0, station_lockouts: 0, station_locked_until: null }).where('org_id', '=', org.id).execute();
      const platformTx = tx as unknown as Transaction<PlatformTables>;
      await recordAudit(platformTx, { kind: 'user', userId: who.id, isSuperadmin: false }, { orgId: org.id, action: 'aura.station_login', targetType: 'user', targetId: who.id }, meta);
      await recordLogin(platformTx, who.id);
      const tokens = await issueSession(this.ctx, platformTx, { userId: who.id, orgId: org.id, role: who.role }, meta);
      return { ...tokens, user: { id: who.id, email: who.email, org_id: org.id, org_name: who.name, role: who.role } };
    });
    if (!session) throw wrongPin();
    if (session === 'face-mismatch') throw faceMismatch();
    await this.throttle.succeeded(account, meta.ip ?? 'unknown');
    return withClaims(this.ctx, session);
  }

  /**
   * One attempt on the org's station, counted before the PIN is checked (a right PIN resets
   * the count). Refuses while locked; the attempt past the limit starts the next lockout.
   */
  private async countAttempt(orgId: string): Promise<void> {
    const { maxFailures, lockoutMs } = { maxFailures: this.config.stationMaxFailures, lockoutMs: this.config.stationLockoutMs };
    const row = await auraDb.withSystem(this.ctx, async (tx) => {
      const s = await tx.selectFrom('aura_settings').select(['station_failures', 'station_lockouts', 'station_locked_until']).where('org_id', '=', orgId).forUpdate().executeTakeFirstOrThrow();
      const now = Date.now();
      if (s.station_locked_until && s.station_locked_until.getTime() > now) return { lockedUntil: s.station_locked_until };
      if (s.station_failures + 1 > maxFailures) {
        const until = new Date(now + Math.min(MAX_LOCKOUT_MS, lockoutMs * 2 ** Math.min(s.station_lockouts, 20)));
        await tx.updateTable('aura_settings').set({ station_failures: 0, station_lockouts: sql`station_lockouts + 1`, station_locked_until: until }).where('org_id', '=', orgId).execute();
        await recordAudit(tx as unknown as Transaction<PlatformTables>, 'system', { orgId, action: 'aura.station_locked', metadata: { until: until.toISOString() } });
        return { lockedUntil: until };
      }
      await tx.updateTable('aura_settings').set({ station_failures: sql`station_failures + 1` }).where('org_id', '=', orgId).execute();
      return { lockedUntil: null };
    });
    if (row.lockedUntil) {
      const seconds = Math.max(1, Math.ceil((row.lockedUntil.getTime() - Date.now()) / 1000));
      throw tooManyRequests(seconds, 'PIN login at this studio is locked after too many wrong PINs: log in with your email and password, or ask an admin to unlock it by saving Aura\'s settings');
    }
  }
}

/** Both unit length: the dot product is the cosine similarity. */
function cosine(a: readonly number[], b: readonly number[]): number {
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += a[i]! * (b[i] ?? 0);
  return dot;
}
