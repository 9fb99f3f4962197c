import { buffer } from 'node:stream/consumers';
import { sql, type Transaction } from 'kysely';
import sharp from 'sharp';
import type { PlatformContext } from '../../../platform/context.js';
import type { Principal } from '../../../platform/auth/principal.js';
import { recordAudit, type RequestMeta } from '../../../platform/audit/audit.service.js';
import { badRequest, conflict, notFound } from '../../../platform/errors.js';
import { fetchPage, mapPage, type Page } from '../../../platform/db/page.js';
import { tenantStorageKey } from '../../../platform/storage/keys.js';
import { auraDb } from '../db.js';
import { FULL_MAX_PX } from '../storage-layout.js';
import type { AuraTables } from '../schema.js';
import { photoView } from '../photos/photo-row.js';
import { lockOrgPeople, meanDirection, refreshPeople } from './clustering.js';
import { reclusterPeopleJob } from './recluster.job.js';

type Tx = Transaction<AuraTables>;

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface PersonView {
  id: string;
  name: string | null;
  hidden: boolean;
  face_count: number;
  photo_count: number;
  cover: { face_id: string; photo_id: string; box: Box; thumb_url: string } | null;
  created_at: Date;
  updated_at: Date;
}

/** Side of a face crop, in pixels (a person's cover, a face to pick when splitting). */
const FACE_CROP_PX = 200;

const faceUrl = (faceId: string) => `/aura/api/faces/${faceId}/image`;
const boxOf = (f: { box_x: number; box_y: number; box_width: number; box_height: number }): Box => ({ x: f.box_x, y: f.box_y, width: f.box_width, height: f.box_height });

/**
 * People: the faces clustering.ts grouped. Everyone in the org sees them and their photos;
 * naming, hiding, merging, splitting and reclustering are the admins' (and the database's
 * policies say the same, migrations/006_aura_people.sql). Photos in the trash count nowhere.
 */
export class PeopleService {
  constructor(private readonly ctx: PlatformContext) {}

  async list(p: Principal, q: { page: number; limit: number; include_hidden: boolean }): Promise<Page<PersonView>> {
    return auraDb.withTenant(this.ctx, p, async (tx) => {
      let filtered = tx.selectFrom('aura_people as pe').where('pe.org_id', '=', p.orgId);
      if (!q.include_hidden) filtered = filtered.where('pe.hidden', '=', false);
      const page = await fetchPage(filtered, q, (f) => f.select(['pe.id']).orderBy('pe.face_count', 'desc').orderBy('pe.id'));
      const views = await this.views(tx, p.orgId, page.items.map((r) => r.id));
      return mapPage(page, (r) => views.get(r.id)!);
    });
  }

  async get(p: Principal, id: string): Promise<PersonView> {
    return auraDb.withTenant(this.ctx, p, (tx) => this.view(tx, p.orgId, id));
  }

