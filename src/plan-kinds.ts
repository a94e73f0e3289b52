import { Dec } from './decimal.js';
import type { Bilingual, ItemBase } from './kinds/define.js';
import type { BonusItem } from './kinds/bonus.js';
import type { ChecklistItem } from './kinds/checklist.js';
import type { CountItem } from './kinds/count.js';
import type { DeductItem } from './kinds/deduct.js';
import type { LevelsItem } from './kinds/levels.js';
import type { ProjectsItem } from './kinds/projects.js';
import { rateOf, type RateItem, type RateValue } from './kinds/rate.js';
import type { StatesItem } from './kinds/states.js';
import type { TiersItem } from './kinds/tiers.js';
import { inRange, type Range } from './range.js';
import { isRecord } from './is-record.js';
import { withUnit } from './kinds/shared.js';

/**
 * How the gap planner finds an item's reachable better outcomes, one entry
 * per rule kind. A planner proposes evidence changes; the planner engine
 * scores each with the kind's own scoring function, so a candidate's points
 * are never computed twice in two ways.
 */
export interface PlanCandidate {
  /** The item's new evidence, as it would be written in an evidence file. */
  evidence: unknown;
  /** Key for a costs file: a state or level id, "met", or (when absent) the points reached. */
  outcome?: string;
  /** The quantity that changes ("certified share"). */
  what?: Bilingual;
  /** Its value now and the value to reach ("0.88" → "≥ 0.9"). */
  from?: Bilingual;
  to?: Bilingual;
  /** The change in the evidence, when it says more than from → to ("certified 3 → 4"). */
  change?: Bilingual;
}

export interface PlannerContext {
  /** The item's points now. */
  current: Dec;
  /** The most the item can give. */
  max: Dec;
  /**
   * The step of points to offer outcomes in: the rubric's rounding step
   * (10^-places), but no finer than a hundredth of a point, so a rubric
   * keeping 12 places is planned in hundredths, not in 10^12 steps.
   */
  unit: Dec;
  /** 10^-places of the rubric's rounding: the points a kind gives are kept to this. */
  roundingUnit: Dec;
  /** The item's points for a candidate evidence value, scored exactly as `score` would; undefined when invalid. */
  points(evidence: unknown): Dec | undefined;
}

export interface KindPlanner<Item extends ItemBase = ItemBase> {
  /** The outcome keys a costs file may name for such an item; 'points' = the points reached. */
  outcomes(item: Item): readonly string[] | 'points';
  /**
   * Better outcomes reachable from the current evidence. `raw` is the
   * evidence as written (undefined when missing), `value` as the kind's
   * schema parsed it.
   */
  candidates(item: Item, raw: unknown, value: unknown, ctx: PlannerContext): PlanCandidate[];
}

export type AnyKindPlanner = KindPlanner<any>;

/* ---------------------------------------------------------------- helpers */

const bi = (zh: string, en: string): Bilingual => ({ zh, en });
const same = (s: string): Bilingual => ({ zh: s, en: s });

/** An evidence number: a JS number when it reads back as the same decimal, else the exact decimal string. */
export function evidenceNumber(d: Dec): number | string {
  const s = d.toString();
  const n = Number(s);
  return Number.isFinite(n) && String(n) === s ? n : s;
}

/** A value for display: exact when it terminates, else two places and "…". */
export const show = (d: Dec): string => d.toString(2);

function pow10(k: number): Dec {
  return Dec.of(1n, 10n ** BigInt(k));
}

/** Smallest multiple of 10^-k that is ≥ d (d ≥ 0). */
export function ceilTo(d: Dec, k: number): Dec {
  const scale = 10n ** BigInt(k);
  const num = d.n * scale;
  const q = num >= 0n ? (num + d.d - 1n) / d.d : num / d.d;
  return Dec.of(q, scale);
}

function ceil(d: Dec): Dec {
  return ceilTo(d, 0);
}

