import { copyCommunity } from './community.js';
import { isEvidenceRecord } from './is-record.js';
import { Dec, safeInteger, scaledInteger, scaledText } from './decimal.js';
import type { AnyRuleKind, FastScorer, ItemBase } from './kinds/define.js';
import type { CompiledRubric } from './compile.js';
import { safeScoreExactly as safeScore, scoreOneItem, type ScoreOptions } from './evaluate.js';
import { MAX_DEPTH, MAX_ENTRIES, thrownResult, tooDeep, type SafeResult } from './load.js';
import { codeHooks, FAST_MAX_ENTRIES } from './kinds/fast.js';
import { KeyOrder } from './key-order.js';
import { notCompiled, scoreOptionsProblem, throwProblems } from './api-guards.js';
import { resultIssue } from './result-shape.js';
import { inRange, rangeToString, type Range } from './range.js';
import type { GateResult, GradeResult, ScoreResult, ScoreTotals, SectionTrace } from './result.js';
import type { Section } from './schema.js';
import { generateReader, generateTally, type FlatSection, type ReaderItem, type RecordReader, type SectionList, type Tally } from './totals-codegen.js';

/**
 * Totals-only scoring: the same numbers as `score`, without the trace. Each
 * item is compiled once into a fast scorer working in integer counts of
 * 10^-places; evidence that is anything but plainly valid, and any kind
 * without a fast path, takes the exact path (`score`), which also reports
 * every problem. The two agree on every input (property-tested).
 */

/** An item in the plan: its kind's fast scorer, if any, and the exact scorer for what that declines. */
type PlanItem = ReaderItem;

interface FastSection {
  id: string;
  cap?: number;
  bonus: boolean;
  items: PlanItem[];
  sections: FastSection[];
}


type IntTest = (x: number) => boolean;

export interface FastPlan {
  scale: number;
  places: number;
  /** Items in rubric order, and sections in rubric order (parents before children). */
  items: PlanItem[];
  flat: FlatSection[];
  /** Section indices with every child before its parent. */
  postOrder: number[];
  maxScaled: number;
  /**
   * Whether evidence must be walked for its depth and size before any item is
   * scored. Fast scorers accept only small values (FAST_MAX_ENTRIES each), so
   * when the items' bound is under the library's limits the walk is needed
   * only before the exact scorer reads a value a fast scorer declined.
   */
  walkFirst: boolean;
  itemIndex: Map<string, number>;
  /** Finds each record key's item (see key-order.ts). */
  keyOrder: KeyOrder;
  /** The reader generated for this rubric, where code can be generated. */
  reader: RecordReader | undefined;
  generated: { tally: Tally; list: SectionList } | undefined;
  text: (x: number) => string;
  /** Item and section points of the record being scored (busy while they are in use). */
  itemScratch: number[];
  sectionScratch: number[];
  busy: boolean;
  /** The decimal text of each integer 0 … maxWithBonus (filled as met). */
  texts: (string | undefined)[];
  /** The text of the ratio total ÷ max for each total 0 … maxWithBonus (filled as met). */
  ratioTexts: (string | undefined)[];
  rubricRef: ScoreTotals['rubric'];
  maxText: string;
  maxWithBonusText: string;
  /** ratio = total × ratioMul ÷ 10^ratioPlaces, when total ÷ max terminates in few places. */
  ratioMul?: number;
  ratioPlaces?: number;
  gates: {
    gate: NonNullable<CompiledRubric['rubric']['gates']>[number];
    /** What the gate reads: a total, a section's or item's points (by index), or a measured value. */
    reads: 'total' | 'base' | 'bonus' | 'ratio' | 'section' | 'item' | 'evidence';
    index: number;
    test?: IntTest;
    itemId?: string;
    field?: string | undefined;
  }[];
  bands: { band: NonNullable<CompiledRubric['rubric']['grades']>['bands'][number]; test: IntTest; range: string }[];
}

const plans = new WeakMap<CompiledRubric, FastPlan | null>();

/**
 * Rubrics of more items are read by the loop: their generated reader grows
 * past what V8 optimizes, and measured slower than the loop from about 300
 * items on (DB36 has 80).
 */
