import { scaledInteger } from './decimal.js';
import type { CompiledRubric, MissingPolicy } from './compile.js';
import { count, scoreOneItem, type ScoreOptions } from './evaluate.js';
import { freezeTrace } from './frozen-trace.js';
import type { AnyRuleKind, FastTracer, ItemBase, ItemTrace } from './kinds/define.js';
import { codeHooks } from './kinds/fast.js';
import { plain } from './kinds/shared.js';
import { MAX_DEPTH, tooDeep } from './load.js';
import type { ScoreResult, SectionTrace } from './result.js';
import type { Section } from './schema.js';
import { judge, planFor, ratioTextOf, textOf, type FastPlan } from './totals.js';

/**
 * The full trace by the totals path's integer plan (totals.ts): each item's
 * trace from its kind's fast tracer, or for a primitive value seen before
 * (a criterion met or not, a state, a small count) the trace that value got,
 * shared and frozen; anything else is scored exactly, item by item. Section
 * sums, caps, gates and the grade are the plan's integer ones. A record with
 * any problem, or points the plan cannot count, is left to the exact path
 * (evaluate.ts), which reports it. Both give byte-identical results
 * (property-tested on every bundled rubric).
 */

/** An item's trace and its points in 10^-places. */
interface Traced {
  trace: ItemTrace;
  points: number;
}

/** Primitive values remembered per item, at most: the first ones seen. */
const MAX_VALUES_PER_ITEM = 256;
const MAX_STRING = 64;

interface TraceItem {
  item: ItemBase;
  max: string;
  tracer: FastTracer | undefined;
  /** Traces of primitive values, by value, under each missing-evidence policy (schemas differ by policy). */
  byValue: Record<MissingPolicy, Map<unknown, Traced>>;
  /** The trace of an item given null under missing: zero. */
  missing: Traced | undefined;
}

interface TracePlan {
  items: TraceItem[];
  /** The plan's sections, flat and in the same order. */
  sections: { section: Section; max: string }[];
}

const tracePlans = new WeakMap<FastPlan, TracePlan | null>();

function tracePlanOf(compiled: CompiledRubric, plan: FastPlan): TracePlan | null {
  const cached = tracePlans.get(plan);
  if (cached !== undefined) return cached;
  const hooks = codeHooks(!compiled.jitless);
  const scaled = (d: Parameters<typeof scaledInteger>[0]) => scaledInteger(d, plan.places);
  const items: TraceItem[] = [];
  for (const planItem of plan.items) {
    const item = compiled.items.get(planItem.id) as ItemBase;
    const kind = compiled.kinds.get(item.kind) as AnyRuleKind;
    // A tracer for items without parts: `fastFor` of parts is the totals path's; a kind with parts traces exactly.
    const tracer = kind.fastTrace?.(item, { scaled, fastFor: () => undefined, ...hooks });
    const missingTrace = scoreOneItem(compiled, item, undefined);
    const missingPoints = scaledInteger(missingTrace.points, plan.places);
    items.push({
      item,
      max: compiled.maxOf(item).toString(),
      tracer,
      byValue: { error: new Map(), zero: new Map() },
      missing: missingPoints === undefined ? undefined : { trace: freezeTrace(missingTrace.trace), points: missingPoints },
    });
  }
  // The plan's flat sections are the rubric's in pre-order (a section, then its subsections).
  const sections: TracePlan['sections'] = [];
  const walk = (s: Section) => {
    sections.push({ section: s, max: s.max.toString() });
    s.sections?.forEach(walk);
  };
  compiled.rubric.sections.forEach(walk);
  const ok = sections.length === plan.flat.length && sections.every((s, i) => s.section.id === plan.flat[i]?.id);
  const tracePlan = ok ? { items, sections } : null;
  tracePlans.set(plan, tracePlan);
  return tracePlan;
}

/** Whether a value is remembered by itself: a boolean, a number (not -0, which a schema may tell from 0) or a short string. */
function isKeyable(raw: unknown): boolean {
  switch (typeof raw) {
    case 'boolean':
      return true;
    case 'number':
      return !Object.is(raw, -0);
    case 'string':
      return raw.length <= MAX_STRING;
    default:
      return false;
  }
}

