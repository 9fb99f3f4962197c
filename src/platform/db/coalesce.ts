/**
 * Group commit for callers that each want one small statement: calls with the same key made
 * while that key's previous batch is still running wait and go together in the next one, so
 * a burst of N callers costs a few statements instead of N, and a lone caller goes at once
 * (after the current turn of the event loop, which lets callers started together share it).
 * At most one batch per key runs at a time, which is also what keeps the batches large.
 *
 * `run` answers one result per input, in order; if it throws, every caller of that batch gets
 * the error. Batches hold at most `max` inputs; the rest wait for the next.
 */
export function coalesce<I, O>(run: (key: string, inputs: I[]) => Promise<O[]>, options: { max: number }): (key: string, input: I) => Promise<O> {
  interface Waiting {
    input: I;
    resolve(value: O): void;
    reject(reason: unknown): void;
  }
  /** The calls waiting per key; a key is here exactly while its batches are running. */
  const queues = new Map<string, Waiting[]>();

  const flush = async (key: string) => {
    const waiting = queues.get(key)!;
    while (waiting.length > 0) {
      const batch = waiting.splice(0, options.max);
      try {
        const outputs = await run(key, batch.map((w) => w.input));
        if (outputs.length !== batch.length) throw new Error(`A coalesced batch of ${batch.length} answered ${outputs.length} results`);
        batch.forEach((w, i) => w.resolve(outputs[i]!));
      } catch (err) {
        for (const w of batch) w.reject(err);
      }
    }
    queues.delete(key);
  };

  return (key, input) =>
    new Promise<O>((resolve, reject) => {
      const waiting = queues.get(key);
      if (waiting) {
        waiting.push({ input, resolve, reject });
        return;
      }
      queues.set(key, [{ input, resolve, reject }]);
      setImmediate(() => void flush(key));
    });
}

/**
 * coalesce with one set of batches per owner (a platform context: its own database), made on
 * first use: two platforms in one process (tests, the multi-node suite) never share a batch.
 */
export function coalescePerOwner<C extends object, I, O>(run: (owner: C, key: string, inputs: I[]) => Promise<O[]>, options: { max: number }): (owner: C, key: string, input: I) => Promise<O> {
  const byOwner = new WeakMap<C, (key: string, input: I) => Promise<O>>();
  return (owner, key, input) => {
    let call = byOwner.get(owner);
    if (!call) byOwner.set(owner, (call = coalesce<I, O>((k, inputs) => run(owner, k, inputs), options)));
    return call(key, input);
  };
}