export const MAX_GENERATED_ITEMS = 250;

/**
 * Whether a generated reader pays for this rubric: it does where items are
 * scored by functions (measured items), each then called from a site of its
 * own. Where every item is looked up in a table (check, states), the loop's
 * one pass over the record measured faster (80 check items: 2.1 µs a
 * record against 2.5).
 */
function readerPays(items: readonly PlanItem[]): boolean {
  return items.length <= MAX_GENERATED_ITEMS && items.some((it) => it.fast !== undefined && it.cases === undefined && Number.isNaN(it.onTrue) && Number.isNaN(it.onFalse));
}

/** x ∈ range where x is an integer standing for x / scale (× divisor). */
function intTest(range: Range, factor: Dec): IntTest | undefined {
  const ceil = (d: Dec) => safeInteger(d.isInteger() ? d : d.floor().add(Dec.ONE));
  const floor = (d: Dec) => safeInteger(d.floor());
  let lo = -Infinity;
  let hi = Infinity;
  if (range.min) {
    const q = range.min.mul(factor);
    const v = range.minInclusive ? ceil(q) : (floor(q) ?? NaN) + 1;
    if (v === undefined || Number.isNaN(v)) return undefined;
    lo = v;
  }
  if (range.max) {
    const q = range.max.mul(factor);
    const v = range.maxInclusive ? floor(q) : (ceil(q) ?? NaN) - 1;
    if (v === undefined || Number.isNaN(v)) return undefined;
    hi = v;
  }
  return (x) => x >= lo && x <= hi;
}

