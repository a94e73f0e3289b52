import { copyCommunity } from './community.js';
import { isEvidenceRecord, isRecord } from './is-record.js';
import { leftBlank } from './left-blank.js';
import { Dec, scaledInteger, scaledText } from './decimal.js';
import { RubricError, describe, issue, suggest, type Issue } from './issues.js';
import type { AnyRuleKind, ItemBase, ItemTrace, Outcome } from './kinds/define.js';
import { plain } from './kinds/shared.js';
import { inRange, rangeToString } from './range.js';
import type { CompiledRubric, MissingPolicy } from './compile.js';
import type { CriteriaCount, GateResult, GradeResult, ScoreResult, SectionTrace } from './result.js';
import type { Rubric, Section } from './schema.js';
import { fromZod, parseReporting } from './zod-issues.js';
import { MAX_DEPTH, tooDeep, type SafeResult } from './load.js';
import { memoKey, remember, rubricMemos, type MemoEntry } from './item-memo.js';
import { freezeTrace } from './frozen-trace.js';
import { KeyOrder } from './key-order.js';
import { notCompiled, optionsProblem, scoreOptionsProblem, throwProblems } from './api-guards.js';

export interface ScoreOptions {
  /** 'error' (default): missing evidence is an error; 'zero': an item without evidence scores 0. */
  missing?: MissingPolicy;
  /** Copied into the result (name, id of the community) as JSON writes it: keys sorted, lists in their order, a Date as its text. */
  community?: unknown;
}

/** The items that take evidence, in rubric order, and the position of each (per compiled rubric). */
interface Layout {
  items: ItemBase[];
  ids: string[];
  at: Map<ItemBase, number>;
  byId: Map<string, number>;
  keyOrder: KeyOrder;
}

const layouts = new WeakMap<CompiledRubric, Layout>();

function layoutOf(compiled: CompiledRubric): Layout {
  let layout = layouts.get(compiled);
  if (!layout) {
    const items = [...compiled.items.values()];
    const byId = new Map(items.map((item, i) => [item.id, i]));
    layout = { items, ids: items.map((i) => i.id), at: new Map(items.map((item, i) => [item, i])), byId, keyOrder: new KeyOrder(byId) };
    layouts.set(compiled, layout);
  }
  return layout;
}

/** A record read against the rubric: by item position, what was given and what the memo knew. */
interface Parsed {
  layout: Layout;
  /** The parsed evidence of each item (undefined: none given). */
  values: unknown[];
  issues: Issue[];
  /** Items whose evidence was seen before: what scoring it gave. */
  hits: (MemoEntry | undefined)[];
  /** The items' memos, and the key under which to remember an item once scored (a miss). */
  memos: Map<string, MemoEntry>[];
  missKeys: (string | undefined)[];
}

/** Checks evidence against every item's evidence schema, collecting every problem. */
export function checkEvidence(compiled: CompiledRubric, evidence: unknown, missing: MissingPolicy = 'error'): { values: Map<string, unknown>; issues: Issue[] } {
  // undefined (no policy given) is the default: the memos are kept per policy.
  missing ??= 'error';
  throwProblems(notCompiled(compiled), optionsProblem({ missing }));
  const { values, issues, layout } = readEvidence(compiled, evidence, missing);
  const byId = new Map<string, unknown>();
  for (let i = 0; i < values.length; i++) if (values[i] !== undefined) byId.set(layout.ids[i] as string, values[i]);
  return { values: byId, issues };
}

/**
 * Unknown keys of one record given a did-you-mean: enough for typos. Each is
 * compared with every item id; a record of 100 000 keys that are not the
 * rubric's (a table of communities given as one record) took 17 s for them.
 */
const MAX_SUGGESTIONS = 100;

/**
 * checkEvidence, and which items' values were scored before (see
 * item-memo.ts). Arrays by item position, not maps: a record is read in
 * one pass and nothing grows while it is read.
 */
