import { Dec, MAX_SAFE } from '../decimal.js';
import type { Range } from '../range.js';
import { generate, stringLiteral } from '../codegen.js';
import type { FastContext, FastScorer } from './define.js';

/**
 * Helpers for the kinds' fast paths. A JS number compared with a threshold
 * is exact when the threshold survives the trip to a double and back: both
 * sides then round the same way, so `x >= t` on doubles is the comparison of
 * the decimals as written. Arithmetic (ratios) is done in safe integers only.
 */

/** The double of a decimal, when it round-trips exactly (≤ 15 significant digits). */
export function exactDouble(d: Dec): number | undefined {
  const x = d.toNumber();
  const back = Dec.fromNumber(x);
  return back && back.eq(d) ? x : undefined;
}

/** A range's bounds as doubles, or undefined when a bound is not an exact double. */
export interface RangeBounds {
  lo: number;
  hi: number;
  minInclusive: boolean;
  maxInclusive: boolean;
}

export function rangeBounds(r: Range): RangeBounds | undefined {
  const lo = r.min ? exactDouble(r.min) : -Infinity;
  const hi = r.max ? exactDouble(r.max) : Infinity;
  if (lo === undefined || hi === undefined) return undefined;
  return { lo, hi, minInclusive: r.minInclusive, maxInclusive: r.maxInclusive };
}

/** A predicate on a number for a range, or undefined when a bound is not an exact double. */
export function rangeTest(r: Range): ((x: number) => boolean) | undefined {
  const b = rangeBounds(r);
  return b && ((x) => rangeHolds(b, x));
}

/** Whether x lies within the bounds. */
export function rangeHolds(bounds: RangeBounds, x: number): boolean {
  const { lo, hi, minInclusive, maxInclusive } = bounds;
  return (minInclusive ? x >= lo : x > lo) && (maxInclusive ? x <= hi : x < hi);
}

/**
 * The bounds of a ratio test as integer factors: n / d × scale ≥ b ⟺
 * n × left ≥ right × d (for d > 0). Null for a missing bound; undefined when
 * the factors leave the safe range.
 */
export interface RatioBounds {
  lo: { left: number; right: number } | null;
  hi: { left: number; right: number } | null;
  minInclusive: boolean;
  maxInclusive: boolean;
}

export function ratioBounds(r: Range, scale: Dec): RatioBounds | undefined {
  const bound = (b: Dec | undefined) => {
    if (!b) return null;
    // ratio ≥ b  ⟺  n × scale ≥ b × d  ⟺  n × sN × bD ≥ bN × sD × d
    const left = scale.n * b.d;
    const right = b.n * scale.d;
    if (left > MAX_SAFE || right > MAX_SAFE || right < -MAX_SAFE) return undefined;
    return { left: Number(left), right: Number(right) };
  };
  const lo = bound(r.min);
  const hi = bound(r.max);
  if (lo === undefined || hi === undefined) return undefined;
  return { lo, hi, minInclusive: r.minInclusive, maxInclusive: r.maxInclusive };
}

/**
 * A predicate on the ratio n / d × scale (n, d safe integers, d > 0) against a
 * range, by cross-multiplication in integers; undefined when the products
 * could leave the safe range.
 */
export function ratioTest(r: Range, scale: Dec): ((n: number, d: number) => boolean | undefined) | undefined {
  const b = ratioBounds(r, scale);
  return b && ((n, d) => ratioHolds(b, n, d));
}

/** Whether n / d × scale lies within the bounds (n, d safe integers, d > 0); undefined when a product is not safe. */
export function ratioHolds(bounds: RatioBounds, n: number, d: number): boolean | undefined {
  const { lo, hi, minInclusive, maxInclusive } = bounds;
  if (lo) {
    const a = n * lo.left;
    const b = lo.right * d;
    if (!Number.isSafeInteger(a) || !Number.isSafeInteger(b)) return undefined;
    if (minInclusive ? a < b : a <= b) return false;
  }
  if (hi) {
    const a = n * hi.left;
    const b = hi.right * d;
    if (!Number.isSafeInteger(a) || !Number.isSafeInteger(b)) return undefined;
    if (maxInclusive ? a > b : a >= b) return false;
  }
  return true;
}

/**
 * A fast scorer that accepts exactly these primitive values, each for its
 * points, and declines anything else; it carries the table as `cases`.
 */
export function fastCases(cases: ReadonlyMap<boolean | string | number, number>): FastScorer {
  const scorer = (raw: unknown): number | undefined => (raw !== null && typeof raw === 'object' ? undefined : cases.get(raw as boolean | string | number));
  return Object.assign(scorer, { cases: cases as ReadonlyMap<unknown, number> });
}