export function planFor(compiled: CompiledRubric): FastPlan | null {
  const cached = plans.get(compiled);
  if (cached !== undefined) return cached;
  const { rubric } = compiled;
  const places = rubric.rounding.places;
  const scale = 10 ** places;
  const scaleDec = Dec.int(scale);
  const scaled = (d: Dec): number | undefined => scaledInteger(d, places);
  const generateCode = !compiled.jitless;
  const hooks = codeHooks(generateCode);
  // An item whose kind has no fast path, or whose evidence the fast path
  // declines (fractional hours, decimal strings…), is scored exactly on its own.
  const exactItem =
    (item: ItemBase): FastScorer =>
    (raw) => {
      const parsed = compiled.evidenceSchema(item, 'error').safeParse(raw);
      return parsed.success ? scaled(scoreOneItem(compiled, item, parsed.data).points) : undefined;
    };
  // Parts get their kinds' fast scorers alone: a sum whose part declines a value declines it too.
  const fastCache = new Map<ItemBase, FastScorer | undefined>();
  const fastFor = (item: ItemBase): FastScorer | undefined => {
    if (fastCache.has(item)) return fastCache.get(item);
    const fast = (compiled.kinds.get(item.kind) as AnyRuleKind).fast?.(item, { scaled, fastFor, ...hooks });
    fastCache.set(item, fast);
    return fast;
  };
  let ok = true;
  const build = (s: Section): FastSection => {
    const cap = s.cap ? scaled(s.cap) : undefined;
    if (s.cap && cap === undefined) ok = false;
    const items = (s.items ?? []).map((item): PlanItem => {
      const fast = fastFor(item);
      const cases = fast?.cases;
      const onlyBooleans = cases !== undefined && [...cases.keys()].every((k) => typeof k === 'boolean');
      return {
        id: item.id,
        fast,
        cases: onlyBooleans ? undefined : cases,
        onTrue: onlyBooleans ? (cases.get(true) ?? Number.NaN) : Number.NaN,
        onFalse: onlyBooleans ? (cases.get(false) ?? Number.NaN) : Number.NaN,
        exact: exactItem(item),
      };
    });
    return { id: s.id, ...(cap !== undefined ? { cap } : {}), bonus: s.bonus === true, items, sections: (s.sections ?? []).map(build) };
  };
  const sections = rubric.sections.map(build);
  const maxScaled = scaled(compiled.max);
  if (maxScaled === undefined) ok = false;
  const gates: FastPlan['gates'] = [];
  for (const gate of rubric.gates ?? []) {
    const [kind, ref = ''] = gate.subject.split(/:(.*)/s) as [FastPlan['gates'][number]['reads'], string | undefined];
    if (kind === 'evidence') {
      const [itemId, field] = ref.split('/') as [string, string | undefined];
      gates.push({ gate, reads: kind, index: -1, itemId, field });
      continue;
    }
    if (kind === 'item' && !compiled.items.has(ref)) ok = false;
    const factor = kind === 'ratio' ? compiled.max.mul(scaleDec) : scaleDec;
    const test = kind === 'ratio' && compiled.max.isZero() ? undefined : intTest(gate.range, factor);
    if (!test) ok = false;
    gates.push({ gate, reads: kind, index: -1, ...(test ? { test } : {}) });
  }
  const bands: FastPlan['bands'] = [];
  if (rubric.grades) {
    const factor = rubric.grades.subject === 'ratio' ? compiled.max.mul(scaleDec) : scaleDec;
    if (rubric.grades.subject === 'ratio' && compiled.max.isZero()) ok = false;
    for (const band of rubric.grades.bands) {
      const test = intTest(band.range, factor);
      if (!test) ok = false;
      else bands.push({ band, test, range: rangeToString(band.range) });
    }
  }
  const items: FastPlan['items'] = [];
  const flat: FlatSection[] = [];
  const postOrder: number[] = [];
  const flatten = (fs: FastSection, top: boolean): number => {
    const at = flat.length;
    const entry: FlatSection = { id: fs.id, cap: fs.cap ?? Infinity, top, bonus: fs.bonus, itemStart: 0, itemEnd: 0, children: [] };
    flat.push(entry);
    entry.children = fs.sections.map((c) => flatten(c, false));
    entry.itemStart = items.length;
    items.push(...fs.items);
    entry.itemEnd = items.length;
    postOrder.push(at);
    return at;
  };
  sections.forEach((fs) => flatten(fs, true));
  const itemIndex = new Map(items.map((it, i) => [it.id, i]));
  const sectionIndex = new Map(flat.map((f, i) => [f.id, i]));
  for (const g of gates) {
    const ref = g.gate.subject.slice(g.reads.length + 1);
    if (g.reads === 'section') g.index = sectionIndex.get(ref) ?? -1;
    if (g.reads === 'item') g.index = itemIndex.get(ref) ?? -1;
    if ((g.reads === 'section' || g.reads === 'item') && g.index < 0) ok = false;
  }
  const maxWithBonusScaled = scaled(compiled.maxWithBonus);
  // Texts are kept for the totals 0 … maxWithBonus, up to a million of them.
  const textSlots = maxWithBonusScaled !== undefined && maxWithBonusScaled <= 1_000_000 ? maxWithBonusScaled + 1 : 0;
  // A fast-scored item holds at most FAST_MAX_ENTRIES entries (parts included), one more for its key.
  const walkFirst = compiled.allItems.size * (FAST_MAX_ENTRIES + 1) > MAX_ENTRIES;
  let ratioMul: number | undefined;
  let ratioPlaces: number | undefined;
  if (maxScaled) {
    for (let k = 0; k <= 12 && ratioMul === undefined; k++) {
      const pow = 10 ** k;
      if (pow % maxScaled === 0) {
        ratioMul = pow / maxScaled;
        ratioPlaces = k;
      }
    }
  }
  const generatesReader = generateCode && readerPays(items);
  const plan: FastPlan | null = ok
    ? {
        scale,
        places,
        items,
        flat,
        postOrder,
        maxScaled: maxScaled as number,
        walkFirst,
        itemIndex,
        keyOrder: new KeyOrder(itemIndex),
        reader: !generatesReader ? undefined : generateReader(items, walkFirst, (r) => tooDeep(r, MAX_DEPTH) !== undefined, (r, zero, points) => readRecord(plan as FastPlan, r as Record<string, unknown>, points, zero)),
        generated: !generatesReader ? undefined : generateTally(flat, postOrder),
        text: (x) => textOf(plan as FastPlan, x),
        itemScratch: items.map(() => 0),
        sectionScratch: [...flat.map(() => 0), 0, 0],
        busy: false,
        texts: new Array<string | undefined>(textSlots),
        ratioTexts: new Array<string | undefined>(textSlots),
        rubricRef: { id: rubric.id, version: rubric.version, title: rubric.title, digest: compiled.digest },
        maxText: compiled.max.toString(),
        maxWithBonusText: compiled.maxWithBonus.toString(),
        ...(ratioMul !== undefined ? { ratioMul, ratioPlaces } : {}),
        gates,
        bands,
      }
    : null;
  plans.set(compiled, plan);
  return plan;
}