function readEvidence(compiled: CompiledRubric, evidence: unknown, missing: MissingPolicy): Parsed {
  const layout = layoutOf(compiled);
  const { items, ids } = layout;
  const issues: Issue[] = [];
  const values = new Array<unknown>(items.length);
  const hits = new Array<MemoEntry | undefined>(items.length);
  const missKeys = new Array<string | undefined>(items.length);
  const memos = rubricMemos(compiled, missing, items);
  const parsed: Parsed = { layout, values, issues, hits, memos, missKeys };
  if (!isEvidenceRecord(evidence)) {
    // A Map has no keys of its own to read: without this, each item would be reported missing.
    const found = evidence instanceof Map ? 'a Map' : describe(evidence);
    const advice = typeof evidence === 'string' ? ' (read the text with safeParseEvidence first)' : evidence instanceof Map ? ' (a plain object: Object.fromEntries(map))' : '';
    issues.push(issue('invalid-type', ['evidence'], `evidence is a mapping from item id to value, found ${found}${advice}`, { expected: 'a mapping', found }));
    return parsed;
  }
  const given = evidence as Record<string, unknown>;
  // One pass over the record's own keys, each value to its item's slot: V8 reads a value in a for-in
  // loop without looking its key up, where reading 80 items by name costs a lookup each.
  const read = new Array<unknown>(items.length);
  let unknown = false;
  let at = 0;
  for (const key in given) {
    if (!Object.prototype.hasOwnProperty.call(given, key)) continue;
    const i = layout.keyOrder.indexOf(key, at++);
    if (i === undefined) unknown = true;
    else read[i] = given[key];
  }
  layout.keyOrder.learn(given);
  // Unknown keys are reported in sorted order; the sort is paid only when there is one.
  if (unknown) {
    let suggested = 0;
    for (const key of Object.keys(given).sort()) {
      if (compiled.items.has(key)) continue;
      const hint = suggested++ < MAX_SUGGESTIONS ? suggest(key, compiled.items.keys()) : undefined;
      const wholeDocument = !compiled.allItems.has(key) && key === 'evidence' && isRecord(given[key]);
      const part = compiled.allItems.has(key)
        ? ' (it is a part: give it inside its parent item)'
        : wholeDocument
          ? ': this is a whole evidence document; score its "evidence" mapping (doc.evidence)'
          : '';
      const unknownItem = issue('unknown-item', ['evidence', key], `the rubric has no item "${key}"${hint ? ` (did you mean "${hint}"?)` : part}`, { found: key });
      // First, so that the error's message says it: every other problem of such a record follows from it.
      if (wholeDocument) issues.unshift(unknownItem);
      else issues.push(unknownItem);
    }
  }
  for (let i = 0; i < items.length; i++) {
    const id = ids[i] as string;
    const item = items[i] as ItemBase;
    // An own key for-in does not list (not enumerable) is read by name.
    const value = read[i] !== undefined ? read[i] : Object.prototype.hasOwnProperty.call(given, id) ? given[id] : undefined;
    if (leftBlank(value)) {
      if (missing === 'error') {
        issues.push(issue('missing-evidence', ['evidence', id], `no evidence for the item "${id}" (${item.title.zh})`, { expected: 'a value for every item, or missing: zero' }));
      }
      continue;
    }
    const key = memoKey(value);
    const hit = key === undefined ? undefined : memos[i]?.get(key);
    if (hit) {
      values[i] = hit.parsed;
      hits[i] = hit;
      continue;
    }
    const result = parseReporting(compiled.evidenceSchema(item, missing), value);
    if (result.success) {
      values[i] = result.data;
      missKeys[i] = key;
    } else issues.push(...fromZod(result.error.issues, ['evidence', id]));
  }
  return parsed;
}

/**
 * Scores evidence by the exact path alone: every value validated by its
 * item's schema and scored with Dec. `score` (score.ts) takes the integer
 * plan first where it can, and this path for everything else.
 */
