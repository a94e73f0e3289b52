import type { CompiledRubric, MissingPolicy } from './compile.js';
import { Dec } from './decimal.js';
import { canonicalJson } from './digest.js';
import { safeScore } from './score.js';
import type { Lang } from './explain.js';
import { formatPath } from './format-issues.js';
import type { Issue } from './issues.js';
import { argumentIssue, assertCompiled, isCount, isRange, isStringList, optionIssue, optionsProblem, throwProblems } from './api-guards.js';
import { diffIssue, impactIssue, textOptionsIssues } from './result-shape.js';
import { isRecord } from './is-record.js';
import type { Bilingual, ItemBase } from './kinds/define.js';
import { rangeToString } from './range.js';
import { pointsEn } from './kinds/shared.js';
import type { ScoreResult, SectionTrace } from './result.js';
import type { Rubric, Section } from './schema.js';

/**
 * What changed between two versions of a rubric, in the rubric's terms
 * (items, their rules, sections, maxima, gates, grade bands), and what the
 * change does to real communities: each evidence document scored under both
 * versions, grades compared, movements traced to the items that caused them.
 * Pure: no I/O; the CLI (`shequ-rubric diff`) reads the files.
 */

/* ------------------------------------------------------------------ types */

/** One field, old → new, as text: decimals as exact strings, ranges as written; null when absent. */
export interface FieldChange {
  /** Where, relative to the thing changed: `points`, `bands[points=8].range`, `states[B].fraction`, `title.zh`. */
  path: string;
  old: string | null;
  new: string | null;
}

export interface ItemDiff {
  status: 'added' | 'removed' | 'changed';
  /** The new id (the old one for a removed item). */
  id: string;
  /** Set when the item was matched under another id (same content or same title, new id). */
  oldId?: string;
  /** True when the title changed (with the same id, or with a new id). */
  retitled?: boolean;
  title: Bilingual;
  kind: string;
  /** The item's maximum, old → new. */
  points: { old: string | null; new: string | null };
  /** The section the item is in (for a part of a sum: the parent item's id, with `part: true`). */
  parent: string;
  part?: true;
  /** Field by field; for an added or removed item, empty. */
  changes: FieldChange[];
}

export interface SectionDiff {
  status: 'added' | 'removed' | 'changed';
  id: string;
  oldId?: string;
  retitled?: boolean;
  title: Bilingual;
  changes: FieldChange[];
}

export interface SectionMaximum {
  id: string;
  title: Bilingual;
  /** 0 for a top-level section. */
  depth: number;
  bonus?: true;
  old: string | null;
  new: string | null;
}

export interface EntryDiff {
  status: 'added' | 'removed' | 'changed';
  id: string;
  changes: FieldChange[];
}

export interface RubricRef {
  id: string;
  version: string;
  title: Bilingual;
  digest: string;
  max: string;
  maxWithBonus: string;
}

export interface RubricDiff {
  old: RubricRef;
  new: RubricRef;
  /** The two rubrics have the same content digest. */
  identical: boolean;
  /** Top-level fields: id, version, title, source, effective, rounding, max, notes. */
  rubric: FieldChange[];
  items: ItemDiff[];
  sections: SectionDiff[];
  /** Every section's maximum before and after (sections of both rubrics, new order first). */
  maxima: SectionMaximum[];
  gates: EntryDiff[];
  /** Grade bands by id, and the grades' own fields (`subject`, `clause`, …) under id "grades". */
  grades: EntryDiff[];
  counts: { added: number; removed: number; changed: number; renamed: number };
}

/* ------------------------------------------------------------ comparing */

/** A key, a list position, an entry by id or by points, or (`match`) an entry by what it scores for ("range=[0.9, 0.96)"). */
type Seg = { key: string } | { index: number } | { id: string } | { points: string } | { match: string };

