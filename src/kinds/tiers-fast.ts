import { Dec } from '../decimal.js';
import { numberLiteral } from '../codegen.js';
import type { FastContext, FastScorer } from './define.js';
import { exactDouble, exactObjectBindings, exactObjectSource, plainNumber, rangeBounds, rangeHolds, ratioBounds, ratioHolds, type RangeBounds, type RatioBounds } from './fast.js';
import type { MeasureSpec } from './shared.js';
import type { TiersItem } from './tiers.js';

/**
 * The tiers kind's fast path: integer points from plain numbers, without
 * Dec. Planned once per item as data (measures by index, each tier's
 * conditions as bounds), then written out as code for that item where code
 * may be generated, or run by closures where not; both decide alike.
 */

interface Measure {
  integer: boolean | undefined;
  max: number | undefined;
  /** Index of the measure this one is at most, or -1. */
  atMost: number;
}

type Condition = { kind: 'range'; at: number; bounds: RangeBounds } | { kind: 'ratio'; num: number; den: number; bounds: RatioBounds };

interface TiersPlan {
  ids: string[];
  /** A lone number stands for the only measure. */
  sole: boolean;
  measures: Measure[];
  /** Highest points first: the first tier that holds is the best one (negative points too); none, 0. */
  tiers: { points: number; conditions: Condition[] }[];
}

function planOf(item: TiersItem, ctx: FastContext, sole: boolean): TiersPlan | undefined {
  const ids = Object.keys(item.measures);
  const at = new Map(ids.map((id, i) => [id, i]));
  const measures: Measure[] = [];
  for (const id of ids) {
    const spec = item.measures[id] as MeasureSpec;
    const max = spec.max ? exactDouble(spec.max) : undefined;
    const atMost = spec.atMost === undefined ? -1 : at.get(spec.atMost);
    if ((spec.max !== undefined && max === undefined) || atMost === undefined) return undefined;
    measures.push({ integer: spec.integer, max, atMost });
  }
  const tiers: TiersPlan['tiers'] = [];
  for (const tier of item.tiers) {
    const points = ctx.scaled(tier.points);
    if (points === undefined) return undefined;
    const conditions: Condition[] = [];
    for (const [q, range] of Object.entries(tier.when)) {
      const derived = item.derived?.[q];
      if (derived) {
        const bounds = ratioBounds(range, derived.scale ?? Dec.ONE);
        const num = at.get(derived.ratio[0]);
        const den = at.get(derived.ratio[1]);
        if (!bounds || num === undefined || den === undefined) return undefined;
        conditions.push({ kind: 'ratio', num, den, bounds });
      } else {
        const bounds = rangeBounds(range);
        const j = at.get(q);
        if (!bounds || j === undefined) return undefined;
        conditions.push({ kind: 'range', at: j, bounds });
      }
    }
    tiers.push({ points, conditions });
  }
  tiers.sort((a, b) => b.points - a.points);
  return { ids, sole, measures, tiers };
}

/** The fast scorer of a tiers item, or undefined when its numbers do not allow one. */
export function tiersFast(item: TiersItem, ctx: FastContext, sole: boolean): FastScorer | undefined {
  const plan = planOf(item, ctx, sole);
  if (!plan) return undefined;
  return generated(plan, ctx) ?? closures(plan, ctx);
}

/** Whether a condition holds for these values: true, false, or undefined (the exact path must decide). */
function holds(c: Condition, v: readonly number[]): boolean | undefined {
  if (c.kind === 'range') return rangeHolds(c.bounds, v[c.at] as number);
  const n = v[c.num] as number;
  const d = v[c.den] as number;
  if (d === 0) return false;
  // ratios of fractional quantities take the exact path
  if (!Number.isSafeInteger(n) || !Number.isSafeInteger(d)) return undefined;
  return ratioHolds(c.bounds, n, d);
}

