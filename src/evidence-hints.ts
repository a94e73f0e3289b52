/**
 * Advice on evidence that scores but is probably not what the inspector
 * meant. Hints never stop scoring and never change a result: they are
 * issues with `severity: 'hint'`, placed and printed like problems.
 *
 * percent-as-fraction: a field whose unit is "%" takes numbers of percent
 * (93.1 for 93.1 %), while a `rate` item takes a fraction (0.931). A value
 * between 0 and 1 in a "%" field is read as under 1 %, and a criterion such
 * as "≥ 90 %" then fails with nothing else to say why.
 */
import type { CompiledRubric } from './compile.js';
import { Dec, toDec } from './decimal.js';
import { evidenceFields, type EvidenceFields } from './evidence-fields.js';
import { issue, type Issue, type PathSegment } from './issues.js';
import { isRecord } from './is-record.js';
import { assertCompiled } from './api-guards.js';
import { formatPath } from './format-issues.js';
import type { Lang } from './explain.js';

/** Below an item's value: deep enough for a sum's part's field, a list entry's field. */
const MAX_DEPTH = 4;
/** Leaves looked at per record: a hint is advice, not worth a walk of a huge value. */
const MAX_LEAVES = 10_000;
const HUNDRED = Dec.int(100);

interface PercentFields {
  fields: EvidenceFields;
  /** Top-level item ids with at least one "%" column: only these are walked. */
  items: Set<string>;
}

const percentFieldsOf = new WeakMap<CompiledRubric, PercentFields | null>();

function percentFields(compiled: CompiledRubric): PercentFields | null {
  const cached = percentFieldsOf.get(compiled);
  if (cached !== undefined) return cached;
  let found: PercentFields | null = null;
  try {
    const fields = evidenceFields(compiled);
    const items = new Set<string>();
    for (const codec of fields.codecs) {
      if ([...codec.columns(() => 1), ...codec.aliases()].some((c) => isPercent(c.cell))) items.add(codec.item.id);
    }
    if (items.size) found = { fields, items };
  } catch {
    // Two fields sharing a column (a CSV template problem, reported there): no hints.
  }
  percentFieldsOf.set(compiled, found);
  return found;
}

const isPercent = (cell: { type: string; unit?: string | undefined; rate?: boolean | undefined }): boolean => cell.type === 'number' && cell.unit === '%' && !cell.rate;

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
  let leaves = 0;
  for (const codec of known.fields.codecs) {
    const id = codec.item.id;
    if (!known.items.has(id) || !Object.prototype.hasOwnProperty.call(evidence, id)) continue;
    const visit = (value: unknown, rest: PathSegment[]): void => {
      if (++leaves > MAX_LEAVES) return;
      if (Array.isArray(value)) {
        if (rest.length < MAX_DEPTH) value.forEach((v, i) => visit(v, [...rest, i]));
        return;
      }
      if (isRecord(value)) {
        if (rest.length < MAX_DEPTH) for (const key of Object.keys(value)) visit(value[key], [...rest, key]);
        return;
      }
      if (typeof value !== 'number' && typeof value !== 'string') return;
      const d = toDec(value);
      if (!d || d.isNegative() || d.isZero() || d.gt(Dec.ONE)) return;
      // The value's own column: <item>[.<part>…].<field>, or <item> for a sole field given bare.
      if (!rest.every((seg) => typeof seg === 'string')) return;
      const column = known.fields.column([id, ...rest].join('.'));
      if (!column || !isPercent(column.cell)) return;
      const given = d.toString();
      const meant = d.mul(HUNDRED).toString();
      hints.push(
        issue('percent-as-fraction', ['evidence', id, ...rest], `read as ${given} %, not ${meant} %: a "%" field takes numbers of percent (${meant} for ${meant} %)`, {
          severity: 'hint',
          expected: `a number of percent, 0–100`,
          found: given,
        }),
      );
    };
    visit(evidence[id], []);
  }
  return hints;
}

/**
 * A hint in a few words for people, in Chinese or English (reports): the
 * path in the evidence, then what the code means. Issues carry an English
 * message only; the wording here is made from the hint's data.
 */
export function hintText(hint: Issue, lang: Lang): string {
  const where = formatPath(hint.path[0] === 'evidence' ? hint.path.slice(1) : hint.path);
  const given = hint.found === undefined ? undefined : toDec(hint.found);
  if (hint.code === 'percent-as-fraction' && given) {
    const found = given.toString();
    const meant = given.mul(HUNDRED).toString();
    return lang === 'zh' ? `${where}：填写为 ${found}，按 ${found}% 计；若是比例（${meant}%），应填 ${meant}` : `${where}: ${found} is read as ${found} %; if it is a fraction (${meant} %), enter ${meant}`;
  }
  return `${where}: ${hint.message}`;
}