/** The full result by the integer plan, or undefined when the exact path must decide. */
export function fastScore(compiled: CompiledRubric, evidence: unknown, options: ScoreOptions): ScoreResult | undefined {
  const plan = planFor(compiled);
  if (!plan || evidence === null || typeof evidence !== 'object' || Array.isArray(evidence)) return undefined;
  // Evidence or a community record too deep or too large to walk safely is the exact path's to refuse.
  if (options.community !== undefined && tooDeep(options.community, MAX_DEPTH)) return undefined;
  if (plan.walkFirst && tooDeep(evidence, MAX_DEPTH)) return undefined;
  const tracePlan = tracePlanOf(compiled, plan);
  if (!tracePlan) return undefined;
  const given = evidence as Record<string, unknown>;
  const policy: MissingPolicy = options.missing === 'zero' ? 'zero' : 'error';
  const n = plan.items.length;
  const traces = new Array<ItemTrace>(n);
  const points = new Array<number>(n);
  let walked = plan.walkFirst;

  /** One item's trace: remembered, traced fast, or scored exactly (after the walk that bounds what it reads). */
  const traceItem = (i: number, raw: unknown): boolean => {
    const ti = tracePlan.items[i] as TraceItem;
    let traced: Traced | undefined;
    if (raw === null) {
      // Missing evidence is 0 under missing: zero; otherwise the exact path reports it.
      if (policy !== 'zero') return false;
      traced = ti.missing;
    } else {
      const keyable = isKeyable(raw);
      const memo = ti.byValue[policy];
      traced = keyable ? memo.get(raw) : undefined;
      if (!traced) {
        const fast = ti.tracer?.(raw);
        if (fast) traced = { trace: traceOf(ti, fast.points, plan, fast.met, fast.evidence, fast.reason, fast.detail), points: fast.points };
        else {
          if (!walked) {
            if (tooDeep(given, MAX_DEPTH)) return false;
            walked = true;
          }
          traced = exactly(compiled, plan, ti, raw, policy);
        }
        if (traced && keyable && memo.size < MAX_VALUES_PER_ITEM) memo.set(raw, traced);
      }
    }
    if (!traced) return false;
    traces[i] = traced.trace;
    points[i] = traced.points;
    return true;
  };

  // One pass over the record's own keys, as the totals path reads them.
  let at = 0;
  for (const key in given) {
    if (!Object.prototype.hasOwnProperty.call(given, key)) continue;
    const i = plan.keyOrder.indexOf(key, at);
    if (i === undefined) return undefined;
    at++;
    const raw = given[key];
    if (raw === undefined || !traceItem(i, raw)) return undefined;
  }
  plan.keyOrder.learn(given);
  if (at !== n) {
    if (policy !== 'zero') return undefined;
    for (let i = 0; i < n; i++) {
      if (traces[i] !== undefined) continue;
      // An own key for-in does not list (not enumerable) is the exact path's to read.
      if (Object.prototype.hasOwnProperty.call(given, (plan.items[i] as { id: string }).id)) return undefined;
      if (!traceItem(i, null)) return undefined;
    }
  }
  return assemble(compiled, plan, tracePlan, given, policy === 'zero', traces, points, options);
}

/** A trace in scoreOneItem's shape (one literal for every item), frozen: it may be remembered and shared. */
function traceOf(ti: TraceItem, scaled: number, plan: FastPlan, met: boolean | undefined, evidence: unknown, reason: ItemTrace['reason'], detail: ItemTrace['detail']): ItemTrace {
  const { item } = ti;
  return freezeTrace({
    id: item.id,
    title: item.title,
    kind: item.kind,
    points: textOf(plan, scaled),
    max: ti.max,
    met,
    evidence,
    reason,
    clause: item.clause || undefined,
    category: item.category || undefined,
    method: item.method || undefined,
    note: item.note || undefined,
    detail,
    rounded: undefined,
    parts: undefined,
  });
}

