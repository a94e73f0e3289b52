import { copyCommunity } from './community.js';
import { isEvidenceRecord } from './is-record.js';
import { scaledInteger } from './decimal.js';
import type { CompiledRubric, MissingPolicy } from './compile.js';
import { count, scoreOneItem, type ScoreOptions } from './evaluate.js';
import { freezeTrace } from './frozen-trace.js';
import { MEMO_MAX_STRING, MEMO_PER_ITEM, memoKey } from './item-memo.js';
import type { AnyRuleKind, FastTracer, ItemBase, ItemTrace } from './kinds/define.js';
import { codeHooks } from './kinds/fast.js';
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


interface TraceItem {
  item: ItemBase;
  /** The item's flat section, and its place among that section's items. */
  section: number;
  offset: number;
  max: string;
  tracer: FastTracer | undefined;
  /** Traces of primitive values, by value (true and false in fields of their own: no lookup); at most MEMO_PER_ITEM, the first seen. */
  byValue: Map<unknown, Traced>;
  /** Traces of small objects the tracer declined, by their memo key; at most MEMO_PER_ITEM, the first seen. */
  byKey: Map<string, Traced>;
  onTrue: Traced | undefined;
  onFalse: Traced | undefined;
  /** The trace of an item given null under missing: zero. */
  missing: Traced | undefined;
}

interface TracePlan {
  items: TraceItem[];
  /** The plan's sections, flat and in the same order. */
  sections: { section: Section; max: string }[];
}

/** Trace plans by missing-evidence policy: an item's schema, and so what its values give, may differ by policy. */
const tracePlans = new WeakMap<FastPlan, Partial<Record<MissingPolicy, TracePlan | null>>>();

