import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { safeScore, safeScoreTotals, scoreTotals, totalsOf } from '../src/index.js';
import { hasFastPath } from '../src/totals.js';
import { bundledRubricFiles, loadBundled } from './support/bundled.js';
import { arbitraryRubricEvidence } from './support/evidence.js';

/**
 * Totals-only scoring must give exactly the numbers of the full trace, and
 * the same errors, whichever path (fast integer or exact) it takes.
 */
const runs = Number(process.env.PROPERTY_RUNS ?? 100);

describe.each(bundledRubricFiles)('%s', (file) => {
  it('has an integer fast path', async () => {
    expect(hasFastPath(await loadBundled(file))).toBe(true);
  });

  it('gives the same totals, gates and grade as the full result', async () => {
    const compiled = await loadBundled(file);
    fc.assert(
      fc.property(arbitraryRubricEvidence(compiled), (evidence) => {
        const full = safeScore(compiled, evidence, { community: { name: 'n', id: 'i' } });
        const fast = safeScoreTotals(compiled, evidence, { community: { id: 'i', name: 'n' } });
        expect(fast.success).toBe(full.success);
        if (full.success && fast.success) expect(JSON.stringify(fast.data)).toBe(JSON.stringify(totalsOf(full.data)));
      }),
      { numRuns: runs },
    );
  });

  it('reports the same problems for broken evidence', async () => {
    const compiled = await loadBundled(file);
    const mutate = fc.constantFrom<unknown>(-1, 'x', 1.5, null, 2, [], {}, true, Number.NaN, 1e400);
    fc.assert(
      fc.property(arbitraryRubricEvidence(compiled), fc.nat(), mutate, fc.boolean(), (evidence, which, bad, extraKey) => {
        const ids = Object.keys(evidence);
        const broken: Record<string, unknown> = { ...evidence, [ids[which % ids.length] as string]: bad };
        if (extraKey) broken['no-such-item'] = true;
        const full = safeScore(compiled, broken);
        const fast = safeScoreTotals(compiled, broken);
        expect(fast.success).toBe(full.success);
        if (!full.success && !fast.success) expect(fast.error.issues).toEqual(full.error.issues);
        if (full.success && fast.success) expect(fast.data).toEqual(totalsOf(full.data));
      }),
      { numRuns: runs },
    );
  });
});

it('scores missing evidence as zero in both paths', async () => {
  const compiled = await loadBundled('jiangxi-db36-t-1609-2022.yaml');
  const t = scoreTotals(compiled, { '1.1a': true, '4.5': 0.9 }, { missing: 'zero' });
  expect(t.total).toBe('9');
  expect(t.grade?.id).toBe('no-star');
  expect(() => scoreTotals(compiled, { '1.1a': true })).toThrow(/no evidence/);
});
