import { randomUUID } from 'node:crypto';
import { pipeline, type Readable } from 'node:stream';
import { z } from 'zod';
import type { PlatformContext } from '../context.js';
import type { Principal } from '../auth/principal.js';
import { withSystem, withTenant, type TenantScope } from '../db/tenant.js';
import { recordUsage } from '../usage/usage.service.js';
import { AppError, badRequest, conflict, isUniqueViolation, payloadTooLarge, unprocessable } from '../errors.js';
import { assertValidKey, MAX_CATALOG_KEY_BYTES, tenantStorageKey, uploadStagingKey } from './keys.js';
import { grantBytes, quotaExceeded, quotaState, settleReservation } from './quota.js';
import { TypeSniffer, UploadMeter } from './upload-guards.js';
import { OBJECT_COLUMNS, toStoredObject, type StoredObject } from './catalog.js';
import { LIFECYCLE_TAG } from './lifecycle-rules.js';
import { deleteOrRecordOrphans } from './orphans.js';

export interface StoreUploadInput {
  /** The bytes. Read once, never buffered whole. */
  stream: Readable;
  /** Registered upload kind (types, size limit); default "file". */
  kind?: string;
  /** Tenant-relative key, e.g. "perfumes/123/front.jpg"; generated ("{kind}/{id}.{ext}") when omitted. */
  key?: string;
  /** The client's Content-Type; only trusted for text formats, which have no magic bytes. */
  contentType?: string;
  /** Declared size (Content-Length): reserved up front, so an upload that cannot fit fails before any byte is read. */
  sizeHint?: number;
  tags?: Record<string, string>;
  /** Name of a registered lifecycle rule; otherwise the first rule matching key/tags applies. */
  lifecycleClass?: string;
}

/** Internal: derivatives record what they were made from. */
interface StoreObjectInput extends StoreUploadInput {
  derivedFrom?: { id: string; variant: string };
}

export const tagsSchema = z
  .record(
    z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'tag names are 1-64 letters, digits or _ . : -'),
    z.string().max(256, 'tag values are at most 256 characters'),
  )
  .refine((t) => Object.keys(t).length <= 20, 'at most 20 tags');

/** Bytes reserved before the first byte when the size is unknown; more is reserved as the body grows. */
const INITIAL_RESERVATION = 1024 * 1024;

/**
 * Store an upload for `principal`'s org: the function apps call with their own keys and
 * kinds. The flow keeps the invariants without holding a transaction while bytes stream:
 *   1. one short transaction creates a pending catalog row (claiming the key) and reserves quota;
 *   2. the body streams to a staging key, sniffed for type, metered for size and quota;
 *   3. the staged object moves to "{org_id}/{key}" and a second short transaction marks the row
 *      active and moves the reservation into storage_used_bytes.
 * Any failure (bad type, too large, quota, client gone) deletes the staged bytes and the
 * pending row and returns the reservation: nothing stored, nothing counted.
 */
export function storeUpload(ctx: PlatformContext, principal: Pick<Principal, 'orgId' | 'userId'>, input: StoreUploadInput): Promise<StoredObject> {
  return storeObject(ctx, { orgId: principal.orgId, userId: principal.userId }, input);
}

