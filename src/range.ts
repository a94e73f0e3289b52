import { Dec } from './decimal.js';
import { argumentIssue, assertString, isDec, isRange, throwProblems } from './api-guards.js';

/**
 * A set of numbers written as people write thresholds: ">= 92", "< 80",
 * "[86, 92)", "(-inf, 80)". Bounds are exact decimals; each bound says
 * whether it is included, so no band edge is left to interpretation. A
 * range the library read (parseRange, a rubric) writes itself to JSON as
 * its `text`.
 */
export interface Range {
  min?: Dec;
  minInclusive: boolean;
  max?: Dec;
  maxInclusive: boolean;
  /** The text as written, for traces and messages. */
  text: string;
}

const INF = /^\+?(inf|infinity|∞)$/i;
const NEG_INF = /^-(inf|infinity|∞)$/i;

/** Reads a range; a string result says what is wrong with the text. */
export function parseRange(input: string): Range | string {
  assertString('input', input);
  const range = readRange(input);
  return typeof range === 'string' ? range : writtenAsText(range);
}

/**
 * A range writes itself to JSON as its text, as a rubric's JSON gives it:
 * so JSON.stringify of a rubric that parseRubric gave reads back with
 * parseRubricJson (the ranges' objects were refused there as "expected a
 * string"). Not enumerable: a copy or a comparison of ranges sees their fields.
 */
function writtenAsText(range: Range): Range {
  return Object.defineProperty(range, 'toJSON', { value: () => range.text });
}

function readRange(input: string): Range | string {
  const text = input.trim().replace(/≥/g, '>=').replace(/≤/g, '<=').replace(/，/g, ',');
  const cmp = /^(>=|<=|>|<|=)\s*(.+)$/.exec(text);
  if (cmp) {
    const value = Dec.parse(cmp[2] as string);
    if (!value) return `"${cmp[2]}" is not a number`;
    switch (cmp[1]) {
      case '>=':
        return { min: value, minInclusive: true, maxInclusive: false, text: input };
      case '>':
        return { min: value, minInclusive: false, maxInclusive: false, text: input };
      case '<=':
        return { max: value, maxInclusive: true, minInclusive: false, text: input };
      case '<':
        return { max: value, maxInclusive: false, minInclusive: false, text: input };
      default:
        return { min: value, max: value, minInclusive: true, maxInclusive: true, text: input };
    }
  }
  const interval = /^([[(])\s*([^,]+?)\s*,\s*([^,]+?)\s*([\])])$/.exec(text);
  if (!interval) return 'expected a comparison such as ">= 90" or an interval such as "[80, 90)"';
  const [, open, lo, hi, close] = interval as unknown as [string, string, string, string, string];
  const range: Range = { minInclusive: open === '[', maxInclusive: close === ']', text: input };
  if (!NEG_INF.test(lo)) {
    const v = Dec.parse(lo);
    if (!v) return `"${lo}" is not a number`;
    range.min = v;
  } else range.minInclusive = false;
  if (!INF.test(hi)) {
    const v = Dec.parse(hi);
    if (!v) return `"${hi}" is not a number`;
    range.max = v;
  } else range.maxInclusive = false;
  if (range.min && range.max) {
    const c = range.min.cmp(range.max);
    if (c > 0 || (c === 0 && !(range.minInclusive && range.maxInclusive))) return 'the interval is empty';
  }
  return range;
}

export function inRange(x: Dec, r: Range): boolean {
  if (!isDec(x) || !isRange(r)) throwProblems(argumentIssue('x', x, 'a Dec', isDec(x)), rangeIssue(r));
  if (r.min) {
    const c = x.cmp(r.min);
    if (c < 0 || (c === 0 && !r.minInclusive)) return false;
  }
  if (r.max) {
    const c = x.cmp(r.max);
    if (c > 0 || (c === 0 && !r.maxInclusive)) return false;
  }
  return true;
}

