import type { Readable } from 'node:stream';
import { sql } from 'kysely';
import type { PlatformContext } from '../../../platform/context.js';
import { gone, notFound, tooManyRequests } from '../../../platform/errors.js';
import { hashSecret, newSecret } from '../../../platform/auth/secrets.js';
import { recordUsage } from '../../../platform/usage/usage.service.js';
import type { StoredObject } from '../../../platform/storage/catalog.js';
import { auraSettings } from '../config.js';
import { auraDb } from '../db.js';
import { checkedDescriptor, selfieDescriptor } from '../faces/face-search.service.js';
import { matchFaces } from '../faces/face-search.js';
import { faceSearchMode } from '../faces/face-vectors.js';
import { MAX_FACE_RESULTS } from '../faces/face-search.schema.js';
import { photoImage, type PhotoImage } from '../photos/photos.service.js';
import { originalsZip, storedKeysOf, zipFileName } from '../bundles/bundle-zip.js';
import type { ScanResult } from './scan.schema.js';

/** An open guest link: the org and event it names. */
interface GuestEvent {
  orgId: string;
  eventId: string;
  name: string;
  event_date: string | null;
  guest_expires_at: Date | null;
}

const scanBase = (token: string) => `/aura/api/scan/${encodeURIComponent(token)}`;

/**
 * Guest scan (seed "Guest scan"): a guest with an event's link finds their photos with a selfie
 * or a descriptor computed in the browser. The selfie is read in memory and dropped; neither it
 * nor its embedding is written anywhere. What is kept is a short session holding the ids of the
 * photos that matched: those, and only those, the guest may open and download with its token.
 */
export class GuestScanService {
  constructor(private readonly ctx: PlatformContext) {}

  /** The link's event, when guest access is open: 404 for an unknown link or access off, 410 once expired. */
  async event(token: string): Promise<GuestEvent> {
    const ref = (await sql<{ org_id: string; event_id: string }>`select org_id, event_id from aura_event_by_guest_token(${token})`.execute(auraDb.db(this.ctx))).rows[0];
    if (!ref) throw notFound('Guest link', 'GUEST_LINK_NOT_FOUND', 'This guest link does not exist (it may have been replaced by a new one): ask the studio for the current link or QR code');
    const row = await auraDb.withTenant(this.ctx, { orgId: ref.org_id }, (tx) =>
      tx.selectFrom('aura_events as e')
        .select(['e.name', sql<string | null>`to_char(e.event_date, 'YYYY-MM-DD')`.as('event_date'), 'e.guest_access', 'e.guest_expires_at'])
        .where('e.org_id', '=', ref.org_id).where('e.id', '=', ref.event_id).where('e.guest_token', '=', token)
        .executeTakeFirst());
    if (!row) throw notFound('Guest link', 'GUEST_LINK_NOT_FOUND', 'This guest link does not exist: ask the studio for the current link or QR code');
    if (!row.guest_access) throw notFound('Guest link', 'GUEST_ACCESS_OFF', 'The studio has not opened this event\'s photos to guests (or has closed them): ask the studio');
    if (row.guest_expires_at && row.guest_expires_at.getTime() <= Date.now()) {
      throw gone(`This guest link expired on ${row.guest_expires_at.toISOString().slice(0, 10)}: ask the studio to extend it`, 'GUEST_LINK_EXPIRED');
    }
    return { orgId: ref.org_id, eventId: ref.event_id, name: row.name, event_date: row.event_date, guest_expires_at: row.guest_expires_at };
  }

  async info(token: string) {
    const e = await this.event(token);
    return { name: e.name, event_date: e.event_date, guest_expires_at: e.guest_expires_at };
  }

  /** Face detection is the costly part: bounded per address and per link, before any work. */
  async checkRate(token: string, ip: string): Promise<void> {
    const c = auraSettings.load(this.ctx.config).guest;
    const byIp = await this.ctx.rateLimiter.check(`aura-guest-ip:${ip}`, c.searchPerIpPerMinute);
    if (byIp) throw tooManyRequests(byIp, 'Too many searches from this address');
    const byToken = await this.ctx.rateLimiter.check(`aura-guest-token:${hashSecret(token)}`, c.searchPerTokenPerMinute);
    if (byToken) throw tooManyRequests(byToken, 'Too many searches on this event\'s link');
  }

  async searchBySelfie(token: string, selfie: Buffer): Promise<ScanResult> {
    const event = await this.event(token);
    return this.search(token, event, await selfieDescriptor(this.ctx, selfie), 'selfie');
  }

