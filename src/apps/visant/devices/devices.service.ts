import { randomBytes } from 'node:crypto';
import QRCode from 'qrcode';
import { sql, type Transaction } from 'kysely';
import type { PlatformContext } from '../../../platform/context.js';
import type { Principal } from '../../../platform/auth/principal.js';
import { recordAudit, type RequestMeta } from '../../../platform/audit/audit.service.js';
import { issueApiKey } from '../../../platform/apikeys/issue-key.js';
import { conflict, isUniqueViolation, notFound } from '../../../platform/errors.js';
import type { VisantTables } from '../schema.js';
import { deviceScope, deviceUuidOf } from './device-principal.js';
import { DEFAULT_DEVICE_CONFIG, deviceConfigSchema, isOnline, type DeviceConfigInput } from './device-config.js';
import { visantDb } from '../db.js';
import { fetchPage, mapPage } from '../../../platform/db/page.js';

const DEVICE_FIELDS = ['id', 'device_id', 'friendly_name', 'status', 'created_at', 'updated_at', 'last_seen_at', 'last_ip', 'device_version', 'config'] as const;
type DeviceRow = Awaited<ReturnType<DevicesService['findOrThrow']>>;

export class DevicesService {
  constructor(private readonly ctx: PlatformContext) {}



  /** Public shape of a device: the row plus its computed online flag. */
  view(row: DeviceRow) {
    const config = { ...DEFAULT_DEVICE_CONFIG, ...(row.config as DeviceConfigInput) };
    return { ...row, config, online: row.status === 'active' && isOnline(row.last_seen_at, config) };
  }

  /** Register a camera; its API key (scoped to this device) is returned once, with a config file and QR code. */
  async register(p: Principal, input: { device_id?: string; friendly_name?: string; device_version?: string; config?: DeviceConfigInput }, meta: RequestMeta, apiBaseUrl: string) {
    const deviceId = input.device_id ?? `camera-${randomBytes(3).toString('hex')}`;
    const created = await visantDb.withTenant(this.ctx, p, async (tx) => {
      const device = await tx
        .insertInto('visant_devices')
        .values({
          org_id: p.orgId,
          device_id: deviceId,
          friendly_name: input.friendly_name ?? deviceId,
          device_version: input.device_version ?? null,
          config: JSON.stringify({ ...DEFAULT_DEVICE_CONFIG, ...input.config }),
        })
        .returning(DEVICE_FIELDS)
        .executeTakeFirstOrThrow()
        .catch((err) => {
          if (isUniqueViolation(err)) throw conflict(`A device with id "${deviceId}" is already registered in your organization`, 'DEVICE_EXISTS');
          throw err;
        });
      const key = await issueApiKey(tx, { orgId: p.orgId, name: `Visant device ${deviceId}`, scopes: [deviceScope(device.id)], role: 'member', createdBy: p.userId });
      await tx.updateTable('visant_devices').set({ api_key_id: key.id }).where('id', '=', device.id).where('org_id', '=', p.orgId).execute();
      await recordAudit(tx, p, { orgId: p.orgId, action: 'visant.device_registered', targetType: 'visant_device', targetId: device.id, metadata: { device_id: deviceId } }, meta);
      return { device, key };
    });
    return this.credentials(created.device, created.key, apiBaseUrl);
  }

  /**
   * What a camera needs, shown once: its new key, the config file Visant gives it (read by
   * `tenantry visant camera --config`) and a QR code of that file.
   */
  private async credentials(device: DeviceRow, key: { key: string; prefix: string }, apiBaseUrl: string) {
    const view = this.view(device);
    const configFile = {
      api_url: `${apiBaseUrl}/visant/v1`,
      device_id: device.device_id,
      api_key: key.key,
      upload_endpoint: `${apiBaseUrl}/visant/v1/captures`,
      trigger: view.config.trigger,
    };
    const configText = JSON.stringify(configFile, null, 2);
    return {
      device: view,
      api_key: key.key,
      api_key_prefix: key.prefix,
      config_file: { filename: `visant-${device.device_id}.json`, content_type: 'application/json', content: configText },
      qr_code: await QRCode.toDataURL(configText, { errorCorrectionLevel: 'M', margin: 1, width: 512 }),
    };
  }

