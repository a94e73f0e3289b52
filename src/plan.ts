import { copyCommunity } from './community.js';
import { indexTraces } from './trace-index.js';
import { argumentIssue, assertCompiled, isStringList, optionIssue, optionsIssue, throwProblems } from './api-guards.js';
import { planIssue, textOptionsIssues } from './result-shape.js';
import type { CompiledRubric, MissingPolicy } from './compile.js';
import { costOf, isCosts, type Costs } from './costs.js';
import { Dec } from './decimal.js';
import { checkEvidence, keepsPoints } from './evaluate.js';
import { leftBlank } from './left-blank.js';
import { score } from './score.js';
import { RubricError, describe, issue, suggest, type Issue } from './issues.js';
import { isRecord } from './is-record.js';
import type { AnyRuleKind, Bilingual, ItemBase, ItemTrace, ScoreContext } from './kinds/define.js';
import { plain, pointsEn } from './kinds/shared.js';
import type { Lang } from './explain.js';
import { builtinPlanners, show, type AnyKindPlanner } from './plan-kinds.js';
import { countsAsMet, requiredSiblings } from './kinds/requires.js';
import { inRange, rangeToString, type Range } from './range.js';
import type { GateResult, GradeResult, ScoreResult } from './result.js';
import type { Section } from './schema.js';

/**
 * The gap planner: for a community below a grade, the improvements that
 * reach it. Each item's reachable better outcomes come from its kind's
 * planner (plan-kinds.ts) and are scored by the kind itself; the set of
 * improvements is then chosen by an exact dynamic programme over the
 * rubric's tree, in steps of the rubric's rounding (hundredths of points):
 * every section and item keeps, for each exact gain, the best way to reach
 * it (fewest changes, or cheapest with a costs file), caps and blocking
 * gates applied where they bite. The plan is verified by re-scoring the
 * changed evidence with `score`.
 */

export interface PlanOptions {
  /** The grade to reach (a band id); default: the next grade up. */
  target?: string;
  /** What raising each item costs; without it the plan makes the fewest changes. */
  costs?: Costs;
  /**
   * Items (or parts) the plan never changes, as `fixed` in a costs file, with
   * or without costs: honours won, say, which a community does not plan.
   * Fixing an item fixes its parts.
   */
  fixed?: readonly string[];
  /** As for `score`: 'zero' plans from items without evidence scored 0. */
  missing?: MissingPolicy;
  /** Copied into the plan and the re-scored result. */
  community?: unknown;
  /** Planners for kinds of the user's own, by kind name. */
  planners?: Readonly<Record<string, AnyKindPlanner>>;
}

/** One reachable improvement of one item (or part). */
export interface PlanOption {
  item: string;
  /** Where the item's evidence sits: [item] or [item, part, …]. */
  path: string[];
  title: Bilingual;
  kind: string;
  /** The outcome reached, as a costs file names it. */
  outcome: string;
  from: Dec;
  to: Dec;
  gain: Dec;
  /** 1 without a costs file. */
  cost: Dec;
  /** The item's evidence now (as written) and after the change. */
  before: unknown;
  evidence: unknown;
  what?: Bilingual;
  fromLabel?: Bilingual;
  toLabel?: Bilingual;
  change?: Bilingual;
  /** The item's place in rubric order. */
  order: number;
}

/** The options of one item that takes evidence (parts included, sums excluded). */
export interface ItemOptions {
  item: string;
  path: string[];
  kind: string;
  title: Bilingual;
  current: Dec;
  max: Dec;
  plannable: boolean;
  options: PlanOption[];
}

/** One improvement of a plan, as plain JSON. */
export interface PlanStep {
  item: string;
  path: string[];
  title: Bilingual;
  kind: string;
  outcome: string;
  from: string;
  to: string;
  gain: string;
  cost?: string;
  what?: Bilingual;
  fromLabel?: Bilingual;
  toLabel?: Bilingual;
  change?: Bilingual;
  /** One line: "4.5: 0.88… → ≥ 0.9 (6 → 8); count 53 → 54 of 60". */
  line: Bilingual;
  evidence: { before: unknown; after: unknown };
}

export type PlanReasonCode = 'no-grades' | 'max-below-band' | 'gate-unreachable' | 'gates-conflict' | 'unplannable-items' | 'fixed-items' | 'missing-evidence';

export interface PlanReason {
  code: PlanReasonCode;
  message: Bilingual;
  gate?: string;
}

export interface PlanTarget {
  id: string;
  label: Bilingual;
  range: string;
  /** The total the band needs at least (for a ratio subject, ratio × max); absent for the lowest band. */
  threshold?: string;
}

export interface Plan {
  rubric: { id: string; version: string; title: Bilingual };
  community?: unknown;
  objective: 'fewest-changes' | 'cheapest';
  current: { total: string; grade: GradeResult | null; rated: boolean; gates: GateResult[] };
  target: PlanTarget | null;
  /**
   * reached: the target is met already; planned: `steps` reach it; top: the
   * community is at the best grade (no target given); unreachable: see `reasons`.
   */
  status: 'reached' | 'planned' | 'top' | 'unreachable';
  /** Points missing to the target's threshold (0 when only gates are missing). */
  needed?: string;
  steps: PlanStep[];
  /** What the plan adds to the total (after − now); a step's gain is its item's, which a cap above it may cut. */
  gain: string;
  cost?: string;
  /** Points above the target's threshold after the plan. */
  overshoot?: string;
  /** The changed evidence re-scored with `score`. */
  after?: { total: string; grade: GradeResult | null; rated: boolean; gates: GateResult[] };
  /** The whole evidence with the plan applied. */
  evidence?: Record<string, unknown>;
  reasons: PlanReason[];
  /** Items of kinds the planner cannot plan: left as they are. */
  unplannable: { id: string; kind: string; title: Bilingual }[];
  /** Items fixed (by the costs or the `fixed` option) that had a better outcome to offer. */
  fixed: string[];
}

/* ------------------------------------------------------------ the tree */

