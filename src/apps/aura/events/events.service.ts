import { sql, type Transaction } from 'kysely';
import type { PlatformContext } from '../../../platform/context.js';
import type { Principal } from '../../../platform/auth/principal.js';
import { recordAudit, type RequestMeta } from '../../../platform/audit/audit.service.js';
import { newSecret } from '../../../platform/auth/secrets.js';
import { conflict, isUniqueViolation, notFound, unprocessable } from '../../../platform/errors.js';
import { fetchPage, mapPage, type PageRequest } from '../../../platform/db/page.js';
import { qrCode, type QrFormat } from '../../../platform/sharing/qr.js';
import { auraDb } from '../db.js';
import type { AuraTables } from '../schema.js';
import type { z } from 'zod';
import type { createEventBody, updateEventBody } from './event.schema.js';
import { UNSORTED_FOLDER } from '../storage-layout.js';

// A date column as text: drivers would turn it into a Date at local midnight.
const EVENT_COLUMNS = ['e.id', 'e.name', 'e.folder', sql<string | null>`to_char(e.event_date, 'YYYY-MM-DD')`.as('event_date'), 'e.guest_access', 'e.guest_expires_at', 'e.guest_token', 'e.created_by', 'e.created_at', 'e.updated_at'] as const;
type EventRow = { id: string; name: string; folder: string; event_date: string | null; guest_access: boolean; guest_expires_at: Date | null; guest_token: string; created_by: string | null; created_at: Date; updated_at: Date; photo_count: number };

/** The guest link's path; the web app's /scan page reads the token from it. */
export const guestPath = (token: string) => `/scan/${token}`;

/** "Wedding — Jan 15!" → "wedding-jan-15": the storage folder an event gets when none is given. */
export function folderFromName(name: string): string {
  const slug = name.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 100).replace(/-+$/, '');
  return slug || 'event';
}

/**
 * The seed's events (its {event_or_folder} grouping): employees create and list them, admins
 * change and delete them and their guest settings. Every query is scoped by org twice (RLS and
 * `where org_id`); the RLS policies also refuse an employee's update or delete.
 */
export class EventsService {
  constructor(private readonly ctx: PlatformContext) {}