  async searchByDescriptor(token: string, descriptor: readonly number[]): Promise<ScanResult> {
    return this.search(token, await this.event(token), descriptor, 'descriptor');
  }

  private async search(token: string, event: GuestEvent, raw: ArrayLike<number>, source: 'selfie' | 'descriptor'): Promise<ScanResult> {
    const descriptor = checkedDescriptor(raw);
    const config = auraSettings.load(this.ctx.config);
    const mode = config.faces.searchMode === 'exact' ? 'exact' : await faceSearchMode(this.ctx);
    const session = newSecret();
    const expiresAt = new Date(Date.now() + config.guest.sessionMs);
    const scope = { orgId: event.orgId };
    const photoIds = await auraDb.withTenant(this.ctx, scope, async (tx) => {
      const found = await matchFaces(tx, mode, { orgId: event.orgId, descriptor, threshold: config.faces.matchThreshold, limit: MAX_FACE_RESULTS, eventId: event.eventId, efSearch: config.faces.efSearch });
      const ids = found.map((f) => f.photo_id);
      // Expired sessions of this event go as new ones come: the table holds only live ones, bounded by traffic.
      await tx.deleteFrom('aura_guest_sessions').where('org_id', '=', event.orgId).where('event_id', '=', event.eventId).where('expires_at', '<=', new Date()).execute();
      await tx.insertInto('aura_guest_sessions').values({ org_id: event.orgId, event_id: event.eventId, token_hash: hashSecret(session), photo_ids: ids, expires_at: expiresAt }).execute();
      await recordUsage(tx, { orgId: event.orgId, action: 'aura.guest_search', metadata: { event_id: event.eventId, source, results: ids.length } });
      return ids;
    });
    const base = scanBase(token);
    const q = `?session=${encodeURIComponent(session)}`;
    return {
      event: { name: event.name, event_date: event.event_date, guest_expires_at: event.guest_expires_at },
      session,
      expires_at: expiresAt,
      photos: photoIds.map((id) => ({ id, thumb_url: `${base}/photos/${id}/thumb${q}`, full_url: `${base}/photos/${id}/full${q}`, original_url: `${base}/photos/${id}/original${q}` })),
      zip_url: photoIds.length ? `${base}/zip${q}` : null,
    };
  }

  /** One of the session's photos: 404 for any photo the session did not match (another event's, another org's). */
  async image(token: string, session: string | undefined, photoId: string, which: PhotoImage): Promise<StoredObject> {
    const { event, photoIds } = await this.session(token, session);
    if (!photoIds.includes(photoId)) throw notFound('Photo');
    return photoImage(this.ctx, { orgId: event.orgId }, photoId, which);
  }

  /** The session's live photos' originals as one streamed ZIP. */
  async zip(token: string, session: string | undefined): Promise<{ fileName: string; stream: Readable }> {
    const { event, photoIds } = await this.session(token, session);
    const { photos, stored } = await auraDb.withTenant(this.ctx, { orgId: event.orgId }, async (tx) => {
      const photos = photoIds.length
        ? await tx.selectFrom('aura_photos').select(['path', 'full_path', 'created_at'])
          .where('org_id', '=', event.orgId).where('event_id', '=', event.eventId).where('id', 'in', photoIds).where('trashed_at', 'is', null)
          .orderBy('path').execute()
        : [];
      return { photos, stored: await storedKeysOf(tx, event.orgId, photos) };
    });
    return { fileName: zipFileName(event.name), stream: originalsZip(this.ctx, event.orgId, photos, stored) };
  }

  /** The live session of this link: the link must still be open, the token known and unexpired. */
  private async session(token: string, session: string | undefined): Promise<{ event: GuestEvent; photoIds: string[] }> {
    const event = await this.event(token);
    const expired = () => gone('Your search has expired: take a selfie again to see your photos', 'GUEST_SESSION_EXPIRED');
    if (!session) throw expired();
    const row = await auraDb.withTenant(this.ctx, { orgId: event.orgId }, (tx) =>
      tx.selectFrom('aura_guest_sessions').select(['photo_ids', 'expires_at'])
        .where('org_id', '=', event.orgId).where('event_id', '=', event.eventId).where('token_hash', '=', hashSecret(session))
        .executeTakeFirst());
    if (!row || row.expires_at.getTime() <= Date.now()) throw expired();
    return { event, photoIds: row.photo_ids };
  }
}