interface Leaf {
  type: 'leaf';
  item: ItemBase;
  path: string[];
  ids: string[];
  /** The item's own points now: for a part its sum withholds (requires), what its evidence gives, not the 0 it counts. */
  cur: Dec;
  /** The points it counts now, as the result says. */
  counted: Dec;
  max: Dec;
  order: number;
  plannable: boolean;
  noChangeOk: boolean;
  options: LeafOption[];
}
/**
 * An option as the search keeps it: whether it passes the gates on its
 * evidence, whether the item is met after it (for a part others require),
 * and the points it unlocks: those of the parts requiring it, counted once
 * it is met, included in its gain.
 */
type LeafOption = PlanOption & { gateOk: boolean; met: boolean; unlocks?: Dec };
interface Inner {
  type: 'inner';
  subject: string[];
  cur: Dec;
  raw0: Dec;
  value: (raw: Dec) => Dec;
  children: TNode[];
}
/**
 * A part of a sum that other parts require, with those parts (kinds/requires.ts),
 * planned as one: the parts requiring it gain only where it ends met, so no
 * plan counts an extra without its room.
 */
interface Group {
  type: 'group';
  required: TNode;
  /** The required part's maximum, and whether it is met now. */
  max: Dec;
  metNow: boolean;
  /** The parts requiring it, each with its own points now (counted only while the required part is met). */
  dependents: { id: string; node: TNode; own: Dec }[];
  /** What the group counts now (every node has it; a group's sum reads its parts' points instead). */
  cur: Dec;
}
type TNode = Leaf | Inner | Group;

interface Entry {
  cost: bigint;
  changes: number;
  bits: bigint;
  picks: Picks;
}
type Picks = null | { opt: PlanOption } | { l: Picks; r: Picks };
/**
 * The best way to reach each gain, by the gain in units of the search. A map,
 * not an array: points kept to many places (12 in a rubric that does not round
 * a repeating mean) make units so fine that a dense table would not fit, while
 * the gains actually reachable stay few.
 */
type Table = Map<number, Entry>;

const table0 = (): Table => new Map([[0, ENTRY0]]);

/** The largest gain in a table (0 for an empty one). */
function maxGain(t: Table): number {
  let most = 0;
  for (const g of t.keys()) if (g > most) most = g;
  return most;
}

/** A table's gains, smallest first: the search reads them in a fixed order, whatever the insertion order. */
const gainsOf = (t: Table): number[] => [...t.keys()].sort((a, b) => a - b);

const ENTRY0: Entry = { cost: 0n, changes: 0, bits: 0n, picks: null };

function better(cost: bigint, changes: number, bits: bigint, b: Entry | undefined): boolean {
  if (!b) return true;
  if (cost !== b.cost) return cost < b.cost;
  if (changes !== b.changes) return changes < b.changes;
  return bits > b.bits;
}

function convolve(A: Table, B: Table): Table {
  const out: Table = new Map();
  for (const [i, a] of A) {
    for (const [j, b] of B) {
      const cost = a.cost + b.cost;
      const changes = a.changes + b.changes;
      const bits = a.bits + b.bits;
      if (!better(cost, changes, bits, out.get(i + j))) continue;
      out.set(i + j, { cost, changes, bits, picks: a.picks === null ? b.picks : b.picks === null ? a.picks : { l: a.picks, r: b.picks } });
    }
  }
  return out;
}

function flatten(p: Picks, out: PlanOption[] = []): PlanOption[] {
  if (p === null) return out;
  if ('opt' in p) out.push(p.opt);
  else {
    flatten(p.l, out);
    flatten(p.r, out);
  }
  return out;
}

/** A part's place among its sum's requires: required by others, requiring one, or neither (any item that is not a part). */
type PartRole = 'required' | 'dependent' | 'free';

const joinChange = (a: Bilingual | undefined, b: Bilingual): Bilingual => (a ? { zh: `${a.zh}；${b.zh}`, en: `${a.en}; ${b.en}` } : b);

function withChange(o: LeafOption, change: Bilingual): LeafOption {
  return { ...o, change: joinChange(o.change, change) };
}

/** What an option of a part that requires `required` says while that part is not met. */
function countsOnlyWith(required: ItemBase): Bilingual {
  return { zh: `需先满足「${required.title.zh}」才计分`, en: `counts only once "${required.title.en}" is met` };
}

/**
 * An option that meets a required part, gaining too what the parts requiring
 * it then count (`ids`: those with points of their own). Under a cap on the
 * sum (`capped`) the line says its figure is before the cap: the plan's
 * total reads the capped points, which may keep less of it.
 */
function unlocking(o: LeafOption, unlocks: Dec, ids: readonly string[], capped: boolean): LeafOption {
  const before = capped ? { zh: '，封顶前', en: ' before the cap' } : { zh: '', en: '' };
  const change = { zh: `另计已得分的 ${ids.join('、')}（+${show(unlocks)}${before.zh}）`, en: `${ids.join(', ')} then count too (+${show(unlocks)}${before.en})` };
  return { ...withChange(o, change), gain: o.gain.add(unlocks), unlocks };
}

interface Built {
  result: ScoreResult;
  top: { base: TNode[]; bonus: TNode[] };
  leaves: Leaf[];
  unit: Dec;
  unplannable: Plan['unplannable'];
  fixed: string[];
  /** Items below their maximum that give no options because they have no evidence to plan from. */
  blank: string[];
  /** Blocking gates by subject. */
  gates: Map<string, { id: string; range: Range }[]>;
  evidenceGates: { id: string; item: string }[];
}