/** An item scored by the exact path alone; undefined when its evidence is not valid (the exact path reports it) or its points are finer than the plan counts. */
function exactly(compiled: CompiledRubric, plan: FastPlan, ti: TraceItem, raw: unknown, policy: MissingPolicy): Traced | undefined {
  const parsed = compiled.evidenceSchema(ti.item, policy).safeParse(raw);
  if (!parsed.success) return undefined;
  const r = scoreOneItem(compiled, ti.item, parsed.data);
  const points = scaledInteger(r.points, plan.places);
  return points === undefined ? undefined : { trace: freezeTrace(r.trace), points };
}

/** Sections, gates, grade and the result, from the items' traces and points. */
function assemble(
  compiled: CompiledRubric,
  plan: FastPlan,
  tracePlan: TracePlan,
  given: Record<string, unknown>,
  zero: boolean,
  traces: ItemTrace[],
  itemPoints: number[],
  options: ScoreOptions,
): ScoreResult | undefined {
  const { flat, postOrder } = plan;
  const sectionPoints = new Array<number>(flat.length);
  const uncapped = new Array<number>(flat.length);
  const met = new Array<number>(flat.length);
  const judged = new Array<number>(flat.length);
  let base = 0;
  let bonus = 0;
  for (const at of postOrder) {
    const f = flat[at] as FastPlan['flat'][number];
    let sum = 0;
    let m = 0;
    let t = 0;
    for (let i = f.itemStart; i < f.itemEnd; i++) {
      sum += itemPoints[i] as number;
      const itemMet = (traces[i] as ItemTrace).met;
      if (itemMet !== undefined) {
        t++;
        if (itemMet) m++;
      }
    }
    for (const c of f.children) {
      sum += sectionPoints[c] as number;
      m += met[c] as number;
      t += judged[c] as number;
    }
    // Sums past the safe integers are the exact path's.
    if (!Number.isSafeInteger(sum)) return undefined;
    uncapped[at] = sum;
    sectionPoints[at] = sum < f.cap ? sum : f.cap;
    met[at] = m;
    judged[at] = t;
    if (f.top) {
      if (f.bonus) bonus += sectionPoints[at] as number;
      else base += sectionPoints[at] as number;
    }
  }
  const total = base + bonus;
  if (!Number.isSafeInteger(total)) return undefined;
  const verdict = judge(compiled, plan, given, zero, { total, base, bonus }, itemPoints, sectionPoints);
  if (!verdict) return undefined;

  const sectionTrace = (at: number): SectionTrace => {
    const f = flat[at] as FastPlan['flat'][number];
    const { section, max } = tracePlan.sections[at] as TracePlan['sections'][number];
    const points = sectionPoints[at] as number;
    const raw = uncapped[at] as number;
    const t = judged[at] as number;
    return {
      id: section.id,
      title: section.title,
      points: textOf(plan, points),
      max,
      bonus: section.bonus ? true : undefined,
      uncapped: raw > points ? textOf(plan, raw) : undefined,
      clause: section.clause || undefined,
      criteria: t > 0 ? count(met[at] as number, t) : undefined,
      sections: f.children.length ? f.children.map(sectionTrace) : undefined,
      items: f.itemEnd > f.itemStart ? traces.slice(f.itemStart, f.itemEnd) : undefined,
    };
  };
  const sections: SectionTrace[] = [];
  let allMet = 0;
  let allJudged = 0;
  for (let at = 0; at < flat.length; at++) {
    if (!(flat[at] as FastPlan['flat'][number]).top) continue;
    sections.push(sectionTrace(at));
    allMet += met[at] as number;
    allJudged += judged[at] as number;
  }
  const { rubricRef } = plan;
  return {
    rubric: { id: rubricRef.id, version: rubricRef.version, title: rubricRef.title, digest: rubricRef.digest },
    ...(options.community !== undefined ? { community: plain(options.community) } : {}),
    total: textOf(plan, total),
    base: textOf(plan, base),
    bonus: textOf(plan, bonus),
    max: plan.maxText,
    maxWithBonus: plan.maxWithBonusText,
    ratio: ratioTextOf(plan, total),
    rated: !verdict.blocked,
    grade: verdict.grade,
    gates: verdict.gates,
    ...(allJudged > 0 ? { criteria: count(allMet, allJudged) } : {}),
    sections,
  };
}
