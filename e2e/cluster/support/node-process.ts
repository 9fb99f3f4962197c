import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

/**
 * bin/tenantry.js moves `serve` and `worker` onto jemalloc itself where Node can replace a
 * process (execve, 22.15+). On Node 20 it cannot, and docs/operations.md tells operators to
 * preload the library: the cluster starts its processes that way there, so that it (and the
 * soak bench) runs what an operator runs.
 */
const JEMALLOC = `/usr/lib/${process.arch === 'arm64' ? 'aarch64' : 'x86_64'}-linux-gnu/libjemalloc.so.2`;
const PRELOAD: Record<string, string> = typeof (process as { execve?: unknown }).execve !== 'function' && existsSync(JEMALLOC) ? { LD_PRELOAD: JEMALLOC } : {};

/**
 * One Tenantry process of the cluster (`tenantry serve` or `tenantry worker`, started the way
 * an installed package runs it: node bin/tenantry.js). Its output is kept, line by line, for
 * waiting on what it says and for failure messages.
 */
export class NodeProcess {
  readonly output: string[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly child: ChildProcess;
  private waiters: Array<{ pattern: RegExp; resolve: (m: RegExpExecArray) => void }> = [];

  constructor(readonly name: string, command: 'serve' | 'worker', env: Record<string, string>) {
    this.child = spawn(process.execPath, ['bin/tenantry.js', command], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', TMPDIR: process.env.TMPDIR ?? '', ...PRELOAD, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    for (const stream of [this.child.stdout!, this.child.stderr!]) {
      createInterface({ input: stream }).on('line', (line) => {
        this.output.push(line);
        this.waiters = this.waiters.filter((w) => {
          const m = w.pattern.exec(line);
          if (m) w.resolve(m);
          return !m;
        });
      });
    }
    this.exited = new Promise((resolve) => this.child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  /** The operating system's process id (the soak bench reads its memory from /proc). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  get alive() {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Resolves with the first line (past or future) matching `pattern`; rejects if the process exits first. */
  waitForLine(pattern: RegExp, timeoutMs = 60_000): Promise<RegExpExecArray> {
    for (const line of this.output) {
      const m = pattern.exec(line);
      if (m) return Promise.resolve(m);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.name} did not print ${pattern} in ${timeoutMs} ms:\n${this.tail()}`)), timeoutMs);
      this.waiters.push({ pattern, resolve: (m) => (clearTimeout(timer), resolve(m)) });
      void this.exited.then(({ code, signal }) => {
        clearTimeout(timer);
        reject(new Error(`${this.name} exited (${code ?? signal}) before printing ${pattern}:\n${this.tail()}`));
      });
    });
  }

  tail(lines = 30) {
    return this.output.slice(-lines).join('\n');
  }

  /** SIGKILL: no drain, no cleanup, as a power cut or the OOM killer leaves it. */
  async kill() {
    if (this.alive) this.child.kill('SIGKILL');
    return this.exited;
  }

  /** SIGTERM: a clean stop, as an orchestrator asks. */
  async stop() {
    if (this.alive) this.child.kill('SIGTERM');
    return this.exited;
  }
}

/** An API node: `tenantry serve` with WORKERS=off (jobs are the workers' business) on a free port; resolves once it listens. */
export async function startApiNode(name: string, env: Record<string, string>): Promise<{ process: NodeProcess; url: string }> {
  const proc = new NodeProcess(name, 'serve', { ...env, WORKERS: 'off', HOST: '127.0.0.1', PORT: '0' });
  const [, url] = await proc.waitForLine(/listening on (http:\/\/\S+)/);
  return { process: proc, url: url! };
}

/** A worker: `tenantry worker`; resolves once it runs its job handlers. */
export async function startWorker(name: string, env: Record<string, string>): Promise<NodeProcess> {
  const proc = new NodeProcess(name, 'worker', env);
  await proc.waitForLine(/Tenantry worker is running/);
  return proc;
}
