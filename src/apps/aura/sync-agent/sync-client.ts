import { randomUUID } from 'node:crypto';
import { TokenBucket, throttledStream, type Clock } from './throttle.js';
import type { SyncConfig } from './sync-config.js';

const REQUEST_TIMEOUT_MS = 120_000;

/** The server could not be reached or answered 5xx: the work stays queued and is tried again. */
export class ServerAway extends Error {}

export type UploadAnswer = { kind: 'uploaded'; photoId: string; duplicate: boolean } | { kind: 'rejected'; reason: string };

export interface CloudPhoto {
  id: string;
  original_name: string;
  content_hash: string;
  updated_at: string;
  /** The photo's metadata entries (its `xmp_` ones go into a sidecar on download). */
  metadata: Record<string, unknown>;
}

export interface CloudFaceMatch {
  photo_id: string;
  event_id: string | null;
  similarity: number;
}

/** The agent's side of Aura's API, with the studio's API key (never a login token). */
export class SyncClient {
  private readonly base: string;

  private readonly bucket: TokenBucket | null;

  constructor(private readonly config: SyncConfig, clock?: Clock) {
    this.base = config.server_url.replace(/\/+$/, '');
    const kbps = config.settings.bandwidth_limit_kbps;
    this.bucket = kbps > 0 ? new TokenBucket(kbps * 1024, clock) : null;
  }

  /** Check that the key is an API key of the configured studio with the scope "aura". */
  async checkKey() {
    const res = await this.send('/api/v1/auth/me', { method: 'GET' });
    if (res.status === 401) throw new Error('The server refused the api_key (revoked or unknown): create a new API key with the scope "aura" and put it in the sync config');
    const me = (await res.json()) as { kind: string; org: { id: string }; scopes: string[] };
    if (me.kind !== 'api_key') throw new Error('The sync config\'s api_key is a login token, not an API key: create an API key with the scope "aura" (Settings → API keys)');
    if (me.org.id !== this.config.org_id) throw new Error(`The api_key belongs to another studio (${me.org.id}) than org_id ${this.config.org_id}: fix org_id or the key`);
    if (!me.scopes.includes('aura') && !me.scopes.includes('*')) throw new Error('The api_key lacks the scope "aura": create a key with that scope');
  }

  /** The id of the event whose folder is `folder`, created when the studio has none yet. */
  async eventFor(folder: string): Promise<string> {
    for (let page = 1; ; page++) {
      const res = await this.send(`/aura/api/events?page=${page}&limit=100`, { method: 'GET' });
      await this.expectOk(res, 'list events');
      const body = (await res.json()) as { items: { id: string; folder: string }[]; total: number };
      const found = body.items.find((e) => e.folder === folder);
      if (found) return found.id;
      if (page * 100 >= body.total || body.items.length === 0) break;
    }
    const res = await this.send('/aura/api/events', { method: 'POST', body: JSON.stringify({ name: folder, folder }), headers: { 'content-type': 'application/json' } });
    await this.expectOk(res, `create the event for the folder "${folder}"`);
    return ((await res.json()) as { id: string }).id;
  }