export async function storeObject(ctx: PlatformContext, scope: TenantScope, input: StoreObjectInput): Promise<StoredObject> {
  const { orgId } = scope;
  const db = ctx.database.db;
  const kind = ctx.storage.kinds.get(input.kind ?? 'file');
  const parsedTags = tagsSchema.safeParse(input.tags ?? {});
  if (!parsedTags.success) throw badRequest(`Invalid tags: ${parsedTags.error.issues[0].message}`, undefined, 'INVALID_TAGS');
  const tags = parsedTags.data;
  if (input.key !== undefined) assertValidKey(input.key, input.derivedFrom ? 512 : MAX_CATALOG_KEY_BYTES);
  if (input.sizeHint === 0) throw unprocessable('The file is empty: choose a file with content', 'EMPTY_FILE');
  if (input.sizeHint !== undefined && input.sizeHint > kind.maxBytes) {
    throw payloadTooLarge(`The file is ${input.sizeHint} bytes; this upload allows at most ${kind.maxBytes}`, 'FILE_TOO_LARGE');
  }

  const id = randomUUID();
  const provisionalKey = input.key ?? `${kind.name}/${id}`;
  const lifecycle = ctx.storage.lifecycle.decide({ key: provisionalKey, tags, lifecycleClass: input.lifecycleClass });
  const staging = uploadStagingKey(orgId, id);
  const wanted = input.sizeHint ?? Math.min(kind.maxBytes, INITIAL_RESERVATION);

  const granted = await withTenant(db, scope, async (tx) => {
    await tx
      .insertInto('storage_objects')
      .values({
        id,
        org_id: orgId,
        key: provisionalKey,
        storage_key: staging,
        status: 'pending',
        kind: kind.name,
        tags: JSON.stringify(tags),
        lifecycle_class: lifecycle.lifecycleClass,
        expires_at: lifecycle.expiresAt,
        derived_from: input.derivedFrom?.id ?? null,
        variant: input.derivedFrom?.variant ?? null,
        created_by: scope.userId ?? null,
      })
      .execute()
      .catch((err) => {
        if (isUniqueViolation(err)) {
          throw conflict(`A file with the key "${provisionalKey}" already exists (perhaps in the trash): choose another key or delete it for good first`, 'KEY_EXISTS');
        }
        throw err;
      });
    const got = await grantBytes(tx, orgId, id, wanted);
    if (input.sizeHint !== undefined ? got < input.sizeHint : got === 0) throw quotaExceeded(wanted, await quotaState(tx, orgId));
    return got;
  });

  let finalKey: string | null = null;
  try {
    const sniffer = new TypeSniffer(kind, input.contentType);
    const meter = new UploadMeter(
      kind.maxBytes,
      granted,
      (more) => withTenant(db, scope, (tx) => grantBytes(tx, orgId, id, more)),
      async (requested) => quotaExceeded(requested, await withTenant(db, scope, (tx) => quotaState(tx, orgId))),
    );
    // Callback pipeline: a failure anywhere (client gone, wrong type, too large) destroys every
    // stream, and the driver's put rejects with that error.
    const body = pipeline(input.stream, sniffer, meter, () => {});
    const putTags = objectTags(tags, lifecycle.lifecycleClass);
    const stored = await ctx.storage.driver.put(staging, body, { tags: putTags });
    if (stored.size === 0) throw unprocessable('The file is empty: choose a file with content', 'EMPTY_FILE');

    const key = input.key ?? (sniffer.extension ? `${provisionalKey}.${sniffer.extension}` : provisionalKey);
    finalKey = tenantStorageKey(orgId, key);
    await ctx.storage.driver.move(staging, finalKey);
    if (putTags && ctx.storage.driver.setTags) await ctx.storage.driver.setTags(finalKey, putTags);

    const row = await withTenant(db, scope, async (tx) => {
      const pending = await tx
        .selectFrom('storage_objects')
        .select('reserved_bytes')
        .where('org_id', '=', orgId)
        .where('id', '=', id)
        .where('status', '=', 'pending')
        .forUpdate()
        .executeTakeFirst();
      if (!pending) throw new Error(`Upload ${id} lost its pending catalog row before commit`);
      const now = new Date();
      const committed = await tx
        .updateTable('storage_objects')
        .set({ status: 'active', key, storage_key: finalKey!, size_bytes: stored.size, sha256: stored.sha256, content_type: sniffer.contentType ?? 'application/octet-stream', reserved_bytes: 0, created_at: now, updated_at: now })
        .where('org_id', '=', orgId)
        .where('id', '=', id)
        .returning(OBJECT_COLUMNS)
        .executeTakeFirstOrThrow();
      await settleReservation(tx, orgId, pending.reserved_bytes, stored.size);
      await recordUsage(tx, { orgId, userId: scope.userId, action: 'storage.upload', bytes: stored.size, metadata: { object_id: id, kind: kind.name } });
      return committed;
    });
    return toStoredObject(row);
  } catch (err) {
    await abandonFailedUpload(ctx, scope, id, [staging, ...(finalKey ? [finalKey] : [])]);
    throw asUploadError(err);
  }
}

/**
 * Undo an upload that failed in this request. Its row must go even when its bytes cannot be
 * deleted (the store is what failed, S3 answering errors): a pending row keeps holding the key,
 * and the client's retry of the same upload (a camera re-sending a capture) would be refused
 * as "already exists" until the stale-upload sweep a day later. Bytes the store would not
 * delete are orphans, never served, recorded for the orphan sweep (orphans.ts).
 */