/** Whether totals-only scoring has an integer plan for this rubric (else it always takes the exact path). */
export function hasFastPath(compiled: CompiledRubric): boolean {
  return planFor(compiled) !== null;
}

/** The totals by the integer plan, or undefined when the exact path must decide. */
function planTotals(compiled: CompiledRubric, evidence: unknown, options: ScoreOptions): ScoreTotals | undefined {
  const plan = planFor(compiled);
  // Evidence or a community record too deep or too large to walk safely is the exact path's to refuse.
  const bounded = !(options.community !== undefined && tooDeep(options.community, MAX_DEPTH)) && !(plan?.walkFirst && tooDeep(evidence, MAX_DEPTH));
  return plan && bounded ? fastTotals(compiled, plan, evidence, options) : undefined;
}

/** Totals only, without a trace: the same numbers as score(). */
export function safeScoreTotals(compiled: CompiledRubric, evidence: unknown, options: ScoreOptions = {}): SafeResult<ScoreTotals> {
  try {
    // A value that is not a compiled rubric, or bad options, go to safeScore, which reports them.
    const fast = notCompiled(compiled) || scoreOptionsProblem(options) ? undefined : planTotals(compiled, evidence, options ?? {});
    if (fast) return { success: true, data: fast };
    const full = safeScore(compiled, evidence, options);
    return full.success ? { success: true, data: totalsOfResult(full.data) } : full;
  } catch (e) {
    return thrownResult(e);
  }
}

/** Like safeScoreTotals, but throws the RubricError. */
export function scoreTotals(compiled: CompiledRubric, evidence: unknown, options: ScoreOptions = {}): ScoreTotals {
  const fast = notCompiled(compiled) || scoreOptionsProblem(options) ? undefined : planTotals(compiled, evidence, options ?? {});
  if (fast) return fast;
  const full = safeScore(compiled, evidence, options);
  if (!full.success) throw full.error;
  return totalsOfResult(full.data);
}

/** The totals of a full result. */
export function totalsOf(result: ScoreResult): ScoreTotals {
  throwProblems(resultIssue(result, 'result'));
  return totalsOfResult(result);
}

function totalsOfResult(result: ScoreResult): ScoreTotals {
  const sections: { id: string; points: string }[] = [];
  const walk = (s: SectionTrace) => {
    sections.push({ id: s.id, points: s.points });
    s.sections?.forEach(walk);
  };
  result.sections.forEach(walk);
  const { sections: _trace, criteria: _criteria, ...rest } = result;
  return { ...rest, sections };
}

function fastTotals(compiled: CompiledRubric, plan: FastPlan, evidence: unknown, options: ScoreOptions): ScoreTotals | undefined {
  if (!isEvidenceRecord(evidence)) return undefined;
  const given = evidence;
  const zero = options.missing === 'zero';
  const { items, flat } = plan;
  // The plan's arrays are reused; a call made while they are in use (a getter in the evidence scoring
  // again) gets its own.
  const reuse = !plan.busy;
  const itemPoints = reuse ? plan.itemScratch : new Array<number>(items.length);
  plan.busy = true;
  try {
    return totalsFrom(compiled, plan, given, options, zero, itemPoints, reuse ? plan.sectionScratch : new Array<number>(flat.length + 2));
  } finally {
    if (reuse) plan.busy = false;
  }
}

