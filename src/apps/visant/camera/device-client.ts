import type { CameraConfigFile, Trigger } from './camera-config.js';
import { triggerSchema } from './camera-config.js';
import type { QueuedFrame } from './frame-queue.js';

/** What became of one upload, and so what the camera does next. */
export type UploadOutcome =
  | { kind: 'delivered' }
  /** The server already has this record id: an earlier attempt got through but its answer was lost. */
  | { kind: 'duplicate' }
  /** Try again later (server away, overloaded, rate limited). */
  | { kind: 'retry'; reason: string; retryAfterMs?: number }
  /** The device's trigger is disabled on the server: keep the frame, wait for it to be enabled. */
  | { kind: 'paused'; message: string }
  /** This frame will never be taken (not an image, too large): set it aside. */
  | { kind: 'rejected'; reason: string }
  /** The key or device is no longer valid: the camera must stop. */
  | { kind: 'fatal'; message: string };

export type ConfigOutcome = { kind: 'ok'; trigger: Trigger } | { kind: 'retry'; reason: string } | { kind: 'fatal'; message: string };

const REQUEST_TIMEOUT_MS = 60_000;

interface Answer {
  status: number;
  body: unknown;
  /** The platform's error code and message, when the answer is an error. */
  code: string;
  message: string;
  retryAfterSeconds: number;
}

/** The camera's side of Visant's API, with its device key. */
export class DeviceClient {
  private readonly apiUrl: string;

  constructor(private readonly config: CameraConfigFile, private readonly version: string) {
    this.apiUrl = config.api_url.replace(/\/+$/, '');
  }

  async upload(frame: QueuedFrame, signal: AbortSignal): Promise<UploadOutcome> {
    const form = new FormData();
    form.set('device_id', this.config.device_id);
    form.set('record_id', frame.recordId);
    form.set('captured_at', frame.capturedAt);
    form.set('trigger_label', 'interval');
    form.set('device_version', this.version);
    form.set('metadata', JSON.stringify(frame.metadata));
    form.set('image', new Blob([new Uint8Array(frame.bytes)]), `${frame.recordId}.jpg`);
    const res = await this.send(this.config.upload_endpoint ?? `${this.apiUrl}/captures`, { method: 'POST', body: form }, signal);
    if ('failed' in res) return { kind: 'retry', reason: res.failed };
    const { status, code, message } = res;
    if (status === 201) return { kind: 'delivered' };
    if (status === 409 && code === 'CAPTURE_EXISTS') return { kind: 'duplicate' };
    if (status === 409 && code === 'TRIGGER_DISABLED') return { kind: 'paused', message };
    if (status === 429) return { kind: 'retry', reason: 'the server asks the camera to slow down', retryAfterMs: res.retryAfterSeconds * 1000 };
    if (status === 401 || status === 403 || status === 404) return { kind: 'fatal', message: this.refusal(status, message) };
    if (status >= 400 && status < 500 && status !== 408) return { kind: 'rejected', reason: `${status} ${code}: ${message}` };
    return { kind: 'retry', reason: `the server answered ${status}${message ? ` (${message})` : ''}` };
  }

  /** The device's configuration as the server has it now (trigger changes reach the camera this way). */
  async fetchConfig(signal: AbortSignal): Promise<ConfigOutcome> {
    const res = await this.send(`${this.apiUrl}/devices/${encodeURIComponent(this.config.device_id)}/config`, { method: 'GET' }, signal);
    if ('failed' in res) return { kind: 'retry', reason: res.failed };
    if (res.status === 200) {
      const trigger = triggerSchema.safeParse((res.body as { trigger?: unknown } | null)?.trigger);
      return trigger.success ? { kind: 'ok', trigger: trigger.data } : { kind: 'retry', reason: 'the server sent a configuration without a trigger' };
    }
    if (res.status === 401 || res.status === 403 || res.status === 404) return { kind: 'fatal', message: this.refusal(res.status, res.message) };
    return { kind: 'retry', reason: `the server answered ${res.status}` };
  }

  private refusal(status: number, message: string) {
    if (status === 401) {
      return `The server refused this camera's key (revoked or unknown): an owner or admin issues a new one (POST /visant/v1/devices/${this.config.device_id}/key, or reactivate a deactivated device), then give this camera the new config file`;
    }
    if (status === 404) return `Device "${this.config.device_id}" does not exist on the server: check the config file's device_id and api_url`;
    return `The server refused this camera: ${message}`;
  }

  private async send(url: string, init: RequestInit, signal: AbortSignal): Promise<Answer | { failed: string }> {
    try {
      const res = await fetch(url, {
        ...init,
        headers: { authorization: `Bearer ${this.config.api_key}`, accept: 'application/json' },
        signal: AbortSignal.any([signal, AbortSignal.timeout(REQUEST_TIMEOUT_MS)]),
      });
      const text = await res.text();
      let body: unknown = null;
      try {
        body = text ? JSON.parse(text) : null;
      } catch {
        body = null;
      }
      const error = (body ?? {}) as { code?: string; error?: string };
      return {
        status: res.status,
        body,
        code: error.code ?? '',
        message: error.error ?? text.slice(0, 200),
        retryAfterSeconds: Number(res.headers.get('retry-after')) || 5,
      };
    } catch (err) {
      if (signal.aborted) throw err;
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      return { failed: `cannot reach ${new URL(url).origin} (${cause?.code ?? cause?.message ?? (err as Error).message})` };
    }
  }
}