function bound(range: Range, side: 'min' | 'max'): string {
  const v = side === 'min' ? range.min : range.max;
  const inclusive = side === 'min' ? range.minInclusive : range.maxInclusive;
  const op = side === 'min' ? (inclusive ? '≥' : '>') : inclusive ? '≤' : '<';
  return `${op} ${(v as Dec).toString()}`;
}

/** The condition to show for moving `now` into `range` ("≥ 20"). */
function labelFor(range: Range, now: Dec | undefined): string {
  if (range.min && (!now || now.lt(range.min) || (now.eq(range.min) && !range.minInclusive))) return bound(range, 'min');
  if (range.max) return bound(range, 'max');
  return range.min ? bound(range, 'min') : range.text;
}

/**
 * The value nearest to `v` inside `range` (raising to the lower bound or
 * lowering to the upper one), respecting whole numbers and an upper limit;
 * with the condition to show ("≥ 0.9"). Undefined when no such value exists.
 */
export function nearestIn(range: Range, v: Dec, spec: { integer?: boolean | undefined; max?: Dec | undefined } = {}): { value: Dec; label: string } | undefined {
  if (inRange(v, range)) return { value: v, label: range.min ? bound(range, 'min') : range.max ? bound(range, 'max') : range.text };
  let t: Dec;
  let label: string;
  if (range.min && (v.lt(range.min) || (v.eq(range.min) && !range.minInclusive))) {
    const m = range.min;
    if (spec.integer) t = range.minInclusive ? ceil(m) : m.floor().add(Dec.ONE);
    else if (range.minInclusive) t = m.places() === undefined ? ceilTo(m, 4) : m;
    else {
      const p = (m.places() ?? 3) + 1;
      t = ceilTo(m, p);
      if (t.eq(m)) t = t.add(pow10(p));
    }
    label = bound(range, 'min');
  } else if (range.max) {
    const m = range.max;
    if (spec.integer) t = range.maxInclusive ? m.floor() : ceil(m).sub(Dec.ONE);
    else if (range.maxInclusive) t = m.places() === undefined ? m.sub(pow10(5)) : m;
    else {
      const p = (m.places() ?? 3) + 1;
      t = m.sub(pow10(p));
    }
    label = bound(range, 'max');
  } else return undefined;
  if (t.isNegative() || !inRange(t, range)) return undefined;
  if (spec.max && t.gt(spec.max)) return undefined;
  return { value: t, label };
}

/** The range of a numerator that puts numerator × factor⁻¹ … : every bound multiplied by `factor`. */
function scaleRange(range: Range, factor: Dec): Range {
  return {
    ...(range.min ? { min: range.min.mul(factor) } : {}),
    minInclusive: range.minInclusive,
    ...(range.max ? { max: range.max.mul(factor) } : {}),
    maxInclusive: range.maxInclusive,
    text: range.text,
  };
}

const MET = bi('满足', 'met');
const NOT_MET = bi('未满足', 'not met');
const NONE = same('—');

/* ---------------------------------------------------------------- kinds */

const check: KindPlanner = {
  outcomes: () => ['met'],
  candidates(_item, _raw, value) {
    if (value === true) return [];
    return [{ evidence: true, outcome: 'met', from: value === false ? NOT_MET : NONE, to: MET }];
  },
};