function buildTree(compiled: CompiledRubric, evidence: unknown, options: PlanOptions): Built {
  const { rubric } = compiled;
  const missing = options.missing ?? 'error';
  const result = score(compiled, evidence, { missing, ...(options.community !== undefined ? { community: options.community } : {}) });
  const given = evidence as Record<string, unknown>;
  const parsedValues = checkEvidence(compiled, evidence, missing).values;
  const planners: Record<string, AnyKindPlanner> = { ...builtinPlanners, ...(options.planners ?? {}) };
  const kindOf = (item: ItemBase) => compiled.kinds.get(item.kind) as AnyRuleKind;
  const { places, mode } = rubric.rounding;
  const round = (p: Dec): Dec => (keepsPoints(p, rubric.rounding) ? p : p.round(places, mode));
  // A part's points, and whether it is met (a sum's requires read it).
  const scoreCtx: ScoreContext = {
    scorePart: (part, value) => {
      const outcome = value === undefined ? undefined : kindOf(part).score(part, value, scoreCtx);
      return { points: (outcome ? round(outcome.points) : Dec.ZERO).toString(), met: outcome ? outcome.met : kindOf(part).judgesCriteria ? false : undefined } as ItemTrace;
    },
    partMax: compiled.maxOf,
  };

  /** An item's points from its evidence alone, whatever its sum's requires make it count. */
  const ownPoints = (item: ItemBase, parsed: unknown): Dec => (parsed === undefined ? Dec.ZERO : round(kindOf(item).score(item, parsed, scoreCtx).points));

  const { items: traces, sections: sectionTraces } = indexTraces(result);
  // The unit of the search: the rubric's rounding step, finer if a section cap needs it, or points now
  // (a rubric rounding only repeating values keeps terminating points of any places).
  let P = places;
  const visitCaps = (s: Section) => {
    if (s.cap) P = Math.max(P, s.cap.places() ?? P);
    s.sections?.forEach(visitCaps);
  };
  rubric.sections.forEach(visitCaps);
  for (const t of [...traces.values(), ...sectionTraces.values()]) P = Math.max(P, Dec.parse(t.points)?.places() ?? P);
  // A part its sum withholds (requires) counts 0 in the result, and its own points once its required part is met.
  const withheldPlaces = (item: ItemBase, parsed: unknown): void => {
    for (const part of (item as { parts?: ItemBase[] }).parts ?? []) {
      const value = isRecord(parsed) ? parsed[part.id] : undefined;
      if (part.requires !== undefined) P = Math.max(P, ownPoints(part, value).places() ?? P);
      withheldPlaces(part, value);
    }
  };
  for (const [id, item] of compiled.items) withheldPlaces(item, parsedValues.get(id));
  const unit = Dec.of(1n, 10n ** BigInt(P));
  // Outcomes are offered in steps no finer than hundredths (see PlannerContext.unit); the search itself stays exact.
  const planStep = P <= PLAN_STEP_PLACES ? unit : Dec.of(1n, 10n ** BigInt(PLAN_STEP_PLACES));
  const roundingUnit = Dec.of(1n, 10n ** BigInt(places));

  const pointsOf = (id: string): Dec => Dec.parse(traces.get(id)?.points ?? '0') as Dec;

  const order = new Map([...compiled.allItems.keys()].map((id, i) => [id, i]));
  const gates = new Map<string, { id: string; range: Range }[]>();
  const evidenceGates: { id: string; item: string; field: string | undefined; range: Range }[] = [];
  for (const g of rubric.gates ?? []) {
    if (g.effect !== 'block') continue;
    if (g.subject.startsWith('evidence:')) {
      const [item, field] = g.subject.slice('evidence:'.length).split('/') as [string, string | undefined];
      evidenceGates.push({ id: g.id, item, field, range: g.range });
    } else gates.set(g.subject, [...(gates.get(g.subject) ?? []), { id: g.id, range: g.range }]);
  }

  const leaves: Leaf[] = [];
  const unplannable: Plan['unplannable'] = [];
  const fixed = new Set<string>();
  const fixedIds = new Set(options.fixed ?? []);
  const blank: string[] = [];

  const buildItem = (item: ItemBase, raw: unknown, parsed: unknown, path: string[], ids: string[], role: PartRole = 'free'): TNode => {
    const counted = pointsOf(item.id);
    const cur = role === 'dependent' ? ownPoints(item, parsed) : counted;
    if (item.kind === 'sum' && !planners.sum) {
      const parts = (item as ItemBase & { parts: ItemBase[]; cap?: Dec }).parts;
      const cap = (item as { cap?: Dec }).cap;
      const required = requiredSiblings(parts);
      const roleOf = (i: number): PartRole => (!required ? 'free' : (required[i] as number) >= 0 ? 'dependent' : required.includes(i) ? 'required' : 'free');
      const children = parts.map((p, i) => buildItem(p, isRecord(raw) ? raw[p.id] : undefined, isRecord(parsed) ? parsed[p.id] : undefined, [...path, p.id], [p.id, ...ids], roleOf(i)));
      const raw0 = Dec.sum(parts.map((p) => pointsOf(p.id)));
      const nodes = required ? planTogether(parts, children, required, cap !== undefined) : children;
      return { type: 'inner', subject: [`item:${item.id}`], cur, raw0, value: (r) => round(cap ? Dec.min(cap, r) : r), children: nodes };
    }
    const max = compiled.maxOf(item);
    const planner = planners[item.kind];
    // No evidence: absent, ~, or left blank as the template writes it (every field ~).
    const missingRaw = leftBlank(raw);
    const myGates = path.length === 1 ? evidenceGates.filter((g) => g.item === item.id) : [];
    const passes = (value: unknown) =>
      myGates.every((g) => {
        const m = value === undefined ? undefined : kindOf(item).measure?.(item, value, g.field);
        return m !== undefined && inRange(m, g.range);
      });
    const leaf: Leaf = { type: 'leaf', item, path, ids, cur, counted, max, order: order.get(item.id) ?? 0, plannable: Boolean(planner), noChangeOk: passes(parsed), options: [] };
    leaves.push(leaf);
    if (!planner) {
      unplannable.push({ id: item.id, kind: item.kind, title: item.title });
      return leaf;
    }
    const schema = compiled.evidenceSchema(item, missing);
    const evaluate = (ev: unknown): { value: unknown; points: Dec; met: boolean } | undefined => {
      const r = schema.safeParse(ev);
      if (!r.success) return undefined;
      const outcome = kindOf(item).score(item, r.data, scoreCtx);
      const points = round(outcome.points);
      return { value: r.data, points, met: countsAsMet(points, max, outcome.met) };
    };
    const metNow = countsAsMet(counted, max, traces.get(item.id)?.met);
    const candidates = planner.candidates(item, raw, parsed, { current: cur, max, unit: planStep, roundingUnit, points: (ev) => evaluate(ev)?.points });
    const byGain = new Map<string, LeafOption>();
    for (const c of candidates) {
      const e = evaluate(c.evidence);
      // Points finer than the search's unit (a terminating value of many places) cannot be planned in it.
      if (!e || !e.points.div(unit).isInteger()) continue;
      const gain = e.points.sub(cur);
      const gateOk = passes(e.value);
      // No gain, unless it meets a part others require (one worth 0 points: a premise).
      const unlocking = role === 'required' && e.met && !metNow;
      if (gain.isNegative() || (gain.isZero() && myGates.length === 0 && !unlocking)) continue;
      const outcome = c.outcome ?? e.points.toString();
      const cost = ids.some((id) => fixedIds.has(id)) ? undefined : options.costs ? costOf(options.costs, ids, outcome, gain) : Dec.ONE;
      if (cost === undefined) {
        fixed.add(item.id);
        continue;
      }
      const key = `${gain.toString()}|${gateOk}|${e.met}`;
      const prev = byGain.get(key);
      if (prev && prev.cost.lte(cost)) continue;
      byGain.set(key, {
        item: item.id,
        path,
        title: item.title,
        kind: item.kind,
        outcome,
        from: cur,
        to: e.points,
        gain,
        cost,
        before: missingRaw ? null : raw,
        evidence: c.evidence,
        ...(c.what ? { what: c.what } : {}),
        ...(c.from ? { fromLabel: c.from } : {}),
        ...(c.to ? { toLabel: c.to } : {}),
        ...(c.change ? { change: c.change } : {}),
        order: order.get(item.id) ?? 0,
        gateOk,
        met: e.met,
      });
    }
    leaf.options = [...byGain.values()].sort((a, b) => a.gain.cmp(b.gain) || a.cost.cmp(b.cost));
    if (missingRaw && candidates.length === 0 && cur.lt(max)) blank.push(item.id);
    return leaf;
  };

  /**
   * A sum's parts with each part others require grouped with them (see
   * Group). A required part's options that meet it gain what the parts
   * requiring it count once it is (their own points now), and say so; those
   * parts' options say they count only with it.
   */
  const planTogether = (parts: readonly ItemBase[], children: TNode[], required: readonly number[], capped: boolean): TNode[] => {
    const free = children.filter((_, i) => (required[i] as number) < 0 && !required.includes(i));
    const groups = children.flatMap((node, i): Group[] => {
      if (!required.includes(i)) return [];
      const part = parts[i] as ItemBase;
      const max = compiled.maxOf(part);
      const metNow = countsAsMet(pointsOf(part.id), max, traces.get(part.id)?.met);
      const dependents = children.flatMap((d, j) => (required[j] === i ? [{ id: (parts[j] as ItemBase).id, node: d, own: d.cur }] : []));
      if (!metNow) {
        const unlocks = Dec.sum(dependents.map((d) => d.own));
        // Named: the parts whose own points it unlocks, not those that have none to count.
        const scoring = dependents.filter((d) => !d.own.isZero()).map((d) => d.id);
        if (node.type === 'leaf' && !unlocks.isZero()) node.options = node.options.map((o) => (o.met ? unlocking(o, unlocks, scoring, capped) : o));
        for (const d of dependents) if (d.node.type === 'leaf') d.node.options = d.node.options.map((o) => withChange(o, countsOnlyWith(part)));
      }
      return [{ type: 'group', required: node, max, metNow, dependents, cur: Dec.sum([node.cur, ...dependents.map((d) => (metNow ? d.own : Dec.ZERO))]) }];
    });
    return [...free, ...groups];
  };

  const buildSection = (s: Section): TNode => {
    const children = [...(s.sections ?? []).map(buildSection), ...(s.items ?? []).map((item) => buildItem(item, given[item.id], parsedValues.get(item.id), [item.id], [item.id]))];
    const cur = Dec.parse(sectionTraces.get(s.id)?.points ?? '0') as Dec;
    const raw0 = Dec.sum(children.map((c) => c.cur));
    const cap = s.cap;
    return { type: 'inner', subject: [`section:${s.id}`], cur, raw0, value: (r) => (cap ? Dec.min(cap, r) : r), children };
  };
  const base = rubric.sections.filter((s) => !s.bonus).map(buildSection);
  const bonus = rubric.sections.filter((s) => s.bonus).map(buildSection);
  return { result, top: { base, bonus }, leaves, unit, unplannable, fixed: [...fixed], blank, gates, evidenceGates };
}