  /**
   * Issue a new key for an active device (a camera brought in by the datalake import has none;
   * a camera whose key leaked or was lost needs another): every earlier key of the device stops
   * working in the same transaction.
   */
  async issueKey(p: Principal, deviceId: string, meta: RequestMeta, apiBaseUrl: string) {
    const issued = await visantDb.withTenant(this.ctx, p, async (tx) => {
      const device = await this.findOrThrow(tx, p.orgId, deviceId);
      if (device.status !== 'active') {
        throw conflict(`Device "${deviceId}" is ${device.status}: reactivate it with POST /visant/v1/devices/${deviceId}/reactivate, which gives it a new key`, 'DEVICE_INACTIVE');
      }
      const key = await this.replaceKey(tx, p, device);
      await recordAudit(tx, p, { orgId: p.orgId, action: 'visant.device_key_issued', targetType: 'visant_device', targetId: device.id, metadata: { device_id: deviceId, api_key_prefix: key.prefix } }, meta);
      return { device, key };
    });
    return this.credentials(issued.device, issued.key, apiBaseUrl);
  }

  /** Bring a deactivated (or transferred) device back: active again, with a new key (its old ones stay revoked). */
  async reactivate(p: Principal, deviceId: string, meta: RequestMeta, apiBaseUrl: string) {
    const done = await visantDb.withTenant(this.ctx, p, async (tx) => {
      const current = await this.findOrThrow(tx, p.orgId, deviceId);
      if (current.status === 'active') {
        throw conflict(`Device "${deviceId}" is already active: to give it a new key, use POST /visant/v1/devices/${deviceId}/key`, 'DEVICE_ACTIVE');
      }
      const device = await tx
        .updateTable('visant_devices')
        .set({ status: 'active', updated_at: new Date() })
        .where('org_id', '=', p.orgId)
        .where('id', '=', current.id)
        .returning(DEVICE_FIELDS)
        .executeTakeFirstOrThrow();
      const key = await this.replaceKey(tx, p, device);
      await recordAudit(tx, p, { orgId: p.orgId, action: 'visant.device_reactivated', targetType: 'visant_device', targetId: device.id, metadata: { device_id: deviceId, previous_status: current.status, api_key_prefix: key.prefix } }, meta);
      return { device, key };
    });
    return this.credentials(done.device, done.key, apiBaseUrl);
  }

  private async replaceKey(tx: Transaction<VisantTables>, p: Principal, device: DeviceRow) {
    await this.revokeKey(tx, p.orgId, device.id);
    const key = await issueApiKey(tx, { orgId: p.orgId, name: `Visant device ${device.device_id}`, scopes: [deviceScope(device.id)], role: 'member', createdBy: p.userId });
    await tx.updateTable('visant_devices').set({ api_key_id: key.id }).where('org_id', '=', p.orgId).where('id', '=', device.id).execute();
    return key;
  }

  list(p: Principal, q: { page: number; limit: number; status?: 'active' | 'inactive' | 'transferred' }) {
    return visantDb.withTenant(this.ctx, p, async (tx) => {
      let base = tx.selectFrom('visant_devices').where('org_id', '=', p.orgId);
      if (q.status) base = base.where('status', '=', q.status);
      const found = await fetchPage(base, q, (filtered) => filtered.select(DEVICE_FIELDS).orderBy('created_at', 'desc').orderBy('id'));
      return mapPage(found, (r) => this.view(r));
    });
  }

  async get(p: Principal, deviceId: string) {
    return this.view(await visantDb.withTenant(this.ctx, p, (tx) => this.findOrThrow(tx, p.orgId, deviceId)));
  }

  async findOrThrow(tx: Transaction<VisantTables>, orgId: string, deviceId: string) {
    const row = await tx.selectFrom('visant_devices').select(DEVICE_FIELDS).where('org_id', '=', orgId).where('device_id', '=', deviceId).executeTakeFirst();
    if (!row) throw notFound('Device');
    return row;
  }