const checklist: KindPlanner<ChecklistItem> = {
  outcomes: () => ['met'],
  candidates(item, raw, value) {
    const conditions = item.conditions ?? [];
    if (conditions.length === 0) {
      if (value === true) return [];
      return [{ evidence: true, outcome: 'met', from: value === false ? NOT_MET : NONE, to: MET }];
    }
    // false: judged not met on the wording; every figure is then proposed.
    const values = (isRecord(value) ? value : {}) as Record<string, Dec | boolean>;
    const next: Record<string, unknown> = {};
    const zh: string[] = [];
    const en: string[] = [];
    let changed = false;
    for (const c of conditions) {
      const v = values[c.id];
      if (c.flag) {
        next[c.id] = true;
        if (v !== true) {
          changed = true;
          zh.push(`${c.zh}：${v === false ? '否' : '—'} → 是`);
          en.push(`${c.en}: ${v === false ? 'no' : '—'} → yes`);
        }
        continue;
      }
      const range = c.range as Range;
      const from = v instanceof Dec ? v : undefined;
      const start = from ?? (range.min ?? range.max ?? Dec.ZERO);
      const r = nearestIn(range, start.isNegative() ? Dec.ZERO : start, { integer: c.integer, max: c.max });
      if (!r) return [];
      next[c.id] = evidenceNumber(r.value);
      if (!from || !from.eq(r.value)) {
        changed = true;
        const now = from ? withUnit(show(from), c.unit) : same('—');
        const to = withUnit(r.label, c.unit);
        zh.push(`${c.zh} ${now.zh} → ${to.zh}`);
        en.push(`${c.en} ${now.en} → ${to.en}`);
      }
    }
    if (!changed) return [];
    const only = conditions.length === 1 ? conditions[0] : undefined;
    const evidence = only && !isRecord(raw) ? next[only.id] : next;
    return [{ evidence, outcome: 'met', from: value === undefined || value === null ? NONE : NOT_MET, to: MET, change: { zh: zh.join('；'), en: en.join('; ') } }];
  },
};

const states: KindPlanner<StatesItem> = {
  outcomes: (item) => item.states.map((s) => s.id),
  candidates(item, _raw, value) {
    const now = typeof value === 'string' ? item.states.find((s) => s.id === value) : undefined;
    const better = item.states
      .map((s, i) => ({ s, i }))
      .filter(({ s }) => !now || s.fraction.gt(now.fraction))
      .sort((a, b) => a.s.fraction.cmp(b.s.fraction) || a.i - b.i);
    const label = (s: StatesItem['states'][number] | undefined): Bilingual => (s ? same(s.id) : NONE);
    return better.map(({ s }) => ({ evidence: s.id, outcome: s.id, from: label(now), to: label(s) }));
  },
};

function countOf(raw: unknown): { count: Dec; of: Dec } | undefined {
  if (!isRecord(raw) || !('count' in raw) || !('of' in raw)) return undefined;
  const count = Dec.parse(String(raw.count));
  const of = Dec.parse(String(raw.of));
  return count && of ? { count, of } : undefined;
}