/* ---------------------------------------------------------- the search */

interface Solved {
  total: Table;
  /** Each gate subject's value now and the highest it reaches (meaningful with gates off). */
  reach: Map<string, { from: Dec; to: Dec }>;
}

function solve(b: Built, compiled: CompiledRubric, withGates: boolean, costScale: bigint): Solved {
  const { unit } = b;
  const N = BigInt(compiled.allItems.size);
  const reach = new Map<string, { from: Dec; to: Dec }>();
  const toUnits = (d: Dec): number => {
    const q = d.div(unit);
    if (!q.isInteger()) throw new Error(`plan: ${d.toString()} is not a multiple of ${unit.toString()}`);
    return Number(q.n);
  };
  const costUnits = (c: Dec): bigint => {
    const q = c.mul(Dec.of(costScale));
    if (!q.isInteger()) throw new Error(`plan: the cost ${c.toString()} has more places than expected`);
    return q.n;
  };
  const gate = (table: Table, v0: Dec, subjects: string[], toValue: (v: Dec) => Dec = (v) => v): Table => {
    for (const subject of subjects) {
      reach.set(subject, { from: toValue(v0), to: toValue(v0.add(unit.mul(Dec.int(maxGain(table))))) });
      if (!withGates) continue;
      for (const g of b.gates.get(subject) ?? []) {
        for (const i of gainsOf(table)) if (!inRange(toValue(v0.add(unit.mul(Dec.int(i)))), g.range)) table.delete(i);
      }
    }
    return table;
  };
  const optionEntry = (node: Leaf, opt: LeafOption): Entry => ({ cost: costUnits(opt.cost), changes: 1, bits: 1n << (N - 1n - BigInt(node.order)), picks: { opt } });
  /** A group's gains (see Group): the required part's, with its dependents' where it ends met. */
  const runGroup = (node: Group): Table => {
    const { required } = node;
    const own = run(required);
    const met: Table = new Map();
    const unmet: Table = new Map();
    if (!node.max.isZero()) for (const [g, e] of own) (required.cur.add(unit.mul(Dec.int(g))).eq(node.max) ? met : unmet).set(g, e);
    else if (node.metNow) for (const [g, e] of own) met.set(g, e);
    else {
      // Worth 0 points, it gains nothing itself: its options that meet it are kept apart from the table, where no change beats them.
      for (const [g, e] of own) unmet.set(g, e);
      if (required.type === 'leaf' && own.has(0)) {
        for (const opt of required.options) {
          if (!opt.met || (withGates && !opt.gateOk)) continue;
          const e = optionEntry(required, opt);
          if (better(e.cost, e.changes, e.bits, met.get(0))) met.set(0, e);
        }
      }
    }
    // Met, each dependent counts its own points (now and as planned); while unmet they count 0, as they may now.
    let out = met;
    for (const d of node.dependents) {
      const t = run(d.node);
      const shift = node.metNow ? 0 : toUnits(d.own);
      out = convolve(out, shift === 0 ? t : new Map([...t].map(([g, e]) => [g + shift, e])));
    }
    const zeroOk = !withGates || node.dependents.every((d) => (b.gates.get(`item:${d.id}`) ?? []).every((g) => inRange(Dec.ZERO, g.range)));
    if (!node.metNow && zeroOk) for (const [g, e] of unmet) if (better(e.cost, e.changes, e.bits, out.get(g))) out.set(g, e);
    return out;
  };
  const run = (node: TNode): Table => {
    if (node.type === 'group') return runGroup(node);
    if (node.type === 'leaf') {
      const t: Table = new Map();
      if (!withGates || node.noChangeOk) t.set(0, ENTRY0);
      for (const opt of node.options) {
        if (withGates && !opt.gateOk) continue;
        // The item's own gain: what it unlocks in parts requiring it is the group's to add.
        const g = toUnits(opt.unlocks ? opt.gain.sub(opt.unlocks) : opt.gain);
        const e = optionEntry(node, opt);
        if (better(e.cost, e.changes, e.bits, t.get(g))) t.set(g, e);
      }
      return gate(t, node.cur, [`item:${node.item.id}`]);
    }
    const raw = node.children.map(run).reduce(convolve, table0());
    const out: Table = new Map();
    for (const i of gainsOf(raw)) {
      const e = raw.get(i) as Entry;
      const g = toUnits(node.value(node.raw0.add(unit.mul(Dec.int(i)))).sub(node.cur));
      if (g < 0) continue;
      if (better(e.cost, e.changes, e.bits, out.get(g))) out.set(g, e);
    }
    return gate(out, node.cur, node.subject);
  };
  const r = b.result;
  const base = gate(b.top.base.map(run).reduce(convolve, table0()), Dec.parse(r.base) as Dec, ['base']);
  const bonus = gate(b.top.bonus.map(run).reduce(convolve, table0()), Dec.parse(r.bonus) as Dec, ['bonus']);
  const total0 = Dec.parse(r.total) as Dec;
  let total = gate(convolve(base, bonus), total0, ['total']);
  if (!compiled.max.isZero()) total = gate(total, total0, ['ratio'], (v) => v.div(compiled.max));
  return { total, reach };
}

