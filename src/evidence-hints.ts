/**
 * Advice on evidence that scores but is probably not what the inspector
 * meant. Hints never stop scoring and never change a result: they are
 * issues with `severity: 'hint'`, placed and printed like problems.
 *
 * percent-as-fraction: a field whose unit is "%" takes numbers of percent
 * (93.1 for 93.1 %), while a `rate` item takes a fraction (0.931). A value
 * between 0 and 1 in a "%" field is read as under 1 %, and a criterion such
 * as "≥ 90 %" then fails with nothing else to say why. A field whose own
 * thresholds are all at most 1 % (an accident rate "≤ 0.5") expects such
 * values, and gets no hint.
 */
import type { CompiledRubric } from './compile.js';
import { Dec, toDec } from './decimal.js';
import { evidenceFields } from './evidence-fields.js';
import { issue, type Issue, type PathSegment } from './issues.js';
import { isRecord } from './is-record.js';
import { argumentIssue, assertCompiled, throwProblems } from './api-guards.js';
import { formatPath } from './format-issues.js';
import type { Lang } from './explain.js';
import type { ItemBase } from './kinds/define.js';
import type { Range } from './range.js';
import { isIssue, langProblem } from './result-shape.js';

const HUNDRED = Dec.int(100);
/** A value written with more characters than this (5e-324 as a decimal) is no one's fraction of a percentage. */
const MAX_TEXT = 24;

/**
 * Where "%" values sit in a rubric's evidence: by the column key of each
 * (`<item>[.<part>…][.<field>]`, as the CSV template names it), and every
 * key that leads to one, so the walk of a record follows only those.
 */
interface PercentFields {
  /** Column keys of "%" values that may be fractions. */
  keys: Set<string>;
  /** Keys of the mappings on the way to one (the item, its parts). */
  ways: Set<string>;
}

const percentFieldsOf = new WeakMap<CompiledRubric, PercentFields | null>();

function percentFields(compiled: CompiledRubric): PercentFields | null {
  const cached = percentFieldsOf.get(compiled);
  if (cached !== undefined) return cached;
  let found: PercentFields | null = null;
  try {
    const fields = evidenceFields(compiled);
    const keys = new Set<string>();
    const ways = new Set<string>();
    for (const codec of fields.codecs) {
      for (const column of [...codec.columns(() => 1), ...codec.aliases()]) {
        const cell = column.cell;
        if (cell.type !== 'number' || cell.unit !== '%' || cell.rate) continue;
        const at = locate(codec.item, column.key);
        if (!at || onlySmallThresholds(at.item, at.field)) continue;
        keys.add(column.key);
        for (let k = 1; k < at.path.length; k++) ways.add(at.path.slice(0, k).join('.'));
      }
    }
    if (keys.size) found = { keys, ways };
  } catch {
    // Two fields sharing a column (a CSV template problem, reported there): no hints.
  }
  percentFieldsOf.set(compiled, found);
  return found;
}

/**
 * The item (or part) and field a column key names, read along the rubric's
 * own ids (which may hold dots): `<item>`, `<item>.<field>`, through parts.
 */
function locate(top: ItemBase, key: string): { item: ItemBase; field: string | undefined; path: string[] } | undefined {
  if (key !== top.id && !key.startsWith(`${top.id}.`)) return undefined;
  let item = top;
  const path = [top.id];
  let rest = key.slice(top.id.length);
  for (;;) {
    const parts = (item as { parts?: ItemBase[] }).parts;
    const part = parts?.find((p) => rest === `.${p.id}` || rest.startsWith(`.${p.id}.`));
    if (!part) break;
    item = part;
    path.push(part.id);
    rest = rest.slice(part.id.length + 1);
  }
  const field = rest ? rest.slice(1) : undefined;
  if (field !== undefined) path.push(field);
  return { item, field, path };
}