const rate: KindPlanner<RateItem> = {
  outcomes: () => 'points',
  candidates(item, raw, value, ctx) {
    const r = value instanceof Dec || isRecord(value) ? rateOf(value as RateValue) : Dec.ZERO;
    const counted = countOf(raw);
    const out: PlanCandidate[] = [];
    const countChange = (c: Dec, of: Dec, from: Dec): Bilingual => ({
      zh: `满意人数 ${from.toString()} → ${c.toString()}（共 ${of.toString()} 人）`,
      en: `count ${from.toString()} → ${c.toString()} of ${of.toString()}`,
    });
    if (item.mode === 'bands') {
      const bands = [...(item.bands ?? [])].filter((b) => b.points.gt(ctx.current)).sort((a, b) => a.points.cmp(b.points));
      for (const band of bands) {
        if (counted) {
          const { count, of } = counted;
          let c = band.range.min ? ceil(band.range.min.mul(of)) : count;
          if (c.lt(count)) c = count;
          while (c.lte(of) && !inRange(c.div(of), band.range) && !(band.range.max && c.div(of).gt(band.range.max))) c = c.add(Dec.ONE);
          if (c.gt(of) || !inRange(c.div(of), band.range) || c.eq(count)) continue;
          const label = band.range.min ? bound(band.range, 'min') : show(c.div(of));
          out.push({ evidence: { count: evidenceNumber(c), of: evidenceNumber(of) }, from: same(show(r)), to: same(label), change: countChange(c, of, count) });
        } else {
          const t = nearestIn(band.range, r, { max: Dec.ONE });
          if (!t || t.value.eq(r)) continue;
          out.push({ evidence: evidenceNumber(t.value), from: same(show(r)), to: same(t.label) });
        }
      }
      return out;
    }
    // linear: points × rate
    if (counted) {
      const { count, of } = counted;
      for (let c = count.add(Dec.ONE); c.lte(of); c = c.add(Dec.ONE)) {
        out.push({ evidence: { count: evidenceNumber(c), of: evidenceNumber(of) }, from: same(show(r)), to: same(`≥ ${show(c.div(of))}`), change: countChange(c, of, count) });
      }
      return out;
    }
    if (item.points.isZero()) return out;
    // The rate needed for each step of points, to a resolution fine enough that every step is reachable.
    let k = 0;
    while (item.points.mul(pow10(k)).gt(ctx.unit)) k++;
    // The least rate whose points, as the rubric rounds them, reach p: p less half a rounding step.
    const half = ctx.roundingUnit.div(Dec.int(2));
    // Whole steps: from a current 22.995, the next outcome in hundredths is 23, not 23.005.
    const first = ctx.current.div(ctx.unit).floor().add(Dec.ONE).mul(ctx.unit);
    for (let p = first; p.lte(ctx.max); p = p.add(ctx.unit)) {
      let x = ceilTo(Dec.max(Dec.ZERO, p.sub(half)).div(item.points), k);
      if (x.gt(Dec.ONE)) x = Dec.ONE;
      const got = ctx.points(evidenceNumber(x));
      if (got && got.lt(p) && x.lt(Dec.ONE)) x = Dec.min(Dec.ONE, x.add(pow10(k)));
      if (x.lte(r)) continue;
      out.push({ evidence: evidenceNumber(x), from: same(show(r)), to: same(`≥ ${x.toString()}`) });
    }
    return out;
  },
};

