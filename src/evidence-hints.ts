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
import { formatPath, isIssue } from './format-issues.js';
import type { Lang } from './explain.js';
import type { ItemBase } from './kinds/define.js';
import type { Range } from './range.js';
import { langProblem } from './result-shape.js';

const HUNDRED = Dec.int(100);
/** A value written with more characters than this (5e-324 as a decimal) is no one's fraction of a percentage. */
const MAX_TEXT = 24;

/**
 * Where "%" values sit in a rubric's evidence, as a tree in rubric order:
 * an item (or part) may take a "%" value bare (a sole field), and leads to
 * its parts and fields. The walk of a record follows this tree alone, so it
 * is as long as the rubric's paths, whatever the record holds.
 */
interface PercentNode {
  name: string;
  /** The value here is a "%" number that may be a fraction. */
  percent: boolean;
  children: PercentNode[];
}

const percentTreeOf = new WeakMap<CompiledRubric, PercentNode[] | null>();

function percentTree(compiled: CompiledRubric): PercentNode[] | null {
  const cached = percentTreeOf.get(compiled);
  if (cached !== undefined) return cached;
  let found: PercentNode[] | null = null;
  try {
    const fields = evidenceFields(compiled);
    // The evidence fields' own cells decide what is a "%" number (a rate's cell is not): by column key.
    const isPercentAt = (path: string[]): boolean => {
      const cell = fields.column(path.join('.'))?.cell;
      return cell !== undefined && cell.type === 'number' && cell.unit === '%' && !cell.rate;
    };
    const nodeOf = (item: ItemBase, path: string[]): PercentNode | undefined => {
      const children: PercentNode[] = [];
      for (const part of (item as { parts?: ItemBase[] }).parts ?? []) {
        const child = nodeOf(part, [...path, part.id]);
        if (child) children.push(child);
      }
      for (const field of fieldIds(item)) {
        if (isPercentAt([...path, field]) && !onlySmallThresholds(item, field)) children.push({ name: field, percent: true, children: [] });
      }
      const percent = isPercentAt(path) && !onlySmallThresholds(item, undefined);
      return percent || children.length ? { name: item.id, percent, children } : undefined;
    };
    const tops = fields.codecs.map((c) => nodeOf(c.item, [c.item.id])).filter((n): n is PercentNode => n !== undefined);
    if (tops.length) found = tops;
  } catch {
    // Two fields sharing a column (a CSV template problem, reported there): no hints.
  }
  percentTreeOf.set(compiled, found);
  return found;
}

/** The ids of an item's own evidence fields: its conditions, measures, counts or deductions. */
function fieldIds(item: ItemBase): string[] {
  const withIds = (list: unknown): string[] => (Array.isArray(list) ? list.map((x: { id: string }) => x.id) : []);
  const it = item as { conditions?: unknown; measures?: Record<string, unknown>; counts?: unknown; deductions?: unknown };
  return [...withIds(it.conditions), ...Object.keys(it.measures ?? {}), ...withIds(it.counts), ...withIds(it.deductions)];
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
  const deductions = (item as { deductions?: { id: string; shortOf?: Dec }[] }).deductions;
  if (deductions) {
    const d = field === undefined ? (deductions.length === 1 ? deductions[0] : undefined) : deductions.find((x) => x.id === field);
    if (d?.shortOf) bounds.push(d.shortOf);
  }
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
  const tree = percentTree(compiled);
  if (!tree || !isRecord(evidence)) return [];
  const hints: Issue[] = [];
  const visit = (node: PercentNode, value: unknown, path: PathSegment[]): void => {
    if (node.percent) {
      const hint = percentHint(value, path);
      if (hint) hints.push(hint);
    }
    if (!isRecord(value)) return;
    for (const child of node.children) {
      if (Object.prototype.hasOwnProperty.call(value, child.name)) visit(child, value[child.name], [...path, child.name]);
    }
  };
  // In rubric order, whatever the record's key order.
  for (const node of tree) {
    if (Object.prototype.hasOwnProperty.call(evidence, node.name)) visit(node, evidence[node.name], ['evidence', node.name]);
  }
  return hints;
}

function percentHint(value: unknown, path: PathSegment[]): Issue | undefined {
  if (typeof value !== 'number' && typeof value !== 'string') return undefined;
  // Long texts ("0.000…1" of thousands of digits) are no one's fraction, and not worth reading exactly.
  if (typeof value === 'string' && value.trim().length > MAX_TEXT) return undefined;
  const d = toDec(value);
  if (!d || d.isNegative() || d.isZero() || d.gt(Dec.ONE)) return undefined;
  const texts = percentTexts(d);
  if (!texts) return undefined;
  const { given, meant } = texts;
  return issue('percent-as-fraction', path, `read as ${given} %, not ${meant} %: a "%" field takes numbers of percent (${meant} for ${meant} %)`, {
    severity: 'hint',
    expected: 'a number of percent, 0–100',
    found: given,
  });
}

/** A value as given and as the percentage it would be if it were a fraction; undefined when it is too long to be either. */
function percentTexts(d: Dec): { given: string; meant: string } | undefined {
  const given = d.toString();
  return given.length > MAX_TEXT ? undefined : { given, meant: d.mul(HUNDRED).toString() };
}

/**
 * A hint in a few words for people, in Chinese or English (reports): the
 * path in the evidence, then what the code means. Issues carry an English
 * message only; the wording here is made from the hint's data.
 */
export function hintText(hint: Issue, lang: Lang): string {
  throwProblems(argumentIssue('hint', hint, 'a hint (an issue from evidenceHints)', isIssue(hint)), langProblem(lang));
  const where = formatPath(hint.path[0] === 'evidence' ? hint.path.slice(1) : hint.path);
  const d = hint.found === undefined || hint.found.length > MAX_TEXT ? undefined : toDec(hint.found);
  const texts = d && percentTexts(d);
  if (hint.code === 'percent-as-fraction' && texts) {
    const { given: found, meant } = texts;
    return lang === 'zh' ? `${where}：填写为 ${found}，按 ${found}% 计；若是比例（${meant}%），应填 ${meant}` : `${where}: ${found} is read as ${found} %; if it is a fraction (${meant} %), enter ${meant}`;
  }
  return `${where}: ${hint.message}`;
}
