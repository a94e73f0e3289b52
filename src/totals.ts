import { Dec } from './decimal.js';
import { plain } from './kinds/shared.js';
import type { AnyRuleKind, FastScorer, ItemBase } from './kinds/define.js';
import type { CompiledRubric } from './compile.js';
import { safeScore, scoreOneItem, type ScoreOptions } from './evaluate.js';
import { MAX_DEPTH, tooDeep, type SafeResult } from './load.js';
import { inRange, rangeToString, type Range } from './range.js';
import type { GateResult, GradeResult, ScoreResult, ScoreTotals, SectionTrace } from './result.js';
import type { Section } from './schema.js';

/**
 * Totals-only scoring: the same numbers as `score`, without the trace. Each
 * item is compiled once into a fast scorer working in integer counts of
 * 10^-places; evidence that is anything but plainly valid, and any kind
 * without a fast path, takes the exact path (`score`), which also reports
 * every problem. The two agree on every input (property-tested).
 */
interface FastSection {
  id: string;
  cap?: number;
  bonus: boolean;
  items: { id: string; fast: FastScorer }[];
  sections: FastSection[];
}

/** A section in the flat plan: its items' indices and its children's, summed children first. */
interface FlatSection {
  id: string;
  cap: number;
  top: boolean;
  bonus: boolean;
  itemStart: number;
  itemEnd: number;
  children: number[];
}

type IntTest = (x: number) => boolean;

interface FastPlan {
  scale: number;
  places: number;
  /** Items in rubric order, and sections in rubric order (parents before children). */
  items: { id: string; fast: FastScorer }[];
  flat: FlatSection[];
  /** Section indices with every child before its parent. */
  postOrder: number[];
  itemIndex: Map<string, number>;
  sectionIndex: Map<string, number>;
  maxScaled: number;
  rubricRef: ScoreTotals['rubric'];
  maxText: string;
  maxWithBonusText: string;
  /** ratio = total × ratioMul ÷ 10^ratioPlaces, when total ÷ max terminates in few places. */
  ratioMul?: number;
  ratioPlaces?: number;
  gates: { gate: NonNullable<CompiledRubric['rubric']['gates']>[number]; subject: string; test?: IntTest; itemId?: string; field?: string | undefined }[];
  bands: { band: NonNullable<CompiledRubric['rubric']['grades']>['bands'][number]; test: IntTest; range: string }[];
}

const plans = new WeakMap<CompiledRubric, FastPlan | null>();