function pathText(segs: Seg[]): string {
  let out = '';
  for (const s of segs) {
    if ('key' in s) out += out ? `.${s.key}` : s.key;
    else if ('index' in s) out += `[${s.index}]`;
    else if ('id' in s) out += `[${s.id}]`;
    else if ('match' in s) out += `[${s.match}]`;
    else out += `[points=${s.points}]`;
  }
  return out;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => isRecord(v) && !(v instanceof Dec) && !isRange(v);

/** A leaf's comparison key: equal keys mean equal meaning (1.50 = 1.5, ">= 92" = "[92, inf)"). */
function leafKey(v: unknown): string {
  if (v instanceof Dec) return `d:${v.toString()}`;
  if (isRange(v)) return `r:${rangeToString(v)}`;
  return `j:${canonicalJson(v)}`;
}

/** A value as one line of text: decimals exact, ranges as written, objects in YAML flow style. */
export function inline(v: unknown): string {
  if (v === undefined || v === null) return '—';
  if (v instanceof Dec) return v.toString();
  if (isRange(v)) return v.text;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (Array.isArray(v)) return `[${v.map(inline).join(', ')}]`;
  if (typeof v === 'object') {
    const parts = Object.entries(v as Record<string, unknown>)
      .filter(([, x]) => x !== undefined)
      .map(([k, x]) => `${k}: ${inline(x)}`);
    return `{ ${parts.join(', ')} }`;
  }
  return String(v);
}

const textOf = (v: unknown): string | null => (v === undefined || v === null ? null : inline(v));

/** How the elements of two lists are paired: by id, by points (when unique), or by position. */
function elementKeys(a: unknown[], b: unknown[]): { byPosition: boolean; byPoints?: boolean; keyOf: (v: unknown, i: number) => Seg } | undefined {
  const all = [...a, ...b];
  if (all.length === 0 || !all.every(isPlainObject)) return undefined;
  const unique = (list: unknown[], key: (v: Record<string, unknown>) => string | undefined) => {
    const keys = list.map((v) => key(v as Record<string, unknown>));
    return keys.every((k) => k !== undefined) && new Set(keys).size === keys.length;
  };
  const byId = (v: Record<string, unknown>) => (typeof v.id === 'string' ? v.id : undefined);
  if (unique(a, byId) && unique(b, byId)) return { byPosition: false, keyOf: (v) => ({ id: byId(v as Record<string, unknown>) as string }) };
  const byPoints = (v: Record<string, unknown>) => (v.points instanceof Dec ? v.points.toString() : undefined);
  if (a.length > 1 && unique(a, byPoints) && unique(b, byPoints)) return { byPosition: false, byPoints: true, keyOf: (v) => ({ points: byPoints(v as Record<string, unknown>) as string }) };
  return { byPosition: true, keyOf: (_v, i) => ({ index: i }) };
}

const segKey = (s: Seg): string => JSON.stringify(s);

/** What a band or tier scores for: its range, or its conditions. */
function placeOf(v: unknown): string | undefined {
  if (!isPlainObject(v)) return undefined;
  if (isRange(v.range)) return `range=${v.range.text}`;
  if (isPlainObject(v.when)) return `when=${Object.entries(v.when).map(([q, r]) => `${q} ${isRange(r) ? r.text : inline(r)}`).join(' & ')}`;
  return undefined;
}
const placeKey = (v: unknown): string | undefined => {
  if (!isPlainObject(v)) return undefined;
  if (isRange(v.range)) return `r:${rangeToString(v.range)}`;
  if (isPlainObject(v.when)) return `w:${Object.entries(v.when).map(([q, r]) => `${q} ${isRange(r) ? rangeToString(r) : inline(r)}`).sort().join('&')}`;
  return undefined;
};

/**
 * Bands and tiers are paired by their points; one whose points changed
 * where its range (or conditions) did not is the same entry with new
 * points, `bands[range=[0.9, 0.96)].points: 8 → 7`, not one removed and
 * one added. Pairs, by the old entry's key, the new entry and its key.
 */
function samePlaceNewPoints(left: Map<string, { v: unknown }>, right: Map<string, { v: unknown }>): Map<string, { v: unknown; seg: Seg; key: string }> {
  const onlyLeft = [...left].filter(([k]) => !right.has(k));
  const onlyRight = [...right].filter(([k]) => !left.has(k));
  const paired = new Map<string, { v: unknown; seg: Seg; key: string }>();
  for (const [k, { v }] of onlyLeft) {
    const place = placeKey(v);
    if (place === undefined) continue;
    const same = onlyRight.filter(([, r]) => placeKey(r.v) === place);
    const other = onlyLeft.filter(([, l]) => placeKey(l.v) === place);
    if (same.length !== 1 || other.length !== 1) continue;
    const [rk, r] = same[0] as [string, { v: unknown }];
    paired.set(k, { v: r.v, seg: { match: placeOf(v) as string }, key: rk });
  }
  return paired;
}

/** Field-by-field changes between two values; `skip` names top-level keys left out. */
export function compareValues(a: unknown, b: unknown, skip: readonly string[] = []): FieldChange[] {
  throwProblems(argumentIssue('skip', skip, 'a list of key names', skip === undefined || isStringList(skip)));
  skip ??= [];
  const out: FieldChange[] = [];
  walk(a, b, [], out, new Set(skip));
  return out;
}

function walk(a: unknown, b: unknown, path: Seg[], out: FieldChange[], skip: Set<string>): void {
  if (a === undefined && b === undefined) return;
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = [...Object.keys(a), ...Object.keys(b).filter((k) => !(k in a))];
    for (const k of keys) {
      if (path.length === 0 && skip.has(k)) continue;
      walk(a[k], b[k], [...path, { key: k }], out, skip);
    }
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    const keys = elementKeys(a, b);
    if (keys) {
      const { keyOf } = keys;
      const left = new Map(a.map((v, i) => [segKey(keyOf(v, i)), { v, seg: keyOf(v, i) }]));
      const right = new Map(b.map((v, i) => [segKey(keyOf(v, i)), { v, seg: keyOf(v, i) }]));
      const repointed = keys.byPoints ? samePlaceNewPoints(left, right) : new Map<string, { v: unknown; seg: Seg; key: string }>();
      for (const [k, { v, seg }] of left) {
        const moved = repointed.get(k);
        if (moved) walk(v, moved.v, [...path, moved.seg], out, skip);
        else walk(v, right.get(k)?.v, [...path, seg], out, skip);
      }
      const taken = new Set([...repointed.values()].map((m) => m.key));
      for (const [k, { v, seg }] of right) if (!left.has(k) && !taken.has(k)) walk(undefined, v, [...path, seg], out, skip);
      // Order matters for lists keyed by id (states best first, bands best first): report a reordering.
      const common = [...left.keys()].filter((k) => right.has(k));
      const rightOrder = [...right.keys()].filter((k) => left.has(k));
      if (!keys.byPosition && common.join('|') !== rightOrder.join('|')) {
        const names = (keys: string[], m: Map<string, { seg: Seg }>) => keys.map((k) => pathText([m.get(k)?.seg as Seg]).slice(1, -1)).join(', ');
        out.push({ path: `${pathText(path)} (order)`, old: names(common, left), new: names(rightOrder, right) });
      }
      return;
    }
  }
  if (leafKey(a) !== leafKey(b)) out.push({ path: pathText(path) || '(value)', old: textOf(a), new: textOf(b) });
}

/* ---------------------------------------------------------- structure */

interface Located<T> {
  value: T;
  parent: string;
  depth: number;
  order: number;
  part: boolean;
}