function tracePlanOf(compiled: CompiledRubric, plan: FastPlan, policy: MissingPolicy): TracePlan | null {
  let byPolicy = tracePlans.get(plan);
  if (!byPolicy) {
    byPolicy = {};
    tracePlans.set(plan, byPolicy);
  }
  const cached = byPolicy[policy];
  if (cached !== undefined) return cached;
  const hooks = codeHooks(!compiled.jitless);
  const scaled = (d: Parameters<typeof scaledInteger>[0]) => scaledInteger(d, plan.places);
  const items: TraceItem[] = [];
  const sectionOf = new Map<number, [number, number]>();
  plan.flat.forEach((f, at) => {
    for (let i = f.itemStart; i < f.itemEnd; i++) sectionOf.set(i, [at, i - f.itemStart]);
  });
  for (const [i, planItem] of plan.items.entries()) {
    const [section, offset] = sectionOf.get(i) as [number, number];
    const item = compiled.items.get(planItem.id) as ItemBase;
    const kind = compiled.kinds.get(item.kind) as AnyRuleKind;
    // A tracer for items without parts: `fastFor` of parts is the totals path's; a kind with parts traces exactly.
    const tracer = kind.fastTrace?.(item, { scaled, fastFor: () => undefined, ...hooks });
    const missingTrace = scoreOneItem(compiled, item, undefined);
    const missingPoints = scaledInteger(missingTrace.points, plan.places);
    items.push({
      item,
      section,
      offset,
      max: compiled.maxOf(item).toString(),
      tracer,
      byValue: new Map(),
      byKey: new Map(),
      onTrue: undefined,
      onFalse: undefined,
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
  byPolicy[policy] = tracePlan;
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
      return raw.length <= MEMO_MAX_STRING;
    default:
      return false;
  }
}

/** The full result by the integer plan, or undefined when the exact path must decide. */
export function fastScore(compiled: CompiledRubric, evidence: unknown, options: ScoreOptions): ScoreResult | undefined {
  const plan = planFor(compiled);
  if (!plan || !isEvidenceRecord(evidence)) return undefined;
  // Evidence or a community record too deep or too large to walk safely is the exact path's to refuse.
  if (options.community !== undefined && tooDeep(options.community, MAX_DEPTH)) return undefined;
  if (plan.walkFirst && tooDeep(evidence, MAX_DEPTH)) return undefined;
  const policy: MissingPolicy = options.missing === 'zero' ? 'zero' : 'error';
  const tracePlan = tracePlanOf(compiled, plan, policy);
  if (!tracePlan) return undefined;
  const given = evidence as Record<string, unknown>;
  const n = plan.items.length;
  const items = new Array<ItemTrace[]>(plan.flat.length);
  for (let at = 0; at < plan.flat.length; at++) {
    const f = plan.flat[at] as FastPlan['flat'][number];
    items[at] = new Array<ItemTrace>(f.itemEnd - f.itemStart);
  }
  const points = new Array<number>(n);
  const reading: Reading = { compiled, plan, tracePlan, policy, given, items, points, walked: plan.walkFirst };

  // One pass over the record's own keys, as the totals path reads them.
  let at = 0;
  for (const key in given) {
    if (!Object.prototype.hasOwnProperty.call(given, key)) continue;
    const i = plan.keyOrder.indexOf(key, at);
    if (i === undefined) return undefined;
    at++;
    const raw = given[key];
    if (raw === undefined || !traceItem(reading, i, raw)) return undefined;
  }
  plan.keyOrder.learn(given);
  if (at !== n) {
    if (policy !== 'zero') return undefined;
    for (let i = 0; i < n; i++) {
      const ti = tracePlan.items[i] as TraceItem;
      if ((items[ti.section] as ItemTrace[])[ti.offset] !== undefined) continue;
      // An own key for-in does not list (not enumerable) is the exact path's to read.
      if (Object.prototype.hasOwnProperty.call(given, (plan.items[i] as { id: string }).id)) return undefined;
      if (!traceItem(reading, i, null)) return undefined;
    }
  }
  return assemble(compiled, plan, tracePlan, given, policy === 'zero', items, points, options);
}

/**
 * A record being read. Passed to traceItem rather than captured by a closure:
 * a loop over a record the closure captures reads it through the closure's
 * context, and V8 then loses its fast path for for-in (measured 15 µs a DB36
 * record against 1).
 */
interface Reading {
  compiled: CompiledRubric;
  plan: FastPlan;
  tracePlan: TracePlan;
  policy: MissingPolicy;
  given: Record<string, unknown>;
  /** Each flat section's item traces, filled as items are read: the arrays the result holds. */
  items: ItemTrace[][];
  points: number[];
  /** Whether the record was walked for its depth and size (before any exact scoring). */
  walked: boolean;
}

/** One item's trace: remembered, traced fast, or scored exactly (after the walk that bounds what it reads). False: the exact path must decide. */
function traceItem(r: Reading, i: number, raw: unknown): boolean {
  const ti = r.tracePlan.items[i] as TraceItem;
  let traced: Traced | undefined;
  if (raw === null) {
    // Missing evidence is 0 under missing: zero; otherwise the exact path reports it.
    if (r.policy !== 'zero') return false;
    traced = ti.missing;
  } else if (raw === true && ti.onTrue) traced = ti.onTrue;
  else if (raw === false && ti.onFalse) traced = ti.onFalse;
  else {
    const keyable = isKeyable(raw);
    traced = keyable ? ti.byValue.get(raw) : undefined;
    if (!traced) {
      const fast = ti.tracer?.(raw);
      if (fast) traced = { trace: traceOf(ti, fast.points, r.plan, fast.met, fast.evidence, fast.reason, fast.detail), points: fast.points };
      else {
        // A small object seen before (a flat object of a few primitives, see item-memo.ts) keeps its trace too.
        const key = keyable ? undefined : memoKey(raw);
        traced = key === undefined ? undefined : ti.byKey.get(key);
        if (!traced) {
          if (!r.walked) {
            if (tooDeep(r.given, MAX_DEPTH)) return false;
            r.walked = true;
          }
          traced = exactly(r.compiled, r.plan, ti, raw, r.policy);
          if (traced && key !== undefined && ti.byKey.size < MEMO_PER_ITEM) ti.byKey.set(key, traced);
        }
      }
      if (traced && raw === true) ti.onTrue = traced;
      else if (traced && raw === false) ti.onFalse = traced;
      else if (traced && keyable && ti.byValue.size < MEMO_PER_ITEM) ti.byValue.set(raw, traced);
    }
  }
  if (!traced) return false;
  (r.items[ti.section] as ItemTrace[])[ti.offset] = traced.trace;
  r.points[i] = traced.points;
  return true;
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
  items: ItemTrace[][],
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
  for (let k = 0; k < postOrder.length; k++) {
    const at = postOrder[k] as number;
    const f = flat[at] as FastPlan['flat'][number];
    const traces = items[at] as ItemTrace[];
    let sum = 0;
    let m = 0;
    let t = 0;
    for (let i = f.itemStart; i < f.itemEnd; i++) sum += itemPoints[i] as number;
    for (let j = 0; j < traces.length; j++) {
      const itemMet = (traces[j] as ItemTrace).met;
      if (itemMet !== undefined) {
        t++;
        if (itemMet) m++;
      }
    }
    for (let c = 0; c < f.children.length; c++) {
      const child = f.children[c] as number;
      sum += sectionPoints[child] as number;
      m += met[child] as number;
      t += judged[child] as number;
    }
    // Sums past the safe integers are the exact path's.
    if (!Number.isSafeInteger(sum)) return undefined;
    uncapped[at] = sum;
    const points = sum < f.cap ? sum : f.cap;
    sectionPoints[at] = points;
    met[at] = m;
    judged[at] = t;
    if (f.top) {
      if (f.bonus) bonus += points;
      else base += points;
    }
  }
  const total = base + bonus;
  if (!Number.isSafeInteger(total)) return undefined;
  const verdict = judge(compiled, plan, given, zero, { total, base, bonus }, itemPoints, sectionPoints);
  if (!verdict) return undefined;

  // Section traces children first, so each parent takes its children's finished traces.
  const traces = new Array<SectionTrace>(flat.length);
  const sections: SectionTrace[] = [];
  let allMet = 0;
  let allJudged = 0;
  for (let k = 0; k < postOrder.length; k++) {
    const at = postOrder[k] as number;
    const f = flat[at] as FastPlan['flat'][number];
    const { section, max } = tracePlan.sections[at] as TracePlan['sections'][number];
    const points = sectionPoints[at] as number;
    const raw = uncapped[at] as number;
    const t = judged[at] as number;
    let children: SectionTrace[] | undefined;
    if (f.children.length) {
      children = new Array<SectionTrace>(f.children.length);
      for (let c = 0; c < f.children.length; c++) children[c] = traces[f.children[c] as number] as SectionTrace;
    }
    const trace: SectionTrace = {
      id: section.id,
      title: section.title,
      points: textOf(plan, points),
      max,
      bonus: section.bonus ? true : undefined,
      uncapped: raw > points ? textOf(plan, raw) : undefined,
      clause: section.clause || undefined,
      criteria: t > 0 ? count(met[at] as number, t) : undefined,
      sections: children,
      items: f.itemEnd > f.itemStart ? (items[at] as ItemTrace[]) : undefined,
    };
    traces[at] = trace;
  }
  for (let at = 0; at < flat.length; at++) {
    if (!(flat[at] as FastPlan['flat'][number]).top) continue;
    sections.push(traces[at] as SectionTrace);
    allMet += met[at] as number;
    allJudged += judged[at] as number;
  }
  const { rubricRef } = plan;
  const rubric = { id: rubricRef.id, version: rubricRef.version, title: rubricRef.title, digest: rubricRef.digest };
  const totalText = textOf(plan, total);
  const baseText = textOf(plan, base);
  const bonusText = textOf(plan, bonus);
  const ratio = ratioTextOf(plan, total);
  const criteria = allJudged > 0 ? count(allMet, allJudged) : undefined;
  // The usual shapes written out, keys in the exact path's order: an object spread per result measured slow.
  if (options.community === undefined && criteria) {
    return { rubric, total: totalText, base: baseText, bonus: bonusText, max: plan.maxText, maxWithBonus: plan.maxWithBonusText, ratio, rated: !verdict.blocked, grade: verdict.grade, gates: verdict.gates, criteria, sections };
  }
  return {
    rubric,
    ...(options.community !== undefined ? { community: copyCommunity(options.community) } : {}),
    total: totalText,
    base: baseText,
    bonus: bonusText,
    max: plan.maxText,
    maxWithBonus: plan.maxWithBonusText,
    ratio,
    rated: !verdict.blocked,
    grade: verdict.grade,
    gates: verdict.gates,
    ...(criteria ? { criteria } : {}),
    sections,
  };
}