export function safeScoreExactly(compiled: CompiledRubric, evidence: unknown, given: ScoreOptions = {}): SafeResult<ScoreResult> {
  const problems = [notCompiled(compiled), scoreOptionsProblem(given)].filter((p) => p !== undefined);
  if (problems.length) return { success: false, error: new RubricError(problems) };
  const options = given ?? {};
  const missing = options.missing ?? 'error';
  const deep = tooDeep(evidence, MAX_DEPTH) ?? tooDeep(options.community, MAX_DEPTH);
  if (deep) return { success: false, error: new RubricError([deep]) };
  const parsed = readEvidence(compiled, evidence, missing);
  if (parsed.issues.length) return { success: false, error: new RubricError(parsed.issues) };
  return { success: true, data: evaluate(compiled, parsed, options) };
}

const NO_EVIDENCE = { zh: '无证据，按 0 分计', en: 'no evidence: scored 0' };

/**
 * Whether a rubric keeps an item's exact points as they are: they have at most
 * its places, or (only: repeating) they terminate. The fast paths decline
 * points finer than they count, so a kept value of many places is scored exactly.
 */
export function keepsPoints(points: Dec, rounding: Rubric['rounding']): boolean {
  const exact = points.places();
  return exact !== undefined && (exact <= rounding.places || rounding.only === 'repeating');
}

/**
 * One item scored exactly, with its trace; its parts' points by id. Points
 * with more places than the rubric keeps are rounded (under only: repeating,
 * only those that do not terminate), and the trace says so.
 */
export function scoreOneItem(compiled: CompiledRubric, item: ItemBase, value: unknown): { trace: ItemTrace; points: Dec; parts: Map<string, Dec> } {
  const { places, mode } = compiled.rubric.rounding;
  const kindOf = (i: ItemBase) => compiled.kinds.get(i.kind) as AnyRuleKind;
  const parts = new Map<string, Dec>();
  const max = compiled.maxOf(item);
  let outcome: Outcome;
  if (value === undefined) outcome = { points: Dec.ZERO, reason: NO_EVIDENCE, ...(kindOf(item).judgesCriteria ? { met: false } : {}) };
  else
    outcome = kindOf(item).score(item, value, {
      scorePart: (part, partValue) => {
        const r = scoreOneItem(compiled, part, partValue);
        parts.set(part.id, r.points);
        for (const [id, p] of r.parts) parts.set(id, p);
        return r.trace;
      },
      partMax: compiled.maxOf,
    });
  // A part counts the points of its trace in the outcome, where the kind gave one: a sum may withhold
  // them (requires, kinds/requires.ts), so they are not always what the part gave alone.
  if (outcome.parts) for (const t of outcome.parts) if (t && parts.has(t.id)) parts.set(t.id, Dec.parse(t.points) ?? Dec.ZERO);
  let points = outcome.points;
  let rounded: ItemTrace['rounded'];
  if (!keepsPoints(points, compiled.rubric.rounding)) {
    rounded = { from: points.toString(), places, mode };
    points = points.round(places, mode);
  }
  // One literal of one shape for every item (absent fields undefined, which JSON leaves out):
  // traces of many shapes made every later read of them slow.
  const trace: ItemTrace = {
    id: item.id,
    title: item.title,
    kind: item.kind,
    points: points.toString(),
    max: max.toString(),
    met: outcome.met,
    evidence: value === undefined ? null : plain(value),
    reason: outcome.reason,
    clause: item.clause || undefined,
    category: item.category || undefined,
    method: item.method || undefined,
    note: item.note || undefined,
    detail: outcome.detail,
    rounded,
    parts: outcome.parts,
  };
  return { trace, points, parts };
}