  /** The photos the person appears in, newest first. */
  async photos(p: Principal, id: string, q: { page: number; limit: number }) {
    const page = await auraDb.withTenant(this.ctx, p, async (tx) => {
      await this.find(tx, p.orgId, id);
      const ofPerson = tx.selectFrom('aura_faces').select('photo_id').where('org_id', '=', p.orgId).where('person_id', '=', id);
      const filtered = tx.selectFrom('aura_photos').where('org_id', '=', p.orgId).where('trashed_at', 'is', null).where('id', 'in', ofPerson);
      return fetchPage(filtered, q, (f) => f.selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc'));
    });
    return mapPage(page, photoView);
  }

  /** The person's faces, best first (at most 1000): what an admin picks from to split. */
  async faces(p: Principal, id: string) {
    const rows = await auraDb.withTenant(this.ctx, p, async (tx) => {
      await this.find(tx, p.orgId, id);
      return tx
        .selectFrom('aura_faces as f')
        .innerJoin('aura_photos as ph', 'ph.id', 'f.photo_id')
        .select(['f.id', 'f.photo_id', 'f.box_x', 'f.box_y', 'f.box_width', 'f.box_height', 'f.quality'])
        .where('f.org_id', '=', p.orgId)
        .where('f.person_id', '=', id)
        .where('ph.trashed_at', 'is', null)
        .orderBy('f.quality', 'desc')
        .orderBy('f.id')
        .limit(1000)
        .execute();
    });
    return { items: rows.map((f) => ({ id: f.id, photo_id: f.photo_id, box: boxOf(f), quality: f.quality, url: faceUrl(f.id) })) };
  }

  /**
   * The faces found in one photo, left to right, each with its box as fractions of the upright
   * picture (boxes are in pixels of the 2000 px variant, whose size follows from the photo's)
   * and its person. 404 for a trashed photo or another org's.
   */
  async facesOfPhoto(p: Principal, photoId: string) {
    const { photo, faces } = await auraDb.withTenant(this.ctx, p, async (tx) => {
      const photo = await tx.selectFrom('aura_photos').select(['width', 'height']).where('org_id', '=', p.orgId).where('id', '=', photoId).where('trashed_at', 'is', null).executeTakeFirst();
      if (!photo) throw notFound('Photo');
      const faces = await tx
        .selectFrom('aura_faces as f')
        .leftJoin('aura_people as pe', (j) => j.onRef('pe.org_id', '=', 'f.org_id').onRef('pe.id', '=', 'f.person_id'))
        .select(['f.id', 'f.box_x', 'f.box_y', 'f.box_width', 'f.box_height', 'pe.id as person_id', 'pe.name as person_name', 'pe.hidden as person_hidden'])
        .where('f.org_id', '=', p.orgId)
        .where('f.photo_id', '=', photoId)
        .orderBy('f.box_x')
        .orderBy('f.id')
        .execute();
      return { photo, faces };
    });
    const variant = variantSize(photo.width, photo.height);
    return {
      items: faces.map((f) => ({
        id: f.id,
        box: boxOf(f),
        fraction: variant
          ? { x: f.box_x / variant.width, y: f.box_y / variant.height, width: f.box_width / variant.width, height: f.box_height / variant.height }
          : null,
        person: f.person_id ? { id: f.person_id, name: f.person_name ?? null, hidden: f.person_hidden ?? false } : null,
        url: faceUrl(f.id),
      })),
    };
  }

  /** One face cut from the photo's 2000 px variant (where detection found it), with some margin, as WebP. */
  async faceImage(p: Principal, faceId: string): Promise<Buffer> {
    const face = await auraDb.withTenant(this.ctx, p, (tx) =>
      tx
        .selectFrom('aura_faces as f')
        .innerJoin('aura_photos as ph', 'ph.id', 'f.photo_id')
        .select(['f.box_x', 'f.box_y', 'f.box_width', 'f.box_height', 'ph.full_key'])
        .where('f.org_id', '=', p.orgId)
        .where('f.id', '=', faceId)
        .where('ph.trashed_at', 'is', null)
        .executeTakeFirst(),
    );
    if (!face || !face.full_key) throw notFound('Face');
    const { stream } = await this.ctx.storage.driver.get(tenantStorageKey(p.orgId, face.full_key));
    const image = await buffer(stream);
    const meta = await sharp(image).metadata();
    const W = meta.width ?? 1;
    const H = meta.height ?? 1;
    const margin = 0.3;
    const left = Math.max(0, Math.floor(face.box_x - face.box_width * margin));
    const top = Math.max(0, Math.floor(face.box_y - face.box_height * margin));
    const right = Math.min(W, Math.ceil(face.box_x + face.box_width * (1 + margin)));
    const bottom = Math.min(H, Math.ceil(face.box_y + face.box_height * (1 + margin)));
    if (right - left < 1 || bottom - top < 1) throw notFound('Face');
    return sharp(image).extract({ left, top, width: right - left, height: bottom - top }).resize(FACE_CROP_PX, FACE_CROP_PX, { fit: 'cover' }).webp({ quality: 80 }).toBuffer();
  }

  async update(p: Principal, id: string, input: { name?: string | null; hidden?: boolean; cover_face_id?: string | null }, meta: RequestMeta): Promise<PersonView> {
    return auraDb.withTenant(this.ctx, p, async (tx) => {
      await this.find(tx, p.orgId, id);
      if (input.cover_face_id) {
        const face = await tx.selectFrom('aura_faces').select('id').where('org_id', '=', p.orgId).where('id', '=', input.cover_face_id).where('person_id', '=', id).executeTakeFirst();
        if (!face) throw notFound('Face', 'NOT_FOUND', 'This face is not one of this person\'s: choose a cover among GET /aura/api/people/{id}/faces');
      }
      await tx
        .updateTable('aura_people')
        .set({
          ...(input.name !== undefined ? { name: input.name } : {}),
          ...(input.hidden !== undefined ? { hidden: input.hidden } : {}),
          ...(input.cover_face_id !== undefined ? { cover_face_id: input.cover_face_id } : {}),
          updated_at: new Date(),
        })
        .where('org_id', '=', p.orgId)
        .where('id', '=', id)
        .execute();
      await recordAudit(tx, p, { orgId: p.orgId, action: 'aura.person.update', targetType: 'aura_person', targetId: id, metadata: { fields: Object.keys(input) } }, meta);
      return this.view(tx, p.orgId, id);
    });
  }

  /** The others' faces move to `id` and the others go; the kept person takes a name from them if it had none. */
  async merge(p: Principal, id: string, others: readonly string[], meta: RequestMeta): Promise<PersonView> {
    const ids = [...new Set(others)];
    if (ids.includes(id)) throw badRequest('A person cannot be merged into themselves: list only the other people', undefined, 'MERGE_SELF');
    return auraDb.withTenant(this.ctx, p, async (tx) => {
      await lockOrgPeople(tx, p.orgId);
      const target = await this.find(tx, p.orgId, id);
      const found = await tx.selectFrom('aura_people').select(['id', 'name']).where('org_id', '=', p.orgId).where('id', 'in', ids).execute();
      const missing = ids.filter((x) => !found.some((f) => f.id === x));
      if (missing.length) throw notFound('Person', 'NOT_FOUND', `Person not found: ${missing.join(', ')}`);
      await tx.updateTable('aura_faces').set({ person_id: id }).where('org_id', '=', p.orgId).where('person_id', 'in', ids).execute();
      await tx.deleteFrom('aura_people').where('org_id', '=', p.orgId).where('id', 'in', ids).execute();
      const name = target.name ?? found.find((f) => f.name)?.name ?? null;
      if (name !== target.name) await tx.updateTable('aura_people').set({ name }).where('org_id', '=', p.orgId).where('id', '=', id).execute();
      await refreshPeople(tx, p.orgId, [id]);
      await recordAudit(tx, p, { orgId: p.orgId, action: 'aura.person.merge', targetType: 'aura_person', targetId: id, metadata: { merged: ids } }, meta);
      return this.view(tx, p.orgId, id);
    });
  }

  /** These faces of the person are someone else: they become a new person (answered). */
  async split(p: Principal, id: string, faceIds: readonly string[], name: string | undefined, meta: RequestMeta): Promise<PersonView> {
    const ids = [...new Set(faceIds)];
    return auraDb.withTenant(this.ctx, p, async (tx) => {
      await lockOrgPeople(tx, p.orgId);
      const person = await this.find(tx, p.orgId, id);
      const faces = await tx.selectFrom('aura_faces').select(['id', 'descriptor']).where('org_id', '=', p.orgId).where('person_id', '=', id).where('id', 'in', ids).execute();
      const missing = ids.filter((x) => !faces.some((f) => f.id === x));
      if (missing.length) throw notFound('Face', 'NOT_FOUND', `These faces are not this person's: ${missing.join(', ')}`);
      if (faces.length >= person.face_count) {
        const left = await tx.selectFrom('aura_faces').select((eb) => eb.fn.countAll<string>().as('n')).where('org_id', '=', p.orgId).where('person_id', '=', id).executeTakeFirstOrThrow();
        if (Number(left.n) <= faces.length) throw conflict('Splitting every face off leaves nobody: keep at least one face, or rename the person instead', 'SPLIT_ALL');
      }
      const created = await tx
        .insertInto('aura_people')
        .values({ org_id: p.orgId, name: name ?? null, centroid: meanDirection(faces.map((f) => f.descriptor))!, face_count: faces.length })
        .returning('id')
        .executeTakeFirstOrThrow();
      await tx.updateTable('aura_faces').set({ person_id: created.id }).where('org_id', '=', p.orgId).where('id', 'in', ids).execute();
      if (person.cover_face_id && ids.includes(person.cover_face_id)) await tx.updateTable('aura_people').set({ cover_face_id: null }).where('org_id', '=', p.orgId).where('id', '=', id).execute();
      await refreshPeople(tx, p.orgId, [id, created.id]);
      await recordAudit(tx, p, { orgId: p.orgId, action: 'aura.person.split', targetType: 'aura_person', targetId: id, metadata: { new_person: created.id, faces: ids.length } }, meta);
      return this.view(tx, p.orgId, created.id);
    });
  }

  /** Queue a rebuild of the unnamed people (recluster.job.ts); one at a time per org. */
  async recluster(p: Principal, meta: RequestMeta): Promise<{ job_id: string }> {
    return auraDb.withTenant(this.ctx, p, async (tx) => {
      await lockOrgPeople(tx, p.orgId);
      const running = await tx.selectFrom('job_runs').select('id').where('org_id', '=', p.orgId).where('name', '=', reclusterPeopleJob.name).where('state', 'in', ['queued', 'active', 'retry']).executeTakeFirst();
      if (running) throw conflict(`People are being rebuilt already (job ${running.id}): wait for it to finish`, 'RECLUSTER_RUNNING', { job_id: running.id });
      const jobId = await this.ctx.jobs.enqueue(reclusterPeopleJob, { orgId: p.orgId, reset: true }, { tx, createdBy: p.userId });
      await recordAudit(tx, p, { orgId: p.orgId, action: 'aura.people.recluster', targetType: 'job', targetId: jobId }, meta);
      return { job_id: jobId };
    });
  }

  private async find(tx: Tx, orgId: string, id: string) {
    const person = await tx.selectFrom('aura_people').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
    if (!person) throw notFound('Person');
    return person;
  }

  private async view(tx: Tx, orgId: string, id: string): Promise<PersonView> {
    await this.find(tx, orgId, id);
    return (await this.views(tx, orgId, [id])).get(id)!;
  }

  /** People with their live photo count and cover (the chosen face, else their best face in a live photo). */
  private async views(tx: Tx, orgId: string, ids: readonly string[]): Promise<Map<string, PersonView>> {
    const out = new Map<string, PersonView>();
    if (ids.length === 0) return out;
    const rows = await tx
      .selectFrom('aura_people as pe')
      .select(['pe.id', 'pe.name', 'pe.hidden', 'pe.face_count', 'pe.created_at', 'pe.updated_at'])
      .select(sql<number>`(select count(distinct f.photo_id)::int from aura_faces f join aura_photos ph on ph.id = f.photo_id
          where f.org_id = pe.org_id and f.person_id = pe.id and ph.trashed_at is null)`.as('photo_count'))
      .select(sql<string | null>`coalesce(
          (select f.id from aura_faces f join aura_photos ph on ph.id = f.photo_id where f.id = pe.cover_face_id and ph.trashed_at is null),
          (select f.id from aura_faces f join aura_photos ph on ph.id = f.photo_id
            where f.org_id = pe.org_id and f.person_id = pe.id and ph.trashed_at is null order by f.quality desc, f.id limit 1))`.as('cover_id'))
      .where('pe.org_id', '=', orgId)
      .where('pe.id', 'in', ids)
      .execute();
    const coverIds = rows.map((r) => r.cover_id).filter((x): x is string => !!x);
    const covers = coverIds.length
      ? await tx.selectFrom('aura_faces').select(['id', 'photo_id', 'box_x', 'box_y', 'box_width', 'box_height']).where('org_id', '=', orgId).where('id', 'in', coverIds).execute()
      : [];
    for (const r of rows) {
      const c = covers.find((f) => f.id === r.cover_id);
      out.set(r.id, {
        id: r.id,
        name: r.name,
        hidden: r.hidden,
        face_count: r.face_count,
        photo_count: Number(r.photo_count),
        cover: c ? { face_id: c.id, photo_id: c.photo_id, box: boxOf(c), thumb_url: faceUrl(c.id) } : null,
        created_at: r.created_at,
        updated_at: r.updated_at,
      });
    }
    return out;
  }
}

/** The 2000 px variant's size: the upright photo fitted inside FULL_MAX_PX, never enlarged, rounded as sharp does. */
function variantSize(width: number | null, height: number | null): { width: number; height: number } | null {
  if (!width || !height) return null;
  const scale = Math.min(1, FULL_MAX_PX / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}
