import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compile, fastCases, parseRubric, safeScore, score, safeScoreTotals, scoreTotals, totalsOf } from '../src/index.js';
import { hasFastPath } from '../src/totals.js';
import { bundledRubricFiles, loadBundled } from './support/bundled.js';
import { arbitraryRubricEvidence } from './support/evidence.js';
import { CHECK, rubricYaml } from './support/rubric-text.js';

/**
 * Totals-only scoring must give exactly the numbers of the full trace, and
 * the same errors, whichever path (fast integer or exact) it takes.
 */
const runs = Number(process.env.PROPERTY_RUNS ?? 100);

// Each property in both modes of the totals path: code generated per rubric (the default), and closures only
// (compile's jitless, as where a Content-Security-Policy refuses new Function). Both must agree with score.
describe.each([
  ['generated code', false],
  ['jitless', true],
] as const)('%s', (_mode, jitless) => {
  describe.each(bundledRubricFiles)('%s', (file) => {
    it('has an integer fast path', async () => {
      const compiled = await loadBundled(file, { jitless });
      expect(compiled.jitless).toBe(jitless);
      expect(hasFastPath(compiled)).toBe(true);
    });

    it('gives the same totals, gates and grade as the full result', async () => {
      const compiled = await loadBundled(file, { jitless });
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

    it('gives the same totals record after record, whatever each record\'s key order', async () => {
      // The fast path remembers the last record's key order to find items quickly: a cache that must never
      // change a result, however the order changes from one record to the next.
      const compiled = await loadBundled(file, { jitless });
      const shuffled = arbitraryRubricEvidence(compiled).chain((evidence) =>
        fc.shuffledSubarray(Object.keys(evidence), { minLength: Object.keys(evidence).length }).map((keys) => Object.fromEntries(keys.map((k) => [k, evidence[k]]))),
      );
      fc.assert(
        fc.property(fc.array(shuffled, { minLength: 2, maxLength: 6 }), (records) => {
          for (const evidence of records) {
            const full = safeScore(compiled, evidence);
            const fast = safeScoreTotals(compiled, evidence);
            expect(fast.success).toBe(full.success);
            if (full.success && fast.success) expect(JSON.stringify(fast.data)).toBe(JSON.stringify(totalsOf(full.data)));
          }
        }),
        { numRuns: Math.ceil(runs / 2) },
      );
    });

    it('gives the same totals for a record whose prototype is not Object.prototype', async () => {
      const compiled = await loadBundled(file, { jitless });
      fc.assert(
        fc.property(arbitraryRubricEvidence(compiled), fc.boolean(), (evidence, zero) => {
          const options = { missing: zero ? ('zero' as const) : ('error' as const) };
          const plainRecord = safeScoreTotals(compiled, evidence, options);
          const otherProto = safeScoreTotals(compiled, Object.assign(Object.create(Object.create(null)), evidence), options);
          const full = safeScore(compiled, evidence, options);
          expect(plainRecord.success).toBe(full.success);
          expect(otherProto.success).toBe(full.success);
          if (full.success && plainRecord.success && otherProto.success) {
            expect(JSON.stringify(plainRecord.data)).toBe(JSON.stringify(totalsOf(full.data)));
            expect(JSON.stringify(otherProto.data)).toBe(JSON.stringify(totalsOf(full.data)));
          }
        }),
        { numRuns: Math.ceil(runs / 2) },
      );
    });

    it('reads evidence the for-in loop cannot see as the exact path does', async () => {
      const compiled = await loadBundled(file, { jitless });
      fc.assert(
        fc.property(arbitraryRubricEvidence(compiled), fc.nat(), (evidence, which) => {
          const ids = Object.keys(evidence);
          const hidden = ids[which % ids.length] as string;
          // One item's value as an own key that is not enumerable, and one inherited from the prototype.
          const { [hidden]: value, ...rest } = evidence;
          const nonEnumerable = Object.defineProperty({ ...rest }, hidden, { value, enumerable: false });
          const inherited = Object.assign(Object.create({ [hidden]: value }), rest);
          for (const record of [nonEnumerable, inherited]) {
            for (const missing of ['zero', 'error'] as const) {
              const full = safeScore(compiled, record, { missing });
              const fast = safeScoreTotals(compiled, record, { missing });
              expect(fast.success).toBe(full.success);
              if (full.success && fast.success) expect(JSON.stringify(fast.data)).toBe(JSON.stringify(totalsOf(full.data)));
            }
          }
        }),
        { numRuns: Math.ceil(runs / 4) },
      );
    });

    it('reports the same problems for broken evidence', async () => {
      const compiled = await loadBundled(file, { jitless });
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
});

it('scores missing evidence as zero in both paths', async () => {
  const compiled = await loadBundled('jiangxi-db36-t-1609-2022.yaml');
  const t = scoreTotals(compiled, { '1.1a': true, '4.5': 0.9 }, { missing: 'zero' });
  expect(t.total).toBe('9');
  expect(t.grade?.id).toBe('no-star');
  expect(() => scoreTotals(compiled, { '1.1a': true })).toThrow(/no evidence/);
});

it('refuses a value too large for the library in an item its fast scorer declines, as score does', async () => {
  const compiled = await loadBundled('jiangxi-db36-t-1609-2022.yaml');
  const valid = fc.sample(arbitraryRubricEvidence(compiled), { seed: 7, numRuns: 1 })[0] as Record<string, unknown>;
  // 300 000 honours of three keys each: far past the fast path's bound, and past the library's million entries.
  const honour = { matter: 'm', level: 'provincial', year: 2024 };
  const evidence = { ...valid, 'bonus-honours': { year: 2024, honours: new Array(300_000).fill(honour) } };
  const full = safeScore(compiled, evidence);
  const fast = safeScoreTotals(compiled, evidence);
  expect(full.success).toBe(false);
  expect(fast.success).toBe(false);
  if (!full.success && !fast.success) {
    expect(fast.error.issues.map((i) => i.code)).toEqual(['too-large']);
    expect(fast.error.issues).toEqual(full.error.issues);
  }
});

// walkFirst is written into the generated reader as a constant: both modes.
it.each([false, true])('walks the evidence first when a rubric has too many items for the fast path\'s bound, and agrees with score (jitless: %s)', (jitless) => {
  // 250 items × 5 001 entries is past the million entries the library reads: the walk comes first.
  const items = Array.from({ length: 250 }, (_, i) => `      - { id: c${i}, title: { zh: 条件${i}, en: Condition ${i} }, points: 0.5, kind: check }`);
  const text = ['id: many', 'version: "1"', 'title: { zh: 多项, en: Many items }', 'source: { name: { zh: 测试, en: Test } }', 'max: 125', 'sections:', '  - id: all', '    title: { zh: 全部, en: All }', '    max: 125', '    items:', ...items].join('\n');
  const compiled = compile(parseRubric(text, { file: 'many.yaml' }), { jitless });
  const evidence = Object.fromEntries(items.map((_, i) => [`c${i}`, i % 3 === 0]));
  const totals = scoreTotals(compiled, evidence);
  expect(JSON.stringify(totals)).toBe(JSON.stringify(totalsOf(score(compiled, evidence))));
  expect(totals.total).toBe('42');
});

describe('fast scorers with a table (fastCases)', () => {
  it('accept exactly the listed values, for their points, and carry the table for totals to look up', () => {
    const scorer = fastCases(new Map<boolean | string | number, number>([[true, 150], [false, 0], ['B', 75]]));
    expect([scorer(true), scorer(false), scorer('B')]).toEqual([150, 0, 75]);
    for (const declined of ['A', 'true', 1, 0, null, undefined, {}, [true], new Boolean(true)]) expect(scorer(declined)).toBeUndefined();
    expect([...(scorer.cases ?? [])]).toEqual([[true, 150], [false, 0], ['B', 75]]);
  });

  it("check and states items: totals look values up, and agree with score on every value, listed or not", async () => {
    const compiled = await loadBundled('zhoushan-2017.yaml');
    const db36 = await loadBundled('jiangxi-db36-t-1609-2022.yaml');
    for (const [c, id, valid] of [[db36, '1.1a', [true, false]], [compiled, 'II-1', ['A', 'B', 'C']]] as const) {
      expect(c.items.get(id)?.kind).toBe(id === '1.1a' ? 'check' : 'states');
      const base = Object.fromEntries([...c.items.keys()].map((k) => [k, null]));
      for (const value of [true, false, 'A', 'B', 'C', 'D', 'a', 1, 0, '', [], {}]) {
        const evidence = { ...base, [id]: value };
        const full = safeScore(c, evidence, { missing: 'zero' });
        const fast = safeScoreTotals(c, evidence, { missing: 'zero' });
        expect(full.success, `${id}: ${JSON.stringify(value)}`).toBe((valid as readonly unknown[]).includes(value));
        expect(fast.success, `${id}: ${JSON.stringify(value)}`).toBe(full.success);
        if (full.success && fast.success) expect(JSON.stringify(fast.data)).toBe(JSON.stringify(totalsOf(full.data)));
      }
    }
  });
});

describe('a measured value with a field the exact path does not read', () => {
  it('an unknown key beside a hidden field is refused by both paths', async () => {
    const compiled = await loadBundled('jiangxi-db36-t-1609-2022.yaml');
    const base = Object.fromEntries([...compiled.items.keys()].map((k) => [k, null]));
    // As many enumerable keys as the item has fields, one of them unknown; the other field hidden.
    const office = Object.defineProperty({ area: 400, junk: 1 }, 'households', { value: 1000, enumerable: false });
    const evidence = { ...base, '2.1a': office };
    const full = safeScore(compiled, evidence, { missing: 'zero' });
    const fast = safeScoreTotals(compiled, evidence, { missing: 'zero' });
    expect(full.success).toBe(false);
    expect(fast.success).toBe(false);
    if (!full.success && !fast.success) expect(fast.error.issues).toEqual(full.error.issues);
  });
});

describe('bonus honours', () => {
  it('short lists (compared pairwise) and long ones (grouped in a map) give score\'s points, both modes', () => {
    // DB36's bonus item with a cap too high to hide a wrong sum: a matter counts once, at its best level,
    // within the window.
    const text = rubricYaml({
      items: [CHECK('base')],
      after: [
        '  - id: extra',
        '    title: { zh: 加分, en: Bonus }',
        '    bonus: true',
        '    max: 100',
        '    items:',
        '      - id: bonus-honours',
        '        title: { zh: 荣誉, en: Honours }',
        '        points: 100',
        '        kind: bonus',
        '        cap: 100',
        '        levels:',
        '          - { id: provincial, zh: 省级, en: Provincial, points: 2 }',
        '          - { id: national, zh: 国家级, en: National, points: 3 }',
        '        window: { years: 3 }',
      ],
    });
    const [generated, jitless] = [compile(parseRubric(text)), compile(parseRubric(text), { jitless: true })];
    const base = { base: true };
    // Mostly valid honours (some outside the window); now and then one spoilt, which both must refuse alike.
    const honour = fc.record({ matter: fc.constantFrom('a', 'a ', '\u3000a', ' ', 'b', 'c', 'd', 'e', 'f', 'g'), level: fc.constantFrom('provincial', 'national'), year: fc.integer({ min: 2015, max: 2021 }) });
    const spoilt = fc.constantFrom<Record<string, unknown>>({ matter: '' }, { level: 'county' }, { year: 2030 }, { year: undefined }, { extra: 1 });
    const value = fc
      .tuple(fc.integer({ min: 2021, max: 2023 }), fc.array(honour, { maxLength: 20, size: 'max' }), fc.option(fc.tuple(fc.nat(), spoilt), { freq: 4 }))
      .map(([year, honours, spoil]) => {
        if (spoil && honours.length) honours[spoil[0] % honours.length] = { ...honours[spoil[0] % honours.length], ...spoil[1] } as (typeof honours)[number];
        return { year, honours };
      });
    let longLists = 0;
    let scored = 0;
    fc.assert(
      fc.property(value, (bonus) => {
        const evidence = { ...base, 'bonus-honours': JSON.parse(JSON.stringify(bonus)) };
        if (bonus.honours.length > 8) longLists++;
        const full = safeScore(generated, evidence, { missing: 'zero' });
        if (full.success && bonus.honours.length > 1) scored++;
        for (const c of [generated, jitless]) {
          const fast = safeScoreTotals(c, evidence, { missing: 'zero' });
          expect(fast.success).toBe(full.success);
          if (full.success && fast.success) expect(JSON.stringify(fast.data)).toBe(JSON.stringify(totalsOf(full.data)));
          if (!full.success && !fast.success) expect(fast.error.issues).toEqual(full.error.issues);
        }
      }),
      { numRuns: runs * 3 },
    );
    expect(longLists).toBeGreaterThan(0);
    expect(scored).toBeGreaterThan(0);
  });
});