/** x ∈ range where x is an integer standing for x / scale (× divisor). */
function intTest(range: Range, factor: Dec): IntTest | undefined {
  const safe = (d: Dec) => (d.n <= BigInt(Number.MAX_SAFE_INTEGER) && d.n >= -BigInt(Number.MAX_SAFE_INTEGER) ? Number(d.n) : undefined);
  const ceil = (d: Dec) => safe(d.isInteger() ? d : d.floor().add(Dec.ONE));
  const floor = (d: Dec) => safe(d.floor());
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

function planFor(compiled: CompiledRubric): FastPlan | null {
  const cached = plans.get(compiled);
  if (cached !== undefined) return cached;
  const { rubric } = compiled;
  const places = rubric.rounding.places;
  const scale = 10 ** places;
  const scaleDec = Dec.int(scale);
  const scaled = (d: Dec): number | undefined => {
    const v = d.mul(scaleDec);
    return v.isInteger() && v.n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v.n) : undefined;
  };
  const fastCache = new Map<ItemBase, FastScorer>();
  // An item whose kind has no fast path, or whose evidence the fast path
  // declines (fractional hours, decimal strings…), is scored exactly on its own.
  const exactItem =
    (item: ItemBase): FastScorer =>
    (raw) => {
      const parsed = compiled.evidenceSchema(item, 'error').safeParse(raw);
      return parsed.success ? scaled(scoreOneItem(compiled, item, parsed.data).points) : undefined;
    };
  const fastFor = (item: ItemBase): FastScorer => {
    const cached = fastCache.get(item);
    if (cached) return cached;
    const kind = compiled.kinds.get(item.kind) as AnyRuleKind;
    const exact = exactItem(item);
    const fast = kind.fast?.(item, { scaled, fastFor });
    const f: FastScorer = fast ? (raw) => fast(raw) ?? exact(raw) : exact;
    fastCache.set(item, f);
    return f;
  };
  let ok = true;
  const build = (s: Section): FastSection => {
    const cap = s.cap ? scaled(s.cap) : undefined;
    if (s.cap && cap === undefined) ok = false;
    const items = (s.items ?? []).map((item) => ({ id: item.id, fast: fastFor(item) }));
    return { id: s.id, ...(cap !== undefined ? { cap } : {}), bonus: s.bonus === true, items, sections: (s.sections ?? []).map(build) };
  };
  const sections = rubric.sections.map(build);
  const maxScaled = scaled(compiled.max);
  if (maxScaled === undefined) ok = false;
  const gates: FastPlan['gates'] = [];
  for (const gate of rubric.gates ?? []) {
    const [kind, ref] = gate.subject.split(/:(.*)/s) as [string, string | undefined];
    if (kind === 'evidence') {
      const [itemId, field] = (ref ?? '').split('/') as [string, string | undefined];
      gates.push({ gate, subject: gate.subject, itemId, field });
      continue;
    }
    if (kind === 'item' && !compiled.items.has(ref ?? '')) ok = false;
    const factor = kind === 'ratio' ? compiled.max.mul(scaleDec) : scaleDec;
    const test = kind === 'ratio' && compiled.max.isZero() ? undefined : intTest(gate.range, factor);
    if (!test) ok = false;
    gates.push({ gate, subject: gate.subject, ...(test ? { test } : {}) });
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
  const plan: FastPlan | null = ok
    ? {
        scale,
        places,
        items,
        flat,
        postOrder,
        itemIndex: new Map(items.map((it, i) => [it.id, i])),
        sectionIndex: new Map(flat.map((f, i) => [f.id, i])),
        maxScaled: maxScaled as number,
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

/** An integer count of 10^-places as the exact decimal string ("93.5"). */
function fixed(x: number, scale: number, places: number): string {
  if (scale === 1) return String(x);
  const neg = x < 0;
  const a = neg ? -x : x;
  const int = Math.floor(a / scale);
  let frac = a - int * scale;
  if (frac === 0) return `${neg ? '-' : ''}${int}`;
  let digits = places;
  while (frac % 10 === 0) {
    frac /= 10;
    digits--;
  }
  return `${neg ? '-' : ''}${int}.${String(frac).padStart(digits, '0')}`;
}

/** Whether totals-only scoring has an integer plan for this rubric (else it always takes the exact path). */
export function hasFastPath(compiled: CompiledRubric): boolean {
  return planFor(compiled) !== null;
}

/** Totals only, without a trace: the same numbers as score(). */
export function safeScoreTotals(compiled: CompiledRubric, evidence: unknown, options: ScoreOptions = {}): SafeResult<ScoreTotals> {
  const plan = planFor(compiled);
  // Evidence or a community record too deep or too large to walk safely is the exact path's to refuse.
  const bounded = !tooDeep(evidence, MAX_DEPTH) && !(options.community !== undefined && tooDeep(options.community, MAX_DEPTH));
  const fast = plan && bounded ? fastTotals(compiled, plan, evidence, options) : undefined;
  if (fast) return { success: true, data: fast };
  const full = safeScore(compiled, evidence, options);
  return full.success ? { success: true, data: totalsOf(full.data) } : full;
}

/** Like safeScoreTotals, but throws the RubricError. */
export function scoreTotals(compiled: CompiledRubric, evidence: unknown, options: ScoreOptions = {}): ScoreTotals {
  const r = safeScoreTotals(compiled, evidence, options);
  if (!r.success) throw r.error;
  return r.data;
}

/** The totals of a full result. */
export function totalsOf(result: ScoreResult): ScoreTotals {
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
  if (evidence === null || typeof evidence !== 'object' || Array.isArray(evidence)) return undefined;
  const given = evidence as Record<string, unknown>;
  const zero = options.missing === 'zero';
  const { items, flat, postOrder } = plan;
  const itemPoints = new Array<number>(items.length);
  let present = 0;
  for (let i = 0; i < items.length; i++) {
    const item = items[i] as FastPlan['items'][number];
    const raw = given[item.id];
    let p: number | undefined;
    if (raw === undefined || raw === null) {
      // Missing evidence is 0 under missing: zero; otherwise the exact path reports it.
      if (raw === null) present++;
      p = zero ? 0 : undefined;
    } else {
      present++;
      p = item.fast(raw);
    }
    if (p === undefined) return undefined;
    itemPoints[i] = p;
  }
  // Keys that are not items are errors (and undefined values odd): the exact path decides.
  let keys = 0;
  for (const k in given) if (Object.prototype.hasOwnProperty.call(given, k)) keys++;
  if (keys !== present) return undefined;
  const sectionPoints = new Array<number>(flat.length);
  let base = 0;
  let bonus = 0;
  for (let k = 0; k < postOrder.length; k++) {
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
  const { scale, places } = plan;
  const s = (x: number) => fixed(x, scale, places);
  const ratioText = (): string | null =>
    plan.maxScaled === 0
      ? null
      : plan.ratioMul !== undefined && Number.isSafeInteger(total * plan.ratioMul)
        ? fixed(total * plan.ratioMul, 10 ** (plan.ratioPlaces as number), plan.ratioPlaces as number)
        : Dec.of(BigInt(total), BigInt(plan.maxScaled)).toString();

  const gates: GateResult[] = [];
  let blocked: (typeof plan.gates)[number]['gate'] | undefined;
  for (const g of plan.gates) {
    let value: string | null;
    let passed: boolean;
    if (g.test) {
      const [kind, ref] = g.subject.split(/:(.*)/s) as [string, string | undefined];
      const index = kind === 'section' ? plan.sectionIndex.get(ref as string) : kind === 'item' ? plan.itemIndex.get(ref as string) : 0;
      if (index === undefined) return undefined;
      const x =
        kind === 'total' || kind === 'ratio' ? total : kind === 'base' ? base : kind === 'bonus' ? bonus : kind === 'section' ? (sectionPoints[index] as number) : (itemPoints[index] as number);
      passed = g.test(x);
      value = kind === 'ratio' ? ratioText() : s(x);
    } else {
      // A gate on a measured value: read it exactly through the kind.
      const item = compiled.items.get(g.itemId as string);
      const raw = given[g.itemId as string];
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
  return {
    rubric: { ...plan.rubricRef },
    ...(options.community !== undefined ? { community: plain(options.community) } : {}),
    total: s(total),
    base: s(base),
    bonus: s(bonus),
    max: plan.maxText,
    maxWithBonus: plan.maxWithBonusText,
    ratio: ratioText(),
    rated: !blocked,
    grade,
    gates,
    sections: flat.map((f, i) => ({ id: f.id, points: s(sectionPoints[i] as number) })),
  };
}
