/**
 * Work that must wait for a transaction's commit, and must not happen at all if it rolls
 * back: waking a job worker for a job queued inside the transaction (before the commit the
 * worker would find nothing and then sleep a whole polling interval), for example.
 *
 * withTenant and withSystem track their transactions here; `afterCommit` on any other object
 * returns false, and the caller falls back to what it would do without (the next poll).
 */
const pending = new WeakMap<object, Array<() => void>>();

/** Runs `fn` right after `tx` commits; false when `tx` is not a transaction tracked here. */
export function afterCommit(tx: object, fn: () => void): boolean {
  const hooks = pending.get(tx);
  if (!hooks) return false;
  hooks.push(fn);
  return true;
}

/**
 * Starts tracking `tx`; the transaction's owner calls the returned `committed()` once the
 * commit succeeded, or only `forget()` when it rolled back.
 */
export function trackTransaction(tx: object): { committed(): void; forget(): void } {
  const hooks: Array<() => void> = [];
  pending.set(tx, hooks);
  const forget = () => {
    pending.delete(tx);
  };
  return {
    forget,
    committed() {
      forget();
      for (const hook of hooks) {
        try {
          hook();
        } catch {
          // A hook is an optimisation (a wake-up, a notification): the commit stands regardless.
        }
      }
    },
  };
}
