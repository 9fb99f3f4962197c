import { abortableSleep, retryAfterMs } from '../../../../platform/http/retry-timing.js';

/**
 * A GoHighLevel (LeadConnector) API v2 client for the one thing brandkit needs: keep a CRM
 * contact per user, with the brand's final assets in contact custom fields.
 *
 * - Base https://services.leadconnectorhq.com, `Authorization: Bearer <location token>`,
 *   `Version: 2021-07-28`, every call scoped to one location id.
 * - `syncContact`: updates the contact we already know (`PUT /contacts/{id}`, the id the app
 *   keeps in ghl_contacts) or, for a first sync or a contact deleted in GHL, upserts by email
 *   and phone (`POST /contacts/upsert`, which GHL resolves to the existing contact instead of
 *   creating a duplicate). Running it twice updates, never duplicates.
 * - Custom fields for asset URLs are found by name under the location
 *   (`GET /locations/{id}/customFields?model=contact`) and created when missing
 *   (`POST /locations/{id}/customFields`), then cached for the client's life.
 * - 429 (honouring Retry-After) and 5xx are retried with exponential backoff, network errors
 *   too (every call here is idempotent except a field creation, which re-lists first).
 *
 * Interface: `GhlClient` (syncContact, upsertContact, updateContact, ensureCustomFields),
 * `GhlError` (kind, retryable), `ASSET_FIELDS`.
 */

export const GHL_API_VERSION = '2021-07-28';

/** The contact custom fields brandkit writes, by the name shown in GHL. */
export const ASSET_FIELDS = {
  brandName: 'Brandkit brand name',
  logoUrl: 'Brandkit logo URL',
  guideUrl: 'Brandkit brand guide URL',
  kitUrl: 'Brandkit kit ZIP URL',
  mockupUrls: 'Brandkit mockup URLs',
  status: 'Brandkit status',
} as const;
export type AssetField = keyof typeof ASSET_FIELDS;

export type GhlErrorKind = 'auth' | 'forbidden' | 'not_found' | 'invalid_input' | 'rate_limited' | 'server' | 'network' | 'bad_response';

export class GhlError extends Error {
  constructor(
    message: string,
    public readonly kind: GhlErrorKind,
    public readonly details: { status?: number; cause?: unknown } = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'GhlError';
  }

  get retryable(): boolean {
    return this.kind === 'rate_limited' || this.kind === 'server' || this.kind === 'network';
  }
}

export interface GhlClientOptions {
  baseUrl?: string;
  /** A location (sub-account) private integration token or OAuth access token. */
  token: string;
  locationId: string;
  maxRetries?: number;
  retryBaseMs?: number;
  requestTimeoutMs?: number;
  fetch?: typeof fetch;
}

export interface ContactProfile {
  email?: string | null;
  phone?: string | null;
  fullName?: string | null;
  tags?: string[];
}

export interface ContactSync {
  /** The id kept in ghl_contacts from an earlier sync, if any. */
  knownContactId?: string | null;
  profile: ContactProfile;
  assets?: Partial<Record<AssetField, string | string[] | null>>;
}

export interface SyncResult {
  contactId: string;
  /** 'updated' when the known id was updated, 'upserted' when GHL matched or created by email/phone. */
  via: 'updated' | 'upserted';
  /** GHL created a new contact (a first sign-up). */
  created: boolean;
}

interface GhlContact {
  id: string;
}

export class GhlClient {
  private readonly base: string;
  private readonly maxRetries: number;
  private readonly retryBaseMs: number;
  private readonly requestTimeoutMs: number;
  private readonly fetchImpl: typeof fetch;
  private fieldIds: Promise<Record<AssetField, string>> | null = null;

  constructor(private readonly options: GhlClientOptions) {
    if (!options.token) throw new GhlError('no GoHighLevel token configured: set the location token in the brandkit CRM settings', 'auth');
    if (!options.locationId) throw new GhlError('no GoHighLevel location id configured: set it in the brandkit CRM settings', 'invalid_input');
    this.base = (options.baseUrl ?? 'https://services.leadconnectorhq.com').replace(/\/+$/, '');
    this.maxRetries = options.maxRetries ?? 4;
    this.retryBaseMs = options.retryBaseMs ?? 1000;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 20_000;
    this.fetchImpl = options.fetch ?? fetch;
  }