  update(p: Principal, deviceId: string, input: { friendly_name?: string; device_version?: string; status?: 'active' | 'inactive' | 'transferred' }, meta: RequestMeta) {
    return visantDb.withTenant(this.ctx, p, async (tx) => {
      const device = await this.findOrThrow(tx, p.orgId, deviceId);
      if (input.status === 'active' && device.status !== 'active') {
        throw conflict(`A deactivated device keeps its keys revoked: reactivate it with POST /visant/v1/devices/${deviceId}/reactivate, which gives it a new key`, 'DEVICE_INACTIVE');
      }
      const row = await tx
        .updateTable('visant_devices')
        .set({ ...input, updated_at: new Date() })
        .where('org_id', '=', p.orgId)
        .where('id', '=', device.id)
        .returning(DEVICE_FIELDS)
        .executeTakeFirstOrThrow();
      if (input.status && input.status !== 'active') await this.revokeKey(tx, p.orgId, device.id);
      await recordAudit(tx, p, { orgId: p.orgId, action: 'visant.device_updated', targetType: 'visant_device', targetId: device.id, metadata: input }, meta);
      return this.view(row);
    });
  }

  /** DELETE deactivates: captures stay, the key stops working at once. */
  deactivate(p: Principal, deviceId: string, meta: RequestMeta) {
    return this.update(p, deviceId, { status: 'inactive' }, meta);
  }

  status(p: Principal, deviceId: string) {
    return visantDb.withTenant(this.ctx, p, async (tx) => {
      const device = this.view(await this.findOrThrow(tx, p.orgId, deviceId));
      const stats = await tx
        .selectFrom('visant_captures')
        .select([
          sql<number>`count(*)::int`.as('captures_count'),
          sql<Date | null>`max(captured_at)`.as('last_capture_at'),
          sql<number>`(count(*) filter (where evaluation_status in ('pending', 'processing')))::int`.as('pending_evaluations'),
          sql<number>`(count(*) filter (where state = 'abnormal'))::int`.as('abnormal_count'),
        ])
        .where('org_id', '=', p.orgId)
        .where('device_uuid', '=', device.id)
        .executeTakeFirstOrThrow();
      return {
        device_id: device.device_id,
        status: device.status,
        online: device.online,
        last_seen_at: device.last_seen_at,
        last_ip: device.last_ip,
        device_version: device.device_version,
        ...stats,
      };
    });
  }

  /** A person reads any device's configuration; a device key only its own (another device's is a 404). */
  async getConfig(p: Principal, deviceId: string) {
    const device = await this.get(p, deviceId);
    const ownDevice = deviceUuidOf(p);
    if (ownDevice && device.id !== ownDevice) throw notFound('Device');
    return device.config;
  }

  putConfig(p: Principal, deviceId: string, config: DeviceConfigInput, meta: RequestMeta) {
    const parsed = deviceConfigSchema.parse(config);
    return visantDb.withTenant(this.ctx, p, async (tx) => {
      const device = await this.findOrThrow(tx, p.orgId, deviceId);
      const merged = { ...DEFAULT_DEVICE_CONFIG, ...(device.config as DeviceConfigInput), ...parsed };
      await tx.updateTable('visant_devices').set({ config: JSON.stringify(merged), updated_at: new Date() }).where('org_id', '=', p.orgId).where('id', '=', device.id).execute();
      await recordAudit(tx, p, { orgId: p.orgId, action: 'visant.device_config_updated', targetType: 'visant_device', targetId: device.id }, meta);
      return merged;
    });
  }

  /**
   * Revoke every live key scoped to this device, not only the one registered with it: a key
   * rotated through /api/v1/api-keys is a new row with the same scope, and must stop too.
   */
  private async revokeKey(tx: Transaction<VisantTables>, orgId: string, deviceUuid: string) {
    await tx
      .updateTable('api_keys')
      .set({ revoked_at: new Date() })
      .where('org_id', '=', orgId)
      .where('revoked_at', 'is', null)
      .where(sql<boolean>`${deviceScope(deviceUuid)} = any(scopes)`)
      .execute();
  }
}
