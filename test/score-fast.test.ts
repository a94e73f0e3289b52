import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compile, parseRubric, safeScore, score } from '../src/index.js';
import { Dec, scaledInteger, scaledText } from '../src/decimal.js';
import { codeHooks } from '../src/kinds/fast.js';
import { safeScoreExactly, scoreOneItem } from '../src/evaluate.js';
import { generateRecords } from '../bench/generate.js';
import { numberText, ratioText } from '../src/kinds/fast-text.js';
import { fastScore } from '../src/score-fast.js';
import type { ItemBase, ItemTrace, ScoreResult, SectionTrace } from '../src/index.js';
import { bundledRubricFiles, loadBundled } from './support/bundled.js';
import { arbitraryRubricEvidence } from './support/evidence.js';

/**
 * The full trace by the integer plan (score-fast.ts) must be byte for byte
 * the exact path's (evaluate.ts), and report nothing the exact path would
 * not: any problem sends the record to the exact path.
 */
const runs = Number(process.env.PROPERTY_RUNS ?? 100);

const same = (fast: ReturnType<typeof safeScore>, exact: ReturnType<typeof safeScoreExactly>) => {
  expect(fast.success).toBe(exact.success);
  if (fast.success && exact.success) expect(JSON.stringify(fast.data)).toBe(JSON.stringify(exact.data));
  if (!fast.success && !exact.success) expect(fast.error.issues).toEqual(exact.error.issues);
};

describe.each([
  ['generated code', false],
  ['jitless', true],
] as const)('%s', (_mode, jitless) => {
  describe.each(bundledRubricFiles)('%s', (file) => {
    it('traces every record the exact path scores, byte for byte', async () => {
      const compiled = await loadBundled(file, { jitless });
      fc.assert(
        fc.property(arbitraryRubricEvidence(compiled), fc.boolean(), (evidence, zero) => {
          const options = { missing: zero ? ('zero' as const) : ('error' as const), community: { name: 'n', id: 'i' } };
          // The plan takes every valid record of a bundled rubric: the property compares traces, not two exact runs.
          expect(fastScore(compiled, evidence, options)).toBeDefined();
          same(safeScore(compiled, evidence, options), safeScoreExactly(compiled, evidence, options));
        }),
        { numRuns: runs },
      );
    });

    it('agrees record after record, whatever the key order and with values remembered from earlier records', async () => {
      const compiled = await loadBundled(file, { jitless });
      const shuffled = arbitraryRubricEvidence(compiled).chain((evidence) =>
        fc.shuffledSubarray(Object.keys(evidence), { minLength: Object.keys(evidence).length }).map((keys) => Object.fromEntries(keys.map((k) => [k, evidence[k]]))),
      );
      fc.assert(
        fc.property(fc.array(shuffled, { minLength: 2, maxLength: 6 }), (records) => {
          // Each record twice: the second time every small value (primitive or flat object) is remembered.
          for (const evidence of [...records, ...records]) same(safeScore(compiled, evidence), safeScoreExactly(compiled, evidence, {}));
        }),
        { numRuns: Math.ceil(runs / 2) },
      );
    });

    it('leaves broken evidence, items left out and hidden keys to the exact path, which reports them', async () => {
      const compiled = await loadBundled(file, { jitless });
      const bad = fc.constantFrom<unknown>(-1, 'x', 1.5, null, undefined, 2, [], {}, true, Number.NaN, 1e400, 1e-7, '0.5', -0, { count: 3, of: 4 });
      fc.assert(
        fc.property(arbitraryRubricEvidence(compiled), fc.nat(), bad, fc.constantFrom('replace', 'drop', 'hide', 'extra'), fc.boolean(), (evidence, which, value, how, zero) => {
          const ids = Object.keys(evidence);
          const id = ids[which % ids.length] as string;
          const { [id]: _dropped, ...rest } = evidence;
          const record =
            how === 'replace'
              ? { ...evidence, [id]: value }
              : how === 'drop'
                ? rest
                : how === 'hide'
                  ? Object.defineProperty({ ...rest }, id, { value: evidence[id], enumerable: false })
                  : { ...evidence, 'no-such-item': value };
          const options = { missing: zero ? ('zero' as const) : ('error' as const) };
          same(safeScore(compiled, record, options), safeScoreExactly(compiled, record, options));
        }),
        { numRuns: runs },
      );
    });
  });
});

