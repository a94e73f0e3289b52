import type { CompiledRubric } from './compile.js';
import { safeScoreExactly, type ScoreOptions } from './evaluate.js';
import { notCompiled, scoreOptionsProblem } from './api-guards.js';
import { thrownResult, type SafeResult } from './load.js';
import type { ScoreResult } from './result.js';
import { fastScore } from './score-fast.js';

/**
 * Scores evidence against a compiled rubric. Pure: no I/O, no clock, no
 * randomness. Records the rubric's integer plan can count are traced by it
 * (score-fast.ts); anything else, and every problem, takes the exact path
 * (evaluate.ts). Both give byte-identical results.
 */
export function safeScore(compiled: CompiledRubric, evidence: unknown, options: ScoreOptions = {}): SafeResult<ScoreResult> {
  try {
    // A value that is not a compiled rubric, or bad options, go to the exact path, which reports them.
    const fast = notCompiled(compiled) || scoreOptionsProblem(options) ? undefined : fastScore(compiled, evidence, options ?? {});
    return fast ? { success: true, data: fast } : safeScoreExactly(compiled, evidence, options);
  } catch (e) {
    return thrownResult(e);
  }
}

/** Like safeScore, but throws the RubricError. */
export function score(compiled: CompiledRubric, evidence: unknown, options: ScoreOptions = {}): ScoreResult {
  const result = safeScore(compiled, evidence, options);
  if (!result.success) throw result.error;
  return result.data;
}