  async upload(eventId: string, name: string, bytes: Buffer): Promise<UploadAnswer> {
    // The form is written by hand so its bytes can be streamed through the bandwidth limit.
    const boundary = `aura-sync-${randomUUID()}`;
    const field = (k: string, v: string) => `--${boundary}\r\ncontent-disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`;
    const head = `${field('event_id', eventId)}${field('source_type', 'local_sync')}--${boundary}\r\ncontent-disposition: form-data; name="files"; filename="${name.replace(/["\r\n]/g, '_')}"\r\ncontent-type: application/octet-stream\r\n\r\n`;
    const parts = [Buffer.from(head), bytes, Buffer.from(`\r\n--${boundary}--\r\n`)];
    const res = await this.send('/aura/api/photos', {
      method: 'POST',
      body: throttledStream(parts, this.bucket),
      duplex: 'half',
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
    } as RequestInit);
    if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429) {
      return { kind: 'rejected', reason: `${res.status}: ${(await res.text()).slice(0, 300)}` };
    }
    await this.expectOk(res, 'upload');
    const outcome = ((await res.json()) as { files: { status: string; photo?: { id: string }; error?: { status: number; code: string; message: string } }[] }).files[0];
    if (outcome?.photo && (outcome.status === 'stored' || outcome.status === 'duplicate')) return { kind: 'uploaded', photoId: outcome.photo.id, duplicate: outcome.status === 'duplicate' };
    // A full quota may free up; anything else about this file will not change by trying again.
    if (outcome?.error?.code === 'QUOTA_EXCEEDED') throw new ServerAway(`the studio's storage quota is full (${outcome.error.message})`);
    return { kind: 'rejected', reason: outcome?.error ? `${outcome.error.code}: ${outcome.error.message}` : 'no answer for the file' };
  }

  /** Every photo of the event not in trash: id, name, content hash and when it last changed. */
  async listPhotos(eventId: string): Promise<CloudPhoto[]> {
    const all: CloudPhoto[] = [];
    for (let page = 1; ; page++) {
      const res = await this.send(`/aura/api/photos?event_id=${eventId}&page=${page}&limit=100`, { method: 'GET' });
      await this.expectOk(res, 'list the event\'s photos');
      const body = (await res.json()) as { items: CloudPhoto[]; pages: number };
      all.push(...body.items.map(({ id, original_name, content_hash, updated_at, metadata }) => ({ id, original_name, content_hash, updated_at, metadata })));
      if (page >= body.pages) return all;
    }
  }

  /**
   * The server's face search by a descriptor (the selfie itself never leaves the machine):
   * the studio's photos best first, each with its best similarity.
   */
  async searchFaces(descriptor: readonly number[], threshold: number, limit: number): Promise<CloudFaceMatch[]> {
    const res = await this.send('/aura/api/search/faces', { method: 'POST', body: JSON.stringify({ descriptor, threshold, limit }), headers: { 'content-type': 'application/json' } });
    await this.expectOk(res, 'search faces');
    return ((await res.json()) as { results: CloudFaceMatch[] }).results;
  }

  /** One photo's name and content hash; null when it is gone (or not this studio's). */
  async photo(photoId: string): Promise<CloudPhoto | null> {
    const res = await this.send(`/aura/api/photos/${photoId}`, { method: 'GET' });
    if (res.status === 404) return null;
    await this.expectOk(res, 'read a photo');
    const { id, original_name, content_hash, updated_at, metadata } = (await res.json()) as CloudPhoto;
    return { id, original_name, content_hash, updated_at, metadata };
  }

  /**
   * Replace a photo's metadata (the server keeps its `exif`). Only admins' keys may
   * ('forbidden'); metadata the server will not take (too many entries) is 'refused' with its reason.
   */
  async updateMetadata(photoId: string, metadata: Record<string, unknown>): Promise<{ kind: 'updated' | 'gone' | 'forbidden' } | { kind: 'refused'; reason: string }> {
    const res = await this.send(`/aura/api/photos/${photoId}`, { method: 'PATCH', body: JSON.stringify({ metadata }), headers: { 'content-type': 'application/json' } });
    if (res.status === 404) return { kind: 'gone' };
    if (res.status === 403) return { kind: 'forbidden' };
    if (res.status === 400) return { kind: 'refused', reason: (await res.text()).slice(0, 300) };
    await this.expectOk(res, 'update a photo\'s metadata');
    return { kind: 'updated' };
  }

  /** The original's bytes. */
  async download(photoId: string): Promise<Buffer> {
    const res = await this.send(`/aura/api/photos/${photoId}/original`, { method: 'GET' });
    await this.expectOk(res, 'download a photo');
    return Buffer.from(await res.arrayBuffer());
  }

  /** Move a photo to the cloud trash; false when the key may not (only admins' keys may). */
  async trash(photoId: string): Promise<'trashed' | 'gone' | 'forbidden'> {
    const res = await this.send(`/aura/api/photos/${photoId}`, { method: 'DELETE' });
    if (res.status === 404) return 'gone';
    if (res.status === 403) return 'forbidden';
    await this.expectOk(res, 'move a photo to the trash');
    return 'trashed';
  }

  private async expectOk(res: Response, what: string) {
    if (res.ok) return;
    const text = (await res.text()).slice(0, 300);
    if (res.status >= 500 || res.status === 429 || res.status === 408) throw new ServerAway(`the server answered ${res.status} to ${what}`);
    throw new Error(`The server refused to ${what} (${res.status} ${text}): check the API key's role (member or above) and the sync config`);
  }

  private async send(path: string, init: RequestInit): Promise<Response> {
    try {
      return await fetch(`${this.base}${path}`, {
        ...init,
        headers: { ...(init.headers as Record<string, string> | undefined), authorization: `Bearer ${this.config.api_key}`, accept: 'application/json' },
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (err) {
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      throw new ServerAway(`cannot reach ${this.base} (${cause?.code ?? cause?.message ?? (err as Error).message})`, { cause: err });
    }
  }
}