/** Every item trace of a result. */
function itemTraces(result: ScoreResult): ItemTrace[] {
  const out: ItemTrace[] = [];
  const walk = (s: SectionTrace) => {
    s.sections?.forEach(walk);
    out.push(...(s.items ?? []));
  };
  result.sections.forEach(walk);
  return out;
}

describe('item traces are frozen, on both paths', () => {
  it('a trace, its reason, detail and evidence cannot be changed, so a shared trace stays as scored', async () => {
    const compiled = await loadBundled('jiangxi-db36-t-1609-2022.yaml');
    const evidence = fc.sample(arbitraryRubricEvidence(compiled), { seed: 11, numRuns: 1 })[0] as Record<string, unknown>;
    const exact = safeScoreExactly(compiled, evidence, {});
    if (!exact.success) throw exact.error;
    for (const result of [score(compiled, evidence), exact.data]) {
      const traces = itemTraces(result);
      expect(traces.length).toBe(80);
      for (const t of traces) {
        expect(Object.isFrozen(t)).toBe(true);
        expect(Object.isFrozen(t.reason)).toBe(true);
        if (t.detail) expect(Object.isFrozen(t.detail)).toBe(true);
        if (t.evidence !== null && typeof t.evidence === 'object') expect(Object.isFrozen(t.evidence)).toBe(true);
      }
      const first = traces[0] as ItemTrace;
      expect(() => {
        (first as { points: string }).points = '999';
      }).toThrow(TypeError);
      // The rubric's own title objects are not frozen with the traces that show them.
      expect(Object.isFrozen(first.title)).toBe(false);
    }
    // The next result holding the same value's trace shows it as scored.
    expect(JSON.stringify(score(compiled, evidence))).toBe(JSON.stringify(exact.data));
  });
});

describe('the fast tracers', () => {
  it('trace DB36’s tiers, rate and bonus items for realistic evidence, as the exact path traces them', async () => {
    const compiled = await loadBundled('jiangxi-db36-t-1609-2022.yaml');
    const hooks = codeHooks(true);
    const records = generateRecords(300, 20261207);
    const traced = new Set<string>();
    for (const item of compiled.items.values()) {
      const tracer = compiled.kinds.get(item.kind)?.fastTrace?.(item, { scaled: (d) => scaledInteger(d, 2), fastFor: () => undefined, ...hooks });
      if (!tracer) continue;
      traced.add(item.kind);
      for (const record of records) {
        const fast = tracer(record[item.id]);
        // Plain numbers and honours: the tracer takes every one of them.
        expect(fast).toBeDefined();
        const parsed = compiled.evidenceSchema(item, 'error').parse(record[item.id]);
        const exact = scoreOneItem(compiled, item, parsed).trace;
        expect(JSON.stringify({ points: scaledText(fast?.points as number, 100, 2), evidence: fast?.evidence, reason: fast?.reason, detail: fast?.detail })).toBe(
          JSON.stringify({ points: exact.points, evidence: exact.evidence, reason: exact.reason, detail: exact.detail }),
        );
      }
    }
    expect([...traced].sort()).toEqual(['bonus', 'rate', 'tiers']);
  });
});