/** A plain non-negative finite number (strings and anything else defer to the exact path). */
export function plainNumber(v: unknown, integer: boolean | undefined, max?: number): number | undefined {
  if (typeof v !== 'number' || !(v >= 0) || v === Infinity) return undefined;
  if (integer ? !Number.isSafeInteger(v) : !Number.isFinite(v)) return undefined;
  if (max !== undefined && v > max) return undefined;
  return v;
}

/**
 * The most entries (keys and list elements, nested ones included) a value a
 * fast scorer accepts may hold. Fast scorers decline anything larger, so the
 * totals path knows a bound on what it reads without walking the evidence
 * first; the exact path walks and refuses values over the library's limits.
 */
export const FAST_MAX_ENTRIES = 5_000;

/** A plain object with exactly these keys (and no more than FAST_MAX_ENTRIES). */
export function exactObject(v: unknown, keys: readonly string[]): Record<string, unknown> | undefined {
  if (v === null || typeof v !== 'object' || Array.isArray(v) || keys.length > FAST_MAX_ENTRIES) return undefined;
  const o = v as Record<string, unknown>;
  // Own enumerable keys are distinct: each one of `keys`, and as many, is exactly `keys`,
  // all enumerable (the exact path reads enumerable keys only). An enumerable key inherited is
  // one the exact path's strict objects see as unknown: it declines.
  let n = 0;
  for (const k in o) {
    if (!Object.prototype.hasOwnProperty.call(o, k)) return undefined;
    if (keys.indexOf(k) < 0) return undefined;
    n++;
  }
  return n === keys.length ? o : undefined;
}

/**
 * Reads a plain object with exactly these own enumerable keys, and none
 * inherited, into out[0 …], in the keys' order, unchecked; false for
 * anything else (as exactObject decides).
 */
export type FieldReader = (raw: unknown, out: unknown[]) => boolean;

/** A field reader for these keys: generated code that reads each key by name where it may be (see codegen.ts). */
export function fieldReader(keys: readonly string[], generateCode: boolean): FieldReader {
  const loop: FieldReader = (raw, out) => {
    const o = exactObject(raw, keys);
    if (!o) return false;
    for (let i = 0; i < keys.length; i++) out[i] = o[keys[i] as string];
    return true;
  };
  if (!generateCode || keys.length > FAST_MAX_ENTRIES || new Set(keys).size !== keys.length) return loop;
  const body = ['return function readFields(v, out) {', ...exactObjectSource(keys, 'v', 'return false;', (i) => `out[${i}]`), '  return true;', '};'].join('\n');
  return generate<FieldReader>(exactObjectBindings(keys), body) ?? loop;
}

/**
 * Lines of generated code that decide as exactObject does (for distinct
 * keys): unless `value` is an object whose enumerable keys are exactly
 * these, all its own, they run `fail`; else they set `into(i)` to each key's
 * value. The code needs exactObjectBindings(keys) in scope.
 */
export function exactObjectSource(keys: readonly string[], value: string, fail: string, into: (i: number) => string): string[] {
  const known = keys.length <= 8 ? keys.map((k) => `k === ${stringLiteral(k)}`).join(' || ') || 'false' : 'names.has(k)';
  return [
    `  if (${value} === null || typeof ${value} !== "object" || isArray(${value})) ${fail}`,
    '  let n = 0;',
    `  for (const k in ${value}) { if (!hasOwn.call(${value}, k) || !(${known})) ${fail} n++; }`,
    `  if (n !== ${keys.length}) ${fail}`,
    ...keys.map((k, i) => `  ${into(i)} = ${value}[${stringLiteral(k)}];`),
  ];
}

export const exactObjectBindings = (keys: readonly string[]): Record<string, unknown> => ({ isArray: Array.isArray, hasOwn: Object.prototype.hasOwnProperty, names: new Set(keys) });

/** FastContext's hooks for code: generated where `generateCode` (compile's jitless not set) and the realm allow it. */
export function codeHooks(generateCode: boolean): Pick<FastContext, 'fields' | 'generate'> {
  return {
    fields: (keys) => fieldReader(keys, generateCode),
    generate: <T>(bindings: Readonly<Record<string, unknown>>, body: string): T | undefined => (generateCode ? generate<T>(bindings, body) : undefined),
  };
}

/** floor(n / step) × per for safe integers, or undefined. */
export function steps(n: number, step: number): number | undefined {
  if (!Number.isSafeInteger(n) || !Number.isSafeInteger(step) || step <= 0) return undefined;
  return (n - (n % step)) / step;
}
