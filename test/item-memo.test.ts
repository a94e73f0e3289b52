import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { score } from '../src/index.js';
import { MEMO_PER_ITEM, memoKey } from '../src/item-memo.js';
import { bundledRubricFiles, loadBundled } from './support/bundled.js';
import { arbitraryRubricEvidence } from './support/evidence.js';

/**
 * The full trace remembers items scored for small evidence values. A memo
 * must never change a result: not the second time the same evidence is
 * scored, not after a caller changed an earlier result, not once full.
 */
const runs = Number(process.env.PROPERTY_RUNS ?? 100);

describe('memoKey', () => {
  it('names equal small values alike, whatever their key order', () => {
    expect(memoKey({ a: 1, b: true })).toBe(memoKey({ b: true, a: 1 }));
    expect(memoKey(true)).toBe(memoKey(true));
  });

  it('names a flat object by its entries alone: any key order gives one key, and a different entry another', () => {
    const entries = fc.uniqueArray(fc.tuple(fc.string({ unit: 'binary', maxLength: 6 }), fc.oneof(fc.integer(), fc.boolean(), fc.string({ maxLength: 4 }))), {
      maxLength: 8,
      selector: ([name]) => name,
    });
    fc.assert(
      fc.property(entries, fc.nat(), (list, seed) => {
        // Own data keys only: "__proto__" set by defineProperty is a plain own key here.
        const build = (pairs: typeof list) => {
          const o: Record<string, unknown> = {};
          for (const [name, value] of pairs) Object.defineProperty(o, name, { value, enumerable: true, writable: true, configurable: true });
          return o;
        };
        const shuffled = [...list].sort((a, b) => ((a[0].length * 31 + seed) % 7) - ((b[0].length * 31 + seed) % 7) || (a[0] < b[0] ? 1 : -1));
        const key = memoKey(build(list));
        expect(key).toBeDefined();
        expect(memoKey(build(shuffled))).toBe(key);
        if (list.length) {
          const changed = list.map(([n, v], i): [string, unknown] => [n, i === 0 ? (typeof v === 'number' ? v + 1 : typeof v === 'boolean' ? !v : `${v}!`) : v]);
          expect(memoKey(build(changed as typeof list))).not.toBe(key);
        }
      }),
      { numRuns: runs * 5 },
    );
  });

  it('tells apart values a schema could tell apart', () => {
    const values: unknown[] = [0, -0, '0', 1, '1', true, 'true', false, { a: 1 }, { a: '1' }, { a: 1, b: 1 }, { 'a:n1;': 1 }, Object.assign(Object.create(null), { a: 1 }), 'x', 'x;'];
    const keys = values.map(memoKey);
    expect(keys.every((k) => typeof k === 'string')).toBe(true);
    expect(new Set(keys).size).toBe(values.length);
  });

  it('gives no key to lists, nested objects, getters, long strings or many keys', () => {
    const getter = Object.defineProperty({}, 'a', { get: () => 1, enumerable: true });
    const many = Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`k${i}`, i]));
    for (const v of [[1], { a: { b: 1 } }, getter, 'x'.repeat(65), many, null, undefined, new Date(0), 10n]) expect(memoKey(v)).toBeUndefined();
  });
});

describe.each(bundledRubricFiles)('%s', (file) => {
  it('scores the same evidence to the same bytes the first time and the next', async () => {
    const compiled = await loadBundled(file);
    fc.assert(
      fc.property(arbitraryRubricEvidence(compiled), (evidence) => {
        const first = JSON.stringify(score(compiled, evidence));
        expect(JSON.stringify(score(compiled, structuredClone(evidence)))).toBe(first);
      }),
      { numRuns: runs },
    );
  });

  it('gives every item trace the same fields in order, the ones that apply in its JSON, first time and next', async () => {
    const compiled = await loadBundled(file);
    const order = ['id', 'title', 'kind', 'points', 'max', 'met', 'evidence', 'reason', 'clause', 'category', 'method', 'note', 'detail', 'rounded', 'parts'];
    const items = (r: ReturnType<typeof score>) => {
      const out: Record<string, unknown>[] = [];
      const walk = (s: (typeof r.sections)[number]) => {
        s.sections?.forEach(walk);
        const visit = (t: Record<string, unknown>) => {
          out.push(t);
          (t.parts as Record<string, unknown>[] | undefined)?.forEach(visit);
        };
        (s.items as unknown as Record<string, unknown>[] | undefined)?.forEach(visit);
      };
      r.sections.forEach(walk);
      return out;
    };
    fc.assert(
      fc.property(arbitraryRubricEvidence(compiled), (evidence) => {
        for (const result of [score(compiled, evidence), score(compiled, evidence)]) {
          for (const t of items(result)) {
            expect(Object.keys(t)).toEqual(order);
            const written = Object.keys(JSON.parse(JSON.stringify(t)) as object);
            expect(written).toEqual(order.filter((k) => t[k] !== undefined));
            expect(written.slice(0, 5)).toEqual(order.slice(0, 5));
          }
        }
      }),
      { numRuns: Math.ceil(runs / 2) },
    );
  });

  it('keeps later results apart from a caller’s changes: item traces are frozen, so a change throws and reaches no result', async () => {
    const compiled = await loadBundled(file);
    fc.assert(
      fc.property(arbitraryRubricEvidence(compiled), (evidence) => {
        const first = score(compiled, evidence);
        const expected = JSON.stringify(first);
        // Try to vandalise every item trace of the first result, nested objects included: each attempt throws.
        const walk = (s: (typeof first.sections)[number]) => {
          s.sections?.forEach(walk);
          for (const item of s.items ?? []) {
            expect(() => {
              item.points = 'changed';
            }).toThrow(TypeError);
            expect(() => {
              item.reason.zh = 'changed';
            }).toThrow(TypeError);
            for (const k of Object.keys(item.detail ?? {})) {
              expect(() => {
                (item.detail as Record<string, string>)[k] = 'changed';
              }).toThrow(TypeError);
            }
            if (item.evidence !== null && typeof item.evidence === 'object') {
              expect(() => {
                (item.evidence as Record<string, unknown>).changed = true;
              }).toThrow(TypeError);
            }
          }
        };
        first.sections.forEach(walk);
        expect(JSON.stringify(first)).toBe(expected);
        expect(JSON.stringify(score(compiled, evidence))).toBe(expected);
      }),
      { numRuns: Math.ceil(runs / 2) },
    );
  });
});

it('scores exactly once an item has met more values than it remembers', async () => {
  const compiled = await loadBundled('jiangxi-db36-t-1609-2022.yaml');
  const base = fc.sample(arbitraryRubricEvidence(compiled), { seed: 11, numRuns: 1 })[0] as Record<string, unknown>;
  // 5.1b is a count: MEMO_PER_ITEM + 50 distinct values, then the first ones again.
  const counts = [...Array.from({ length: MEMO_PER_ITEM + 50 }, (_, i) => i), 0, 11, 12, MEMO_PER_ITEM + 49];
  for (const n of counts) {
    const item = score(compiled, { ...base, '5.1b': n }).sections.flatMap((s) => s.sections ?? []).flatMap((s) => s.items ?? []).find((i) => i.id === '5.1b');
    expect(item?.evidence).toEqual({ organisations: String(n) });
    expect(item?.points).toBe(n >= 12 ? '1' : '0');
  }
});