/* ------------------------------------------------------------ the API */

/**
 * Every item's reachable better outcomes (parts included), with their
 * points and costs: what the planner chooses from.
 */
export function planOptions(compiled: CompiledRubric, evidence: unknown, options: PlanOptions = {}): ItemOptions[] {
  assertCompiled(compiled);
  options ??= {};
  checkPlanOptions(compiled, options);
  const built = buildTree(compiled, evidence, options);
  return built.leaves.map((l) => ({
    item: l.item.id,
    path: l.path,
    kind: l.item.kind,
    title: l.item.title,
    current: l.counted,
    max: l.max,
    plannable: l.plannable,
    options: l.options.map(({ gateOk: _gateOk, met: _met, unlocks: _unlocks, ...o }) => o),
  }));
}

/** The evidence with the chosen options applied (the original is not changed). */
export function applyOptions(evidence: Record<string, unknown>, chosen: readonly Pick<PlanOption, 'path' | 'evidence'>[]): Record<string, unknown> {
  const isOption = (o: unknown) => isRecord(o) && isStringList(o.path) && o.path.length > 0;
  throwProblems(
    argumentIssue('evidence', evidence, 'evidence as a mapping', isRecord(evidence)),
    argumentIssue('chosen', chosen, 'a list of options (each with a path of keys and its evidence)', Array.isArray(chosen) && chosen.every(isOption)),
  );
  const next: Record<string, unknown> = { ...evidence };
  for (const opt of chosen) {
    let obj = next;
    for (const key of opt.path.slice(0, -1)) {
      const child = obj[key];
      const copy = isRecord(child) ? { ...child } : {};
      obj[key] = copy;
      obj = copy;
    }
    obj[opt.path[opt.path.length - 1] as string] = opt.evidence;
  }
  return next;
}

/** The `fixed` option: a list of the rubric's item (or part) ids. Throws a RubricError. */
function checkFixed(compiled: CompiledRubric, options: PlanOptions): void {
  const fixed: unknown = options.fixed;
  if (fixed === undefined) return;
  throwProblems(optionIssue('fixed', fixed, 'a list of item ids', Array.isArray(fixed)));
  const issues: Issue[] = [];
  (fixed as unknown[]).forEach((id, i) => {
    if (typeof id !== 'string') issues.push(issue('invalid-type', ['options', 'fixed', i], `expected an item id, found ${describe(id)}`, { expected: 'a string', found: describe(id) }));
    else if (!compiled.allItems.has(id)) {
      const hint = suggest(id, compiled.allItems.keys());
      issues.push(issue('unknown-item', ['options', 'fixed', i], `the rubric has no item "${id}"${hint ? ` (did you mean "${hint}"?)` : ''}`, { found: id }));
    }
  });
  if (issues.length) throw new RubricError(issues);
}