const tiers: KindPlanner<TiersItem> = {
  outcomes: () => 'points',
  candidates(item, raw, value, ctx) {
    // Without evidence only a tier whose conditions fix every measure can be planned.
    const values = (isRecord(value) ? value : {}) as Record<string, Dec>;
    const label = (id: string) => item.measures[id] ?? item.derived?.[id];
    const derivedNow = (id: string, vals: Record<string, Dec>): Dec | undefined => {
      const d = item.derived?.[id];
      if (!d) return vals[id];
      const n = vals[d.ratio[0]];
      const den = vals[d.ratio[1]];
      return n && den && !den.isZero() ? n.div(den).mul(d.scale ?? Dec.ONE) : undefined;
    };
    const out: PlanCandidate[] = [];
    const tiersUp = item.tiers
      .map((t, i) => ({ t, i }))
      .filter(({ t }) => t.points.gt(ctx.current))
      .sort((a, b) => a.t.points.cmp(b.t.points) || a.i - b.i);
    for (const { t: tier } of tiersUp) {
      const next: Record<string, Dec> = { ...values };
      const what: Bilingual[] = [];
      const from: Bilingual[] = [];
      const to: Bilingual[] = [];
      let ok = true;
      for (const [q, range] of Object.entries(tier.when)) {
        const spec = label(q);
        const now = derivedNow(q, next);
        const measure = item.measures[q];
        let target: { value: Dec; label: string } | undefined;
        if (measure) {
          target = nearestIn(range, next[q] ?? Dec.ZERO, { integer: measure.integer, max: measure.max });
          if (target) next[q] = target.value;
        } else {
          const d = item.derived?.[q];
          const den = d ? next[d.ratio[1]] : undefined;
          if (!d || !den || den.isZero()) {
            ok = false;
            break;
          }
          const numSpec = item.measures[d.ratio[0]];
          const scaled = scaleRange(range, den.div(d.scale ?? Dec.ONE));
          const r = nearestIn(scaled, next[d.ratio[0]] ?? Dec.ZERO, { integer: numSpec?.integer, max: numSpec?.max });
          if (r) {
            next[d.ratio[0]] = r.value;
            target = { value: r.value, label: labelFor(range, now) };
          }
        }
        if (!target) {
          ok = false;
          break;
        }
        if (now && inRange(now, range)) continue;
        what.push(spec ? { zh: spec.zh, en: spec.en } : same(q));
        from.push(withUnit(now ? show(now) : '—', spec?.unit));
        to.push(withUnit(target.label, spec?.unit));
      }
      if (!ok) continue;
      for (const [id, spec] of Object.entries(item.measures)) {
        const v = next[id];
        const other = spec.atMost ? next[spec.atMost] : undefined;
        if (v && other && v.gt(other)) ok = false;
      }
      if (!ok || Object.keys(item.measures).some((id) => !next[id])) continue;
      const changed = Object.keys(item.measures).filter((id) => next[id] && (!values[id] || !values[id].eq(next[id] as Dec)));
      if (changed.length === 0) continue;
      const ids = Object.keys(item.measures);
      const sole = ids.length === 1 && Object.keys(item.derived ?? {}).length === 0 ? ids[0] : undefined;
      const evidence = sole && !isRecord(raw) ? evidenceNumber(next[sole] as Dec) : Object.fromEntries(ids.map((id) => [id, evidenceNumber(next[id] ?? Dec.ZERO)]));
      // Each changed measure by its label: from → to, with its unit.
      const lines = changed.map((id) => {
        const spec = item.measures[id];
        const to = withUnit(show(next[id] as Dec), spec?.unit);
        const now = values[id] ? show(values[id]) : '—';
        return { zh: `${spec?.zh ?? id} ${now} → ${to.zh}`, en: `${spec?.en ?? id} ${now} → ${to.en}` };
      });
      const change = { zh: lines.map((l) => l.zh).join('；'), en: lines.map((l) => l.en).join('; ') };
      const join = (xs: Bilingual[]): Bilingual => ({ zh: xs.map((x) => x.zh).join('，'), en: xs.map((x) => x.en).join(', ') });
      out.push({
        evidence,
        outcome: tier.points.toString(),
        ...(what.length ? { what: join(what), from: join(from), to: join(to) } : {}),
        change,
      });
    }
    return out;
  },
};

const count: KindPlanner<CountItem> = {
  outcomes: () => 'points',
  candidates(item, raw, value) {
    const values = (isRecord(value) ? value : {}) as Record<string, Dec>;
    const out: PlanCandidate[] = [];
    for (const c of item.counts) {
      if (c.per.isZero()) continue;
      const n = values[c.id] ?? Dec.ZERO;
      const step = c.step ?? Dec.ONE;
      const steps = n.div(step).floor();
      let raw0 = Dec.ZERO;
      for (const o of item.counts) raw0 = raw0.add((values[o.id] ?? Dec.ZERO).div(o.step ?? Dec.ONE).floor().mul(o.per));
      for (let k = 1; raw0.add(c.per.mul(Dec.int(k - 1))).lt(item.cap); k++) {
        const m = steps.add(Dec.int(k)).mul(step);
        const next = Object.fromEntries(item.counts.map((o) => [o.id, evidenceNumber(o.id === c.id ? m : (values[o.id] ?? Dec.ZERO))]));
        const evidence = item.counts.length === 1 && !isRecord(raw) ? next[c.id] : next;
        out.push({ evidence, what: { zh: c.zh, en: c.en }, from: withUnit(n.toString(), c.unit), to: withUnit(m.toString(), c.unit) });
      }
    }
    return out;
  },
};