function totalsFrom(
  compiled: CompiledRubric,
  plan: FastPlan,
  given: Record<string, unknown>,
  options: ScoreOptions,
  zero: boolean,
  itemPoints: number[],
  sectionPoints: number[],
): ScoreTotals | undefined {
  const { flat, postOrder } = plan;
  if (!(plan.reader ? plan.reader(given, zero, itemPoints) : readRecord(plan, given, itemPoints, zero))) return undefined;

  let base = 0;
  let bonus = 0;
  if (plan.generated) {
    plan.generated.tally(itemPoints, sectionPoints);
    base = sectionPoints[flat.length] as number;
    bonus = sectionPoints[flat.length + 1] as number;
  } else for (let k = 0; k < postOrder.length; k++) {
    const at = postOrder[k] as number;
    const f = flat[at] as FlatSection;
    let sum = 0;
    for (let i = f.itemStart; i < f.itemEnd; i++) sum += itemPoints[i] as number;
    for (let c = 0; c < f.children.length; c++) sum += sectionPoints[f.children[c] as number] as number;
    const points = sum < f.cap ? sum : f.cap;
    sectionPoints[at] = points;
    if (f.top) {
      if (f.bonus) bonus += points;
      else base += points;
    }
  }
  const total = base + bonus;

  const verdict = judge(compiled, plan, given, zero, { total, base, bonus }, itemPoints, sectionPoints);
  if (!verdict) return undefined;
  const { gates, grade, blocked } = verdict;
  let sections: { id: string; points: string }[];
  if (plan.generated) sections = plan.generated.list(sectionPoints, plan.texts, plan.text);
  else {
    sections = new Array<{ id: string; points: string }>(flat.length);
    for (let i = 0; i < flat.length; i++) sections[i] = { id: (flat[i] as FlatSection).id, points: textOf(plan, sectionPoints[i] as number) };
  }
  const totals: ScoreTotals = {
    rubric: { id: plan.rubricRef.id, version: plan.rubricRef.version, title: plan.rubricRef.title, digest: plan.rubricRef.digest },
    total: textOf(plan, total),
    base: textOf(plan, base),
    bonus: textOf(plan, bonus),
    max: plan.maxText,
    maxWithBonus: plan.maxWithBonusText,
    ratio: ratioTextOf(plan, total),
    rated: !blocked,
    grade,
    gates,
    sections,
  };
  // The community, when given, comes second, as in score's result; one literal shape for the usual case.
  if (options.community === undefined) return totals;
  const { rubric, ...rest } = totals;
  return { rubric, community: copyCommunity(options.community), ...rest };
}

/** The gates and the grade of a record's integer points, or undefined when the exact path must decide. */
export function judge(
  compiled: CompiledRubric,
  plan: FastPlan,
  given: Record<string, unknown>,
  zero: boolean,
  { total, base, bonus }: { total: number; base: number; bonus: number },
  itemPoints: readonly number[],
  sectionPoints: readonly number[],
): { gates: GateResult[]; grade: GradeResult | null; blocked: boolean } | undefined {
  const gates: GateResult[] = [];
  let blocked: (typeof plan.gates)[number]['gate'] | undefined;
  for (const g of plan.gates) {
    let value: string | null;
    let passed: boolean;
    if (g.test) {
      const { reads } = g;
      const x =
        reads === 'total' || reads === 'ratio' ? total : reads === 'base' ? base : reads === 'bonus' ? bonus : reads === 'section' ? (sectionPoints[g.index] as number) : (itemPoints[g.index] as number);
      passed = g.test(x);
      value = reads === 'ratio' ? ratioTextOf(plan, total) : textOf(plan, x);
    } else {
      // A gate on a measured value: read it exactly through the kind.
      const item = compiled.items.get(g.itemId as string);
      // Own keys only, as the exact path reads them.
      const raw = Object.prototype.hasOwnProperty.call(given, g.itemId as string) ? given[g.itemId as string] : undefined;
      if (!item) return undefined;
      let measured: Dec | undefined;
      if (raw !== undefined && raw !== null) {
        const parsed = compiled.evidenceSchema(item, zero ? 'zero' : 'error').safeParse(raw);
        if (!parsed.success) return undefined;
        measured = (compiled.kinds.get(item.kind) as AnyRuleKind).measure?.(item, parsed.data, g.field);
      }
      passed = measured !== undefined && inRange(measured, g.gate.range);
      value = measured ? measured.toString() : null;
    }
    gates.push({ id: g.gate.id, title: g.gate.title, subject: g.gate.subject, range: g.gate.range.text, value, passed, effect: g.gate.effect, ...(g.gate.clause ? { clause: g.gate.clause } : {}) });
    if (!passed && g.gate.effect === 'block' && !blocked) blocked = g.gate;
  }
  let grade: GradeResult | null = null;
  if (blocked?.otherwise) grade = { id: blocked.otherwise.id, label: blocked.otherwise.label, passing: false, gate: blocked.id };
  else if (!blocked) {
    for (const b of plan.bands) {
      if (b.test(total)) {
        grade = { id: b.band.id, label: b.band.label, range: b.range, passing: b.band.passing ?? true };
        break;
      }
    }
  }
  return { gates, grade, blocked: blocked !== undefined };
}