describe('the bonus tracer', () => {
  it('orders and words any honours as the exact path does: matters with quotes, spaces, control and astral characters; blanks at an end left to it', async () => {
    const compiled = await loadBundled('jiangxi-db36-t-1609-2022.yaml');
    const item = compiled.items.get('bonus-honours') as ItemBase;
    const tracer = compiled.kinds.get('bonus')?.fastTrace?.(item, { scaled: (d) => scaledInteger(d, 2), fastFor: () => undefined, ...codeHooks(true) });
    const matter = fc.oneof(fc.constantFrom('a', 'a!', 'a ', 'a"', 'a\\', 'ab', '省级', 'a\u0001'), fc.string({ minLength: 1, unit: 'binary' }));
    const honour = fc.record({ matter, level: fc.constantFrom('provincial', 'national'), year: fc.integer({ min: 2018, max: 2024 }) });
    fc.assert(
      fc.property(fc.array(honour, { maxLength: 10 }), (honours) => {
        const raw = { year: 2024, honours };
        const fast = tracer?.(raw);
        // A matter with a blank at an end is trimmed by the exact path (or refused, when blank alone): the tracer leaves it to it.
        const blankAtEnd = honours.some((h) => /^\s|\s$/.test(h.matter));
        expect(fast === undefined).toBe(blankAtEnd);
        if (blankAtEnd) return;
        const exact = scoreOneItem(compiled, item, compiled.evidenceSchema(item, 'error').parse(raw)).trace;
        expect(JSON.stringify({ points: scaledText(fast?.points as number, 100, 2), evidence: fast?.evidence, reason: fast?.reason, detail: fast?.detail })).toBe(
          JSON.stringify({ points: exact.points, evidence: exact.evidence, reason: exact.reason, detail: exact.detail }),
        );
      }),
      { numRuns: runs * 5 },
    );
  });

  it('leaves to the exact path a matter starting or ending with any blank JavaScript knows, and no other', async () => {
    const compiled = await loadBundled('jiangxi-db36-t-1609-2022.yaml');
    const item = compiled.items.get('bonus-honours') as ItemBase;
    const tracer = compiled.kinds.get('bonus')?.fastTrace?.(item, { scaled: (d) => scaledInteger(d, 2), fastFor: () => undefined, ...codeHooks(true) });
    const declines = (matter: string) => tracer?.({ year: 2024, honours: [{ matter, level: 'national', year: 2024 }] }) === undefined;
    for (let c = 0; c < 0x10000; c++) {
      const ch = String.fromCharCode(c);
      const blank = /\s/.test(ch);
      if (declines(`${ch}a`) !== blank || declines(`a${ch}`) !== blank) expect.fail(`U+${c.toString(16)}: blank ${blank}`);
    }
  });
});

describe('fast-text: the texts Dec gives, from plain numbers', () => {
  it('ratioText(n, d, places) is Dec.of(n, d).toString(places) or undefined', () => {
    const safe = fc.oneof(fc.nat({ max: 10_000 }), fc.nat({ max: 2 ** 31 }), fc.maxSafeNat());
    const denominator = fc.oneof(
      fc.integer({ min: 1, max: 10_000 }),
      fc.integer({ min: 1, max: 2 ** 31 }),
      fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
      // Terminating with many places: powers of 2 and 5.
      fc.tuple(fc.nat({ max: 40 }), fc.nat({ max: 20 })).map(([a, b]) => 2 ** a * 5 ** b),
    );
    fc.assert(
      fc.property(safe, denominator, fc.constantFrom(0, 1, 4, 12), (n, d, places) => {
        const text = ratioText(n, d, places);
        if (d <= Number.MAX_SAFE_INTEGER / 10) expect(text).toBeDefined();
        if (text !== undefined) expect(text).toBe(Dec.of(BigInt(n), BigInt(d)).toString(places));
      }),
      { numRuns: runs * 20 },
    );
  });

  it('ratioText cuts (never rounds) what does not terminate, and declines what it cannot do exactly', () => {
    expect(ratioText(2, 3, 4)).toBe('0.6666…');
    expect(ratioText(99_999, 100_001, 4)).toBe(Dec.of(99_999n, 100_001n).toString(4));
    expect(ratioText(999_999_999, 1_000_000_001, 4)).toBe('0.9999…');
    expect(ratioText(1, 2 ** 40, 12)).toBe(Dec.of(1n, 2n ** 40n).toString(12));
    expect(ratioText(-1, 3, 4)).toBeUndefined();
    expect(ratioText(1, 0, 4)).toBeUndefined();
    expect(ratioText(1.5, 3, 4)).toBeUndefined();
    expect(ratioText(1, Number.MAX_SAFE_INTEGER, 4)).toBeUndefined();
  });

  it('numberText(x) is Dec.fromNumber(x).toString(), or undefined for exponent forms and non-finite numbers', () => {
    fc.assert(
      fc.property(fc.oneof(fc.double(), fc.integer(), fc.double({ min: 0, max: 1 }), fc.constantFrom(-0, 1e21, 1e-7, 0.1 + 0.2)), (x) => {
        const text = numberText(x);
        if (text !== undefined) expect(text).toBe(Dec.fromNumber(x)?.toString());
        else expect(!Number.isFinite(x) || String(x).includes('e')).toBe(true);
      }),
      { numRuns: runs * 20 },
    );
  });
});