function collect(rubric: Rubric): { sections: Map<string, Located<Section>>; items: Map<string, Located<ItemBase>> } {
  const sections = new Map<string, Located<Section>>();
  const items = new Map<string, Located<ItemBase>>();
  let order = 0;
  const item = (i: ItemBase, parent: string, depth: number, part: boolean) => {
    items.set(i.id, { value: i, parent, depth, order: order++, part });
    for (const p of (i as { parts?: ItemBase[] }).parts ?? []) item(p, i.id, depth + 1, true);
  };
  const section = (s: Section, parent: string, depth: number) => {
    sections.set(s.id, { value: s, parent, depth, order: order++, part: false });
    for (const sub of s.sections ?? []) section(sub, s.id, depth + 1);
    for (const i of s.items ?? []) item(i, s.id, depth + 1, false);
  };
  rubric.sections.forEach((s) => section(s, '', 0));
  return { sections, items };
}

const ITEM_SKIP = ['id', 'parts'];
const TEXT_KEYS = ['category', 'method', 'clause', 'note', 'criteria'];

/** Changes in reading order: identity and title first, then the rule (points, kind, parameters), then documentation. */
function ordered(changes: FieldChange[]): FieldChange[] {
  const group = (c: FieldChange) => {
    const head = c.path.split(/[.[ ]/)[0] as string;
    if (head === 'id' || head === 'section' || head === 'parent' || head === 'title') return 0;
    return TEXT_KEYS.includes(head) ? 2 : 1;
  };
  return changes.map((c, i) => ({ c, i, g: group(c) })).sort((x, y) => x.g - y.g || x.i - y.i).map((x) => x.c);
}
const SECTION_SKIP = ['id', 'sections', 'items'];
const sameTitle = (a: Bilingual, b: Bilingual) => a.zh === b.zh || a.en === b.en;
const without = (v: object, keys: readonly string[]) => Object.fromEntries(Object.entries(v).filter(([k]) => !keys.includes(k)));
const RULE_SKIP = ['id', 'title', 'note', 'criteria', 'clause', 'category', 'method'];

/**
 * Pairs what is only in the old rubric with what is only in the new one:
 * the same content under a new id first, then the same title (zh or en) and
 * kind, then the same rule in the same parent.
 */
function pairRenames<T extends { id: string; title: Bilingual }>(
  olds: Located<T>[],
  news: Located<T>[],
  content: (v: T) => string,
  rule: (v: T) => string,
  kindOf: (v: T) => string,
): Map<string, string> {
  const pairs: { o: Located<T>; n: Located<T>; score: number }[] = [];
  for (const o of olds) {
    for (const n of news) {
      let score = 0;
      if (content(o.value) === content(n.value)) score = 3;
      else if (sameTitle(o.value.title, n.value.title) && kindOf(o.value) === kindOf(n.value)) score = 2;
      else if (rule(o.value) === rule(n.value) && o.parent === n.parent) score = 1;
      if (score) pairs.push({ o, n, score });
    }
  }
  pairs.sort((x, y) => y.score - x.score || x.o.order - y.o.order || x.n.order - y.n.order);
  const newToOld = new Map<string, string>();
  const usedOld = new Set<string>();
  for (const p of pairs) {
    if (usedOld.has(p.o.value.id) || newToOld.has(p.n.value.id)) continue;
    usedOld.add(p.o.value.id);
    newToOld.set(p.n.value.id, p.o.value.id);
  }
  return newToOld;
}

function refOf(c: CompiledRubric): RubricRef {
  const r = c.rubric;
  return { id: r.id, version: r.version, title: r.title, digest: c.digest, max: c.max.toString(), maxWithBonus: c.maxWithBonus.toString() };
}

/** The structural difference between two compiled rubrics. */
export function diffRubrics(oldC: CompiledRubric, newC: CompiledRubric): RubricDiff {
  assertCompiled(oldC);
  assertCompiled(newC);
  const a = oldC.rubric;
  const b = newC.rubric;
  const before = collect(a);
  const after = collect(b);

  // ── items
  const onlyOld = [...before.items.values()].filter((x) => !after.items.has(x.value.id));
  const onlyNew = [...after.items.values()].filter((x) => !before.items.has(x.value.id));
  const itemRenames = pairRenames(
    onlyOld,
    onlyNew,
    (v) => canonicalJson(without(v, ['id'])),
    (v) => canonicalJson(without(v, RULE_SKIP)),
    (v) => v.kind,
  );
  const items: ItemDiff[] = [];
  const placeChange = (o: Located<ItemBase | Section>, n: Located<ItemBase | Section>): FieldChange[] =>
    o.parent === n.parent ? [] : [{ path: n.part || o.part ? 'parent' : 'section', old: o.parent || null, new: n.parent || null }];
  for (const n of after.items.values()) {
    const oldId = before.items.has(n.value.id) ? n.value.id : itemRenames.get(n.value.id);
    const o = oldId === undefined ? undefined : before.items.get(oldId);
    const base = { title: n.value.title, kind: n.value.kind, parent: n.parent, ...(n.part ? { part: true as const } : {}) };
    if (!o) {
      items.push({ status: 'added', id: n.value.id, ...base, points: { old: null, new: newC.maxOf(n.value).toString() }, changes: [] });
      continue;
    }
    const changes = ordered([...(oldId !== n.value.id ? [{ path: 'id', old: oldId as string, new: n.value.id }] : []), ...placeChange(o, n), ...compareValues(o.value, n.value, ITEM_SKIP)]);
    if (changes.length === 0) continue;
    const retitled = changes.some((c) => c.path.startsWith('title.'));
    items.push({
      status: 'changed',
      id: n.value.id,
      ...(oldId !== n.value.id ? { oldId } : {}),
      ...(retitled ? { retitled } : {}),
      ...base,
      points: { old: oldC.maxOf(o.value).toString(), new: newC.maxOf(n.value).toString() },
      changes,
    });
  }
  const renamedOld = new Set(itemRenames.values());
  for (const o of onlyOld) {
    if (renamedOld.has(o.value.id)) continue;
    items.push({ status: 'removed', id: o.value.id, title: o.value.title, kind: o.value.kind, parent: o.parent, ...(o.part ? { part: true as const } : {}), points: { old: oldC.maxOf(o.value).toString(), new: null }, changes: [] });
  }

  // ── sections
  const sOnlyOld = [...before.sections.values()].filter((x) => !after.sections.has(x.value.id));
  const sOnlyNew = [...after.sections.values()].filter((x) => !before.sections.has(x.value.id));
  const children = (s: Section) => canonicalJson([...(s.sections ?? []).map((x) => x.id), ...(s.items ?? []).map((x) => x.id)]);
  const sectionRenames = pairRenames(
    sOnlyOld,
    sOnlyNew,
    (v) => canonicalJson({ ...without(v, SECTION_SKIP), children: children(v) }),
    (v) => children(v),
    () => 'section',
  );
  const sections: SectionDiff[] = [];
  for (const n of after.sections.values()) {
    const oldId = before.sections.has(n.value.id) ? n.value.id : sectionRenames.get(n.value.id);
    const o = oldId === undefined ? undefined : before.sections.get(oldId);
    if (!o) {
      sections.push({ status: 'added', id: n.value.id, title: n.value.title, changes: [] });
      continue;
    }
    const changes = ordered([...(oldId !== n.value.id ? [{ path: 'id', old: oldId as string, new: n.value.id }] : []), ...placeChange(o, n), ...compareValues(o.value, n.value, SECTION_SKIP)]);
    if (changes.length === 0) continue;
    const retitled = changes.some((c) => c.path.startsWith('title.'));
    sections.push({ status: 'changed', id: n.value.id, ...(oldId !== n.value.id ? { oldId } : {}), ...(retitled ? { retitled } : {}), title: n.value.title, changes });
  }
  const renamedOldSections = new Set(sectionRenames.values());
  for (const o of sOnlyOld) if (!renamedOldSections.has(o.value.id)) sections.push({ status: 'removed', id: o.value.id, title: o.value.title, changes: [] });

  // ── maxima
  const maxima: SectionMaximum[] = [];
  const oldIdOfSection = (id: string) => (before.sections.has(id) ? id : sectionRenames.get(id));
  for (const n of after.sections.values()) {
    const oldId = oldIdOfSection(n.value.id);
    const o = oldId === undefined ? undefined : before.sections.get(oldId);
    maxima.push({ id: n.value.id, title: n.value.title, depth: n.depth, ...(n.value.bonus ? { bonus: true as const } : {}), old: o ? o.value.max.toString() : null, new: n.value.max.toString() });
  }
  for (const o of sOnlyOld) {
    if (renamedOldSections.has(o.value.id)) continue;
    maxima.push({ id: o.value.id, title: o.value.title, depth: o.depth, ...(o.value.bonus ? { bonus: true as const } : {}), old: o.value.max.toString(), new: null });
  }

  // ── gates and grades
  const byId = <T extends { id: string }>(xs: readonly T[] | undefined) => new Map((xs ?? []).map((x) => [x.id, x]));
  const entries = (olds: Map<string, object>, news: Map<string, object>): EntryDiff[] => {
    const out: EntryDiff[] = [];
    for (const [id, n] of news) {
      const o = olds.get(id);
      if (!o) out.push({ status: 'added', id, changes: compareValues(undefined, n) });
      else {
        const changes = compareValues(o, n, ['id']);
        if (changes.length) out.push({ status: 'changed', id, changes });
      }
    }
    for (const [id, o] of olds) if (!news.has(id)) out.push({ status: 'removed', id, changes: compareValues(o, undefined) });
    return out;
  };
  const gates = entries(byId(a.gates), byId(b.gates));
  const grades: EntryDiff[] = [];
  const gradeFields = compareValues(a.grades ? without(a.grades, ['bands']) : undefined, b.grades ? without(b.grades, ['bands']) : undefined);
  if (gradeFields.length) grades.push({ status: a.grades ? (b.grades ? 'changed' : 'removed') : 'added', id: 'grades', changes: gradeFields });
  grades.push(...entries(byId(a.grades?.bands), byId(b.grades?.bands)));
  const bandOrder = (r: Rubric) => (r.grades?.bands ?? []).map((x) => x.id);
  const common = bandOrder(a).filter((id) => bandOrder(b).includes(id));
  const commonNew = bandOrder(b).filter((id) => bandOrder(a).includes(id));
  if (common.join('|') !== commonNew.join('|')) grades.push({ status: 'changed', id: 'grades', changes: [{ path: 'bands (order)', old: common.join(', '), new: commonNew.join(', ') }] });

  // ── the rubric's own fields
  const rubric = compareValues(a, b, ['sections', 'gates', 'grades']);
  const oldBonus = oldC.maxWithBonus.sub(oldC.max);
  const newBonus = newC.maxWithBonus.sub(newC.max);
  if (!oldBonus.eq(newBonus)) rubric.push({ path: 'bonus (max)', old: oldBonus.toString(), new: newBonus.toString() });

  const renamed = items.filter((i) => i.oldId !== undefined || i.retitled).length;
  return {
    old: refOf(oldC),
    new: refOf(newC),
    identical: oldC.digest === newC.digest,
    rubric,
    items,
    sections,
    maxima,
    gates,
    grades,
    counts: {
      added: items.filter((i) => i.status === 'added').length,
      removed: items.filter((i) => i.status === 'removed').length,
      changed: items.filter((i) => i.status === 'changed').length,
      renamed,
    },
  };
}

/* -------------------------------------------------------------- impact */

/** One community's evidence, as read from a file (or the reason it could not be read). */
export interface EvidenceCase {
  /** Where it came from: a file, or `file.jsonl:3`. */
  source: string;
  rubric?: string | undefined;
  community?: Record<string, unknown> | undefined;
  evidence?: unknown;
  /** How this case scores missing evidence (a fixture case's own `missing`); default the options'. */
  missing?: MissingPolicy | undefined;
  /** Problems reading the file: the case is reported as failing under both rubrics. */
  issues?: Issue[];
}

export interface ScoredSide {
  total: string;
  base: string;
  bonus: string;
  rated: boolean;
  grade: string | null;
  gradeLabel: Bilingual | null;
}

export interface FailedSide {
  issues: Issue[];
}

export interface ItemMovement {
  id: string;
  oldId?: string;
  title: Bilingual;
  old: string | null;
  new: string | null;
  delta: string;
}

export interface CommunityImpact {
  source: string;
  community?: unknown;
  /** The community's name or id, else the source. */
  name: string;
  old: ScoredSide | FailedSide;
  new: ScoredSide | FailedSide;
  /** new total − old total, when both scored. */
  delta?: string;
  /** How the grade moved, when both scored: by the order of the bands (best first); a gate's `otherwise` ranks last. */
  grade?: 'same' | 'up' | 'down' | 'changed';
  /** Items (those directly in sections) whose points differ. */
  items?: ItemMovement[];
  /** Gates passed under one rubric and failed under the other: what moves a grade when no point does. */
  gates?: GateMovement[];
  /** The part of the delta no item explains: section caps. */
  caps?: string;
}

export interface GateMovement {
  id: string;
  title: Bilingual;
  /** Passed or not under each rubric; null where that rubric has no such gate. */
  old: boolean | null;
  new: boolean | null;
}

export interface GateCause {
  id: string;
  title: Bilingual;
  /** Communities that fail the gate now and passed it before (or had no such gate), and the other way. */
  nowFailed: number;
  nowPassed: number;
  /** Of those, communities whose grade changed. */
  gradeChanges: number;
}

export interface ItemCause {
  id: string;
  oldId?: string;
  title: Bilingual;
  /** Communities whose points on this item differ. */
  communities: number;
  /** Of those, communities whose grade changed. */
  gradeChanges: number;
  /** Σ of the item's point differences over the communities. */
  total: string;
  /** The smallest and the largest difference. */
  min: string;
  max: string;
}

export interface ImpactSummary {
  communities: number;
  /** Scored under both rubrics. */
  scored: number;
  /** Failed under the old rubric, under the new one (a case failing under both counts in both). */
  failed: { old: number; new: number };
  gradeChanged: number;
  up: number;
  down: number;
  /** Different band ids that cannot be ordered. */
  sideways: number;
  unchanged: number;
  totalUp: number;
  totalDown: number;
  /** The largest total movements, largest first (communities whose total did not move are left out). */
  largest: { source: string; name: string; delta: string; old: string; new: string; oldGrade: string | null; newGrade: string | null; oldLabel: Bilingual | null; newLabel: Bilingual | null }[];
  /** The items behind the movements, those in grade changes first. */
  causes: ItemCause[];
  /** The gates whose outcome moved, those in grade changes first. */
  gates?: GateCause[];
}

export interface Impact {
  communities: CommunityImpact[];
  summary: ImpactSummary;
}

export interface ImpactOptions {
  missing?: MissingPolicy;
  /** How many of the largest movements to list (default 5). */
  top?: number;
}

const isScored = (s: ScoredSide | FailedSide): s is ScoredSide => 'total' in s;

function topItems(result: ScoreResult): Map<string, string> {
  const points = new Map<string, string>();
  const visit = (s: SectionTrace) => {
    s.sections?.forEach(visit);
    for (const i of s.items ?? []) points.set(i.id, i.points);
  };
  result.sections.forEach(visit);
  return points;
}

function nameOf(c: EvidenceCase): string {
  const community = c.community ?? {};
  const parts = [community.id, community.name].filter((x) => typeof x === 'string' || typeof x === 'number').map(String);
  return parts.length ? parts.join(' ') : c.source;
}

const signed = (d: Dec): string => (d.gt(Dec.ZERO) ? `+${d.toString()}` : d.toString());

/**
 * Scores every case under both rubrics and compares them. A case that fails
 * under one rubric (or both) is reported with its issues, never thrown.
 */
export function diffImpact(oldC: CompiledRubric, newC: CompiledRubric, cases: readonly EvidenceCase[], options: ImpactOptions = {}, structure: RubricDiff = diffRubrics(oldC, newC)): Impact {
  const topGiven: unknown = isRecord(options) ? options.top : undefined;
  const list: unknown = cases;
  throwProblems(
    argumentIssue('cases', list, 'a list of evidence cases ({ source, evidence })', Array.isArray(list) && list.every(isRecord)),
    diffIssue(structure, 'structure'),
    optionsProblem(options),
    optionIssue('top', topGiven, 'a whole number ≥ 0 (or Infinity)', topGiven === undefined || isCount(topGiven)),
  );
  options ??= {};
  const missing = options?.missing ?? 'error';
  const newToOld = new Map<string, string>();
  for (const i of structure.items) if (i.oldId) newToOld.set(i.id, i.oldId);
  const oldToNew = new Map([...newToOld].map(([n, o]) => [o, n]));
  const rank = (grade: string | null, gateDecided: boolean): number | undefined => {
    if (grade === null) return undefined;
    const newBands = (newC.rubric.grades?.bands ?? []).map((b) => b.id);
    const oldBands = (oldC.rubric.grades?.bands ?? []).map((b) => b.id);
    if (gateDecided) return Number.MAX_SAFE_INTEGER;
    const n = newBands.indexOf(grade);
    if (n >= 0) return n;
    const o = oldBands.indexOf(grade);
    return o >= 0 ? o : undefined;
  };

  const side = (compiled: CompiledRubric, c: EvidenceCase): { side: ScoredSide | FailedSide; result?: ScoreResult } => {
    if (c.issues?.length) return { side: { issues: c.issues } };
    if (c.rubric !== undefined && c.rubric !== oldC.rubric.id && c.rubric !== newC.rubric.id) {
      return {
        side: { issues: [{ code: 'rubric-mismatch', path: ['rubric'], message: `the evidence is for the rubric "${c.rubric}", not "${compiled.rubric.id}"`, expected: compiled.rubric.id, found: c.rubric }] },
      };
    }
    const scored = safeScore(compiled, c.evidence, { missing: c.missing === 'zero' || c.missing === 'error' ? c.missing : missing, community: c.community });
    if (!scored.success) return { side: { issues: scored.error.issues } };
    const r = scored.data;
    return { side: { total: r.total, base: r.base, bonus: r.bonus, rated: r.rated, grade: r.grade?.id ?? null, gradeLabel: r.grade?.label ?? null }, result: r };
  };

  const communities: CommunityImpact[] = [];
  for (const c of cases) {
    const o = side(oldC, c);
    const n = side(newC, c);
    const impact: CommunityImpact = { source: c.source, ...(c.community !== undefined ? { community: c.community } : {}), name: nameOf(c), old: o.side, new: n.side };
    if (o.result && n.result && isScored(o.side) && isScored(n.side)) {
      const delta = Dec.parse(n.side.total)!.sub(Dec.parse(o.side.total)!);
      impact.delta = signed(delta);
      if (o.side.grade === n.side.grade) impact.grade = 'same';
      else {
        const ro = rank(o.side.grade, o.result.grade?.gate !== undefined);
        const rn = rank(n.side.grade, n.result.grade?.gate !== undefined);
        impact.grade = ro === undefined || rn === undefined || ro === rn ? 'changed' : rn < ro ? 'up' : 'down';
      }
      const oldPoints = topItems(o.result);
      const newPoints = topItems(n.result);
      const movements: ItemMovement[] = [];
      let explained = Dec.ZERO;
      for (const [id, p] of newPoints) {
        const oldId = newToOld.get(id) ?? id;
        const was = oldPoints.get(oldId);
        const d = Dec.parse(p)!.sub(was === undefined ? Dec.ZERO : Dec.parse(was)!);
        if (d.isZero()) continue;
        explained = explained.add(d);
        movements.push({ id, ...(oldId !== id ? { oldId } : {}), title: newC.allItems.get(id)?.title ?? { zh: id, en: id }, old: was ?? null, new: p, delta: signed(d) });
      }
      for (const [id, p] of oldPoints) {
        if (newPoints.has(oldToNew.get(id) ?? id)) continue;
        const d = Dec.ZERO.sub(Dec.parse(p)!);
        if (d.isZero()) continue;
        explained = explained.add(d);
        movements.push({ id, title: oldC.allItems.get(id)?.title ?? { zh: id, en: id }, old: p, new: null, delta: signed(d) });
      }
      impact.items = movements;
      const gates = gateMovements(o.result, n.result);
      if (gates.length) impact.gates = gates;
      const caps = delta.sub(explained);
      if (!caps.isZero()) impact.caps = signed(caps);
    }
    communities.push(impact);
  }

  // ── summary
  const both = communities.filter((c) => c.delta !== undefined);
  const moved = (g: CommunityImpact['grade']) => both.filter((c) => c.grade === g).length;
  const top = options.top ?? 5;
  const largest = both
    .filter((c) => !Dec.parse(c.delta as string)!.isZero())
    .map((c, i) => ({ c, i, d: Dec.parse(c.delta as string)! }))
    .sort((x, y) => {
      const ax = x.d.isNegative() ? Dec.ZERO.sub(x.d) : x.d;
      const ay = y.d.isNegative() ? Dec.ZERO.sub(y.d) : y.d;
      return ay.cmp(ax) || x.i - y.i;
    })
    .slice(0, Math.max(0, top))
    .map(({ c }) => {
      const o = c.old as ScoredSide;
      const n = c.new as ScoredSide;
      return { source: c.source, name: c.name, delta: c.delta as string, old: o.total, new: n.total, oldGrade: o.grade, newGrade: n.grade, oldLabel: o.gradeLabel, newLabel: n.gradeLabel };
    });
  const causes = new Map<string, ItemCause & { order: number }>();
  for (const c of both) {
    for (const m of c.items ?? []) {
      const d = Dec.parse(m.delta)!;
      const cause = causes.get(m.id) ?? { id: m.id, ...(m.oldId ? { oldId: m.oldId } : {}), title: m.title, communities: 0, gradeChanges: 0, total: '0', min: m.delta, max: m.delta, order: causes.size };
      cause.communities += 1;
      if (c.grade !== 'same') cause.gradeChanges += 1;
      cause.total = Dec.parse(cause.total)!.add(d).toString();
      if (d.lt(Dec.parse(cause.min)!)) cause.min = m.delta;
      if (d.gt(Dec.parse(cause.max)!)) cause.max = m.delta;
      causes.set(m.id, cause);
    }
  }
  const gateCauses = new Map<string, GateCause>();
  for (const c of both) {
    for (const g of c.gates ?? []) {
      const cause = gateCauses.get(g.id) ?? { id: g.id, title: g.title, nowFailed: 0, nowPassed: 0, gradeChanges: 0 };
      if (g.new === false) cause.nowFailed += 1;
      else cause.nowPassed += 1;
      if (c.grade !== 'same') cause.gradeChanges += 1;
      gateCauses.set(g.id, cause);
    }
  }
  const summary: ImpactSummary = {
    communities: communities.length,
    scored: both.length,
    failed: { old: communities.filter((c) => !isScored(c.old)).length, new: communities.filter((c) => !isScored(c.new)).length },
    gradeChanged: both.filter((c) => c.grade !== 'same').length,
    up: moved('up'),
    down: moved('down'),
    sideways: moved('changed'),
    unchanged: moved('same'),
    totalUp: both.filter((c) => Dec.parse(c.delta as string)!.gt(Dec.ZERO)).length,
    totalDown: both.filter((c) => Dec.parse(c.delta as string)!.isNegative()).length,
    largest,
    causes: [...causes.values()]
      .sort((x, y) => y.gradeChanges - x.gradeChanges || y.communities - x.communities || x.order - y.order)
      .map(({ order: _order, total, ...rest }) => ({ ...rest, total: signed(Dec.parse(total)!) })),
    gates: [...gateCauses.values()].sort((x, y) => y.gradeChanges - x.gradeChanges),
  };
  return { communities, summary };
}

/** The gates whose outcome differs between two results; a gate one rubric lacks counts as passed there. */
function gateMovements(before: ScoreResult, after: ScoreResult): GateMovement[] {
  const was = new Map(before.gates.map((g) => [g.id, g]));
  const now = new Map(after.gates.map((g) => [g.id, g]));
  const moved: GateMovement[] = [];
  for (const id of new Set([...now.keys(), ...was.keys()])) {
    const o = was.get(id);
    const n = now.get(id);
    if ((o?.passed ?? true) === (n?.passed ?? true)) continue;
    moved.push({ id, title: (n ?? o)!.title, old: o ? o.passed : null, new: n ? n.passed : null });
  }
  return moved;
}

/* ---------------------------------------------------------------- text */

export interface DiffTextOptions {
  lang?: Lang;
  /** Shorten long old / new texts (notes, titles) to this many characters (default 80; 0: never). */
  width?: number;
  /** Labels for the two sides (file names). */
  oldLabel?: string;
  newLabel?: string;
}

const clip = (s: string | null, width: number): string => {
  if (s === null) return '—';
  const one = s.replace(/\s+/g, ' ').trim();
  return width > 0 && [...one].length > width ? `${[...one].slice(0, width - 1).join('')}…` : one;
};

function changeLines(changes: FieldChange[], indent: string, width: number): string[] {
  return changes.map((c) => `${indent}${c.path}: ${clip(c.old, width)} → ${clip(c.new, width)}`);
}

/** The structural difference as text. */
export function formatDiff(d: RubricDiff, options: DiffTextOptions = {}): string {
  throwProblems(diffIssue(d, 'd'), ...textOptionsIssues(options));
  options ??= {};
  const lang = options.lang ?? 'zh';
  const width = options.width ?? 80;
  const out: string[] = [];
  out.push(`diff ${d.old.id} ${d.old.version} → ${d.new.id} ${d.new.version}`);
  out.push(`  old: ${options.oldLabel ? `${options.oldLabel}  ` : ''}${d.old.digest}`);
  out.push(`  new: ${options.newLabel ? `${options.newLabel}  ` : ''}${d.new.digest}`);
  if (d.identical) {
    out.push('', 'The rubrics have the same content.');
    return out.join('\n');
  }
  if (d.rubric.length) out.push('', 'Rubric', ...changeLines(d.rubric, '  ', width));

  const { added, removed, changed, renamed } = d.counts;
  out.push('', `Items: ${added} added, ${removed} removed, ${changed} changed${renamed ? ` (${renamed} renamed)` : ''}`);
  for (const i of d.items) {
    const mark = i.status === 'added' ? '+' : i.status === 'removed' ? '-' : '~';
    const id = i.oldId ? `${i.oldId} → ${i.id}` : i.id;
    const pts = i.points.old !== null && i.points.new !== null && i.points.old !== i.points.new ? `${i.points.old} → ${i.points.new}` : ((i.points.new ?? i.points.old) as string);
    const where = i.part ? `, part of ${i.parent}` : '';
    out.push(`  ${mark} ${id} ${clip(i.title[lang], width)}  (${i.kind}, ${pointsEn(pts)}${where})`);
    out.push(...changeLines(i.changes.filter((c) => c.path !== 'id'), '      ', width));
  }

  if (d.sections.length) {
    out.push('', 'Sections');
    for (const s of d.sections) {
      const mark = s.status === 'added' ? '+' : s.status === 'removed' ? '-' : '~';
      out.push(`  ${mark} ${s.oldId ? `${s.oldId} → ${s.id}` : s.id} ${clip(s.title[lang], width)}`);
      out.push(...changeLines(s.changes.filter((c) => c.path !== 'id'), '      ', width));
    }
  }

  const entryBlock = (title: string, entries: EntryDiff[]) => {
    if (!entries.length) return;
    out.push('', title);
    for (const e of entries) {
      const mark = e.status === 'added' ? '+' : e.status === 'removed' ? '-' : '~';
      out.push(`  ${mark} ${e.id}`);
      out.push(...changeLines(e.changes, '      ', width));
    }
  };
  entryBlock('Gates', d.gates);
  entryBlock('Grades', d.grades);

  const changedMax = d.maxima.filter((m) => m.old !== m.new);
  out.push('', `Section maxima${changedMax.length ? '' : ' (unchanged)'}`);
  for (const m of d.maxima) {
    if (m.depth > 0 && m.old === m.new) continue;
    const value = m.old === m.new ? (m.new as string) : `${m.old ?? '—'} → ${m.new ?? '—'}`;
    out.push(`  ${'  '.repeat(m.depth)}${m.id} ${clip(m.title[lang], 40)}${m.bonus ? ' (bonus)' : ''}: ${value}`);
  }
  const total = d.old.max === d.new.max ? d.new.max : `${d.old.max} → ${d.new.max}`;
  const ob = Dec.parse(d.old.maxWithBonus)!.sub(Dec.parse(d.old.max)!).toString();
  const nb = Dec.parse(d.new.maxWithBonus)!.sub(Dec.parse(d.new.max)!).toString();
  const bonus = ob === nb ? (nb === '0' ? '' : `, bonus ${nb}`) : `, bonus ${ob} → ${nb}`;
  out.push(`  maximum: ${total}${bonus}`);
  return out.join('\n');
}

function sideText(s: ScoredSide | FailedSide, lang: Lang): string {
  if (!isScored(s)) return 'error';
  return `${s.total} ${s.gradeLabel ? s.gradeLabel[lang] : 'no grade'}`;
}

function firstIssue(s: ScoredSide | FailedSide): string {
  if (isScored(s)) return '';
  const i = s.issues[0];
  if (!i) return 'error';
  const where = i.path.length ? ` at ${formatPath(i.path)}` : '';
  return `${i.code}${where}: ${i.message}${s.issues.length > 1 ? ` (+${s.issues.length - 1} more)` : ''}`;
}

/** Up to this many communities, the impact lists every one; past it, only those whose total, grade, items or gates moved. */
const LIST_UNMOVED_UP_TO = 20;

/** The impact on the communities as text. */
export function formatImpact(impact: Impact, options: DiffTextOptions = {}): string {
  throwProblems(impactIssue(impact, 'impact'), ...textOptionsIssues(options));
  options ??= {};
  const lang = options.lang ?? 'zh';
  const out: string[] = [];
  const s = impact.summary;
  out.push(`Impact on ${s.communities} ${s.communities === 1 ? 'community' : 'communities'} (old → new)`);
  // A province's thousands of communities, most of them unmoved, would bury the few an edit moves.
  const listAll = impact.communities.length <= LIST_UNMOVED_UP_TO;
  let unlisted = 0;
  for (const c of impact.communities) {
    if (c.delta === undefined) {
      const o = isScored(c.old) ? sideText(c.old, lang) : `error — ${firstIssue(c.old)}`;
      const n = isScored(c.new) ? sideText(c.new, lang) : `error — ${firstIssue(c.new)}`;
      out.push(`  ✗ ${c.name}  [${c.source}]`, `      old: ${o}`, `      new: ${n}`);
      continue;
    }
    const mark = c.grade === 'up' ? '↑' : c.grade === 'down' ? '↓' : c.grade === 'changed' ? '↔' : '=';
    const items = (c.items ?? []).map((m) => `${m.id} ${m.old ?? '—'} → ${m.new ?? '—'}`);
    if (c.caps) items.push(`section caps ${c.caps}`);
    const outcome = (passed: boolean | null) => (passed === null ? 'no gate' : passed ? 'passed' : 'failed');
    for (const g of c.gates ?? []) items.push(`gate ${g.id} ${outcome(g.old)} → ${outcome(g.new)}`);
    if (!listAll && mark === '=' && c.delta === '0' && !items.length) {
      unlisted++;
      continue;
    }
    out.push(`  ${mark} ${c.name}: ${sideText(c.old, lang)} → ${sideText(c.new, lang)} (${c.delta})${items.length ? `  [${items.join('; ')}]` : ''}`);
  }
  if (unlisted) out.push(`  … and ${unlisted} ${unlisted === 1 ? 'community' : 'communities'} with the same total and grade under both (--json lists every one)`);
  out.push('');
  const failed = s.communities - s.scored;
  out.push(
    `Summary: ${s.scored} of ${s.communities} scored under both rubrics${failed ? ` (${failed} failed: ${s.failed.old} under the old, ${s.failed.new} under the new)` : ''}; ` +
      `${s.gradeChanged} change grade: ${s.up} up, ${s.down} down${s.sideways ? `, ${s.sideways} to an unordered band` : ''}; ${s.unchanged} keep their grade.`,
  );
  out.push(`Totals: ${s.totalUp} up, ${s.totalDown} down, ${s.scored - s.totalUp - s.totalDown} unchanged.`);
  if (s.largest.length) {
    out.push('Largest movements:');
    for (const m of s.largest) {
      const o = m.oldLabel ? m.oldLabel[lang] : 'no grade';
      const n = m.newLabel ? m.newLabel[lang] : 'no grade';
      const grades = m.oldGrade === m.newGrade ? n : `${o} → ${n}`;
      out.push(`  ${m.delta}  ${m.name}: ${m.old} → ${m.new} (${grades})`);
    }
  }
  if (s.causes.length) {
    out.push('Changed items behind the movements:');
    for (const c of s.causes) {
      const range = c.min === c.max ? c.min : `${c.min} … ${c.max}`;
      out.push(
        `  ${c.oldId ? `${c.oldId} → ${c.id}` : c.id} ${clip(c.title[lang], 40)}: ${c.communities} ${c.communities === 1 ? 'community' : 'communities'}, ${c.gradeChanges} with a grade change; ${range} each, ${c.total} in all`,
      );
    }
  }
  if (s.gates?.length) {
    out.push('Gates behind the movements:');
    for (const g of s.gates) out.push(`  ${g.id} ${clip(g.title[lang], 40)}: ${g.nowFailed} now fail it, ${g.nowPassed} now pass it; ${g.gradeChanges} with a grade change`);
  }
  return out.join('\n');
}
