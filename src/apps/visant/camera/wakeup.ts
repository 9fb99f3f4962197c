/**
 * A sleep that ends early: when its time is up, when someone calls `notify()` (a frame was
 * queued, the configuration changed) or when the camera is stopping.
 */
export class Wakeup {
  private readonly waiters = new Set<() => void>();

  notify() {
    for (const wake of [...this.waiters]) wake();
  }

  wait(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal.aborted) return resolve();
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        this.waiters.delete(done);
        resolve();
      };
      const timer = Number.isFinite(ms) ? setTimeout(done, ms) : undefined;
      signal.addEventListener('abort', done, { once: true });
      this.waiters.add(done);
    });
  }
}
