import type { z } from 'zod';
import { Dec, defineRuleKind } from '../../src/index.js';

/** A user's rule kind for tests: per-household, with the evidence schema given; points = min(points, evidence) when it is a number. */
export function perHouseholdKind(evidence: () => z.ZodType) {
  return defineRuleKind({
    name: 'per-household',
    doc: { summary: { zh: '按户', en: 'Per household' }, example: '', evidenceExample: '1' },
    params: () => ({}),
    maxPoints: (item) => item.points,
    evidence,
    score: (item, n: unknown) => ({ points: typeof n === 'number' ? Dec.min(item.points, Dec.int(n)) : item.points, reason: { zh: '按户', en: 'per household' } }),
  });
}
