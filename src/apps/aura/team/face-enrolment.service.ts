import type { PlatformContext } from '../../../platform/context.js';
import type { Principal } from '../../../platform/auth/principal.js';
import { recordAudit, type RequestMeta } from '../../../platform/audit/audit.service.js';
import { forbidden, notFound, unprocessable } from '../../../platform/errors.js';
import { auraDb } from '../db.js';
import { selfieFace } from '../faces/face-search.service.js';
import { unitDescriptor } from '../faces/face-vectors.js';

export interface FaceEnrolment {
  enrolled: boolean;
  enrolled_at: Date | null;
}

/**
 * An employee's face for the station's face + PIN login. The employee enrols their own face
 * (logged in, with a selfie); only the descriptor is kept, like a photo's faces, never the
 * image. An admin can remove anyone's (a lost phone, a new hairstyle that no longer matches).
 */
export class FaceEnrolmentService {
  constructor(private readonly ctx: PlatformContext) {}

  async status(p: Principal): Promise<FaceEnrolment> {
    const userId = self(p);
    const row = await auraDb.withTenant(this.ctx, p, (tx) =>
      tx.selectFrom('aura_face_logins').select('enrolled_at').where('org_id', '=', p.orgId).where('user_id', '=', userId).executeTakeFirst(),
    );
    return { enrolled: !!row, enrolled_at: row?.enrolled_at ?? null };
  }

  /** The selfie must show exactly one face (422 NO_FACE / SEVERAL_FACES); a new enrolment replaces the old one. */
  async enrol(p: Principal, selfie: Buffer, meta: RequestMeta): Promise<FaceEnrolment> {
    const userId = self(p);
    if (p.role !== 'member' && p.role !== 'editor') {
      throw unprocessable('Face login is for employees (members and editors) at the capture station; admins and viewers log in with email and password', 'FACE_NOT_FOR_ROLE');
    }
    // Detection runs before the transaction: embedded PGlite has one connection.
    const face = await selfieFace(this.ctx, selfie);
    const descriptor = unitDescriptor(face.descriptor);
    const enrolledAt = new Date();
    await auraDb.withTenant(this.ctx, p, async (tx) => {
      await tx
        .insertInto('aura_face_logins')
        .values({ org_id: p.orgId, user_id: userId, descriptor, score: face.score, enrolled_at: enrolledAt })
        .onConflict((oc) => oc.columns(['org_id', 'user_id']).doUpdateSet({ descriptor, score: face.score, enrolled_at: enrolledAt }))
        .execute();
      await recordAudit(tx, p, { orgId: p.orgId, action: 'aura.face_login.enrol', targetType: 'user', targetId: userId }, meta);
    });
    return { enrolled: true, enrolled_at: enrolledAt };
  }

  async removeOwn(p: Principal, meta: RequestMeta): Promise<void> {
    return this.remove(p, self(p), meta);
  }

  /** Removes the caller's own enrolment, or (admins) a team member's: 404 when there is none. */
  async remove(p: Principal, userId: string, meta: RequestMeta): Promise<void> {
    await auraDb.withTenant(this.ctx, p, async (tx) => {
      const gone = await tx.deleteFrom('aura_face_logins').where('org_id', '=', p.orgId).where('user_id', '=', userId).returning('user_id').executeTakeFirst();
      if (!gone) throw notFound('Face enrolment');
      await recordAudit(tx, p, { orgId: p.orgId, action: 'aura.face_login.remove', targetType: 'user', targetId: userId }, meta);
    });
  }
}

/** Enrolment belongs to a person: an API key has no face. */
function self(p: Principal): string {
  if (!p.userId) throw forbidden('Face enrolment is for a person logged in, not an API key', 'USER_REQUIRED');
  return p.userId;
}