/** Checks the options against the rubric: `fixed`, `target`'s type, the planners' shape, and a costs table's shape, item ids and outcome keys. Throws a RubricError. */
function checkPlanOptions(compiled: CompiledRubric, options: PlanOptions): void {
  throwProblems(optionsIssue(options));
  checkFixed(compiled, options);
  const target: unknown = options.target;
  throwProblems(optionIssue('target', target, 'a grade id', target === undefined || typeof target === 'string'));
  const given: unknown = options.planners;
  // A kind's planner, or undefined for none.
  const notPlanner = (p: unknown) => p !== undefined && (!isRecord(p) || typeof p.outcomes !== 'function' || typeof p.candidates !== 'function');
  if (given !== undefined && (!isRecord(given) || Object.values(given).some(notPlanner))) {
    const bad = isRecord(given) ? Object.keys(given).find((k) => notPlanner(given[k])) : undefined;
    const found = describe(bad === undefined ? given : (given as Record<string, unknown>)[bad]);
    throw new RubricError([issue('invalid-type', ['options', 'planners', ...(bad === undefined ? [] : [bad])], `expected planners by kind name, each with outcomes and candidates, found ${found}`, { expected: 'a KindPlanner', found })]);
  }
  const costs: unknown = options.costs;
  if (costs === undefined) return;
  if (!isCosts(costs)) throw new RubricError([optionIssue('costs', costs, 'a costs table (from safeParseCosts)', false) as Issue]);
  const planners: Record<string, AnyKindPlanner> = { ...builtinPlanners, ...(options.planners ?? {}) };
  const issues: Issue[] = [];
  if (costs.rubric !== undefined && costs.rubric !== compiled.rubric.id) {
    issues.push(issue('rubric-mismatch', ['rubric'], `the costs are for the rubric "${costs.rubric}", not "${compiled.rubric.id}"`, { expected: compiled.rubric.id, found: costs.rubric }));
  }
  for (const [id, spec] of Object.entries(costs.items)) {
    const item = compiled.allItems.get(id);
    if (!item) {
      const hint = suggest(id, compiled.allItems.keys());
      issues.push(issue('unknown-item', ['items', id], `the rubric has no item "${id}"${hint ? ` (did you mean "${hint}"?)` : ''}`, { found: id }));
      continue;
    }
    if (!spec.to) continue;
    const planner = planners[item.kind];
    const known = item.kind === 'sum' && !planners.sum ? [] : planner ? planner.outcomes(item) : [];
    for (const key of Object.keys(spec.to)) {
      if (known === 'points') {
        const p = Dec.parse(key);
        if (!p || p.isNegative() || p.gt(compiled.maxOf(item))) {
          issues.push(issue('invalid-value', ['items', id, 'to', key], `"${key}" is not a number of points item ${id} can reach (0 to ${compiled.maxOf(item).toString()})`, { expected: `points up to ${compiled.maxOf(item).toString()}`, found: key }));
        }
      } else if (!known.includes(key)) {
        const hint = suggest(key, known);
        issues.push(
          issue('invalid-value', ['items', id, 'to', key], known.length ? `"${key}" is not an outcome of item ${id}${hint ? ` (did you mean "${hint}"?)` : ''}` : `item ${id} (${item.kind}) has no outcomes of its own: price its parts`, {
            expected: known.length ? `one of ${known.join(', ')}` : 'a number or fixed',
            found: key,
          }),
        );
      }
    }
  }
  if (issues.length) throw new RubricError(issues);
}

/** The finest step, in decimal places, in which planners offer outcomes. */
const PLAN_STEP_PLACES = 2;

const band = (compiled: CompiledRubric) => compiled.rubric.grades?.bands ?? [];

