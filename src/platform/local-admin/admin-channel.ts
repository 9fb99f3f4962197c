import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync, unlinkSync } from 'node:fs';
import { rename, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { PlatformContext } from '../context.js';
import { isOperationName, operations, type ReportProgress } from './operations.js';
import { CHANNEL_FILE, NDJSON, OperationRefused, type ChannelFile } from './admin-client.js';

/**
 * The local admin channel: how `tenantry admin …`, `email …`, `migrate` and `storage …` reach
 * the server that holds the embedded database (no second process may open it, see
 * db/data-dir-lock.ts). An HTTP listener on 127.0.0.1 only, on a port the system picks,
 * separate from the public server (which may listen on every interface). Each start makes a
 * new random secret; the port and the secret go to DATA_DIR/admin-channel.json, readable by
 * the server's user only (0600): being able to read it is the authorisation, as for the
 * database files next to it. The secret is never logged; it is compared in constant time.
 * The client side, which the CLI uses, is admin-client.ts.
 */
const MAX_BODY_BYTES = 64 * 1024;

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