/** Whether every threshold the rubric sets on the field is at most 1 %: values under 1 are then what it expects. */
function onlySmallThresholds(item: ItemBase, field: string | undefined): boolean {
  const ranges: Range[] = [];
  const conditions = (item as { conditions?: { id: string; range?: Range }[] }).conditions;
  if (conditions) {
    const c = field === undefined ? (conditions.length === 1 ? conditions[0] : undefined) : conditions.find((x) => x.id === field);
    if (c?.range) ranges.push(c.range);
  }
  const measures = (item as { measures?: Record<string, unknown> }).measures;
  const tiers = (item as { tiers?: { when: Record<string, Range> }[] }).tiers;
  if (measures && tiers) {
    const ids = Object.keys(measures);
    const id = field ?? (ids.length === 1 ? ids[0] : undefined);
    for (const t of tiers) if (id !== undefined && t.when[id]) ranges.push(t.when[id] as Range);
  }
  const bounds = ranges.flatMap((r) => [r.min, r.max]).filter((b): b is Dec => b !== undefined);
  return bounds.length > 0 && bounds.every((b) => b.lte(Dec.ONE));
}

/**
 * Hints for a record of evidence (the `evidence` mapping, by item id). Paths
 * start with "evidence", as evidence problems' do. Pure; reads only what the
 * record holds, so evidence that does not validate still gets its hints.
 */
export function evidenceHints(compiled: CompiledRubric, evidence: unknown): Issue[] {
  assertCompiled(compiled);
  return hintsOf(compiled, evidence);
}

/** evidenceHints without the argument check, for a caller that has made it (batch, once per run). */
export function hintsOf(compiled: CompiledRubric, evidence: unknown): Issue[] {
  const known = percentFields(compiled);
  if (!known || !isRecord(evidence)) return [];
  const hints: Issue[] = [];
  // Follows only keys that lead to a "%" value: the walk is as long as the rubric's paths, whatever the record holds.
  const visit = (value: unknown, key: string, path: PathSegment[]): void => {
    if (known.keys.has(key)) {
      const hint = percentHint(value, path);
      if (hint) hints.push(hint);
    }
    if (!known.ways.has(key) || !isRecord(value)) return;
    for (const k of Object.keys(value)) {
      const next = `${key}.${k}`;
      if (known.keys.has(next) || known.ways.has(next)) visit(value[k], next, [...path, k]);
    }
  };
  for (const id of Object.keys(evidence)) {
    if (known.keys.has(id) || known.ways.has(id)) visit(evidence[id], id, ['evidence', id]);
  }
  return hints;
}

function percentHint(value: unknown, path: PathSegment[]): Issue | undefined {
  if (typeof value !== 'number' && typeof value !== 'string') return undefined;
  const d = toDec(value);
  if (!d || d.isNegative() || d.isZero() || d.gt(Dec.ONE)) return undefined;
  const given = d.toString();
  if (given.length > MAX_TEXT) return undefined;
  const meant = d.mul(HUNDRED).toString();
  return issue('percent-as-fraction', path, `read as ${given} %, not ${meant} %: a "%" field takes numbers of percent (${meant} for ${meant} %)`, {
    severity: 'hint',
    expected: 'a number of percent, 0–100',
    found: given,
  });
}

/**
 * A hint in a few words for people, in Chinese or English (reports): the
 * path in the evidence, then what the code means. Issues carry an English
 * message only; the wording here is made from the hint's data.
 */
export function hintText(hint: Issue, lang: Lang): string {
  throwProblems(argumentIssue('hint', hint, 'a hint (an issue from evidenceHints)', isIssue(hint)), langProblem(lang));
  const where = formatPath(hint.path[0] === 'evidence' ? hint.path.slice(1) : hint.path);
  const given = hint.found === undefined ? undefined : toDec(hint.found);
  if (hint.code === 'percent-as-fraction' && given) {
    const found = given.toString();
    const meant = given.mul(HUNDRED).toString();
    return lang === 'zh' ? `${where}：填写为 ${found}，按 ${found}% 计；若是比例（${meant}%），应填 ${meant}` : `${where}: ${found} is read as ${found} %; if it is a fraction (${meant} %), enter ${meant}`;
  }
  return `${where}: ${hint.message}`;
}