async function abandonFailedUpload(ctx: PlatformContext, scope: TenantScope, id: string, keys: string[]): Promise<void> {
  await deleteOrRecordOrphans(ctx, keys, 'failed upload');
  await deletePendingRow(ctx, scope, id).catch((err) =>
    ctx.log.error({ err, objectId: id }, 'could not clean up a failed upload; releaseStaleUploads will retry'),
  );
}

/**
 * Undo a pending upload: delete its bytes, then its row, returning the reservation. If the
 * bytes cannot be deleted the row stays pending, so releaseStaleUploads() tries again.
 */
async function abandonUpload(ctx: PlatformContext, scope: TenantScope, id: string, keys: string[]): Promise<void> {
  for (const key of keys) await ctx.storage.driver.delete(key);
  await deletePendingRow(ctx, scope, id);
}

/** Delete a pending row and give its reservation back. */
async function deletePendingRow(ctx: PlatformContext, scope: TenantScope, id: string): Promise<void> {
  await withTenant(ctx.database.db, scope, async (tx) => {
    const row = await tx
      .deleteFrom('storage_objects')
      .where('org_id', '=', scope.orgId)
      .where('id', '=', id)
      .where('status', '=', 'pending')
      .returning('reserved_bytes')
      .executeTakeFirst();
    if (row) await settleReservation(tx, scope.orgId, row.reserved_bytes, 0);
  });
}

/**
 * Pending uploads untouched for `olderThanHours` belong to a process that died mid-upload:
 * delete their staged bytes and rows and give their reservations back. Called by the
 * storage maintenance job (see trash.ts), safe to run at any time and from several workers.
 */
export async function releaseStaleUploads(ctx: PlatformContext, options: { olderThanHours?: number; now?: Date } = {}): Promise<number> {
  const cutoff = new Date((options.now ?? new Date()).getTime() - (options.olderThanHours ?? 24) * 3_600_000);
  const stale = await withSystem(ctx.database.db, (tx) =>
    tx.selectFrom('storage_objects').select(['id', 'org_id', 'key']).where('status', '=', 'pending').where('updated_at', '<', cutoff).limit(1000).execute(),
  );
  let released = 0;
  for (const row of stale) {
    const keys = [uploadStagingKey(row.org_id, row.id), tenantStorageKey(row.org_id, row.key)];
    try {
      await abandonUpload(ctx, { orgId: row.org_id }, row.id, keys);
      released++;
    } catch (err) {
      ctx.log.error({ err, objectId: row.id }, 'could not release a stale upload');
    }
  }
  return released;
}

/** S3 keeps at most 10 tags on an object; the lifecycle tag always goes, app tags fill the rest. */
const MAX_OBJECT_TAGS = 10;
/** The characters S3 accepts in tag keys and values; other tags stay in the catalog only. */
const S3_TAG_TEXT = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

/** The tags written on the stored object: the catalog tags (so bucket rules can match them) and the lifecycle class. */
export function objectTags(tags: Record<string, string>, lifecycleClass: string | null): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  const room = lifecycleClass ? MAX_OBJECT_TAGS - 1 : MAX_OBJECT_TAGS;
  const storable = Object.entries(tags).filter(([k, v]) => k.length <= 128 && S3_TAG_TEXT.test(k) && S3_TAG_TEXT.test(v));
  for (const [k, v] of storable.slice(0, room)) out[k] = v;
  if (lifecycleClass) out[LIFECYCLE_TAG] = lifecycleClass;
  return Object.keys(out).length ? out : undefined;
}

/** Stream failures that are the client's doing become a 4xx; anything else stays a server error. */
function asUploadError(err: unknown): unknown {
  if (err instanceof AppError) return err;
  const e = err as { code?: string; message?: string; statusCode?: number };
  if (e?.code === 'FST_REQ_FILE_TOO_LARGE') return payloadTooLarge('The file is larger than this upload allows', 'FILE_TOO_LARGE');
  const incomplete =
    e?.code === 'ECONNRESET' ||
    e?.code === 'ERR_STREAM_PREMATURE_CLOSE' ||
    e?.code === 'FST_REQ_PREMATURE_CLOSE' ||
    /aborted|unexpected end of (form|multipart data)|part terminated early|malformed/i.test(e?.message ?? '');
  if (incomplete) return badRequest('The upload ended before the whole file arrived: send it again', undefined, 'UPLOAD_INCOMPLETE');
  return err;
}
