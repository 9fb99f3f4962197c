import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

/**
 * Runs one parse of untrusted bytes in a worker thread with its own capped heap and a time
 * limit, so a decompression bomb or a parser stuck in a loop ends the worker, not the API.
 * One worker per task: a parser that ran out of memory leaves nothing behind to reuse.
 *
 * The worker module reads its input from `workerData` and posts exactly one message back.
 */
export interface WorkerLimits {
  /** V8 old-generation heap of the worker, in MB. */
  memoryMb: number;
  timeoutMs: number;
  signal?: AbortSignal;
}

export type WorkerFailureReason = 'memory' | 'timeout' | 'crash' | 'aborted';

export class WorkerTaskError extends Error {
  constructor(readonly reason: WorkerFailureReason, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'WorkerTaskError';
  }
}

/**
 * The worker module next to `importMetaUrl` named `name` (without extension), in the
 * extension the caller runs from: .ts under tsx, .js once compiled.
 */
export function siblingModule(importMetaUrl: string, name: string): URL {
  return new URL(`./${name}${extname(fileURLToPath(importMetaUrl))}`, importMetaUrl);
}

/**
 * Under tsx (development, tests) a worker does not inherit the TypeScript loader on every Node
 * version we support (Node 20 does not): a .ts worker registers tsx first, then imports the module.
 */
function workerEntry(module: URL): [string | URL, { eval?: boolean }] {
  if (!module.pathname.endsWith('.ts')) return [module, {}];
  return [`import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then(({ register }) => { register(); return import(${JSON.stringify(module.href)}); });`, { eval: true }];
}

export function runInWorker<T>(module: URL, input: unknown, limits: WorkerLimits): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (limits.signal?.aborted) return reject(new WorkerTaskError('aborted', 'The task was cancelled'));
    const [entry, entryOptions] = workerEntry(module);
    const worker = new Worker(entry, {
      ...entryOptions,
      workerData: input,
      resourceLimits: { maxOldGenerationSizeMb: limits.memoryMb, maxYoungGenerationSizeMb: Math.min(32, Math.max(4, Math.floor(limits.memoryMb / 8))) },
    });
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      limits.signal?.removeEventListener('abort', onAbort);
      void worker.terminate();
      fn();
    };
    const timer = setTimeout(() => finish(() => reject(new WorkerTaskError('timeout', `The task took longer than ${limits.timeoutMs} ms`))), limits.timeoutMs);
    const onAbort = () => finish(() => reject(new WorkerTaskError('aborted', 'The task was cancelled')));
    limits.signal?.addEventListener('abort', onAbort, { once: true });
    worker.once('message', (message: T) => finish(() => resolve(message)));
    worker.once('error', (err: Error & { code?: string }) => {
      const reason: WorkerFailureReason = err.code === 'ERR_WORKER_OUT_OF_MEMORY' ? 'memory' : 'crash';
      finish(() => reject(new WorkerTaskError(reason, reason === 'memory' ? `The task needed more than ${limits.memoryMb} MB` : `The task failed: ${err.message}`, { cause: err })));
    });
    worker.once('exit', (code) => finish(() => reject(new WorkerTaskError('crash', `The worker exited (code ${code}) without an answer`))));
  });
}