/** The decimal text of x / scale; points repeat across records, so each is made once per rubric. */
export function textOf(plan: FastPlan, x: number): string {
  const { texts } = plan;
  if (x >= 0 && x < texts.length) return texts[x] ?? (texts[x] = scaledText(x, plan.scale, plan.places));
  return scaledText(x, plan.scale, plan.places);
}

/** The text of total ÷ max (null when max is 0), made once per total. */
export function ratioTextOf(plan: FastPlan, total: number): string | null {
  if (plan.maxScaled === 0) return null;
  const { ratioTexts } = plan;
  if (total >= 0 && total < ratioTexts.length) return ratioTexts[total] ?? (ratioTexts[total] = ratioOf(plan, total));
  return ratioOf(plan, total);
}

function ratioOf(plan: FastPlan, total: number): string {
  const { ratioMul, ratioPlaces } = plan;
  return ratioMul !== undefined && ratioPlaces !== undefined && Number.isSafeInteger(total * ratioMul)
    ? scaledText(total * ratioMul, 10 ** ratioPlaces, ratioPlaces)
    : Dec.of(BigInt(total), BigInt(plan.maxScaled)).toString();
}

/**
 * Reads a record into its items' points: one pass over its own keys, each
 * value to its item's fast scorer, or, declined, to the exact scorer (after
 * the walk that bounds what it reads). False when the exact path must decide.
 */
function readRecord(plan: FastPlan, given: Record<string, unknown>, itemPoints: number[], zero: boolean): boolean {
  const { items, keyOrder } = plan;
  // NaN marks an item not given (points may be negative in a user's kind).
  itemPoints.fill(Number.NaN);
  let walked = plan.walkFirst;
  let at = 0;
  // One pass over the evidence's own keys: an unknown key or an undefined value sends the record to the
  // exact path, which reports it.
  for (const key in given) {
    if (!Object.prototype.hasOwnProperty.call(given, key)) continue;
    const i = keyOrder.indexOf(key, at);
    if (i === undefined) return false;
    at++;
    const raw = given[key];
    if (raw === undefined) return false;
    let p: number | undefined;
    if (raw === null) {
      // Missing evidence is 0 under missing: zero; otherwise the exact path reports it.
      if (!zero) return false;
      p = 0;
    } else {
      const item = items[i] as PlanItem;
      if (raw === true && item.onTrue === item.onTrue) p = item.onTrue;
      else if (raw === false && item.onFalse === item.onFalse) p = item.onFalse;
      else {
        const { cases } = item;
        p = cases !== undefined ? (typeof raw === 'object' ? undefined : cases.get(raw)) : item.fast === undefined ? undefined : item.fast(raw);
      }
      if (p === undefined) {
        // The exact scorer validates whatever it is given: evidence too deep or large is refused first.
        if (!walked) {
          if (tooDeep(given, MAX_DEPTH)) return false;
          walked = true;
        }
        p = item.exact(raw);
        if (p === undefined) return false;
      }
    }
    itemPoints[i] = p;
  }
  keyOrder.learn(given);
  if (at !== items.length) {
    if (!zero) return false;
    for (let i = 0; i < items.length; i++) {
      if (!Number.isNaN(itemPoints[i])) continue;
      // An own key for-in does not list (not enumerable) is the exact path's to read.
      if (Object.prototype.hasOwnProperty.call(given, (items[i] as PlanItem).id)) return false;
      itemPoints[i] = 0;
    }
  }
  return true;
}
