/**
 * A pipeline step that failed after it had already spent money (LLM calls billed before the
 * answer proved unusable). The caller falls back to an offline step and still counts what the
 * failed attempts cost in the campaign's breakdown.
 */
export class PaidFailure extends Error {
  constructor(
    message: string,
    /** USD already spent on the failed attempts. */
    public readonly cost: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** What a failure already cost: its cost when it is a PaidFailure, else nothing. */
export function costOfFailure(err: unknown): number {
  return err instanceof PaidFailure ? err.cost : 0;
}