  async syncContact(sync: ContactSync, signal?: AbortSignal): Promise<SyncResult> {
    const { email, phone } = sync.profile;
    if (!email && !phone && !sync.knownContactId) throw new GhlError('a GoHighLevel contact needs an email or a phone number: the profile has neither', 'invalid_input');
    const customFields = sync.assets ? await this.customFieldValues(sync.assets, signal) : [];
    if (sync.knownContactId) {
      try {
        const contact = await this.updateContact(sync.knownContactId, { ...this.contactBody(sync.profile), ...(customFields.length ? { customFields } : {}) }, signal);
        return { contactId: contact.id, via: 'updated', created: false };
      } catch (err) {
        // Deleted or merged away in GHL: find or create it again by email/phone below.
        if (!(err instanceof GhlError && err.kind === 'not_found') || (!email && !phone)) throw err;
      }
    }
    const { contact, created } = await this.upsertContact({ ...this.contactBody(sync.profile), ...(customFields.length ? { customFields } : {}) }, signal);
    return { contactId: contact.id, via: 'upserted', created };
  }

  async upsertContact(body: Record<string, unknown>, signal?: AbortSignal): Promise<{ contact: GhlContact; created: boolean }> {
    const reply = await this.request<{ new?: boolean; contact?: GhlContact }>('POST', '/contacts/upsert', { ...body, locationId: this.options.locationId }, signal);
    if (!reply.contact?.id) throw new GhlError('GoHighLevel answered the contact upsert without a contact id', 'bad_response');
    return { contact: reply.contact, created: reply.new === true };
  }

  async updateContact(contactId: string, body: Record<string, unknown>, signal?: AbortSignal): Promise<GhlContact> {
    const reply = await this.request<{ contact?: GhlContact }>('PUT', `/contacts/${encodeURIComponent(contactId)}`, body, signal);
    return { id: reply.contact?.id ?? contactId };
  }

  /** The ids of brandkit's asset fields in this location, created if missing. */
  ensureCustomFields(signal?: AbortSignal): Promise<Record<AssetField, string>> {
    this.fieldIds ??= this.loadCustomFields(signal).catch((err) => {
      this.fieldIds = null;
      throw err;
    });
    return this.fieldIds;
  }

  private async loadCustomFields(signal?: AbortSignal): Promise<Record<AssetField, string>> {
    const loc = encodeURIComponent(this.options.locationId);
    const listed = await this.request<{ customFields?: Array<{ id: string; name: string }> }>('GET', `/locations/${loc}/customFields?model=contact`, undefined, signal);
    const byName = new Map((listed.customFields ?? []).map((f) => [f.name.toLowerCase(), f.id]));
    const ids = {} as Record<AssetField, string>;
    for (const [key, name] of Object.entries(ASSET_FIELDS) as Array<[AssetField, string]>) {
      let id = byName.get(name.toLowerCase());
      if (!id) {
        const created = await this.request<{ customField?: { id: string } }>('POST', `/locations/${loc}/customFields`, { name, dataType: key === 'mockupUrls' ? 'LARGE_TEXT' : 'TEXT', model: 'contact' }, signal, false);
        id = created.customField?.id;
        if (!id) throw new GhlError(`GoHighLevel did not return the id of the new custom field "${name}"`, 'bad_response');
      }
      ids[key] = id;
    }
    return ids;
  }

  private async customFieldValues(assets: ContactSync['assets'], signal?: AbortSignal): Promise<Array<{ id: string; field_value: string }>> {
    const ids = await this.ensureCustomFields(signal);
    return (Object.entries(assets ?? {}) as Array<[AssetField, string | string[] | null | undefined]>)
      .filter(([key, v]) => ids[key] && v !== undefined && v !== null)
      .map(([key, v]) => ({ id: ids[key], field_value: Array.isArray(v) ? v.join('\n') : String(v) }));
  }