function evaluate(compiled: CompiledRubric, { layout, values, hits, memos, missKeys }: Parsed, options: ScoreOptions): ScoreResult {
  const { rubric } = compiled;
  // Points by id, kept only when a gate reads an item's or a section's points.
  const gateSubjects = (rubric.gates ?? []).map((g) => g.subject);
  const itemPoints = gateSubjects.some((s) => s.startsWith('item:')) ? new Map<string, Dec>() : undefined;
  const sectionPoints = gateSubjects.some((s) => s.startsWith('section:')) ? new Map<string, Dec>() : undefined;
  const kindOf = (item: ItemBase) => compiled.kinds.get(item.kind) as AnyRuleKind;

  // Points are summed as safe integers counting 10^-places while they can be (item points are
  // rounded to the rubric's places), exactly as Dec otherwise: a Dec per addition was a tenth of the time.
  const { places } = rubric.rounding;
  const scale = 10 ** places;
  const fromScaled = (x: number): Dec => Dec.of(BigInt(x), BigInt(scale));
  const add = (acc: PointSum, int: number | undefined, dec: Dec | undefined): void => {
    if (acc.dec === undefined && int !== undefined) {
      const next = acc.int + int;
      if (Number.isSafeInteger(next)) {
        acc.int = next;
        return;
      }
    }
    acc.dec = (acc.dec ?? fromScaled(acc.int)).add(dec ?? fromScaled(int as number));
  };

  const scoreItem = (item: ItemBase): { trace: ItemTrace; points: Dec; int: number | undefined } => {
    const at = layout.at.get(item) as number;
    const value = values[at];
    const hit = hits[at];
    if (hit) {
      itemPoints?.set(item.id, hit.points);
      return { trace: hit.trace, points: hit.points, int: hit.scaled };
    }
    const r = scoreOneItem(compiled, item, value);
    // Frozen: a remembered trace is shared by every result that scores the same value.
    freezeTrace(r.trace);
    if (itemPoints) {
      itemPoints.set(item.id, r.points);
      for (const [id, p] of r.parts) itemPoints.set(id, p);
    }
    const int = scaledInteger(r.points, places);
    const key = missKeys[at];
    // An item that scored parts is not remembered: a hit would not give back the parts' points.
    if (key !== undefined && r.parts.size === 0) remember(memos[at] as Map<string, MemoEntry>, key, { parsed: value, points: r.points, scaled: int, trace: r.trace });
    return { trace: r.trace, points: r.points, int };
  };

  /** A section's points: an integer count of 10^-places, or (int undefined) an exact Dec. */
  const scoreSection = (section: Section): { trace: SectionTrace; int: number | undefined; dec: Dec | undefined; criteria: CriteriaCount } => {
    const acc: PointSum = { int: 0, dec: undefined };
    let met = 0;
    let total = 0;
    const subTraces: SectionTrace[] = [];
    for (const sub of section.sections ?? []) {
      const r = scoreSection(sub);
      add(acc, r.int, r.dec);
      met += r.criteria.met;
      total += r.criteria.total;
      subTraces.push(r.trace);
    }
    const itemTraces: ItemTrace[] = [];
    for (const item of section.items ?? []) {
      const r = scoreItem(item);
      add(acc, r.int, r.points);
      if (r.trace.met !== undefined) {
        total += 1;
        if (r.trace.met) met += 1;
      }
      itemTraces.push(r.trace);
    }
    const cap = section.cap ? capOf(section, places) : undefined;
    if (section.cap && cap === undefined && acc.dec === undefined) acc.dec = fromScaled(acc.int);
    let points: string;
    let uncapped: string | undefined;
    let int: number | undefined;
    let dec: Dec | undefined;
    if (acc.dec === undefined) {
      int = cap !== undefined && cap < acc.int ? cap : acc.int;
      points = scaledText(int, scale, places);
      if (acc.int > int) uncapped = scaledText(acc.int, scale, places);
      sectionPoints?.set(section.id, fromScaled(int));
    } else {
      const raw = acc.dec;
      dec = section.cap ? Dec.min(section.cap, raw) : raw;
      points = dec.toString();
      if (raw.gt(dec)) uncapped = raw.toString();
      sectionPoints?.set(section.id, dec);
    }
    const criteria = count(met, total);
    const trace: SectionTrace = {
      id: section.id,
      title: section.title,
      points,
      max: section.max.toString(),
      bonus: section.bonus ? true : undefined,
      uncapped,
      clause: section.clause || undefined,
      criteria: total > 0 ? criteria : undefined,
      sections: subTraces.length ? subTraces : undefined,
      items: itemTraces.length ? itemTraces : undefined,
    };
    return { trace, int, dec, criteria };
  };

  const baseSum: PointSum = { int: 0, dec: undefined };
  const bonusSum: PointSum = { int: 0, dec: undefined };
  let met = 0;
  let totalCriteria = 0;
  const sections = rubric.sections.map((s) => {
    const r = scoreSection(s);
    add(s.bonus ? bonusSum : baseSum, r.int, r.dec);
    met += r.criteria.met;
    totalCriteria += r.criteria.total;
    return r.trace;
  });
  const base = baseSum.dec ?? fromScaled(baseSum.int);
  const bonus = bonusSum.dec ?? fromScaled(bonusSum.int);
  const total = base.add(bonus);
  const ratio = compiled.max.isZero() ? undefined : total.div(compiled.max);

  const subjectValue = (subject: string): Dec | undefined => {
    if (subject === 'total') return total;
    if (subject === 'base') return base;
    if (subject === 'bonus') return bonus;
    if (subject === 'ratio') return ratio;
    const [kind, ref] = subject.split(/:(.*)/s) as [string, string];
    if (kind === 'section') return sectionPoints?.get(ref);
    if (kind === 'item') return itemPoints?.get(ref);
    const [itemId, field] = ref.split('/') as [string, string | undefined];
    const at = layout.byId.get(itemId);
    const item = at === undefined ? undefined : layout.items[at];
    const value = at === undefined ? undefined : values[at];
    if (!item || value === undefined) return undefined;
    return kindOf(item).measure?.(item, value, field);
  };

  const gates: GateResult[] = (rubric.gates ?? []).map((gate) => {
    const value = subjectValue(gate.subject);
    return {
      id: gate.id,
      title: gate.title,
      subject: gate.subject,
      range: gate.range.text,
      value: value ? value.toString() : null,
      passed: value !== undefined && inRange(value, gate.range),
      effect: gate.effect,
      ...(gate.clause ? { clause: gate.clause } : {}),
    };
  });

  let grade: GradeResult | null = null;
  const blocked = (rubric.gates ?? []).find((g, i) => g.effect === 'block' && !gates[i]?.passed);
  if (blocked?.otherwise) {
    grade = { id: blocked.otherwise.id, label: blocked.otherwise.label, passing: false, gate: blocked.id };
  } else if (rubric.grades) {
    const subject = rubric.grades.subject === 'ratio' ? ratio : total;
    const band = subject === undefined ? undefined : rubric.grades.bands.find((b) => inRange(subject, b.range));
    if (band) grade = { id: band.id, label: band.label, range: rangeToString(band.range), passing: band.passing ?? true };
  }

  return {
    rubric: { id: rubric.id, version: rubric.version, title: rubric.title, digest: compiled.digest },
    ...(options.community !== undefined ? { community: copyCommunity(options.community) } : {}),
    total: total.toString(),
    base: base.toString(),
    bonus: bonus.toString(),
    max: compiled.max.toString(),
    maxWithBonus: compiled.maxWithBonus.toString(),
    ratio: ratio ? ratio.toString() : null,
    rated: !blocked,
    grade,
    gates,
    ...(totalCriteria > 0 ? { criteria: count(met, totalCriteria) } : {}),
    sections,
  };
}

/** A running sum of points: `int` counts 10^-places until a term is not such an integer, then `dec` holds the sum. */
interface PointSum {
  int: number;
  dec: Dec | undefined;
}

/** Each section's cap in 10^-places (undefined: not a safe integer there), worked out once. */
const caps = new WeakMap<Section, number | undefined>();

function capOf(section: Section, places: number): number | undefined {
  if (caps.has(section)) return caps.get(section);
  const cap = scaledInteger(section.cap as Dec, places);
  caps.set(section, cap);
  return cap;
}

/** Shares met ÷ total already written out, by total then met: the same few fractions recur in every result. */
const shares: (string | undefined)[][] = [];
const MAX_SHARED_TOTAL = 1_000;

export function count(met: number, total: number): CriteriaCount {
  if (total === 0) return { met, total, share: null };
  const byMet = total <= MAX_SHARED_TOTAL ? (shares[total] ??= []) : undefined;
  let share = byMet?.[met];
  if (share === undefined) {
    share = Dec.of(BigInt(met), BigInt(total)).toString();
    if (byMet) byMet[met] = share;
  }
  return { met, total, share };
}
