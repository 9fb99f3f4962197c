import { execFile } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';

/**
 * A local stand-in for Replicate's HTTP prediction API, enough of it to exercise the client:
 * create (official-model and version endpoints), status polling through starting → processing
 * → a final status, cancel, Bearer authentication, and output files served by the same server.
 * Tests script failures per route and read back every request it received.
 */
export type Status = 'starting' | 'processing' | 'succeeded' | 'failed' | 'canceled';

export interface FakeRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: unknown;
  at: number;
}

/** An HTTP answer to send instead of the normal one, or 'drop' to cut the connection. */
export type Failure = { status: number; headers?: Record<string, string>; body?: string } | 'drop';

export interface Script {
  /** Statuses the successive GETs report after the create; the last one repeats. */
  statuses: Status[];
  /** Output of a succeeded prediction; receives the server's base URL. */
  output: (base: string) => unknown;
  error?: string;
  predictTime?: number | null;
  /** Milliseconds to hold the create answer (to abort while it is in flight). */
  createDelayMs?: number;
  /** Overrides urls.get in the prediction (to check the client follows it). */
  getUrl?: (base: string, id: string) => string;
}

interface PredictionState {
  id: string;
  input: unknown;
  version?: string;
  model?: string;
  step: number;
  status: Status;
  createdAt: string;
}

const TOKEN = 'r8_test_token';

