import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_ENTRIES, tooDeep } from '../src/load.js';
import type { PathSegment } from '../src/issues.js';

/**
 * tooDeep bounds evidence before validators recurse into it. It first asks a
 * pass that keeps no path, then walks again for the path of the first value
 * too deep. Both are checked here against a model written apart.
 */
const runs = Number(process.env.PROPERTY_RUNS ?? 100);

/** The model: the first path, in Object.keys order, that reaches below `max` levels of objects. */
function firstTooDeep(v: unknown, max: number, depth = 0, path: PathSegment[] = []): PathSegment[] | undefined {
  if (v === null || typeof v !== 'object') return undefined;
  if (depth > max) return path;
  for (const key of Object.keys(v)) {
    const found = firstTooDeep((v as Record<string, unknown>)[key], max, depth + 1, [...path, Array.isArray(v) && /^(0|[1-9]\d*)$/.test(key) ? Number(key) : key]);
    if (found) return found;
  }
  return undefined;
}

const nested = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, fc.integer(), fc.boolean(), tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 3 }),
  object: fc.dictionary(fc.constantFrom('a', 'b', 'c'), tie('value'), { maxKeys: 3 }),
})).value;

describe('tooDeep', () => {
  it('finds a value too deep exactly where the model does, and no other', () => {
    fc.assert(
      fc.property(nested, fc.integer({ min: 0, max: 4 }), (value, max) => {
        const expected = firstTooDeep(value, max);
        const found = tooDeep(value, max);
        if (expected === undefined) expect(found).toBeUndefined();
        else {
          expect(found?.code).toBe('alias-limit');
          expect(found?.path).toEqual(expected);
        }
      }),
      { numRuns: runs * 5 },
    );
  });

  it('counts own enumerable keys only, as Object.keys lists them', () => {
    const inherited = Object.create({ deep: { a: { b: { c: 1 } } } }) as Record<string, unknown>;
    inherited.flat = 1;
    expect(tooDeep(inherited, 1)).toBeUndefined();
    const hidden = Object.defineProperty({}, 'deep', { value: { a: { b: 1 } }, enumerable: false });
    expect(tooDeep(hidden, 1)).toBeUndefined();
    const list = Object.assign([1], { extra: { a: { b: 1 } } });
    expect(tooDeep(list, 1)?.path).toEqual(['extra', 'a']);
  });

  it('refuses a value of more than MAX_ENTRIES entries, shared references counted each time', () => {
    const row = Array.from({ length: 1_000 }, (_, i) => i);
    const wide = Array.from({ length: MAX_ENTRIES / 1_000 - 1 }, () => row);
    expect(tooDeep(wide, 3)).toBeUndefined(); // 999 rows of 1 000, plus the 999 row entries
    wide.push(row, row);
    expect(tooDeep(wide, 3)?.code).toBe('too-large');
  });

  it('gives the same outcome when a getter in the value checks a value of its own', () => {
    // 1 + 998 + 1 listed, 998 × 1 000 and 1 000 in the rows, 1 in the probe: MAX_ENTRIES + 1 entries. The
    // probe, read after the first row, checks 10 entries of its own, which must not replace the count so far.
    const probe = Object.defineProperty({}, 'x', { get: () => tooDeep(Array.from({ length: 10 }, () => 0), 3) ?? 'fits', enumerable: true });
    const row = Array.from({ length: 1_000 }, () => 0);
    const value: unknown[] = [row.slice(), probe, ...Array.from({ length: MAX_ENTRIES / 1_000 - 2 }, () => row)];
    expect(tooDeep(value, 3)?.code).toBe('too-large');
    (value[0] as number[]).pop();
    expect(tooDeep(value, 3)).toBeUndefined();
    expect((value[1] as { x: unknown }).x).toBe('fits');
  });
});