/** The range in canonical interval notation, e.g. "[86, 92)". */
export function rangeToString(r: Range): string {
  if (!isRange(r)) throwProblems(rangeIssue(r));
  const lo = r.min ? `${r.minInclusive ? '[' : '('}${r.min.toString()}` : '(-inf';
  const hi = r.max ? `${r.max.toString()}${r.maxInclusive ? ']' : ')'}` : 'inf)';
  return `${lo}, ${hi}`;
}

function rangeIssue(r: unknown) {
  return argumentIssue('r', r, 'a range (from parseRange)', isRange(r));
}

/**
 * Checks that ranges do not overlap and together cover [from, ∞).
 * Returns the first overlap or gap found, as the pair of indices and a word.
 */
export function coverageProblems(ranges: Range[], from: Dec): { kind: 'overlap' | 'gap'; a: number; b?: number; at: string }[] {
  const problems: { kind: 'overlap' | 'gap'; a: number; b?: number; at: string }[] = [];
  const order = ranges
    .map((r, i) => ({ r, i }))
    .sort((x, y) => compareLower(x.r, y.r));
  // Each range is compared with the one reaching highest so far, not only the one before it:
  // [0, 1] covers 0.3–0.5 between [0.2, 0.3] and [0.5, 0.6], which is no gap.
  let cur = order[0] as { r: Range; i: number };
  for (let k = 0; k + 1 < order.length; k++) {
    const prev = order[k] as { r: Range; i: number };
    if (k > 0 && reachesHigher(prev.r, cur.r)) cur = prev;
    const next = order[k + 1] as { r: Range; i: number };
    if (!cur.r.max) {
      problems.push({ kind: 'overlap', a: cur.i, b: next.i, at: 'both reach infinity' });
      continue;
    }
    const lo = next.r.min;
    if (!lo) {
      problems.push({ kind: 'overlap', a: cur.i, b: next.i, at: `below ${cur.r.max.toString()}` });
      continue;
    }
    const c = cur.r.max.cmp(lo);
    if (c > 0 || (c === 0 && cur.r.maxInclusive && next.r.minInclusive)) {
      problems.push({ kind: 'overlap', a: cur.i, b: next.i, at: lo.toString() });
    } else if (c < 0 || (!cur.r.maxInclusive && !next.r.minInclusive)) {
      problems.push({ kind: 'gap', a: cur.i, b: next.i, at: `between ${cur.r.max.toString()} and ${lo.toString()}` });
    }
  }
  const first = order[0];
  if (first && first.r.min && (first.r.min.gt(from) || (first.r.min.eq(from) && !first.r.minInclusive))) {
    problems.push({ kind: 'gap', a: first.i, at: `below ${first.r.min.toString()}` });
  }
  const last = order.reduce<{ r: Range; i: number } | undefined>((top, x) => (!top || reachesHigher(x.r, top.r) ? x : top), undefined);
  if (last && last.r.max) problems.push({ kind: 'gap', a: last.i, at: `above ${last.r.max.toString()}` });
  return problems;
}

/** Whether a's upper end lies above b's. */
function reachesHigher(a: Range, b: Range): boolean {
  if (!b.max) return false;
  if (!a.max) return true;
  const c = a.max.cmp(b.max);
  return c > 0 || (c === 0 && a.maxInclusive && !b.maxInclusive);
}

function compareLower(a: Range, b: Range): number {
  if (!a.min) return b.min ? -1 : 0;
  if (!b.min) return 1;
  const c = a.min.cmp(b.min);
  if (c !== 0) return c;
  return a.minInclusive === b.minInclusive ? 0 : a.minInclusive ? -1 : 1;
}

/** Whether every number in `a` is in `b`. */
export function rangeWithin(a: Range, b: Range): boolean {
  if (b.min) {
    if (!a.min) return false;
    const c = a.min.cmp(b.min);
    if (c < 0 || (c === 0 && a.minInclusive && !b.minInclusive)) return false;
  }
  return !reachesHigher(a, b);
}