export class FakeReplicate {
  readonly token = TOKEN;
  readonly requests: FakeRequest[] = [];
  readonly files = new Map<string, { body: Buffer; type: string }>();
  readonly failures: { create: Failure[]; get: Failure[]; cancel: Failure[]; file: Failure[] } = { create: [], get: [], cancel: [], file: [] };
  script: Script = { statuses: ['processing', 'succeeded'], output: (base) => `${base}/files/out.bin`, predictTime: 3.5 };
  /** Called after each request is recorded (tests abort from here). */
  onRequest: ((r: FakeRequest) => void) | null = null;
  baseUrl = '';
  private server: http.Server | null = null;
  private readonly predictions = new Map<string, PredictionState>();
  private counter = 0;

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const body = parseBody(raw);
        const record: FakeRequest = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body, at: Date.now() };
        this.requests.push(record);
        this.onRequest?.(record);
        this.handle(record, req, res);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.baseUrl;
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  reset(script?: Partial<Script>) {
    this.requests.length = 0;
    this.failures.create.length = 0;
    this.failures.get.length = 0;
    this.failures.cancel.length = 0;
    this.failures.file.length = 0;
    this.onRequest = null;
    this.predictions.clear();
    this.counter = 0;
    this.script = { statuses: ['processing', 'succeeded'], output: (base) => `${base}/files/out.bin`, predictTime: 3.5, ...script };
  }

  /** Requests other than file downloads, as "METHOD path". */
  apiCalls(): string[] {
    return this.requests.filter((r) => r.path.startsWith('/v1/')).map((r) => `${r.method} ${r.path}`);
  }

  private handle(r: FakeRequest, req: http.IncomingMessage, res: http.ServerResponse) {
    const route = routeOf(r);
    if (route === 'unknown') return json(res, 404, { detail: 'Not found.' });
    const failure = this.failures[route].shift();
    if (failure === 'drop') return req.socket.destroy();
    if (failure) {
      res.writeHead(failure.status, { 'content-type': 'application/json', ...failure.headers });
      return res.end(failure.body ?? JSON.stringify({ detail: `scripted ${failure.status}` }));
    }
    if (route === 'file') {
      const file = this.files.get(r.path.slice('/files/'.length));
      if (!file) return json(res, 404, { detail: 'no such file' });
      res.writeHead(200, { 'content-type': file.type, 'content-length': String(file.body.length) });
      return res.end(file.body);
    }
    if (r.headers.authorization !== `Bearer ${this.token}`) {
      return json(res, 401, { title: 'Unauthenticated', detail: 'You did not pass a valid authentication token', status: 401 });
    }
    if (route === 'create') {
      const b = (r.body ?? {}) as { input?: unknown; version?: string };
      if (!b.input || typeof b.input !== 'object') return json(res, 422, { title: 'Input validation failed', detail: 'input is required', status: 422 });
      const id = `p${++this.counter}`;
      const model = /^\/v1\/models\/([^/]+)\/([^/]+)\/predictions$/.exec(r.path);
      const state: PredictionState = { id, input: b.input, version: b.version, model: model ? `${model[1]}/${model[2]}` : undefined, step: -1, status: 'starting', createdAt: new Date().toISOString() };
      this.predictions.set(id, state);
      const answer = () => json(res, 201, this.view(state));
      if (this.script.createDelayMs) setTimeout(answer, this.script.createDelayMs);
      else answer();
      return;
    }
    const id = /^\/v1\/predictions\/([^/?]+)/.exec(r.path)?.[1] ?? '';
    const state = this.predictions.get(id);
    if (!state) return json(res, 404, { detail: 'Not found.' });
    if (route === 'cancel') {
      if (state.status === 'starting' || state.status === 'processing') state.status = 'canceled';
      return json(res, 200, this.view(state));
    }
    // GET: advance one step unless the prediction already ended (e.g. canceled).
    if (state.status === 'starting' || state.status === 'processing') {
      state.step = Math.min(state.step + 1, this.script.statuses.length - 1);
      state.status = this.script.statuses[state.step];
    }
    return json(res, 200, this.view(state));
  }

  private view(s: PredictionState) {
    const done = s.status === 'succeeded' || s.status === 'failed' || s.status === 'canceled';
    return {
      id: s.id,
      model: s.model ?? 'owner/name',
      version: s.version ?? 'official',
      input: s.input,
      status: s.status,
      logs: s.status === 'processing' ? `step 1\n 20%|##        | 2/10\n ${Math.min(90, 40 + 10 * s.step)}%|####      | 4/10` : '',
      output: s.status === 'succeeded' ? this.script.output(this.baseUrl) : null,
      error: s.status === 'failed' ? (this.script.error ?? 'prediction failed') : null,
      metrics: s.status === 'succeeded' && this.script.predictTime !== null ? { predict_time: this.script.predictTime } : {},
      created_at: s.createdAt,
      started_at: s.status === 'starting' ? null : '2025-01-01T00:00:00.000Z',
      completed_at: done ? '2025-01-01T00:00:07.250Z' : null,
      urls: {
        get: this.script.getUrl ? this.script.getUrl(this.baseUrl, s.id) : `${this.baseUrl}/v1/predictions/${s.id}`,
        cancel: `${this.baseUrl}/v1/predictions/${s.id}/cancel`,
        web: `https://replicate.com/p/${s.id}`,
      },
    };
  }
}

function routeOf(r: FakeRequest): 'create' | 'get' | 'cancel' | 'file' | 'unknown' {
  if (r.method === 'POST' && (/^\/v1\/models\/[^/]+\/[^/]+\/predictions$/.test(r.path) || r.path === '/v1/predictions')) return 'create';
  if (r.method === 'POST' && /^\/v1\/predictions\/[^/]+\/cancel$/.test(r.path)) return 'cancel';
  if (r.method === 'GET' && /^\/v1\/predictions\/[^/]+/.test(r.path)) return 'get';
  if (r.method === 'GET' && r.path.startsWith('/files/')) return 'file';
  return 'unknown';
}

function parseBody(raw: string): unknown {
  if (!raw) return null;
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

function json(res: http.ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

const run = promisify(execFile);

/** A real, tiny H.264 MP4 (480x832 would be Wan's 9:16 480p; smaller keeps the test fast). */
export async function makeMp4(path: string): Promise<void> {
  await run('/usr/bin/ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=size=96x160:rate=16:duration=1', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-an', path]);
}

/** A real, short MP3 (a sine tone). */
export async function makeMp3(path: string): Promise<void> {
  await run('/usr/bin/ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=1', '-c:a', 'libmp3lame', '-b:a', '64k', path]);
}
