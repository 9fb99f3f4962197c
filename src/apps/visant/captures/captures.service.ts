import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Transaction } from 'kysely';
import type { PlatformContext } from '../../../platform/context.js';
import type { Principal } from '../../../platform/auth/principal.js';
import { recordAudit, type RequestMeta } from '../../../platform/audit/audit.service.js';
import { recordUsage } from '../../../platform/usage/usage.service.js';
import { storeUpload } from '../../../platform/storage/uploads.js';
import { removeObjects, deleteStoredBytes } from '../../../platform/storage/removal.js';
import { tenantStorageKey } from '../../../platform/storage/keys.js';
import { fetchCursorPage, type CursorRequest } from '../../../platform/db/cursor.js';
import { badRequest, conflict, forbidden, notFound, tooManyRequests } from '../../../platform/errors.js';
import type { VisantTables, CaptureState, EvaluationStatus } from '../schema.js';
import { deviceUuidOf } from '../devices/device-principal.js';
import { captureKeys, prepareCapture, type PreparedCapture } from './capture-image.js';
import { evaluateCaptureJob } from '../evaluation/evaluate.job.js';
import { publishCapture } from './capture-events.js';
import type { VisantConfig } from '../config.js';
import { visantDb } from '../db.js';

export const CAPTURE_UPLOAD_KIND = 'visant.capture';
const URL_TTL_SECONDS = 3600;

const CAPTURE_FIELDS = [
  'c.id', 'c.record_id', 'c.captured_at', 'c.ingested_at', 'c.image_key', 'c.thumbnail_key', 'c.image_stored', 'c.thumbnail_stored',
  'c.state', 'c.score', 'c.reason', 'c.agent_details', 'c.evaluation_status', 'c.evaluated_at', 'c.trigger_label', 'c.capture_metadata',
  'c.marked_normal', 'c.org_id', 'c.device_uuid', 'd.device_id',
] as const;

export interface CaptureInput {
  device_id: string;
  record_id?: string;
  captured_at?: string;
  trigger_label?: string;
  /** The camera's software version, kept on its device row. */
  device_version?: string;
  metadata?: Record<string, unknown>;
  /** The client will attach the image later (POST /v1/captures/{id}/image); without it a capture needs its image now. */
  image_to_follow?: boolean;
}

export interface ListCapturesQuery extends CursorRequest {
  device_id?: string;
  state?: CaptureState;
  evaluation_status?: EvaluationStatus;
  from?: string;
  to?: string;
}

type CaptureRow = Awaited<ReturnType<CapturesService['findRow']>>;

/** Camera captures: ingest (image validated, stored, queued for evaluation), read, list, delete. */
export class CapturesService {
  constructor(private readonly ctx: PlatformContext, private readonly config: VisantConfig) {}



  /**
   * POST /v1/captures. A device key may only write its own device; people with the editor
   * role may upload for any device of their org. The image is checked by its bytes, stored at
   * the seed's key with a thumbnail, and the capture queued for evaluation. A capture without
   * its image is taken only when the client says the image follows; it then waits as
   * 'awaiting_image' (a capture nobody will ever complete would otherwise sit 'pending' forever).
   */
  async ingest(p: Principal, input: CaptureInput, image: Buffer | null, meta: RequestMeta) {
    if (!image && !input.image_to_follow) {
      throw badRequest(
        'A capture needs its image: send image_base64 (JSON) or a file part "image" (multipart), or set image_to_follow to true and attach it with POST /visant/v1/captures/{record_id}/image',
        undefined,
        'IMAGE_REQUIRED',
      );
    }
    const device = await this.deviceForWrite(p, input.device_id);
    // The trigger is the device's: while it is off, the device takes no captures, whoever sends them.
    if (device.config.trigger?.enabled === false) {
      throw conflict(
        `Captures are paused for device "${device.device_id}": its trigger is disabled. Enable it with PUT /visant/v1/devices/${device.device_id}/config {"trigger": {"enabled": true, …}}`,
        'TRIGGER_DISABLED',
      );
    }
    const wait = await this.ctx.rateLimiter.check(`visant-device:${device.id}`, this.config.deviceUploadsPerMinute);
    if (wait) throw tooManyRequests(wait, 'This device is uploading too fast');
    const prepared = image ? await prepareCapture(image) : null;
    const { image_to_follow: _imageToFollow, ...fields } = input;
    const { device_version: deviceVersion, ...captureFields } = fields;
    const capture = await this.storeCapture(p, device, captureFields, prepared, { seenFromIp: p.kind === 'api_key' ? (meta.ip ?? null) : null, deviceVersion });
    const view = await this.view(capture);
    await publishCapture(this.ctx, p.orgId, 'visant.capture.created', view);
    return view;
  }

