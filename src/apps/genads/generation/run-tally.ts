/** The stages a run's time is counted in (the /metrics labels). */
export const RUN_STAGES = ['guidelines', 'planning', 'product', 'backgrounds', 'music', 'render', 'storage'] as const;
export type RunStage = (typeof RUN_STAGES)[number];

export interface RunTallyState {
  /** USD spent by the run so far, failed and retried calls included. */
  cost: number;
  /** Seconds spent per stage; concurrent variations add up (work time, not wall time). */
  stageSeconds: Partial<Record<RunStage, number>>;
  concepts: string[];
}

/**
 * What one generation run has spent and how long its stages took, kept as it goes so a run
 * that fails half-way still reports both (the campaign's total spend, the /metrics durations).
 * Saved in the job's checkpoint, so a retried attempt adds to the earlier attempts' figures.
 */
export class RunTally {
  cost = 0;
  concepts: string[] = [];
  private readonly seconds: Partial<Record<RunStage, number>> = {};

  resume(state: RunTallyState) {
    this.cost = state.cost;
    this.concepts = [...state.concepts];
    Object.assign(this.seconds, state.stageSeconds);
  }

  spend(usd: number) {
    if (Number.isFinite(usd) && usd > 0) this.cost += usd;
  }

  /** Runs `fn` and adds its duration to `stage`, whether it succeeds or throws. */
  async time<T>(stage: RunStage, fn: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await fn();
    } finally {
      this.seconds[stage] = (this.seconds[stage] ?? 0) + (performance.now() - started) / 1000;
    }
  }

  state(): RunTallyState {
    const stageSeconds: Partial<Record<RunStage, number>> = {};
    for (const [stage, s] of Object.entries(this.seconds)) stageSeconds[stage as RunStage] = Math.round(s * 1000) / 1000;
    return { cost: Math.round(this.cost * 10_000) / 10_000, stageSeconds, concepts: [...this.concepts] };
  }
}