const deduct: KindPlanner<DeductItem> = {
  outcomes: () => 'points',
  candidates(item, raw, value) {
    const ds = item.deductions;
    const keys = [...ds.map((d) => d.id), ...(item.precondition ? [item.precondition.id] : [])];
    const shape = (vals: Record<string, unknown>): unknown => {
      const sole = ds.length === 1 && !ds[0]?.flag && !item.precondition ? ds[0] : undefined;
      return sole && !isRecord(raw) ? vals[sole.id] : Object.fromEntries(keys.map((k) => [k, vals[k]]));
    };
    if (!isRecord(value)) {
      // No evidence: the evidence of a community with nothing deducted.
      const vals: Record<string, unknown> = {};
      for (const d of ds) vals[d.id] = d.flag ? false : evidenceNumber(d.shortOf ?? Dec.ZERO);
      if (item.precondition) vals[item.precondition.id] = true;
      return [{ evidence: shape(vals), change: bi('补全证据：无扣分', 'evidence completed: nothing deducted') }];
    }
    const vals = value as Record<string, Dec | boolean>;
    const pre = item.precondition;
    const preFails = pre ? vals[pre.id] === false : false;
    // A deduction left out (its precondition false) is read as deducting nothing.
    const given = (d: DeductItem['deductions'][number]): Dec => {
      const v = vals[d.id];
      return v instanceof Dec ? v : (d.shortOf ?? Dec.ZERO);
    };
    const stepsOf = ds.map((d) => {
      const v = vals[d.id];
      if (d.flag) return v === true ? 1 : 0;
      const n = given(d);
      const step = d.step ?? Dec.ONE;
      const counted = d.shortOf ? Dec.max(Dec.ZERO, d.shortOf.sub(n)) : n;
      return Number(counted.div(step).floor().n);
    });
    // Every combination of fewer steps per deduction, the smallest changes first.
    let combos: number[][] = [[]];
    const total = stepsOf.reduce((p, s) => p * (s + 1), 1);
    if (total <= 20_000) {
      for (const s of stepsOf) combos = combos.flatMap((c) => Array.from({ length: s + 1 }, (_, k) => [...c, s - k]));
    } else {
      combos = [stepsOf, ...stepsOf.flatMap((s, i) => Array.from({ length: s }, (_, k) => stepsOf.map((x, j) => (j === i ? s - k - 1 : x)))), stepsOf.map(() => 0)];
    }
    const keyOf = (c: number[]) => [c.filter((s, i) => s !== stepsOf[i]).length, c.reduce((a, s, i) => a + ((stepsOf[i] ?? 0) - s), 0)] as const;
    combos = combos
      .map((c, i) => ({ c, i, k: keyOf(c) }))
      .sort((a, b) => a.k[0] - b.k[0] || a.k[1] - b.k[1] || a.i - b.i)
      .map((x) => x.c);
    const out: PlanCandidate[] = [];
    for (const combo of combos) {
      const changedAny = combo.some((s, i) => s !== stepsOf[i]);
      if (!changedAny && !preFails) continue;
      const next: Record<string, unknown> = {};
      const zh: string[] = [];
      const en: string[] = [];
      if (pre) {
        next[pre.id] = true;
        if (preFails) {
          zh.push(`${pre.zh}：否 → 是`);
          en.push(`${pre.en}: no → yes`);
        }
      }
      ds.forEach((d, i) => {
        const s = stepsOf[i] as number;
        const s2 = combo[i] as number;
        if (d.flag) {
          next[d.id] = s2 === 1;
          if (s2 !== s) {
            zh.push(`${d.zh}：是 → 否`);
            en.push(`${d.en}: yes → no`);
          }
          return;
        }
        const n = given(d);
        const step = d.step ?? Dec.ONE;
        let n2 = n;
        if (s2 !== s) n2 = d.shortOf ? d.shortOf.sub(step.mul(Dec.int(s2))) : n.sub(step.mul(Dec.int(s - s2)));
        next[d.id] = evidenceNumber(n2);
        if (s2 !== s) {
          const to = withUnit(n2.toString(), d.unit);
          zh.push(`${d.zh} ${n.toString()} → ${to.zh}`);
          en.push(`${d.en} ${n.toString()} → ${to.en}`);
        }
      });
      out.push({ evidence: shape(next), change: { zh: zh.join('；'), en: en.join('; ') } });
    }
    return out;
  },
};

