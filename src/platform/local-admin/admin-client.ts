import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { OperationInput, OperationName, OperationResult, ReportProgress } from './operations.js';

/**
 * The CLI's side of the local admin channel (admin-channel.ts is the server's): it reads the
 * channel file and posts the command. Apart from types it imports nothing of the operations,
 * so a command run through the server does not load what they use (the query builder, the
 * mailer, password hashing): each `tenantry` process pays for what it imports.
 */
export const CHANNEL_FILE = 'admin-channel.json';
/**
 * A client that accepts this gets a long operation's progress as it goes: one JSON object a
 * line, {"progress":…} lines then {"result":…} or {"error":…}. Other clients get one JSON answer.
 */
export const NDJSON = 'application/x-ndjson';

export interface ChannelFile {
  pid: number;
  port: number;
  secret: string;
}

/** An operation's refusal meant for the operator (the channel answers it with 422). */
export class OperationRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OperationRefused';
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
