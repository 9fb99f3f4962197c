import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { costOfFailure, PaidFailure } from '../../../../src/apps/genads/pipeline/paid-failure.js';
import { ScenePlanningError } from '../../../../src/apps/genads/planning/llm-planner.js';
import { GuidelinesAnalysisError } from '../../../../src/apps/genads/guidelines/llm-analyzer.js';

describe('PaidFailure: the GenAds pipeline errors that carry what they cost', () => {
  it('is the base of the LLM planner and analyzer errors, which keep their own names', () => {
    const cause = new Error('bad json');
    for (const [Type, name] of [[ScenePlanningError, 'ScenePlanningError'], [GuidelinesAnalysisError, 'GuidelinesAnalysisError']] as const) {
      const err = new Type('no usable answer', 0.0123, { cause });
      assert.ok(err instanceof PaidFailure);
      assert.equal(err.name, name);
      assert.equal(err.cost, 0.0123);
      assert.equal(err.cause, cause);
      assert.equal(costOfFailure(err), 0.0123);
    }
  });

  it('counts nothing for failures that spent nothing', () => {
    assert.equal(costOfFailure(new Error('network down')), 0);
    assert.equal(costOfFailure('a string'), 0);
    assert.equal(costOfFailure(undefined), 0);
  });
});
