import type { ItemTrace } from './kinds/define.js';
import type { ScoreResult, SectionTrace } from './result.js';
import { assertRenderable } from './result-shape.js';
import { isStringList, optionIssue, optionsIssue, throwProblems } from './api-guards.js';
import { issue, suggest } from './issues.js';
import { indexTraces } from './trace-index.js';
import { criteriaNote } from './criteria-note.js';

export type Lang = 'zh' | 'en';

export interface ExplainOptions {
  lang?: Lang;
  /** Show every item (default) or only the sections. */
  items?: boolean;
  /** Only these items (by id; a part's id shows its item), and the sections that hold them. */
  ids?: readonly string[];
  /** Only the items that lost points or were not met, and the sections that hold them. */
  unmet?: boolean;
}

/** A result as text: the total, grade and gates, then each section and item with its reason. */
export function explain(result: ScoreResult, options: ExplainOptions = {}): string {
  // explain(result, 'en') would otherwise print Chinese, as if given no options.
  throwProblems(optionsIssue(options));
  options ??= {};
  assertRenderable(result, { lang: options.lang });
  throwProblems(
    optionIssue('ids', options.ids, 'a list of item ids', options.ids === undefined || isStringList(options.ids)),
    optionIssue('unmet', options.unmet, 'true or false', options.unmet === undefined || typeof options.unmet === 'boolean'),
    optionIssue('items', options.items, 'true or false', options.items === undefined || typeof options.items === 'boolean'),
  );
  if (options.ids) {
    // An id the result does not hold would show nothing, silently: name it.
    const known = indexTraces(result).items;
    throwProblems(
      ...options.ids.map((id, i) => {
        if (known.has(id)) return undefined;
        const hint = suggest(id, known.keys());
        return issue('unknown-item', ['options', 'ids', i], `the result has no item "${id}"${hint ? ` (did you mean "${hint}"?)` : ''}`, { found: id });
      }),
    );
  }
  const lang = options.lang ?? 'zh';
  const zh = lang === 'zh';
  const out: string[] = [];
  out.push(`${result.rubric.title[lang]} (${result.rubric.id} ${result.rubric.version})`);
  const community = result.community as { name?: unknown } | undefined;
  if (community?.name) out.push(`${zh ? '社区' : 'Community'}: ${String(community.name)}`);
  const bonus = result.bonus !== '0' ? (zh ? `（含加分 ${result.bonus}）` : ` (bonus ${result.bonus} included)`) : '';
  // A rubric of criteria alone (no points, bonus included) has nothing to total: "0 / 0" would read as a score of zero.
  if (result.maxWithBonus !== '0') out.push(`${zh ? '总分' : 'Total'}: ${result.total} / ${result.max}${bonus}${result.ratio ? `  ${zh ? '得分率' : 'ratio'} ${result.ratio}` : ''}`);
  if (result.criteria) {
    const note = criteriaNote(result, lang);
    out.push(`${zh ? '达标条目' : 'Criteria met'}: ${result.criteria.met} / ${result.criteria.total}${note ? (zh ? `（${note}）` : ` (${note})`) : ''}`);
  }
  if (result.grade) {
    const range = result.grade.range ? ` ${result.grade.range}` : '';
    out.push(`${zh ? '等级' : 'Grade'}: ${result.grade.label[lang]}${range}${result.grade.gate ? (zh ? `（未通过门槛 ${result.grade.gate}）` : ` (gate ${result.grade.gate} not passed)`) : ''}`);
  }
  for (const g of result.gates) {
    const mark = g.passed ? '✓' : '✗';
    const effect = g.effect === 'block' ? (zh ? '门槛' : 'gate') : zh ? '条件' : 'condition';
    out.push(`${mark} ${effect} ${g.title[lang]}: ${g.subject} = ${g.value ?? '—'} ${zh ? '要求' : 'needs'} ${g.range}`);
  }
  out.push('');
  const wanted = options.ids ? new Set(options.ids) : undefined;
  const shown = (i: ItemTrace): boolean =>
    (!wanted || wanted.has(i.id) || (i.parts ?? []).some((p) => shown(p))) && (!options.unmet || i.met === false || (i.met === undefined && i.points !== i.max));
  const filtered = wanted !== undefined || options.unmet === true;
  const holds = (s: SectionTrace): boolean => (s.items ?? []).some(shown) || (s.sections ?? []).some(holds);
  const section = (s: SectionTrace, depth: number) => {
    if (filtered && options.items !== false && !holds(s)) return;
    const pad = '  '.repeat(depth);
    // Labelled: beside points, a bare [1/1] read as one item of one, where a tiered item beside it is not counted.
    const crit = s.criteria ? `  [${zh ? '达标' : 'met'} ${s.criteria.met}/${s.criteria.total}]` : '';
    const capped = s.uncapped ? (zh ? `（封顶前 ${s.uncapped}）` : ` (capped from ${s.uncapped})`) : '';
    out.push(`${pad}${s.id} ${s.title[lang]}${noPoints(s) ? '' : `  ${s.points} / ${s.max}`}${capped}${crit}`);
    s.sections?.forEach((sub) => section(sub, depth + 1));
    if (options.items !== false) s.items?.forEach((i) => (!filtered || shown(i) ? item(i, depth + 1) : undefined));
  };
  const item = (i: ItemTrace, depth: number) => {
    const pad = '  '.repeat(depth);
    const mark = i.met === undefined ? (i.points === i.max ? '●' : i.points === '0' ? '○' : '◐') : i.met ? '✓' : '✗';
    out.push(`${pad}${mark} ${i.id}${noPoints(i) ? '' : ` ${i.points} / ${i.max}`}  ${i.title[lang]}`);
    out.push(`${pad}    ${i.reason[lang]}${i.rounded ? roundedNote(i.rounded, i.points, zh) : ''}${i.clause ? `  [${i.clause}]` : ''}`);
    i.parts?.forEach((p) => item(p, depth + 2));
  };
  result.sections.forEach((s) => section(s, 0));
  return out.join('\n');
}

/** Whether a result, section or item is worth no points (a criterion judged met or not): its "0 / 0" is left out. */
const noPoints = (x: { max: string }): boolean => x.max === '0';

/** Says what the reason's exact figure was rounded to, and how: the reason itself shows only the exact one. */
function roundedNote(r: NonNullable<ItemTrace['rounded']>, points: string, zh: boolean): string {
  const how = r.mode === 'half-even' ? (zh ? '四舍六入五成双' : 'half-even') : zh ? '四舍五入' : 'half-up';
  return zh ? `，${how}保留 ${r.places} 位小数为 ${points} 分` : `; rounded ${how} to ${r.places} places: ${points}`;
}