  private contactBody(p: ContactProfile): Record<string, unknown> {
    const name = p.fullName?.trim();
    const [firstName, ...rest] = name ? name.split(/\s+/) : [];
    return {
      ...(p.email ? { email: p.email.trim().toLowerCase() } : {}),
      ...(p.phone ? { phone: p.phone.trim() } : {}),
      ...(name ? { name, firstName, lastName: rest.join(' ') || undefined } : {}),
      ...(p.tags?.length ? { tags: p.tags } : {}),
      source: 'brandkit',
    };
  }

  private async request<T>(method: 'GET' | 'POST' | 'PUT', path: string, body: unknown, signal?: AbortSignal, retryNetwork = true): Promise<T> {
    let last: { status?: number; text?: string; error?: unknown } = {};
    for (let attempt = 0; attempt <= this.maxRetries; attempt++) {
      signal?.throwIfAborted();
      const perRequest = AbortSignal.timeout(this.requestTimeoutMs);
      let res: Response;
      try {
        res = await this.fetchImpl(`${this.base}${path}`, {
          method,
          headers: {
            authorization: `Bearer ${this.options.token}`,
            version: GHL_API_VERSION,
            accept: 'application/json',
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: signal ? AbortSignal.any([signal, perRequest]) : perRequest,
        });
      } catch (err) {
        if (signal?.aborted) throw signal.reason;
        last = { error: err };
        if (!retryNetwork) break;
        if (attempt < this.maxRetries) await abortableSleep(this.backoff(attempt + 1), signal);
        continue;
      }
      if (res.ok) {
        try {
          return (await res.json()) as T;
        } catch (err) {
          throw new GhlError(`GoHighLevel answered ${method} ${path} with something that is not JSON`, 'bad_response', { status: res.status, cause: err });
        }
      }
      const text = await res.text().catch(() => '');
      last = { status: res.status, text };
      if ((res.status === 429 || res.status >= 500) && attempt < this.maxRetries) {
        await abortableSleep(retryAfterMs(res) ?? this.backoff(attempt + 1), signal);
        continue;
      }
      break;
    }
    throw this.error(last, `${method} ${path.split('?')[0]}`);
  }

  private backoff(attempt: number): number {
    return Math.min(30_000, this.retryBaseMs * 2 ** (attempt - 1));
  }

  private error(last: { status?: number; text?: string; error?: unknown }, what: string): GhlError {
    const { status } = last;
    const detail = messageOf(last.text ?? '');
    const d = { status, cause: last.error };
    if (status === undefined) return new GhlError(`could not reach GoHighLevel at ${this.base} (${(last.error as Error)?.message ?? String(last.error)}); the sync will be retried`, 'network', d);
    if (status === 401) return new GhlError(`GoHighLevel rejected the token (HTTP 401${detail ? `: ${detail}` : ''}): renew the location token in the brandkit CRM settings`, 'auth', d);
    if (status === 403) return new GhlError(`GoHighLevel refused ${what} (HTTP 403${detail ? `: ${detail}` : ''}): the token must belong to location ${this.options.locationId} and have the contacts and custom-fields scopes`, 'forbidden', d);
    if (status === 404) return new GhlError(`GoHighLevel has no such resource for ${what} (HTTP 404)`, 'not_found', d);
    if (status === 400 || status === 422) return new GhlError(`GoHighLevel refused ${what} (HTTP ${status}): ${detail || 'no detail'}`, 'invalid_input', d);
    if (status === 429) return new GhlError(`GoHighLevel kept rate-limiting (HTTP 429) after ${this.maxRetries + 1} attempts; the sync will be retried later`, 'rate_limited', d);
    return new GhlError(`GoHighLevel answered HTTP ${status} to ${what} ${this.maxRetries + 1} times${detail ? ` (${detail})` : ''}; the sync will be retried later`, 'server', d);
  }
}

function messageOf(text: string): string {
  try {
    const j = JSON.parse(text) as { message?: unknown; error?: unknown };
    const m = j.message ?? j.error;
    return (Array.isArray(m) ? m.join('; ') : typeof m === 'string' ? m : JSON.stringify(m ?? '')).slice(0, 400);
  } catch {
    return text.trim().slice(0, 300);
  }
}

