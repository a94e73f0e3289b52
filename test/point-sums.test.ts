import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Dec, compile, parseRubric, score, scoreTotals, totalsOf } from '../src/index.js';
import { rubricYaml } from './support/rubric-text.js';

/**
 * `score` sums points as integers counting 10^-places while they fit in a
 * safe integer, and exactly otherwise (points past 2^53 at that scale, caps
 * with more places than the rubric keeps). Whichever way, a section's points
 * are the exact sum of its items', capped.
 */
const decimalText = (int: bigint, frac: string) => (frac ? `${int}.${frac}` : `${int}`);

const arbitrarySection = fc
  .record({
    places: fc.constantFrom(0, 1, 2, 4),
    items: fc.array(
      fc.record({
        // Up to 16 digits: past 2^53 once scaled, and sums that leave the safe range.
        int: fc.oneof(fc.bigInt({ min: 0n, max: 1000n }), fc.bigInt({ min: 0n, max: 9_999_999_999_999_999n })),
        frac: fc.string({ unit: fc.constantFrom(...'0123456789'), maxLength: 4 }),
        met: fc.boolean(),
      }),
      { minLength: 1, maxLength: 6 },
    ),
    cap: fc.option(fc.record({ int: fc.bigInt({ min: 0n, max: 10_000_000_000_000_000n }), frac: fc.string({ unit: fc.constantFrom(...'0123456789'), maxLength: 6 }) }), { nil: undefined }),
  })
  .map(({ places, items, cap }) => ({
    places,
    // An item's points have at most the rubric's places (the validator asks no more of them).
    items: items.map((it, i) => ({ id: `i${i}`, points: decimalText(it.int, it.frac.slice(0, places)), met: it.met })),
    cap: cap ? decimalText(cap.int, cap.frac) : undefined,
  }));

describe('section sums', () => {
  it('are the exact sums of their items, capped, whether they fit in safe integers or not', () => {
    fc.assert(
      fc.property(arbitrarySection, ({ places, items, cap }) => {
        const sum = items.reduce((acc, it) => acc.add(Dec.parse(it.points) as Dec), Dec.ZERO);
        const capDec = cap === undefined ? undefined : (Dec.parse(cap) as Dec);
        const max = capDec ? Dec.min(sum, capDec) : sum;
        const text = rubricYaml({
          top: [`rounding: { places: ${places}, mode: half-up }`],
          max: `"${max.toString()}"`,
          items: items.map((it) => `      - { id: ${it.id}, title: { zh: 甲, en: A }, points: "${it.points}", kind: check }`),
        }).replace('    items:\n', `${cap === undefined ? '' : `    cap: "${cap}"\n`}    items:\n`);
        const compiled = compile(parseRubric(text));
        const evidence = Object.fromEntries(items.map((it) => [it.id, it.met]));
        const result = score(compiled, evidence);

        const raw = items.filter((it) => it.met).reduce((acc, it) => acc.add(Dec.parse(it.points) as Dec), Dec.ZERO);
        const points = capDec ? Dec.min(raw, capDec) : raw;
        const section = result.sections[0];
        expect(section?.points).toBe(points.toString());
        expect(section?.uncapped).toBe(raw.gt(points) ? raw.toString() : undefined);
        expect(result.total).toBe(points.toString());
        expect(result.base).toBe(points.toString());
        expect(JSON.stringify(scoreTotals(compiled, evidence))).toBe(JSON.stringify(totalsOf(result)));
      }),
      { numRuns: 300 },
    );
  });
});