/** One item in a one-section rubric (the section's max is the item's). */
function oneItemRubric(itemYaml: string, max: string, rounding = ''): string {
  const item = itemYaml
    .split('\n')
    .map((line, i) => (i === 0 ? `      - ${line}` : `        ${line}`))
    .join('\n');
  return ['id: t', 'version: "1"', 'title: { zh: 表, en: T }', 'source: { name: test }', rounding, `max: ${max}`, 'sections:', '  - id: s', '    title: { zh: 节, en: S }', `    max: ${max}`, '    items:', item].join('\n');
}

describe('the fast tracers at the edges of plain numbers', () => {
  const agree = (text: string, evidence: Record<string, unknown>) => {
    for (const jitless of [false, true]) {
      const compiled = compile(parseRubric(text), { jitless });
      same(safeScore(compiled, evidence), safeScoreExactly(compiled, evidence, {}));
    }
  };

  it('a derived ratio of a fractional measure: a double product may be whole where the decimal one is not', () => {
    // 0.47000000000000003 × 100 is 47 in doubles, 47.000000000000003 exactly; the ratio is in the trace
    // (detail and reason) even where no tier reached reads it.
    const item = [
      'id: x',
      'title: { zh: 面积, en: Area }',
      'points: 1',
      'kind: tiers',
      'measures:',
      '  area: { zh: 面积, en: Area }',
      '  households: { zh: 户数, en: Households, integer: true }',
      '  rooms: { zh: 房间, en: Rooms }',
      'derived:',
      '  per100: { zh: 每百户面积, en: Per 100, ratio: [area, households], scale: 100 }',
      '  perRoom: { zh: 每间户数, en: Per room, ratio: [households, rooms], scale: 0.01 }',
      'tiers:',
      '  - { points: 1, when: { area: ">= 0" } }',
      '  - { points: 0.5, when: { per100: ">= 30" } }',
    ].join('\n');
    const text = oneItemRubric(item, '1');
    agree(text, { x: { area: 0.47000000000000003, households: 1, rooms: 1 } });
    agree(text, { x: { area: 0.47000000000000003, households: 2, rooms: 1 } });
    agree(text, { x: { area: 1, households: 1e12, rooms: 0.47000000000000003 } });
  });

  it('a bonus whose uncapped sum passes the safe integers (12 places): the sum in the reason is exact', () => {
    const item = ['id: b', 'title: { zh: 加分, en: Bonus }', 'points: 1', 'kind: bonus', 'cap: 1', 'levels:', '  - { id: x, zh: 甲, en: X, points: "3000.000000000001" }'].join('\n');
    const text = oneItemRubric(item, '1', 'rounding: { places: 12, mode: half-up }');
    // 5 × 3000000000000001 (in 10^-12) is 15000000000000005, which a double holds as …004.
    agree(text, { b: { honours: ['a', 'b', 'c', 'd', 'e'].map((matter) => ({ matter, level: 'x' })) } });
  });

  it('a derived ratio just under a half at the reason’s fourth place: not rounded twice', () => {
    // 10000 / 200000001 = 0.0000499999999975…: the reason (4 places) says 0.0000…, not 0.0001….
    const item = [
      'id: x',
      'title: { zh: 占比, en: Share }',
      'points: 1',
      'kind: tiers',
      'measures:',
      '  done: { zh: 完成, en: Done, integer: true }',
      '  all: { zh: 总数, en: All, integer: true }',
      'derived:',
      '  share: { zh: 占比, en: Share, ratio: [done, all] }',
      'tiers:',
      '  - { points: 1, when: { share: ">= 0.00001" } }',
    ].join('\n');
    const text = oneItemRubric(item, '1');
    agree(text, { x: { done: 10_000, all: 200_000_001 } });
    agree(text, { x: { done: 370_349_999_999, all: 3_000_000_000_000 } });
  });
});
