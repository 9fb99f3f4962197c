import { randomUUID } from 'node:crypto';
import sharp from 'sharp';
import { FakeHttpServer, type FakeReply, type FakeRequest } from '../../social/fakes/fake-server.js';

/**
 * A local stand-in for Fal.ai's queue (queue.fal.run) speaking its protocol: POST /{model}
 * with `Authorization: Key …` answers {request_id, status_url, response_url, cancel_url}
 * under the model's app id (no subpath); GET …/requests/{id}/status walks IN_QUEUE (202,
 * queue_position) → IN_PROGRESS (202, logs when ?logs=1) → COMPLETED (200, with `error` when
 * the model failed); GET …/requests/{id} gives the result (400 while running, the model's
 * error when it failed); PUT …/requests/{id}/cancel answers 202 CANCELLATION_REQUESTED or 400
 * ALREADY_COMPLETED. Image models answer `images: [{url, width, height, content_type}]` with
 * real PNGs served from /files/. Faults (429, 5xx, slowness) come from FakeHttpServer.
 */

interface FalRequestState {
  id: string;
  model: string;
  input: Record<string, unknown>;
  polls: number;
  canceled: boolean;
}

export interface FalScript {
  /** Status polls spent IN_QUEUE, then IN_PROGRESS, before COMPLETED. */
  queued: number;
  running: number;
  /** Set to make the model fail with this error. */
  error?: string;
  /** Answer images that are not images. */
  garbageImages?: boolean;
  /** Inputs without these fields answer 422 like Fal's validation. */
  required: string[];
}

export class FakeFal {
  readonly key = 'fal-test-key:secret';
  readonly http = new FakeHttpServer('fal');
  readonly requests = new Map<string, FalRequestState>();
  readonly files = new Map<string, Buffer>();
  script: FalScript = { queued: 1, running: 2, required: ['prompt'] };

  async start(): Promise<string> {
    this.http.route('GET', '/files/:name', (req) => {
      const file = this.files.get(req.params.name);
      return file ? { body: file, headers: { 'content-type': 'image/png', 'content-length': String(file.length) } } : { status: 404, body: 'no such file' };
    });
    // Fal's paths carry the model id, slashes and all: one route per verb, parsed here.
    this.http.route('POST', '/.+', (req) => this.guard(req) ?? this.submit(req));
    this.http.route('GET', '/.+', (req) => this.guard(req) ?? this.read(req));
    this.http.route('PUT', '/.+', (req) => this.guard(req) ?? this.cancel(req));
    return this.http.start();
  }

  close(): Promise<void> {
    return this.http.close();
  }

  get baseUrl(): string {
    return this.http.baseUrl;
  }

  submitted(): FalRequestState[] {
    return [...this.requests.values()];
  }

  private guard(req: FakeRequest): FakeReply | undefined {
    if (req.headers.authorization !== `Key ${this.key}`) return { status: 401, json: { detail: 'Authentication is required to access this application.' } };
    return undefined;
  }

  private async submit(req: FakeRequest): Promise<FakeReply> {
    const model = req.path.slice(1);
    if (model.includes('/requests/')) return { status: 405, json: { detail: 'Method Not Allowed' } };
    let input: Record<string, unknown>;
    try {
      input = req.json();
    } catch {
      return { status: 422, json: { detail: [{ loc: ['body'], msg: 'Invalid JSON', type: 'value_error.jsondecode' }] } };
    }
    const missing = this.script.required.filter((f) => input[f] === undefined);
    if (missing.length) return { status: 422, json: { detail: missing.map((f) => ({ loc: ['body', f], msg: 'field required', type: 'value_error.missing' })) } };
    const id = randomUUID();
    this.requests.set(id, { id, model, input, polls: 0, canceled: false });
    const app = model.split('/').slice(0, 2).join('/');
    const base = `${this.baseUrl}/${app}/requests/${id}`;
    return { json: { request_id: id, response_url: base, status_url: `${base}/status`, cancel_url: `${base}/cancel`, queue_position: this.script.queued } };
  }

  private stateOf(r: FalRequestState): 'IN_QUEUE' | 'IN_PROGRESS' | 'COMPLETED' {
    if (r.canceled) return 'COMPLETED';
    if (r.polls <= this.script.queued) return 'IN_QUEUE';
    if (r.polls <= this.script.queued + this.script.running) return 'IN_PROGRESS';
    return 'COMPLETED';
  }

  private async read(req: FakeRequest): Promise<FakeReply> {
    const m = /^\/([^/]+\/[^/]+)\/requests\/([^/]+)(\/status)?$/.exec(req.path);
    if (!m) return { status: 404, json: { detail: 'Not Found' } };
    const r = this.requests.get(m[2]);
    if (!r || !r.model.startsWith(`${m[1]}`)) return { status: 404, json: { detail: `Request ${m[2]} not found` } };
    if (m[3]) {
      r.polls++;
      const status = this.stateOf(r);
      const base = `${this.baseUrl}/${m[1]}/requests/${r.id}`;
      const logs = req.query.get('logs') === '1' && status !== 'IN_QUEUE' ? [{ message: `step ${Math.min(r.polls - this.script.queued, this.script.running)}/${this.script.running}`, level: 'INFO', timestamp: new Date().toISOString() }] : null;
      const error = r.canceled ? 'Request was cancelled' : status === 'COMPLETED' && this.script.error ? this.script.error : undefined;
      return {
        status: status === 'COMPLETED' ? 200 : 202,
        json: { status, response_url: base, ...(status === 'IN_QUEUE' ? { queue_position: Math.max(0, this.script.queued - r.polls) } : {}), logs, ...(error ? { error, error_type: r.canceled ? 'request_cancelled' : 'runner_error' } : {}) },
      };
    }
    if (this.stateOf(r) !== 'COMPLETED') return { status: 400, json: { detail: 'Request is still in progress' } };
    if (r.canceled) return { status: 400, json: { detail: 'Request was cancelled', error_type: 'request_cancelled' } };
    if (this.script.error) return { status: 500, json: { detail: this.script.error, error_type: 'runner_error' } };
    return { json: await this.result(r) };
  }

  private async result(r: FalRequestState): Promise<unknown> {
    const n = Math.max(1, Math.min(4, Number(r.input.num_images ?? 1)));
    const seed = Number(r.input.seed ?? 0);
    const images = [];
    for (let i = 0; i < n; i++) {
      const name = `${r.id}-${i}.png`;
      const colour = `#${(((seed + i) * 2654435761) >>> 8).toString(16).padStart(6, '0').slice(0, 6)}`;
      const png = this.script.garbageImages ? Buffer.from('<html>not an image</html>') : await sharp({ create: { width: 64, height: 64, channels: 3, background: colour } }).png().toBuffer();
      this.files.set(name, png);
      images.push({ url: `${this.baseUrl}/files/${name}`, width: 64, height: 64, content_type: 'image/png' });
    }
    return { images, seed, has_nsfw_concepts: images.map(() => false), prompt: r.input.prompt, timings: { inference: 0.4 } };
  }

  private cancel(req: FakeRequest): FakeReply {
    const m = /^\/([^/]+\/[^/]+)\/requests\/([^/]+)\/cancel$/.exec(req.path);
    const r = m ? this.requests.get(m[2]) : undefined;
    if (!r) return { status: 404, json: { status: 'NOT_FOUND' } };
    if (this.stateOf(r) === 'COMPLETED') return { status: 400, json: { status: 'ALREADY_COMPLETED' } };
    r.canceled = true;
    return { status: 202, json: { status: 'CANCELLATION_REQUESTED' } };
  }
}