  async create(p: Principal, input: z.infer<typeof createEventBody>, baseUrl: string, meta: RequestMeta) {
    const folder = input.folder ?? folderFromName(input.name);
    if (folder === UNSORTED_FOLDER) throw unprocessable(`"${UNSORTED_FOLDER}" is the folder of photos without an event: choose another folder`, 'FOLDER_RESERVED');
    const row = await auraDb.withTenant(this.ctx, p, async (tx) => {
      const created = await tx
        .insertInto('aura_events')
        .values({
          org_id: p.orgId,
          name: input.name,
          folder,
          event_date: input.event_date ?? null,
          guest_access: input.guest_access ?? false,
          guest_expires_at: input.guest_expires_at ?? null,
          guest_token: newSecret(),
          created_by: p.userId,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
        .catch((err) => {
          if (isUniqueViolation(err)) throw conflict(`An event already uses the folder "${folder}": give this one another folder`, 'EVENT_FOLDER_TAKEN', { folder });
          throw err;
        });
      await recordAudit(tx, p, { orgId: p.orgId, action: 'aura.event.create', targetType: 'aura_event', targetId: created.id }, meta);
      return this.find(tx, p.orgId, created.id);
    });
    return view(row, baseUrl);
  }

  async list(p: Principal, page: PageRequest, baseUrl: string) {
    const result = await auraDb.withTenant(this.ctx, p, (tx) =>
      fetchPage(tx.selectFrom('aura_events as e').where('e.org_id', '=', p.orgId), page, (q) =>
        q.select([...EVENT_COLUMNS, photoCount(p.orgId)]).orderBy('e.created_at', 'desc').orderBy('e.id', 'desc'),
      ),
    );
    return mapPage(result, (r) => view(r as EventRow, baseUrl));
  }

  async get(p: Principal, id: string, baseUrl: string) {
    return view(await auraDb.withTenant(this.ctx, p, (tx) => this.find(tx, p.orgId, id)), baseUrl);
  }

  async update(p: Principal, id: string, input: z.infer<typeof updateEventBody>, baseUrl: string, meta: RequestMeta) {
    const row = await auraDb.withTenant(this.ctx, p, async (tx) => {
      await this.find(tx, p.orgId, id);
      await tx
        .updateTable('aura_events')
        .set({
          ...(input.name !== undefined ? { name: input.name } : {}),
          ...(input.event_date !== undefined ? { event_date: input.event_date } : {}),
          ...(input.guest_access !== undefined ? { guest_access: input.guest_access } : {}),
          ...(input.guest_expires_at !== undefined ? { guest_expires_at: input.guest_expires_at } : {}),
          updated_at: new Date(),
        })
        .where('org_id', '=', p.orgId)
        .where('id', '=', id)
        .execute();
      await recordAudit(tx, p, { orgId: p.orgId, action: 'aura.event.update', targetType: 'aura_event', targetId: id, metadata: { fields: Object.keys(input) } }, meta);
      return this.find(tx, p.orgId, id);
    });
    return view(row, baseUrl);
  }

  /** The event goes; its photos stay, without an event (their files keep their paths). */
  async delete(p: Principal, id: string, meta: RequestMeta): Promise<void> {
    await auraDb.withTenant(this.ctx, p, async (tx) => {
      const gone = await tx.deleteFrom('aura_events').where('org_id', '=', p.orgId).where('id', '=', id).returning('id').executeTakeFirst();
      if (!gone) throw notFound('Event');
      await recordAudit(tx, p, { orgId: p.orgId, action: 'aura.event.delete', targetType: 'aura_event', targetId: id }, meta);
    });
  }

  /** A new guest token: links and QR codes printed with the old one stop working at once. */
  async rotateGuestToken(p: Principal, id: string, baseUrl: string, meta: RequestMeta) {
    const row = await auraDb.withTenant(this.ctx, p, async (tx) => {
      await this.find(tx, p.orgId, id);
      await tx.updateTable('aura_events').set({ guest_token: newSecret(), updated_at: new Date() }).where('org_id', '=', p.orgId).where('id', '=', id).execute();
      await recordAudit(tx, p, { orgId: p.orgId, action: 'aura.event.rotate_guest_token', targetType: 'aura_event', targetId: id }, meta);
      return this.find(tx, p.orgId, id);
    });
    return view(row, baseUrl);
  }

  async qr(p: Principal, id: string, format: QrFormat, size: number, baseUrl: string) {
    const event = await this.get(p, id, baseUrl);
    if (!event.guest_access) throw conflict('Guest access is off for this event: turn it on (PATCH the event with guest_access: true) before printing its QR code', 'GUEST_ACCESS_OFF');
    if (event.guest_expires_at && event.guest_expires_at.getTime() <= Date.now()) {
      throw conflict('This event\'s guest link has expired: set a later guest_expires_at (or none) before printing its QR code', 'GUEST_LINK_EXPIRED');
    }
    return qrCode(event.guest_url, format, size);
  }

  private async find(tx: Transaction<AuraTables>, orgId: string, id: string): Promise<EventRow> {
    const row = await tx.selectFrom('aura_events as e').select([...EVENT_COLUMNS, photoCount(orgId)]).where('e.org_id', '=', orgId).where('e.id', '=', id).executeTakeFirst();
    if (!row) throw notFound('Event');
    return row as EventRow;
  }
}

function photoCount(orgId: string) {
  return sql<number>`(select count(*)::int from aura_photos ph where ph.org_id = ${orgId} and ph.event_id = e.id and ph.trashed_at is null)`.as('photo_count');
}

function view(r: EventRow, baseUrl: string) {
  return {
    id: r.id,
    name: r.name,
    folder: r.folder,
    event_date: r.event_date,
    guest_access: r.guest_access,
    guest_expires_at: r.guest_expires_at,
    guest_url: `${baseUrl}${guestPath(r.guest_token)}`,
    photo_count: Number(r.photo_count),
    created_by: r.created_by,
    created_at: r.created_at,
    updated_at: r.updated_at,
  };
}