function closures(plan: TiersPlan, ctx: FastContext): FastScorer {
  const { ids, sole, measures, tiers } = plan;
  const read = ctx.fields(ids);
  // One array for the values, reused; a call made while it is in use (a getter in the evidence
  // scoring again) gets its own.
  const scratch: unknown[] = ids.map(() => 0);
  let busy = false;
  return (raw) => {
    const values = busy ? ids.map(() => 0) : scratch;
    busy = true;
    try {
      if (sole && typeof raw === 'number') values[0] = raw;
      else if (!read(raw, values)) return undefined;
      for (let j = 0; j < measures.length; j++) {
        const m = measures[j] as Measure;
        const x = plainNumber(values[j], m.integer, m.max);
        if (x === undefined) return undefined;
        if (m.atMost >= 0 && !(x <= (values[m.atMost] as number))) return undefined;
      }
      const numbers = values as number[];
      for (const tier of tiers) {
        let all = true;
        for (const c of tier.conditions) {
          const h = holds(c, numbers);
          if (h === undefined) return undefined;
          if (!h) {
            all = false;
            break;
          }
        }
        if (all) return tier.points;
      }
      return 0;
    } finally {
      if (values === scratch) busy = false;
    }
  };
}

/** The same decisions written out as code for this item: constants inline, no loops, no calls. */
function generated(plan: TiersPlan, ctx: FastContext): FastScorer | undefined {
  const { ids, sole, measures, tiers } = plan;
  const v = (j: number) => `v${j}`;
  const lit = numberLiteral;
  const lines: string[] = ['return function tiers(raw) {', `  let ${ids.map((_, j) => v(j)).join(', ')}, a, b, h;`];
  const readObject = exactObjectSource(ids, 'raw', 'return undefined;', v).map((l) => `  ${l}`);
  if (sole) lines.push(`  if (typeof raw === "number") ${v(0)} = raw;`, '  else {', ...readObject, '  }');
  else lines.push('  {', ...readObject, '  }');
  measures.forEach((m, j) => {
    // plainNumber, then the measure's bound and its whole (fast.ts)
    const x = v(j);
    lines.push(`  if (typeof ${x} !== "number" || !(${x} >= 0) || ${x} === Infinity) return undefined;`);
    lines.push(m.integer ? `  if (!isSafeInteger(${x})) return undefined;` : `  if (!isFinite(${x})) return undefined;`);
    if (m.max !== undefined) lines.push(`  if (${x} > ${lit(m.max)}) return undefined;`);
    if (m.atMost >= 0) lines.push(`  if (!(${x} <= ${v(m.atMost)})) return undefined;`);
  });
  for (const tier of tiers) {
    // Conditions in order; the first that fails ends the tier, one the fast path cannot decide ends it all.
    const body: string[] = ['  h = true;'];
    for (const c of tier.conditions) {
      const test: string[] = [];
      if (c.kind === 'range') {
        const { lo, hi, minInclusive, maxInclusive } = c.bounds;
        const x = v(c.at);
        test.push(`h = ${x} ${minInclusive ? '>=' : '>'} ${lit(lo)} && ${x} ${maxInclusive ? '<=' : '<'} ${lit(hi)};`);
      } else {
        const n = v(c.num);
        const d = v(c.den);
        const { lo, hi, minInclusive, maxInclusive } = c.bounds;
        test.push(`if (${d} === 0) h = false;`);
        test.push(`else if (!isSafeInteger(${n}) || !isSafeInteger(${d})) return undefined;`);
        if (lo) {
          test.push(`else { a = ${n} * ${lit(lo.left)}; b = ${lit(lo.right)} * ${d};`);
          test.push(`  if (!isSafeInteger(a) || !isSafeInteger(b)) return undefined; if (a ${minInclusive ? '<' : '<='} b) h = false; }`);
        }
        if (hi) {
          test.push(`if (h) { a = ${n} * ${lit(hi.left)}; b = ${lit(hi.right)} * ${d};`);
          test.push(`  if (!isSafeInteger(a) || !isSafeInteger(b)) return undefined; if (a ${maxInclusive ? '>' : '>='} b) h = false; }`);
        }
      }
      body.push(`  if (h) { ${test.join(' ')} }`);
    }
    lines.push('  {', ...body.map((l) => `  ${l}`), `    if (h) return ${lit(tier.points)};`, '  }');
  }
  lines.push('  return 0;', '};');
  return ctx.generate<FastScorer>({ ...exactObjectBindings(ids), isSafeInteger: Number.isSafeInteger, isFinite: Number.isFinite }, lines.join('\n'));
}
