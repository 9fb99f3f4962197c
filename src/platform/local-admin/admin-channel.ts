import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync, unlinkSync } from 'node:fs';
import { readFile, rename, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { PlatformContext } from '../context.js';
import {
  OperationRefused,
  isOperationName,
  operations,
  type OperationInput,
  type OperationName,
  type OperationResult,
  type ReportProgress,
} from './operations.js';

/**
 * The local admin channel: how `tenantry admin …`, `email …`, `migrate` and `storage …` reach
 * the server that holds the embedded database (no second process may open it, see
 * db/data-dir-lock.ts). An HTTP listener on 127.0.0.1 only, on a port the system picks,
 * separate from the public server (which may listen on every interface). Each start makes a
 * new random secret; the port and the secret go to DATA_DIR/admin-channel.json, readable by
 * the server's user only (0600): being able to read it is the authorisation, as for the
 * database files next to it. The secret is never logged; it is compared in constant time.
 */
export const CHANNEL_FILE = 'admin-channel.json';
const MAX_BODY_BYTES = 64 * 1024;
/**
 * A client that accepts this gets a long operation's progress as it goes: one JSON object a
 * line, {"progress":…} lines then {"result":…} or {"error":…}. Other clients get one JSON answer.
 */
const NDJSON = 'application/x-ndjson';

interface ChannelFile {
  pid: number;
  port: number;
  secret: string;
}

export interface AdminChannel {
  port: number;
  close(): Promise<void>;
}

export async function startAdminChannel(ctx: PlatformContext, dataDir: string): Promise<AdminChannel> {
  const secret = randomBytes(32).toString('base64url');
  const expected = digest(`Bearer ${secret}`);
  const server = http.createServer((req, res) => {
    const streaming = req.headers.accept === NDJSON;
    // The first progress report starts the streamed answer; an operation that reports none
    // (or fails before it does) answers with its status code as usual.
    const progress: ReportProgress = (p) => {
      if (!streaming || res.destroyed) return;
      if (!res.headersSent) res.writeHead(200, { 'content-type': NDJSON, 'cache-control': 'no-store', connection: 'close' });
      res.write(JSON.stringify({ progress: p }) + '\n');
    };
    const answer = (status: number, body: unknown) => {
      if (!res.headersSent) return reply(res, status, body);
      if (!res.destroyed) res.end(JSON.stringify(status === 200 ? body : { ...(body as object), status }) + '\n');
    };
    void handle(ctx, expected, req, progress)
      .then(({ status, body }) => answer(status, body))
      .catch((err) => {
        ctx.log.error({ err }, 'admin channel request failed');
        answer(500, { error: `The server could not run this command: ${(err as Error).message}` });
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const file = path.join(dataDir, CHANNEL_FILE);
  const record: ChannelFile = { pid: process.pid, port, secret };
  // Written aside then renamed: a reader never sees half a file. Any older file (a server
  // that crashed) is replaced; this process holds the data directory lock.
  const draft = `${file}.${process.pid}`;
  await writeFile(draft, JSON.stringify(record) + '\n', { mode: 0o600 });
  await rename(draft, file);
  const onExit = () => removeIfOurs(file);
  process.on('exit', onExit);
  return {
    port,
    async close() {
      process.off('exit', onExit);
      await unlink(file).catch(() => {});
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function handle(ctx: PlatformContext, expected: Buffer, req: http.IncomingMessage, progress: ReportProgress): Promise<{ status: number; body: unknown }> {
  const presented = digest(req.headers.authorization ?? '');
  if (!timingSafeEqual(presented, expected)) return { status: 401, body: { error: 'The admin channel secret is wrong: run the command as the user that runs the server.' } };
  const name = /^\/v1\/([a-z-]+)$/.exec(req.url ?? '')?.[1];
  if (req.method !== 'POST' || !name || !isOperationName(name)) return { status: 404, body: { error: `Unknown admin command ${req.method} ${req.url}` } };
  const raw = await readBody(req);
  if (raw === undefined) return { status: 413, body: { error: `The command's input is larger than ${MAX_BODY_BYTES} bytes.` } };
  let json: unknown;
  try {
    json = JSON.parse(raw || '{}');
  } catch {
    return { status: 400, body: { error: 'The command input is not JSON.' } };
  }
  const op = operations[name];
  const input = op.input.safeParse(json);
  if (!input.success) return { status: 400, body: { error: `Invalid input for ${name}: ${input.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}` } };
  try {
    // The union of the operations' inputs narrows per name at run time; TypeScript cannot follow it.
    const result = await (op.run as (c: PlatformContext, i: unknown, p: ReportProgress) => Promise<unknown>)(ctx, input.data, progress);
    ctx.log.info({ command: name }, 'admin command run through the local admin channel');
    return { status: 200, body: { result } };
  } catch (err) {
    if (err instanceof OperationRefused) return { status: 422, body: { error: err.message } };
    throw err;
  }
}

function readBody(req: http.IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const collect = (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY_BYTES) return void chunks.push(c);
      // Too large: answer now and discard the rest (the reply closes the connection).
      req.off('data', collect);
      req.resume();
      resolve(undefined);
    };
    req.on('data', collect);
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function reply(res: http.ServerResponse, status: number, body: unknown) {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', connection: 'close' });
  res.end(JSON.stringify(body));
}

/** Equal-length digests, so timingSafeEqual can compare any presented header. */
function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

function removeIfOurs(file: string) {
  try {
    if ((JSON.parse(readFileSync(file, 'utf8')) as ChannelFile).pid === process.pid) unlinkSync(file);
  } catch {
    /* already gone */
  }
}

/**
 * Run an operation in the server process `pid` through its admin channel. Undefined when
 * that process offers no channel (it is not a server, or it is still starting). With
 * `onProgress`, a long operation's progress reports are passed on as they arrive.
 */
export async function runThroughServer<N extends OperationName>(
  dataDir: string,
  pid: number,
  name: N,
  input: OperationInput<N>,
  options: { onProgress?: ReportProgress } = {},
): Promise<{ result: OperationResult<N> } | undefined> {
  let channel: ChannelFile;
  try {
    channel = JSON.parse(await readFile(path.join(dataDir, CHANNEL_FILE), 'utf8')) as ChannelFile;
  } catch {
    return undefined;
  }
  if (channel.pid !== pid) return undefined;
  let res: Response;
  try {
    res = await fetch(`http://127.0.0.1:${channel.port}/v1/${name}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${channel.secret}`, 'content-type': 'application/json', ...(options.onProgress ? { accept: NDJSON } : {}) },
      body: JSON.stringify(input),
    });
  } catch (err) {
    throw new Error(`The server (pid ${pid}) holds ${dataDir} but its admin channel on 127.0.0.1:${channel.port} does not answer (${(err as Error).message}). Is it shutting down? Try again once it has stopped or restarted.`, { cause: err });
  }
  if (res.headers.get('content-type') === NDJSON && res.body) return readStreamedAnswer<N>(res.body, pid, options.onProgress);
  const body = (await res.json().catch(() => ({}))) as { result?: OperationResult<N>; error?: string };
  if (!res.ok) throw new OperationRefused(body.error ?? `The server answered ${res.status}`);
  return { result: body.result as OperationResult<N> };
}

/** Progress lines passed on, then the last line's result or error. */
async function readStreamedAnswer<N extends OperationName>(body: ReadableStream<Uint8Array>, pid: number, onProgress?: ReportProgress): Promise<{ result: OperationResult<N> }> {
  const decoder = new TextDecoder();
  let pending = '';
  let last: { result?: OperationResult<N>; error?: string; status?: number } | undefined;
  const take = (line: string) => {
    if (!line.trim()) return;
    const message = JSON.parse(line) as { progress?: Parameters<ReportProgress>[0]; result?: OperationResult<N>; error?: string; status?: number };
    if (message.progress) onProgress?.(message.progress);
    else last = message;
  };
  try {
    for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
      pending += decoder.decode(chunk, { stream: true });
      let nl: number;
      while ((nl = pending.indexOf('\n')) >= 0) {
        take(pending.slice(0, nl));
        pending = pending.slice(nl + 1);
      }
    }
    take(pending);
  } catch (err) {
    throw new Error(`The server (pid ${pid}) stopped answering in the middle of the command (${(err as Error).message}): was it stopped? Run the command again.`, { cause: err });
  }
  if (!last) throw new Error(`The server (pid ${pid}) ended its answer without a result: was it stopped? Run the command again.`);
  if (last.error !== undefined) {
    if (last.status === 422) throw new OperationRefused(last.error);
    throw new Error(last.error);
  }
  return { result: last.result as OperationResult<N> };
}
