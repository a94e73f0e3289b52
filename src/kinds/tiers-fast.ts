import { Dec } from '../decimal.js';
import { numberLiteral } from '../codegen.js';
import type { FastContext, FastScorer, FastTracer } from './define.js';
import { numberText, ratioText } from './fast-text.js';
import { tiersReason, wordsOf } from './tiers-words.js';
import { exactDouble, exactObjectBindings, exactObjectSource, plainNumber, rangeBounds, rangeHolds, ratioBounds, ratioHolds, type FieldReader, type RangeBounds, type RatioBounds } from './fast.js';
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
  /** Highest points first: the first tier that holds is the best one (negative points too); none, 0. `index` is its place in the item. */
  tiers: { points: number; conditions: Condition[]; index: number }[];
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
  for (const [index, tier] of item.tiers.entries()) {
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
    tiers.push({ points, conditions, index });
  }
  // A stable sort: of tiers worth the same, the first in the item stays first, as the exact path chooses.
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

/** Reads raw evidence into `values` (measures by index), checked as the closures and the generated code check it. */
function readChecked(plan: TiersPlan, read: FieldReader, raw: unknown, values: unknown[]): values is number[] {
  if (plan.sole && typeof raw === 'number') values[0] = raw;
  else if (!read(raw, values)) return false;
  for (let j = 0; j < plan.measures.length; j++) {
    const m = plan.measures[j] as Measure;
    const x = plainNumber(values[j], m.integer, m.max);
    if (x === undefined) return false;
    if (m.atMost >= 0 && !(x <= (values[m.atMost] as number))) return false;
  }
  return true;
}

/** The best tier that holds (its place in plan.tiers), -1 for none, or undefined when the exact path must decide. */
function bestTier(plan: TiersPlan, numbers: readonly number[]): number | undefined {
  for (let t = 0; t < plan.tiers.length; t++) {
    let all = true;
    for (const c of (plan.tiers[t] as TiersPlan['tiers'][number]).conditions) {
      const h = holds(c, numbers);
      if (h === undefined) return undefined;
      if (!h) {
        all = false;
        break;
      }
    }
    if (all) return t;
  }
  return -1;
}

function closures(plan: TiersPlan, ctx: FastContext): FastScorer {
  const read = ctx.fields(plan.ids);
  // One array for the values, reused; a call made while it is in use (a getter in the evidence
  // scoring again) gets its own.
  const scratch: unknown[] = plan.ids.map(() => 0);
  let busy = false;
  return (raw) => {
    const values = busy ? plan.ids.map(() => 0) : scratch;
    busy = true;
    try {
      if (!readChecked(plan, read, raw, values)) return undefined;
      const t = bestTier(plan, values);
      return t === undefined ? undefined : t < 0 ? 0 : (plan.tiers[t] as TiersPlan['tiers'][number]).points;
    } finally {
      if (values === scratch) busy = false;
    }
  };
}

/**
 * The fast tracer of a tiers item: the closures' decision, then the texts of
 * the measures (as written) and of the derived ratios (exact, by long
 * division), worded by tiersReason as the exact path words them.
 */
export function tiersTrace(item: TiersItem, ctx: FastContext, sole: boolean): FastTracer | undefined {
  const plan = planOf(item, ctx, sole);
  if (!plan) return undefined;
  const words = wordsOf(item);
  const at = new Map(plan.ids.map((id, j) => [id, j]));
  const derived: { id: string; num: number; den: number; scaleNum: number; scaleDen: number }[] = [];
  for (const [id, spec] of Object.entries(item.derived ?? {})) {
    const scale = spec.scale ?? Dec.ONE;
    const scaleNum = Number(scale.n);
    const scaleDen = Number(scale.d);
    if (!Number.isSafeInteger(scaleNum) || !Number.isSafeInteger(scaleDen)) return undefined;
    derived.push({ id, num: at.get(spec.ratio[0]) as number, den: at.get(spec.ratio[1]) as number, scaleNum, scaleDen });
  }
  // The evidence echo has the measures' keys sorted, as `plain` writes it.
  const echoOrder = [...plan.ids].sort().map((id) => ({ id, j: at.get(id) as number }));
  const read = ctx.fields(plan.ids);
  return (raw) => {
    const values: unknown[] = plan.ids.map(() => 0);
    if (!readChecked(plan, read, raw, values)) return undefined;
    const t = bestTier(plan, values);
    if (t === undefined) return undefined;
    const texts: (string | undefined)[] = [];
    for (const x of values) {
      const text = numberText(x);
      if (text === undefined) return undefined;
      texts.push(text);
    }
    let detail: Record<string, string | null> | undefined;
    for (const d of derived) {
      detail ??= {};
      const den = values[d.den] as number;
      if (den === 0) {
        texts.push(undefined);
        detail[d.id] = null;
        continue;
      }
      const num = values[d.num] as number;
      // A ratio of fractional quantities takes the exact path, as in `holds`: a double product such
      // as 0.47000000000000003 × 100 may round to a whole number the decimal product is not.
      if (!Number.isSafeInteger(num) || !Number.isSafeInteger(den)) return undefined;
      const n = num * d.scaleNum;
      const m = den * d.scaleDen;
      // Detail at Dec's 12 places, the reason at fmt's 4, as Dec.toString(12) and (4) write them:
      // a terminating ratio whole in both, a repeating one cut at each (never rounded).
      const full = ratioText(n, m, 12);
      const short = ratioText(n, m, 4);
      if (full === undefined || short === undefined) return undefined;
      texts.push(short);
      detail[d.id] = full;
    }
    const evidence: Record<string, string> = {};
    for (const { id, j } of echoOrder) evidence[id] = texts[j] as string;
    const tier = t < 0 ? undefined : (plan.tiers[t] as TiersPlan['tiers'][number]);
    return { points: tier ? tier.points : 0, evidence, reason: tiersReason(words, texts, tier?.index), detail: detail ?? {} };
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