/** Finds the improvements that take a community to a grade; see PlanOptions. Pure. */
export function plan(compiled: CompiledRubric, evidence: unknown, options: PlanOptions = {}): Plan {
  assertCompiled(compiled);
  options ??= {};
  checkPlanOptions(compiled, options);
  const { rubric } = compiled;
  const built = buildTree(compiled, evidence, options);
  const { result, unit } = built;
  const objective = options.costs ? 'cheapest' : 'fewest-changes';
  const head = {
    rubric: { id: rubric.id, version: rubric.version, title: rubric.title },
    ...(options.community !== undefined ? { community: copyCommunity(options.community) } : {}),
    objective,
    current: { total: result.total, grade: result.grade, rated: result.rated, gates: result.gates },
  } as const;
  const base = { ...head, steps: [] as PlanStep[], gain: '0', unplannable: built.unplannable, fixed: built.fixed };
  const grades = rubric.grades;
  if (!grades) {
    return { ...base, target: null, status: 'unreachable', reasons: [{ code: 'no-grades', message: { zh: '该评价表未设等级，无从规划。', en: 'The rubric has no grades to plan for.' } }] };
  }
  const bands = band(compiled);
  const total0 = Dec.parse(result.total) as Dec;
  const subjectOf = (total: Dec): Dec | undefined => (grades.subject === 'ratio' ? (compiled.max.isZero() ? undefined : total.div(compiled.max)) : total);
  const bandIndex = (total: Dec): number => {
    const v = subjectOf(total);
    return v === undefined ? -1 : bands.findIndex((b) => inRange(v, b.range));
  };
  const curIdx = bandIndex(total0);

  let t: number;
  if (options.target !== undefined) {
    t = bands.findIndex((b) => b.id === options.target);
    if (t < 0) {
      const ids = bands.map((b) => b.id);
      const hint = suggest(options.target, ids);
      throw new RubricError([issue('unknown-reference', ['target'], `"${options.target}" is not a grade of ${rubric.id}${hint ? ` (did you mean "${hint}"?)` : ''}; grades: ${ids.join(', ')}`, { expected: `one of ${ids.join(', ')}`, found: options.target })]);
    }
  } else if (!result.rated) {
    t = Math.max(0, curIdx);
    if (bands[t]?.passing === false) {
      for (let i = curIdx - 1; i >= 0; i--) {
        if (bands[i]?.passing !== false) {
          t = i;
          break;
        }
      }
    }
  } else {
    t = curIdx - 1;
    if (t < 0) return { ...base, target: null, status: 'top', reasons: [] };
  }
  const tb = bands[t] as NonNullable<(typeof bands)[number]>;
  const thresholdOf = (): Dec | undefined => (tb.range.min ? (grades.subject === 'ratio' ? tb.range.min.mul(compiled.max) : tb.range.min) : undefined);
  const threshold = thresholdOf();
  const target: PlanTarget = { id: tb.id, label: tb.label, range: rangeToString(tb.range), ...(threshold ? { threshold: threshold.toString() } : {}) };
  const neededDec = threshold ? Dec.max(Dec.ZERO, threshold.sub(total0)) : Dec.ZERO;
  const needed = neededDec.toString();
  const reaches = (r: { rated: boolean; total: string }) => r.rated && (() => {
    const i = bandIndex(Dec.parse(r.total) as Dec);
    return i >= 0 && i <= t;
  })();
  if (reaches(result)) {
    return { ...base, target, status: 'reached', needed: '0', reasons: [], after: { total: result.total, grade: result.grade, rated: result.rated, gates: result.gates } };
  }

  // Costs in integer units of their finest decimal place.
  let places = 0;
  for (const l of built.leaves) for (const o of l.options) places = Math.max(places, o.cost.places() ?? 0);
  const costScale = 10n ** BigInt(places);
  const solved = solve(built, compiled, true, costScale);
  let best: { g: number; e: Entry } | undefined;
  for (const g of gainsOf(solved.total)) {
    const e = solved.total.get(g) as Entry;
    const i = bandIndex(total0.add(unit.mul(Dec.int(g))));
    if (i < 0 || i > t) continue;
    if (!best || e.cost < best.e.cost || (e.cost === best.e.cost && e.changes < best.e.changes)) best = { g, e };
  }

  const contextReasons = (): PlanReason[] => {
    const out: PlanReason[] = [];
    if (built.unplannable.length) {
      const list = built.unplannable.map((u) => `${u.id} (${u.kind})`).join(', ');
      out.push({ code: 'unplannable-items', message: { zh: `${built.unplannable.length} 个条目的计分类型无法规划，保持原样：${list}`, en: `${built.unplannable.length} item(s) of kinds the planner cannot plan are left as they are: ${list}` } });
    }
    if (built.blank.length) {
      const list = built.blank.join(', ');
      out.push({ code: 'missing-evidence', message: { zh: `${built.blank.length} 个条目没有证据，无从规划（如分档条目缺少实测量）：${list}`, en: `${built.blank.length} item(s) have no evidence to plan from (e.g. tiers without their measured quantities): ${list}` } });
    }
    if (built.fixed.length) {
      const by = options.costs && options.fixed?.length ? { zh: '成本文件或 fixed 选项', en: 'the costs file or the fixed option' } : options.costs ? { zh: '成本文件', en: 'the costs file' } : { zh: 'fixed 选项', en: 'the fixed option' };
      out.push({ code: 'fixed-items', message: { zh: `${by.zh}将以下条目设为不可改动：${built.fixed.join(', ')}`, en: `${by.en.charAt(0).toUpperCase()}${by.en.slice(1)} fixes these items: ${built.fixed.join(', ')}` } });
    }
    return out;
  };

  if (!best) {
    const free = solve(built, compiled, false, costScale);
    const reasons: PlanReason[] = [];
    const maxTotal = total0.add(unit.mul(Dec.int(maxGain(free.total))));
    const idx = bandIndex(maxTotal);
    if (idx < 0 || idx > t) {
      reasons.push({
        code: 'max-below-band',
        message: {
          zh: `可规划的条目全部改进后，总分最高 ${maxTotal.toString()}，${tb.label.zh}需要 ${rangeToString(tb.range)}${grades.subject === 'ratio' ? `（得分率，总分至少 ${threshold?.toString() ?? '—'}）` : ''}。`,
          en: `With every item it can plan raised as far as it goes, the total reaches at most ${maxTotal.toString()}; ${tb.label.en} needs ${rangeToString(tb.range)}${grades.subject === 'ratio' ? ` (a ratio: a total of at least ${threshold?.toString() ?? '—'})` : ''}.`,
        },
      });
    }
    for (const g of rubric.gates ?? []) {
      if (g.effect !== 'block') continue;
      let ok: boolean;
      let most: string;
      if (g.subject.startsWith('evidence:')) {
        const item = g.subject.slice('evidence:'.length).split('/')[0];
        const leaf = built.leaves.find((l) => l.item.id === item && l.path.length === 1);
        ok = Boolean(leaf && (leaf.noChangeOk || leaf.options.some((o) => o.gateOk)));
        most = '—';
      } else {
        const v = free.reach.get(g.subject);
        ok = v !== undefined && (!g.range.min || v.to.gt(g.range.min) || (v.to.eq(g.range.min) && g.range.minInclusive)) && (!g.range.max || v.from.lt(g.range.max) || (v.from.eq(g.range.max) && g.range.maxInclusive));
        most = v?.to.toString() ?? '—';
      }
      if (!ok) {
        reasons.push({
          gate: g.id,
          code: 'gate-unreachable',
          message: {
            zh: `门槛“${g.title.zh}”无法满足：${g.subject} 最高只能达到 ${most}，要求 ${g.range.text}。`,
            en: `The gate "${g.title.en}" cannot be met: ${g.subject} reaches at most ${most}, it needs ${g.range.text}.`,
          },
        });
      }
    }
    if (reasons.length === 0) {
      reasons.push({ code: 'gates-conflict', message: { zh: '门槛与目标等级无法同时满足。', en: 'The gates and the target grade cannot be met together.' } });
    }
    return { ...base, target, status: 'unreachable', needed, reasons: [...reasons, ...contextReasons()] };
  }

  const chosen = flatten(best.e.picks).sort((a, b) => a.order - b.order);
  const next = applyOptions((evidence ?? {}) as Record<string, unknown>, chosen);
  const after = score(compiled, next, { ...(options.missing ? { missing: options.missing } : {}), ...(options.community !== undefined ? { community: options.community } : {}) });
  const predicted = total0.add(unit.mul(Dec.int(best.g)));
  if (!reaches(after) || !(Dec.parse(after.total) as Dec).eq(predicted)) {
    throw new Error(`plan: re-scoring the planned evidence gave ${after.total} (${after.grade?.id ?? 'no grade'}), expected ${predicted.toString()} reaching ${tb.id}`);
  }
  const steps = chosen.map((o) => toStep(o, Boolean(options.costs)));
  // What the total gains, not the steps' gains added up: a cap may take part of a step's (a room's extras under its sum's cap).
  const gain = predicted.sub(total0);
  return {
    ...base,
    target,
    status: 'planned',
    needed,
    steps,
    gain: gain.toString(),
    ...(options.costs ? { cost: Dec.sum(chosen.map((o) => o.cost)).toString() } : {}),
    ...(threshold ? { overshoot: (Dec.parse(after.total) as Dec).sub(threshold).toString() } : {}),
    after: { total: after.total, grade: after.grade, rated: after.rated, gates: after.gates },
    evidence: plain(next) as Record<string, unknown>,
    reasons: contextReasons(),
  };
}