  /**
   * Store one capture: its image and thumbnail at the seed's keys, then the row. A capture
   * with a verdict (imported from the legacy datalake) is stored as completed; one with an
   * image and no verdict is queued for evaluation in the same transaction as its row.
   * If anything fails after the images were stored, they are removed again.
   */
  async storeCapture(
    p: Principal,
    device: { id: string; device_id: string },
    input: Omit<CaptureInput, 'device_id' | 'image_to_follow' | 'device_version'>,
    prepared: PreparedCapture | null,
    options: { seenFromIp?: string | null; deviceVersion?: string; verdict?: { state: CaptureState; score: number | null; reason: string | null } } = {},
  ) {
    const capturedAt = input.captured_at ? new Date(input.captured_at) : new Date();
    const recordId = input.record_id ?? `${capturedAt.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '')}_${randomBytes(4).toString('hex')}`;
    const exists = await visantDb.withTenant(this.ctx, p, (tx) =>
      tx.selectFrom('visant_captures').select('id').where('org_id', '=', p.orgId).where('record_id', '=', recordId).executeTakeFirst(),
    );
    if (exists) throw conflict(`A capture with record_id "${recordId}" already exists`, 'CAPTURE_EXISTS');

    const stored = prepared ? await this.storeImages(p, device.device_id, recordId, capturedAt, prepared) : null;
    const verdict = options.verdict;
    try {
      return await visantDb.withTenant(this.ctx, p, async (tx) => {
        const row = await tx
          .insertInto('visant_captures')
          .values({
            org_id: p.orgId,
            record_id: recordId,
            device_uuid: device.id,
            captured_at: capturedAt,
            image_key: stored?.image.key ?? null,
            thumbnail_key: stored?.thumbnail.key ?? null,
            image_stored: !!stored,
            thumbnail_stored: !!stored,
            trigger_label: input.trigger_label ?? null,
            capture_metadata: JSON.stringify({ ...input.metadata, ...(prepared ? { width: prepared.width, height: prepared.height, source_type: prepared.sourceType } : {}) }),
            fingerprint: prepared?.fingerprint ?? null,
            ...(verdict
              ? { evaluation_status: 'completed' as const, state: verdict.state, score: verdict.score, reason: verdict.reason, evaluated_at: capturedAt, agent_details: JSON.stringify({ evaluator: 'legacy-edge' }) }
              : { evaluation_status: stored ? ('pending' as const) : ('awaiting_image' as const) }),
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        if (!verdict) {
          await tx
            .updateTable('visant_devices')
            .set({
              last_seen_at: new Date(),
              ...(options.seenFromIp ? { last_ip: options.seenFromIp.slice(0, 45) } : {}),
              ...(options.deviceVersion ? { device_version: options.deviceVersion } : {}),
            })
            .where('org_id', '=', p.orgId)
            .where('id', '=', device.id)
            .execute();
        }
        await recordUsage(tx, { orgId: p.orgId, userId: p.userId, action: 'visant.capture', bytes: (prepared?.jpeg.length ?? 0) + (prepared?.thumbnail.length ?? 0), metadata: { device_id: device.device_id } });
        if (stored && !verdict) await this.ctx.jobs.enqueue(evaluateCaptureJob, { orgId: p.orgId, captureId: row.id }, { tx });
        return this.findRow(tx, p.orgId, recordId);
      });
    } catch (err) {
      if (stored) await this.discard(p, [stored.image.id, stored.thumbnail.id]);
      if ((err as { code?: string }).code === '23505') throw conflict(`A capture with record_id "${recordId}" already exists`, 'CAPTURE_EXISTS');
      throw err;
    }
  }

  /**
   * POST /v1/captures/{id}/image: attach the image of a capture sent without one, then evaluate
   * it. Once: a stored image is evidence with a verdict, never replaced (nor deleted before a
   * replacement is safe); a capture that needs another image is uploaded again.
   */
  async attachImage(p: Principal, recordId: string, image: Buffer) {
    const current = await visantDb.withTenant(this.ctx, p, (tx) => this.findRow(tx, p.orgId, recordId));
    await this.deviceForWrite(p, current.device_id);
    const alreadyAttached = conflict('This capture already has an image, which is never replaced: upload a new capture instead', 'IMAGE_ALREADY_ATTACHED');
    if (current.image_stored) throw alreadyAttached;
    const prepared = await prepareCapture(image);
    // The image keys are unique in the catalog, so of two attaches at once only one stores.
    const stored = await this.storeImages(p, current.device_id, recordId, current.captured_at, prepared).catch((err) => {
      throw (err as { code?: string }).code === 'KEY_EXISTS' ? alreadyAttached : err;
    });
    const row = await visantDb
      .withTenant(this.ctx, p, async (tx) => {
        const attached = await tx
          .updateTable('visant_captures')
          .set({
            image_key: stored.image.key, thumbnail_key: stored.thumbnail.key, image_stored: true, thumbnail_stored: true,
            fingerprint: prepared.fingerprint, evaluation_status: 'pending', state: null, score: null, reason: null, evaluated_at: null,
          })
          .where('org_id', '=', p.orgId)
          .where('id', '=', current.id)
          .where('image_stored', '=', false)
          .returning('id')
          .executeTakeFirst();
        if (!attached) throw alreadyAttached;
        await this.ctx.jobs.enqueue(evaluateCaptureJob, { orgId: p.orgId, captureId: current.id }, { tx });
        return this.findRow(tx, p.orgId, recordId);
      })
      .catch(async (err) => {
        await this.discard(p, [stored.image.id, stored.thumbnail.id]);
        throw err;
      });
    return this.view(row);
  }

  async get(p: Principal, recordId: string) {
    return this.view(await visantDb.withTenant(this.ctx, p, (tx) => this.findRow(tx, p.orgId, recordId)), true);
  }

  async status(p: Principal, recordId: string) {
    const c = await visantDb.withTenant(this.ctx, p, (tx) => this.findRow(tx, p.orgId, recordId));
    const ownDevice = deviceUuidOf(p);
    if (ownDevice && c.device_uuid !== ownDevice) throw notFound('Capture');
    return { record_id: c.record_id, device_id: c.device_id, evaluation_status: c.evaluation_status, state: c.state, score: c.score, reason: c.reason, evaluated_at: c.evaluated_at };
  }

  /** Cursor pages, newest capture first (by captured_at, then id): one statement, one round trip (the dashboards poll it). */
  async list(p: Principal, q: ListCapturesQuery) {
    let query = visantDb
      .db(this.ctx)
      .selectFrom('visant_captures as c')
      .innerJoin('visant_devices as d', 'd.id', 'c.device_uuid')
      .select(CAPTURE_FIELDS)
      .where('c.org_id', '=', p.orgId);
    if (q.device_id) query = query.where('d.device_id', '=', q.device_id);
    if (q.state) query = query.where('c.state', '=', q.state);
    if (q.evaluation_status) query = query.where('c.evaluation_status', '=', q.evaluation_status);
    if (q.from) query = query.where('c.captured_at', '>=', new Date(q.from));
    if (q.to) query = query.where('c.captured_at', '<', new Date(q.to));
    const found = await fetchCursorPage(query, { time: 'c.captured_at', id: 'c.id' }, q, (page) => visantDb.readAsTenant(this.ctx, p, page));
    return { items: await Promise.all(found.items.map((r) => this.view(r))), next_cursor: found.next_cursor };
  }

  /** Mark or unmark a capture as showing the normal scene: it joins (or leaves) the device's baseline. */
  async markNormal(p: Principal, recordId: string, normal: boolean, meta: RequestMeta) {
    const row = await visantDb.withTenant(this.ctx, p, async (tx) => {
      const c = await this.findRow(tx, p.orgId, recordId);
      if (normal && !c.image_stored) throw conflict('This capture has no image yet: upload it first', 'IMAGE_MISSING');
      await tx.updateTable('visant_captures').set({ marked_normal: normal }).where('org_id', '=', p.orgId).where('id', '=', c.id).execute();
      await recordAudit(tx, p, { orgId: p.orgId, action: normal ? 'visant.capture_marked_normal' : 'visant.capture_unmarked_normal', targetType: 'visant_capture', targetId: c.id }, meta);
      return this.findRow(tx, p.orgId, recordId);
    });
    return this.view(row);
  }

  /** Evaluate again (after the baseline or the normal description changed). */
  async reevaluate(p: Principal, recordId: string) {
    return visantDb.withTenant(this.ctx, p, async (tx) => {
      const c = await this.findRow(tx, p.orgId, recordId);
      if (!c.image_stored) throw conflict('This capture has no image yet: upload it first', 'IMAGE_MISSING');
      await tx.updateTable('visant_captures').set({ evaluation_status: 'pending' }).where('org_id', '=', p.orgId).where('id', '=', c.id).execute();
      const jobId = await this.ctx.jobs.enqueue(evaluateCaptureJob, { orgId: p.orgId, captureId: c.id, force: true }, { tx });
      return { record_id: c.record_id, evaluation_status: 'pending' as const, job_id: jobId };
    });
  }

  /** Delete a capture and its image and thumbnail for good (their bytes leave the quota). */
  async delete(p: Principal, recordId: string, meta: RequestMeta) {
    const removal = await visantDb.withTenant(this.ctx, p, async (tx) => {
      const c = await this.findRow(tx, p.orgId, recordId);
      const objects = await tx.selectFrom('storage_objects').select('id').where('org_id', '=', p.orgId).where('key', 'in', [c.image_key ?? '', c.thumbnail_key ?? '']).execute();
      await tx.deleteFrom('visant_captures').where('org_id', '=', p.orgId).where('id', '=', c.id).execute();
      const removed = await removeObjects(tx, p.orgId, objects.map((o) => o.id));
      await recordAudit(tx, p, { orgId: p.orgId, action: 'visant.capture_deleted', targetType: 'visant_capture', targetId: c.id, metadata: { record_id: recordId } }, meta);
      return removed;
    });
    await deleteStoredBytes(this.ctx, removal.storageKeys);
  }

  /** The capture as the API shows it, with short-lived signed URLs for its image and thumbnail. */
  async view(c: CaptureRow, withImage = false) {
    const sign = (key: string | null) =>
      key ? this.ctx.storage.driver.presignGet(tenantStorageKey(c.org_id, key), { expiresInSeconds: URL_TTL_SECONDS, contentType: 'image/jpeg' }) : Promise.resolve(null);
    const [thumbnailUrl, imageUrl] = await Promise.all([sign(c.thumbnail_stored ? c.thumbnail_key : null), withImage ? sign(c.image_stored ? c.image_key : null) : Promise.resolve(undefined)]);
    return {
      record_id: c.record_id,
      device_id: c.device_id,
      captured_at: c.captured_at,
      ingested_at: c.ingested_at,
      image_stored: c.image_stored,
      thumbnail_stored: c.thumbnail_stored,
      state: c.state,
      score: c.score,
      reason: c.reason,
      agent_details: c.agent_details,
      evaluation_status: c.evaluation_status,
      evaluated_at: c.evaluated_at,
      trigger_label: c.trigger_label,
      metadata: c.capture_metadata,
      marked_normal: c.marked_normal,
      thumbnail_url: thumbnailUrl,
      ...(withImage ? { image_url: imageUrl } : {}),
    };
  }

  async findRow(tx: Transaction<VisantTables>, orgId: string, recordId: string) {
    const row = await tx
      .selectFrom('visant_captures as c')
      .innerJoin('visant_devices as d', 'd.id', 'c.device_uuid')
      .select(CAPTURE_FIELDS)
      .where('c.org_id', '=', orgId)
      .where('c.record_id', '=', recordId)
      .executeTakeFirst();
    if (!row) throw notFound('Capture');
    return row;
  }

  private async deviceForWrite(p: Principal, deviceId: string) {
    const ownDevice = deviceUuidOf(p);
    if (!ownDevice && !['owner', 'admin', 'editor'].includes(p.role)) throw forbidden('Uploading captures needs the editor role or a device key', 'INSUFFICIENT_ROLE');
    const device = await visantDb.withTenant(this.ctx, p, (tx) =>
      tx.selectFrom('visant_devices').select(['id', 'device_id', 'status', 'config']).where('org_id', '=', p.orgId).where('device_id', '=', deviceId).executeTakeFirst(),
    );
    if (ownDevice && device?.id !== ownDevice) throw forbidden('A device key can only upload captures for its own device', 'DEVICE_MISMATCH');
    if (!device) throw notFound('Device');
    if (device.status !== 'active') throw forbidden(`Device "${deviceId}" is ${device.status}: an owner or admin can reactivate it with POST /visant/v1/devices/${deviceId}/reactivate`, 'DEVICE_INACTIVE');
    return device;
  }

  private async storeImages(p: Principal, deviceId: string, recordId: string, capturedAt: Date, prepared: { jpeg: Buffer; thumbnail: Buffer }) {
    const keys = captureKeys(deviceId, recordId, capturedAt);
    const tags = { app: 'visant', device: deviceId.slice(0, 256), record: recordId.slice(0, 256) };
    const image = await storeUpload(this.ctx, p, { stream: Readable.from(prepared.jpeg), kind: CAPTURE_UPLOAD_KIND, key: keys.image, contentType: 'image/jpeg', sizeHint: prepared.jpeg.length, tags: { ...tags, type: 'capture' } });
    try {
      const thumbnail = await storeUpload(this.ctx, p, { stream: Readable.from(prepared.thumbnail), kind: CAPTURE_UPLOAD_KIND, key: keys.thumbnail, contentType: 'image/jpeg', sizeHint: prepared.thumbnail.length, tags: { ...tags, type: 'thumbnail' } });
      return { image, thumbnail };
    } catch (err) {
      await this.discard(p, [image.id]);
      throw err;
    }
  }

  private async discard(p: Principal, objectIds: string[]) {
    const removal = await visantDb.withTenant(this.ctx, p, (tx) => removeObjects(tx, p.orgId, objectIds));
    await deleteStoredBytes(this.ctx, removal.storageKeys);
  }
}