const levels: KindPlanner<LevelsItem> = {
  outcomes: (item) => item.levels.map((l) => l.id),
  candidates(item, _raw, value) {
    const reached = Array.isArray(value) ? (value as string[]) : [];
    let best: LevelsItem['levels'][number] | undefined;
    for (const id of reached) {
      const l = item.levels.find((x) => x.id === id);
      if (l && (!best || l.points.gt(best.points))) best = l;
    }
    return item.levels
      .map((l, i) => ({ l, i }))
      .filter(({ l }) => l.points.gt(best?.points ?? Dec.ZERO))
      .sort((a, b) => a.l.points.cmp(b.l.points) || a.i - b.i)
      .map(({ l }) => ({
        evidence: [...reached, l.id],
        outcome: l.id,
        what: bi('最高级别', 'highest level'),
        from: best ? bi(best.zh, best.en) : NONE,
        to: bi(l.zh, l.en),
      }));
  },
};

const bonus: KindPlanner<BonusItem> = {
  outcomes: () => 'points',
  candidates(item, raw, value) {
    const e = isRecord(value) ? (value as { year?: number; honours: { matter: string; level: string; year?: number }[] }) : undefined;
    if (!e && item.window) return []; // the assessment year is not known
    const honours = e?.honours ?? [];
    const rawHonours = isRecord(raw) && Array.isArray(raw.honours) ? (raw.honours as unknown[]) : [];
    const base = isRecord(raw) ? raw : {};
    const year = e?.year;
    const inWindow = (h: { year?: number }) => !(item.window && year !== undefined && h.year !== undefined && h.year < year - item.window.years + 1);
    const best = new Map<string, BonusItem['levels'][number]>();
    for (const h of honours) {
      if (!inWindow(h)) continue;
      const l = item.levels.find((x) => x.id === h.level);
      const prev = best.get(h.matter);
      if (l && (!prev || l.points.gt(prev.points))) best.set(h.matter, l);
    }
    const levelsUp = [...item.levels].filter((l) => l.points.gt(Dec.ZERO)).sort((a, b) => a.points.cmp(b.points));
    const smallest = levelsUp[0];
    if (!smallest) return [];
    const out: { c: PlanCandidate; added: number; points: Dec }[] = [];
    const make = (add: { matter: string; level: BonusItem['levels'][number] }[], zh: string, en: string, points: Dec) => {
      const extra = add.map((a) => ({ matter: a.matter, level: a.level.id, ...(year !== undefined ? { year } : {}) }));
      out.push({ c: { evidence: { ...base, honours: [...rawHonours, ...extra] }, change: { zh, en } }, added: add.length, points });
    };
    // Raise a counted matter to a higher level.
    for (const [matter, l] of [...best.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      for (const up of levelsUp.filter((x) => x.points.gt(l.points))) {
        make([{ matter, level: up }], `“${matter}”由${l.zh}升为${up.zh}`, `"${matter}" raised from ${l.en} to ${up.en}`, up.points.sub(l.points));
      }
    }
    // Add new matters: every multiset of levels up to what the cap can take.
    const most = Math.min(6, Number(ceil(item.cap.div(smallest.points)).n));
    const names = new Set(honours.map((h) => h.matter));
    const fresh: string[] = [];
    for (let i = 1; fresh.length < most; i++) if (!names.has(`新增事项${i}`)) fresh.push(`新增事项${i}`);
    const walk = (from: number, picked: BonusItem['levels'][number][]) => {
      if (picked.length) {
        const zh = picked.map((l) => l.zh);
        const points = Dec.sum(picked.map((l) => l.points));
        make(
          picked.map((level, i) => ({ matter: fresh[i] as string, level })),
          `新增表彰：${zh.join('、')}（${picked.length} 项新事项）`,
          `add ${picked.map((l) => `a ${l.en} honour`).join(', ')} (${picked.length === 1 ? 'a new matter' : `${picked.length} new matters`})`,
          points,
        );
      }
      if (picked.length >= most) return;
      for (let i = from; i < levelsUp.length; i++) walk(i, [...picked, levelsUp[i] as BonusItem['levels'][number]]);
    };
    walk(0, []);
    return out
      .map((x, i) => ({ ...x, i }))
      .sort((a, b) => a.added - b.added || a.points.cmp(b.points) || a.i - b.i)
      .map((x) => x.c);
  },
};

const projects: KindPlanner<ProjectsItem> = {
  outcomes: () => 'points',
  candidates(item, raw, value) {
    const list = Array.isArray(value) ? (value as { name: string; category: string; score: Dec }[]) : [];
    const rawList = Array.isArray(raw) ? (raw as Record<string, unknown>[]) : [];
    const out: PlanCandidate[] = [];
    if (list.length === 0) {
      const category = item.categories[0];
      if (!category) return out;
      for (let s = Dec.ONE; s.lte(item.scoreMax); s = s.add(Dec.ONE)) {
        out.push({
          evidence: [{ name: '新项目1', category: category.id, score: evidenceNumber(s) }],
          what: bi('项目平均分', 'mean project score'),
          from: NONE,
          to: same(`≥ ${s.toString()}`),
          change: { zh: `新增项目（${category.zh}），得分 ${s.toString()}`, en: `add a project (${category.en}) scoring ${s.toString()}` },
        });
      }
      return out;
    }
    const n = Dec.int(list.length);
    const sum = Dec.sum(list.map((p) => p.score));
    const mean = sum.div(n);
    const room = item.scoreMax.mul(n).sub(sum);
    // Raise the total score one point at a time, lifting the lowest scores first.
    const order = list.map((p, i) => ({ p, i })).sort((a, b) => a.p.score.cmp(b.p.score) || a.i - b.i);
    for (let add = Dec.ONE; add.lte(ceil(room)); add = add.add(Dec.ONE)) {
      let left = Dec.min(add, room);
      const scores = list.map((p) => p.score);
      for (const { i } of order) {
        if (left.isZero()) break;
        const s = scores[i] as Dec;
        const up = Dec.min(left, item.scoreMax.sub(s));
        scores[i] = s.add(up);
        left = left.sub(up);
      }
      const changed = list.map((p, i) => ({ p, i })).filter(({ p, i }) => !p.score.eq(scores[i] as Dec));
      const evidence = list.map((p, i) => ({ ...(rawList[i] ?? { name: p.name, category: p.category }), score: evidenceNumber(scores[i] as Dec) }));
      const newMean = Dec.sum(scores).div(n);
      out.push({
        evidence,
        what: bi('项目平均分', 'mean project score'),
        from: same(show(mean)),
        to: same(`≥ ${show(newMean)}`),
        change: {
          zh: changed.map(({ p, i }) => `“${p.name}” ${p.score.toString()} → ${(scores[i] as Dec).toString()}`).join('；'),
          en: changed.map(({ p, i }) => `"${p.name}" ${p.score.toString()} → ${(scores[i] as Dec).toString()}`).join('; '),
        },
      });
    }
    return out;
  },
};

/** The built-in kinds' planners (sum is planned through its parts by the planner engine). */
export const builtinPlanners: Readonly<Record<string, AnyKindPlanner>> = { check, checklist, states, rate, tiers, count, deduct, levels, bonus, projects };