function toStep(o: PlanOption, withCost: boolean): PlanStep {
  const step: PlanStep = {
    item: o.item,
    path: o.path,
    title: o.title,
    kind: o.kind,
    outcome: o.outcome,
    from: o.from.toString(),
    to: o.to.toString(),
    gain: o.gain.toString(),
    ...(withCost ? { cost: o.cost.toString() } : {}),
    ...(o.what ? { what: o.what } : {}),
    ...(o.fromLabel ? { fromLabel: o.fromLabel } : {}),
    ...(o.toLabel ? { toLabel: o.toLabel } : {}),
    ...(o.change ? { change: o.change } : {}),
    line: { zh: '', en: '' },
    evidence: { before: plain(o.before), after: plain(o.evidence) },
  };
  step.line = { zh: stepLine(step, 'zh'), en: stepLine(step, 'en') };
  return step;
}

/** One improvement in one line: "4.5: 0.88… → ≥ 0.9 (6 → 8)". */
export function stepLine(s: Omit<PlanStep, 'line'>, lang: Lang): string {
  const isStep = isRecord(s) && typeof s.item === 'string' && typeof s.from === 'string' && typeof s.to === 'string';
  throwProblems(argumentIssue('s', s, 'a plan step (item, from, to)', isStep), argumentIssue('lang', lang, '"zh" or "en"', lang === 'zh' || lang === 'en'));
  const zh = lang === 'zh';
  const what = s.what ? `${s.what[lang]} ` : '';
  const hasLabels = s.fromLabel !== undefined && s.toLabel !== undefined;
  const main = hasLabels ? `${what}${s.fromLabel?.[lang]} → ${s.toLabel?.[lang]}` : (s.change?.[lang] ?? `${s.outcome}`);
  const pts = zh ? `（${s.from} → ${s.to}）` : ` (${s.from} → ${s.to})`;
  const extra = hasLabels && s.change ? `${zh ? '；' : '; '}${s.change[lang]}` : '';
  return `${s.item}${zh ? '：' : ': '}${main}${pts}${extra}`;
}

export interface FormatPlanOptions {
  lang?: Lang;
}

/** A plan as text. */
/** The reason a plan gives when its rubric has no grades (a checklist): then there is nothing to plan for. */
export function noGradesReason(p: Plan): PlanReason | undefined {
  return p.reasons.find((r) => r.code === 'no-grades');
}

export function formatPlan(p: Plan, options: FormatPlanOptions = {}): string {
  throwProblems(planIssue(p, 'p'), ...textOptionsIssues(options));
  options ??= {};
  const lang = options.lang ?? 'zh';
  const zh = lang === 'zh';
  const out: string[] = [];
  const gradeName = (g: GradeResult | null) => (g ? g.label[lang] : '—');
  out.push(`${p.rubric.title[lang]} (${p.rubric.id} ${p.rubric.version})`);
  const community = p.community as { name?: unknown } | undefined;
  if (community?.name) out.push(`${zh ? '社区' : 'Community'}: ${String(community.name)}`);
  // A rubric without grades (a checklist) has no total or grade to start from, nor one to reach: say that alone.
  const noGrades = noGradesReason(p);
  if (noGrades) {
    out.push(noGrades.message[lang]);
    return out.join('\n');
  }
  out.push(`${zh ? '当前' : 'Now'}: ${p.current.total} ${gradeName(p.current.grade)}${p.target ? `  →  ${zh ? '目标' : 'target'}: ${p.target.label[lang]} ${p.target.range}` : ''}`);
  if (p.status === 'top') {
    out.push(zh ? '已是最高等级，无更高等级可规划。' : 'Already at the best grade: there is no grade above to plan for.');
    return out.join('\n');
  }
  if (p.status === 'reached') {
    out.push(zh ? '已达到目标等级，无需改进。' : 'The target grade is reached already: nothing to change.');
    return out.join('\n');
  }
  if (p.needed !== undefined && p.needed !== '0') out.push(zh ? `距目标差 ${p.needed} 分` : `${pointsEn(p.needed)} short of the target`);
  if (p.status === 'unreachable') {
    out.push(zh ? `无法达到${p.target ? `“${p.target.label.zh}”` : ''}：` : `${p.target ? `${p.target.label.en} is` : 'The target is'} out of reach:`);
    for (const r of p.reasons) out.push(`  - ${r.message[lang]}`);
    return out.join('\n');
  }
  const how = p.objective === 'cheapest' ? (zh ? `最低成本 ${p.cost}` : `cheapest: cost ${p.cost}`) : zh ? '改动最少' : 'fewest changes';
  out.push(
    zh
      ? `方案（${how}）：${p.steps.length} 项改进，共提高 ${p.gain} 分${p.overshoot !== undefined ? `，高出等级下限 ${p.overshoot} 分` : ''}`
      : `Plan (${how}): ${p.steps.length} improvement${p.steps.length === 1 ? '' : 's'}, +${pointsEn(p.gain)}${p.overshoot !== undefined ? `, ${p.overshoot} above the band's lower bound` : ''}`,
  );
  p.steps.forEach((s, i) => {
    out.push(`  ${i + 1}. ${s.line[lang]}${s.cost !== undefined ? (zh ? `  [成本 ${s.cost}]` : `  [cost ${s.cost}]`) : ''}`);
    out.push(`     ${s.title[lang]}`);
  });
  if (p.after) {
    for (const g of p.after.gates) {
      if (g.effect !== 'block') continue;
      const before = p.current.gates.find((x) => x.id === g.id);
      out.push(`${zh ? '门槛' : 'Gate'} ${g.title[lang]}: ${before?.value ?? '—'} → ${g.value ?? '—'} ${g.passed ? '✓' : '✗'}`);
    }
    const failed = p.after.gates.filter((g) => !g.passed && g.effect === 'block');
    out.push(
      zh
        ? `复核：按改动后的证据重新评分，总分 ${p.after.total}，${gradeName(p.after.grade)}${failed.length ? '' : ' ✓'}`
        : `Check: the changed evidence re-scored gives ${p.after.total}, ${gradeName(p.after.grade)}${failed.length ? '' : ' ✓'}`,
    );
  }
  for (const r of p.reasons) out.push(`${zh ? '注' : 'Note'}: ${r.message[lang]}`);
  return out.join('\n');
}

export { show as showDecimal };
