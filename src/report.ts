import { assertRenderable, resultIssue } from './result-shape.js';
import { argumentIssue, assertString, optionsIssue, throwProblems } from './api-guards.js';
import { Dec } from './decimal.js';
import type { Lang } from './explain.js';
import type { Bilingual, ItemTrace } from './kinds/define.js';
import { noGradesReason, type Plan } from './plan.js';
import { pointsEn } from './kinds/shared.js';
import type { GateResult, ScoreResult, SectionTrace } from './result.js';
import type { Issue } from './issues.js';
import { hintText } from './evidence-hints.js';
import { criteriaNote } from './criteria-note.js';

/**
 * A one-community report from a result and (optionally) its plan: the
 * total, grade and gates; the sections as a bar chart; the unmet items; the
 * plan to the next grade; every item with its points, evidence and reason.
 * Markdown, or one self-contained HTML file (inline CSS and SVG, no
 * scripts, nothing fetched). Pure: the same input gives the same text.
 * Every printed value is the exact decimal string of the result; numbers
 * are used only for the widths of the bars.
 */
export type ReportFormat = 'md' | 'html';

export interface ReportOptions {
  format?: ReportFormat;
  lang?: Lang;
  /** Hints on the evidence scored (evidenceHints), shown under the totals; none by default. */
  hints?: readonly Issue[];
}

export function report(result: ScoreResult, plan: Plan | undefined, options: ReportOptions = {}): string {
  throwProblems(optionsIssue(options));
  options ??= {};
  const format = options.format ?? 'md';
  // The renderer called checks the result, plan and language; a wrong format is reported with them.
  if (format !== 'md' && format !== 'html') assertRenderable(result, { lang: options.lang, format, plan, hints: options.hints });
  return format === 'html' ? reportHtml(result, plan, options) : reportMarkdown(result, plan, options);
}

/* ---------------------------------------------------------------- words */

const WORDS = {
  report: { zh: '社区评价报告', en: 'Community assessment report' },
  rubric: { zh: '评价标准', en: 'Rubric' },
  community: { zh: '社区', en: 'Community' },
  total: { zh: '总分', en: 'Total' },
  base: { zh: '基础分', en: 'Base' },
  bonus: { zh: '加分', en: 'Bonus' },
  ratio: { zh: '得分率', en: 'Ratio' },
  grade: { zh: '等级', en: 'Grade' },
  criteria: { zh: '达标条目', en: 'Criteria met' },
  gates: { zh: '门槛与条件', en: 'Gates and conditions' },
  gate: { zh: '门槛', en: 'Gate' },
  condition: { zh: '条件', en: 'Condition' },
  subject: { zh: '对象', en: 'Subject' },
  value: { zh: '实际值', en: 'Value' },
  needs: { zh: '要求', en: 'Needs' },
  effect: { zh: '作用', en: 'Effect' },
  passed: { zh: '通过', en: 'passed' },
  failed: { zh: '未通过', en: 'not passed' },
  block: { zh: '阻断评级', en: 'blocks the grade' },
  reportOnly: { zh: '仅报告', en: 'reported' },
  sections: { zh: '各部分得分', en: 'Sections' },
  section: { zh: '部分', en: 'Section' },
  points: { zh: '得分', en: 'Points' },
  max: { zh: '满分', en: 'Max' },
  percent: { zh: '得分比例', en: 'Percent' },
  met: { zh: '达标', en: 'Met' },
  criteriaOf: { zh: '条目数', en: 'Criteria' },
  metPercent: { zh: '达标比例', en: 'Percent met' },
  unmetCriteria: { zh: '未达标条目', en: 'Criteria not met' },
  allMet: { zh: '所有条目均已达标。', en: 'Every criterion is met.' },
  unmet: { zh: '未达标或未满分条目', en: 'Items not met or below their maximum' },
  noUnmet: { zh: '所有条目均已达标并得满分。', en: 'Every item is met at its maximum.' },
  item: { zh: '条目', en: 'Item' },
  title: { zh: '名称', en: 'Title' },
  evidence: { zh: '证据', en: 'Evidence' },
  reason: { zh: '计分理由', en: 'Reason' },
  items: { zh: '条目明细', en: 'Items' },
  plan: { zh: '晋级计划', en: 'Plan to the next grade' },
  noPlan: { zh: '未生成计划。', en: 'No plan was made.' },
  step: { zh: '改进', en: 'Improvement' },
  change: { zh: '改动', en: 'Change' },
  gain: { zh: '增分', en: 'Gain' },
  cost: { zh: '成本', en: 'Cost' },
  capped: { zh: '封顶前', en: 'before the cap' },
  bonusSection: { zh: '加分项', en: 'bonus' },
  notRated: { zh: '未评级', en: 'not rated' },
  hints: { zh: '证据提示', en: 'Evidence hints' },
  hintsNote: { zh: '以下证据照填写的数值计分，但可能不是本意：', en: 'This evidence was scored as written, but may not say what was meant:' },
  footer: {
    zh: '由 shequ-rubric 生成。所有分值均为精确小数；百分比超过两位小数时只写前两位（截去其余，不四舍五入），以“…”结尾。',
    en: 'Made by shequ-rubric. Every score is an exact decimal; a percentage with more than two places shows its first two (the rest cut, not rounded), followed by "…".',
  },
} satisfies Record<string, Bilingual>;

type Word = keyof typeof WORDS;

/* ---------------------------------------------------------------- data */

const dec = (s: string): Dec => Dec.parse(s) ?? Dec.ZERO;

/** points ÷ max as a percentage: the exact decimal when it has at most two places, else its first two places and "…". */
export function percentOf(points: string, max: string): string | undefined {
  const m = typeof max === 'string' ? Dec.parse(max) : undefined;
  const p = typeof points === 'string' ? Dec.parse(points) : undefined;
  if (!m || !p) throwProblems(argumentIssue('points', points, 'a decimal string', p !== undefined), argumentIssue('max', max, 'a decimal string', m !== undefined));
  if ((m as Dec).isZero()) return undefined;
  const percent = (p as Dec).div(m as Dec).mul(Dec.int(100));
  const places = percent.places();
  return places !== undefined && places <= 2 ? percent.toString() : `${percent.toFixed(2, 'down')}…`;
}

function communityOf(result: ScoreResult): { name?: string; id?: string } {
  const c = result.community as Record<string, unknown> | undefined;
  if (!c || typeof c !== 'object') return {};
  return {
    ...(c.name !== undefined ? { name: String(c.name) } : {}),
    ...(c.id !== undefined ? { id: String(c.id) } : {}),
  };
}

/** Evidence as a short line: booleans as yes / no, objects as key: value. */
export function evidenceText(value: unknown, lang: Lang): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'boolean') return value ? (lang === 'zh' ? '是' : 'yes') : lang === 'zh' ? '否' : 'no';
  if (Array.isArray(value)) return value.length ? value.map((v) => evidenceText(v, lang)).join(lang === 'zh' ? '；' : '; ') : '—';
  if (typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `${k}: ${Array.isArray(v) ? `[${evidenceText(v, lang)}]` : evidenceText(v, lang)}`)
      .join(', ');
  }
  return String(value);
}

interface Row {
  item: ItemTrace;
  depth: number;
}

function itemRows(items: ItemTrace[] | undefined, depth = 0, out: Row[] = []): Row[] {
  for (const item of items ?? []) {
    out.push({ item, depth });
    itemRows(item.parts, depth + 1, out);
  }
  return out;
}

function allSections(sections: SectionTrace[], depth = 0, out: { s: SectionTrace; depth: number }[] = []) {
  for (const s of sections) {
    out.push({ s, depth });
    allSections(s.sections ?? [], depth + 1, out);
  }
  return out;
}

/** Items not met, or scoring below their maximum (parts listed, not the sums holding them). */
export function unmetItems(result: ScoreResult): ItemTrace[] {
  throwProblems(resultIssue(result, 'result'));
  const out: ItemTrace[] = [];
  for (const { s } of allSections(result.sections)) {
    for (const { item } of itemRows(s.items)) {
      if (item.parts?.length) continue;
      if (item.met === false || dec(item.points).lt(dec(item.max))) out.push(item);
    }
  }
  return out;
}

function gradeText(result: ScoreResult, lang: Lang): string {
  if (!result.grade) return '—';
  const range = result.grade.range ? ` ${result.grade.range}` : '';
  return `${result.grade.label[lang]}${range}`;
}

function gateEffect(g: GateResult, lang: Lang): string {
  return g.effect === 'block' ? WORDS.block[lang] : WORDS.reportOnly[lang];
}

function planHeading(plan: Plan | undefined, result: ScoreResult, lang: Lang): string {
  if (!plan?.target) return WORDS.plan[lang];
  const from = result.grade ? result.grade.label[lang] : '—';
  return `${WORDS.plan[lang]}${lang === 'zh' ? '：' : ': '}${from} → ${plan.target.label[lang]}`;
}

function planSummary(plan: Plan, lang: Lang): string {
  const zh = lang === 'zh';
  switch (plan.status) {
    case 'top':
      return zh ? '已是最高等级，无更高等级可规划。' : 'Already at the best grade: there is no grade above to plan for.';
    case 'reached':
      return zh ? '已达到目标等级，无需改进。' : 'The target grade is reached already: nothing to change.';
    case 'unreachable':
      return zh ? `无法达到${plan.target ? `“${plan.target.label.zh}”` : '目标'}：` : `${plan.target ? plan.target.label.en : 'The target'} is out of reach:`;
    default: {
      const how = plan.objective === 'cheapest' ? (zh ? `成本最低（总成本 ${plan.cost}）` : `the cheapest (cost ${plan.cost})`) : zh ? '改动最少' : 'the fewest changes';
      const short = plan.needed && plan.needed !== '0' ? (zh ? `距 ${plan.target?.range} 差 ${plan.needed} 分；` : `${pointsEn(plan.needed)} short of ${plan.target?.range}; `) : '';
      return zh
        ? `${short}方案为${how}：${plan.steps.length} 项改进，共提高 ${plan.gain} 分。`
        : `${short}the plan makes ${how}: ${plan.steps.length} improvement${plan.steps.length === 1 ? '' : 's'}, +${pointsEn(plan.gain)}.`;
    }
  }
}

/** The blocking gates before and after the plan ("一类指标须达到50分: 46.82 → 52.18 ✓"). */
function planGates(plan: Plan, lang: Lang): string[] {
  if (plan.status !== 'planned' || !plan.after) return [];
  return plan.after.gates
    .filter((g) => g.effect === 'block')
    .map((g) => {
      const before = plan.current.gates.find((x) => x.id === g.id);
      return `${WORDS.gate[lang]} ${g.title[lang]}${lang === 'zh' ? '：' : ': '}${before?.value ?? '—'} → ${g.value ?? '—'} ${g.passed ? '✓' : '✗'}`;
    });
}

function planAfter(plan: Plan, lang: Lang): string | undefined {
  if (plan.status !== 'planned' || !plan.after) return undefined;
  const grade = plan.after.grade ? plan.after.grade.label[lang] : '—';
  return lang === 'zh'
    ? `复核：按改动后的证据重新评分，总分 ${plan.after.total}，等级 ${grade}。`
    : `Check: the changed evidence re-scored gives a total of ${plan.after.total}, ${grade}.`;
}

/* ------------------------------------------------------------ markdown */

/** Text safe in a Markdown table cell: specials escaped, no line breaks. */
export function mdEscape(text: string): string {
  assertString('text', text);
  return text.replace(/\r?\n/g, ' ').replace(/([\\`*_[\]<>|#!~&])/g, '\\$1');
}

function mdBar(percent: string | undefined): string {
  if (percent === undefined) return '';
  const n = Math.max(0, Math.min(100, Number(percent.replace('…', ''))));
  const full = Math.round(n / 5);
  return `${'█'.repeat(full)}${'░'.repeat(20 - full)}`;
}

export function reportMarkdown(result: ScoreResult, plan: Plan | undefined, options: ReportOptions = {}): string {
  throwProblems(optionsIssue(options));
  options ??= {};
  assertRenderable(result, { lang: options.lang, plan, hints: options.hints });
  const lang = options.lang ?? 'zh';
  const w = (k: Word) => WORDS[k][lang];
  const e = mdEscape;
  const out: string[] = [];
  const c = communityOf(result);
  out.push(`# ${e(c.name ?? result.rubric.title[lang])}`);
  out.push('');
  out.push(`${w('rubric')}: ${e(result.rubric.title[lang])} (${e(result.rubric.id)} ${e(result.rubric.version)})${c.id ? `  \n${w('community')}: ${e(c.id)}` : ''}`);
  out.push('');
  const criteria = byCriteria(result);
  const gradeCell = `**${e(gradeText(result, lang))}**${result.rated ? '' : ` (${w('notRated')})`}`;
  if (criteria) {
    const met = result.criteria as NonNullable<ScoreResult['criteria']>;
    const pct = percentOf(String(met.met), String(met.total));
    out.push(`| ${w('criteria')} | ${w('metPercent')} | ${w('grade')} |`, '|---|---|---|', `| **${met.met}** / ${met.total} | ${pct === undefined ? '—' : `${pct}%`} | ${gradeCell} |`);
  } else {
    out.push(`| ${w('total')} | ${w('grade')} | ${w('base')} | ${w('bonus')} | ${w('ratio')} | ${w('criteria')} |`);
    out.push('|---|---|---|---|---|---|');
    out.push(`| **${result.total}** / ${result.max} | ${gradeCell} | ${result.base} | ${result.bonus} | ${result.ratio ?? '—'} | ${criteriaCell(result, lang)} |`);
  }
  out.push('');
  if (options.hints?.length) {
    out.push(`## ${w('hints')}`, '', w('hintsNote'), '');
    for (const h of options.hints) out.push(`- ${e(hintText(h, lang))}`);
    out.push('');
  }
  if (result.gates.length) {
    out.push(`## ${w('gates')}`, '');
    out.push(`| | ${w('gate')} | ${w('subject')} | ${w('value')} | ${w('needs')} | ${w('effect')} |`);
    out.push('|---|---|---|---|---|---|');
    for (const g of result.gates) {
      out.push(`| ${g.passed ? '✓' : '✗'} ${g.passed ? w('passed') : w('failed')} | ${e(g.title[lang])} | ${e(g.subject)} | ${g.value ?? '—'} | ${e(g.range)} | ${gateEffect(g, lang)} |`);
    }
    out.push('');
  }
  out.push(`## ${w('sections')}`, '');
  out.push(criteria ? `| ${w('section')} | ${w('met')} | ${w('criteriaOf')} | ${w('metPercent')} | |` : `| ${w('section')} | ${w('points')} | ${w('max')} | ${w('percent')} | |`);
  out.push('|---|---:|---:|---:|---|');
  for (const s of result.sections) {
    const f = sectionFigures(s, criteria);
    out.push(`| ${e(s.id)} ${e(s.title[lang])}${s.bonus ? ` (${w('bonusSection')})` : ''} | ${f.got} | ${f.of} | ${f.percent === undefined ? '—' : `${f.percent}%`} | \`${mdBar(f.percent)}\` |`);
  }
  out.push('');
  out.push(`## ${criteria ? w('unmetCriteria') : w('unmet')}`, '');
  const unmet = unmetItems(result);
  if (unmet.length === 0) out.push(criteria ? w('allMet') : w('noUnmet'));
  else if (criteria) {
    out.push(`| ${w('item')} | ${w('title')} | ${w('reason')} |`, '|---|---|---|');
    for (const i of unmet) out.push(`| ${e(i.id)} | ${e(i.title[lang])} | ${e(i.reason[lang])} |`);
  } else {
    out.push(`| ${w('item')} | ${w('title')} | ${w('points')} | ${w('max')} | ${w('reason')} |`);
    out.push('|---|---|---:|---:|---|');
    for (const i of unmet) out.push(`| ${e(i.id)} | ${e(i.title[lang])} | ${i.points} | ${i.max} | ${e(i.reason[lang])} |`);
  }
  out.push('');
  // A rubric without grades has no grade to plan for: no section to say so.
  if (!gradeless(plan)) out.push(...markdownPlan(plan, result, lang), '');
  out.push(`## ${w('items')}`, '');
  for (const { s, depth } of allSections(result.sections)) {
    out.push(`${'#'.repeat(Math.min(6, 3 + depth))} ${e(s.id)} ${e(s.title[lang])} — ${sectionHeadingFigures(s, criteria, lang)}${s.uncapped ? ` (${w('capped')} ${s.uncapped})` : ''}`);
    out.push('');
    const rows = itemRows(s.items);
    if (rows.length) {
      out.push(criteria ? `| ${w('item')} | ${w('title')} | ${w('evidence')} | ${w('reason')} |` : `| ${w('item')} | ${w('title')} | ${w('points')} | ${w('max')} | ${w('evidence')} | ${w('reason')} |`);
      out.push(criteria ? '|---|---|---|---|' : '|---|---|---:|---:|---|---|');
      for (const { item, depth: d } of rows) {
        const mark = item.met === undefined ? '' : item.met ? '✓ ' : '✗ ';
        const figures = criteria ? '' : ` ${item.points} | ${item.max} |`;
        out.push(`| ${'　'.repeat(d)}${mark}${e(item.id)} | ${e(item.title[lang])} |${figures} ${item.parts?.length ? '' : e(evidenceText(item.evidence, lang))} | ${e(item.reason[lang])} |`);
      }
      out.push('');
    }
  }
  out.push(`---`, '', `*${e(w('footer'))}*`, '');
  return out.join('\n');
}

/* ---------------------------------------------------------------- html */

/** Text safe in HTML element content and attribute values. */
export function htmlEscape(text: string): string {
  assertString('text', text);
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

const CSS = `
:root { --ink: #1f2933; --muted: #616e7c; --line: #d9e2ec; --soft: #f5f7fa; --accent: #0b6e4f; --warn: #b7791f; --bad: #c53030; --bar: #2f855a; --bonus: #6b46c1; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fff; font: 15px/1.6 "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", system-ui, -apple-system, "Segoe UI", sans-serif; }
main { max-width: 1100px; margin: 0 auto; padding: 32px 28px 48px; }
header { border-bottom: 3px solid var(--accent); padding-bottom: 12px; margin-bottom: 20px; }
header .kicker { margin: 0; color: var(--muted); font-size: 13px; letter-spacing: .04em; }
header h1 { margin: 4px 0 2px; font-size: 28px; }
header .meta { margin: 0; color: var(--muted); font-size: 14px; }
h2 { font-size: 19px; margin: 30px 0 10px; padding-left: 10px; border-left: 4px solid var(--accent); }
h3 { font-size: 16px; margin: 18px 0 6px; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(200px, 1fr)); gap: 12px; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: 12px 16px; background: var(--soft); }
.card .label { color: var(--muted); font-size: 13px; }
.card .value { font-size: 26px; font-weight: 700; line-height: 1.3; }
.card .value small { font-size: 15px; font-weight: 400; color: var(--muted); }
.card .sub { font-size: 13px; color: var(--muted); }
.card.grade .value { color: var(--accent); }
.card.grade.failing .value { color: var(--bad); }
table { width: 100%; border-collapse: collapse; font-size: 14px; }
th, td { border-bottom: 1px solid var(--line); padding: 6px 8px; text-align: left; vertical-align: top; }
thead th { background: var(--soft); font-weight: 600; white-space: nowrap; }
td.num, th.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
td.id { white-space: nowrap; font-weight: 600; }
td.reason, td.evidence { color: #3e4c59; }
td.evidence { font-size: 13px; min-width: 130px; max-width: 240px; overflow-wrap: break-word; }
tr.sec th { background: #e6f4ea; text-align: left; font-size: 14px; }
tr.sec.d1 th { background: #f0f7f2; font-weight: 600; }
tr.sec.d2 th, tr.sec.d3 th { background: #f7faf8; font-weight: 500; }
tr.part td.id { padding-left: 24px; font-weight: 400; }
.ok { color: var(--accent); font-weight: 600; }
.no { color: var(--bad); font-weight: 600; }
.chart { width: 100%; height: auto; display: block; }
.chart text { font-family: inherit; }
.plan { border: 1px solid var(--line); border-radius: 8px; padding: 4px 16px 12px; }
.hints { border-left: 4px solid var(--warn); background: #fffaf0; padding: 2px 16px 8px; margin: 16px 0; }
.hints h2 { color: var(--warn); margin-top: 10px; }
.plan ol { padding-left: 22px; }
.plan li { margin: 6px 0; }
.plan .line { font-weight: 600; }
.plan .title { color: var(--muted); font-size: 13px; }
.note { color: var(--muted); font-size: 13px; }
footer { margin-top: 36px; padding-top: 10px; border-top: 1px solid var(--line); color: var(--muted); font-size: 12px; }
@media print { main { padding: 0; } h2 { break-after: avoid; } tr { break-inside: avoid; } }
`;

/** A label cut to about `px` pixels at 14 px (wide CJK characters count double), for display only. */
function fit(label: string, px: number): string {
  let width = 0;
  let out = '';
  for (const ch of label) {
    const cw = /[\u2e80-\u9fff\uff00-\uffef]/.test(ch) ? 14 : 8;
    if (width + cw > px - 14) return `${out}…`;
    width += cw;
    out += ch;
  }
  return out;
}

function svgChart(result: ScoreResult, lang: Lang): string {
  const rows = result.sections;
  const criteria = byCriteria(result);
  const W = 1000;
  const rowH = 38;
  const top = 10;
  const textWidth = (t: string) => [...t].reduce((a, ch) => a + (/[\u2e80-\u9fff\uff00-\uffef]/.test(ch) ? 14 : 8), 0);
  const labelW = Math.max(140, Math.min(340, Math.max(...rows.map((s) => textWidth(`${s.id} ${s.title[lang]}`))) + 24));
  const barX = labelW + 10;
  const barW = W - barX - 220;
  const H = top + rows.length * rowH + 26;
  const x = htmlEscape;
  const parts: string[] = [];
  parts.push(`<svg class="chart" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${x(WORDS.sections[lang])}">`);
  // grid lines at 0, 25, 50, 75, 100 %
  for (const p of [0, 25, 50, 75, 100]) {
    const gx = barX + (barW * p) / 100;
    parts.push(`<line x1="${gx}" y1="${top - 4}" x2="${gx}" y2="${top + rows.length * rowH - 6}" stroke="#d9e2ec" stroke-width="1"${p === 0 || p === 100 ? '' : ' stroke-dasharray="3 3"'}/>`);
    parts.push(`<text x="${gx}" y="${top + rows.length * rowH + 12}" font-size="12" fill="#616e7c" text-anchor="middle">${p}%</text>`);
  }
  rows.forEach((s, i) => {
    const y = top + i * rowH;
    const { got, of, percent: pct } = sectionFigures(s, criteria);
    const figures = criteria ? `${WORDS.met[lang]} ${got} / ${of}` : `${got} / ${of}`;
    const frac = pct === undefined ? 0 : Math.max(0, Math.min(1, Number(pct.replace('…', '')) / 100));
    const label = `${s.id} ${s.title[lang]}`;
    const color = s.bonus ? '#6b46c1' : frac >= 0.9 ? '#2f855a' : frac >= 0.6 ? '#b7791f' : '#c53030';
    parts.push(`<g>`);
    parts.push(`<title>${x(`${label}: ${figures}${pct === undefined ? '' : ` (${pct}%)`}`)}</title>`);
    parts.push(`<text x="${labelW}" y="${y + 21}" font-size="14" fill="#1f2933" text-anchor="end">${x(fit(label, labelW - 10))}</text>`);
    parts.push(`<rect x="${barX}" y="${y + 6}" width="${barW}" height="20" rx="3" fill="#f0f4f8"/>`);
    parts.push(`<rect x="${barX}" y="${y + 6}" width="${(barW * frac).toFixed(1)}" height="20" rx="3" fill="${color}"/>`);
    parts.push(`<text x="${barX + barW + 12}" y="${y + 21}" font-size="14" fill="#1f2933">${x(figures)}<tspan fill="#616e7c" dx="8">${x(pct === undefined ? '—' : `${pct}%`)}</tspan>${s.bonus ? `<tspan fill="#6b46c1" dx="8">${x(WORDS.bonusSection[lang])}</tspan>` : ''}</text>`);
    parts.push(`</g>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}

export function reportHtml(result: ScoreResult, plan: Plan | undefined, options: ReportOptions = {}): string {
  throwProblems(optionsIssue(options));
  options ??= {};
  assertRenderable(result, { lang: options.lang, plan, hints: options.hints });
  const lang = options.lang ?? 'zh';
  const w = (k: Word) => htmlEscape(WORDS[k][lang]);
  const x = htmlEscape;
  const c = communityOf(result);
  const title = c.name ?? result.rubric.title[lang];
  const out: string[] = [];
  out.push('<!doctype html>');
  out.push(`<html lang="${lang === 'zh' ? 'zh-CN' : 'en'}">`);
  out.push('<head>');
  out.push('<meta charset="utf-8">');
  out.push('<meta name="viewport" content="width=device-width, initial-scale=1">');
  out.push(`<title>${x(`${title} — ${WORDS.report[lang]}`)}</title>`);
  out.push(`<style>${CSS}</style>`);
  out.push('</head>');
  out.push('<body>');
  out.push('<main>');
  out.push('<header>');
  out.push(`<p class="kicker">${w('report')} · ${x(result.rubric.title[lang])} (${x(result.rubric.id)} ${x(result.rubric.version)})</p>`);
  out.push(`<h1>${x(title)}</h1>`);
  if (c.id) out.push(`<p class="meta">${w('community')}: ${x(c.id)}</p>`);
  out.push('</header>');

  // summary cards
  const failing = !result.rated || result.grade?.passing === false;
  const criteria = byCriteria(result);
  out.push('<section class="cards">');
  if (!criteria) {
    out.push(
      `<div class="card total"><div class="label">${w('total')}</div><div class="value">${x(result.total)} <small>/ ${x(result.max)}</small></div><div class="sub">${w('base')} ${x(result.base)} · ${w('bonus')} ${x(result.bonus)}${result.ratio ? ` · ${w('ratio')} ${x(result.ratio)}` : ''}</div></div>`,
    );
  }
  out.push(
    `<div class="card grade${failing ? ' failing' : ''}"><div class="label">${w('grade')}</div><div class="value">${x(result.grade ? result.grade.label[lang] : '—')}</div><div class="sub">${x(result.grade?.range ?? (result.grade?.gate ? `${WORDS.gate[lang]} ${result.grade.gate}` : ''))}${result.rated ? '' : ` · ${w('notRated')}`}</div></div>`,
  );
  if (result.criteria) {
    const note = criteriaNote(result, lang);
    out.push(`<div class="card"><div class="label">${w('criteria')}</div><div class="value">${result.criteria.met} <small>/ ${result.criteria.total}</small></div>${note ? `<div class="sub">${x(note)}</div>` : ''}</div>`);
  }
  out.push('</section>');
  if (options.hints?.length) {
    out.push(`<section class="hints"><h2>${w('hints')}</h2><p>${w('hintsNote')}</p><ul>`);
    for (const h of options.hints) out.push(`<li>${x(hintText(h, lang))}</li>`);
    out.push('</ul></section>');
  }

  if (result.gates.length) {
    out.push(`<h2>${w('gates')}</h2>`);
    out.push(`<table class="gates"><thead><tr><th></th><th>${w('gate')}</th><th>${w('subject')}</th><th class="num">${w('value')}</th><th>${w('needs')}</th><th>${w('effect')}</th></tr></thead><tbody>`);
    for (const g of result.gates) {
      out.push(
        `<tr><td class="${g.passed ? 'ok' : 'no'}">${g.passed ? '✓' : '✗'} ${g.passed ? w('passed') : w('failed')}</td><td>${x(g.title[lang])}</td><td>${x(g.subject)}</td><td class="num">${x(g.value ?? '—')}</td><td>${x(g.range)}</td><td>${x(gateEffect(g, lang))}</td></tr>`,
      );
    }
    out.push('</tbody></table>');
  }

  out.push(`<h2>${w('sections')}</h2>`);
  out.push(svgChart(result, lang));

  out.push(`<h2>${criteria ? w('unmetCriteria') : w('unmet')}</h2>`);
  const unmet = unmetItems(result);
  const figureHeads = criteria ? '' : `<th class="num">${w('points')}</th><th class="num">${w('max')}</th>`;
  const figureCells = (i: ItemTrace) => (criteria ? '' : `<td class="num">${x(i.points)}</td><td class="num">${x(i.max)}</td>`);
  if (unmet.length === 0) out.push(`<p>${criteria ? w('allMet') : w('noUnmet')}</p>`);
  else {
    out.push(`<table class="unmet"><thead><tr><th>${w('item')}</th><th>${w('title')}</th>${figureHeads}<th>${w('reason')}</th></tr></thead><tbody>`);
    for (const i of unmet) {
      out.push(`<tr><td class="id">${x(i.id)}</td><td>${x(i.title[lang])}</td>${figureCells(i)}<td class="reason">${x(i.reason[lang])}</td></tr>`);
    }
    out.push('</tbody></table>');
  }

  if (!gradeless(plan)) out.push(...htmlPlan(plan, result, lang));

  out.push(`<h2>${w('items')}</h2>`);
  out.push(
    `<table class="items"><thead><tr><th>${w('item')}</th><th>${w('title')}</th>${figureHeads}<th>${w('evidence')}</th><th>${w('reason')}</th></tr></thead><tbody>`,
  );
  for (const { s, depth } of allSections(result.sections)) {
    out.push(
      `<tr class="sec d${Math.min(depth, 3)}"><th colspan="${criteria ? 4 : 6}">${x(s.id)} ${x(s.title[lang])} — ${x(sectionHeadingFigures(s, criteria, lang))}${s.uncapped ? ` (${w('capped')} ${x(s.uncapped)})` : ''}</th></tr>`,
    );
    for (const { item, depth: d } of itemRows(s.items)) {
      const mark = item.met === undefined ? '' : item.met ? '<span class="ok">✓</span> ' : '<span class="no">✗</span> ';
      out.push(
        `<tr${d > 0 ? ' class="part"' : ''}><td class="id">${mark}${x(item.id)}</td><td>${x(item.title[lang])}</td>${figureCells(item)}<td class="evidence">${item.parts?.length ? '' : x(evidenceText(item.evidence, lang))}</td><td class="reason">${x(item.reason[lang])}</td></tr>`,
      );
    }
  }
  out.push('</tbody></table>');
  out.push(`<footer>${w('footer')}${result.rubric.digest ? ` · ${x(result.rubric.digest)}` : ''}</footer>`);
  out.push('</main>');
  out.push('</body>');
  out.push('</html>');
  return `${out.join('\n')}\n`;
}

/** The criteria count for the summary table, with what it leaves out. */
function criteriaCell(result: ScoreResult, lang: Lang): string {
  if (!result.criteria) return '—';
  const note = criteriaNote(result, lang);
  return `${result.criteria.met} / ${result.criteria.total}${note ? ` (${note})` : ''}`;
}

/**
 * Whether a result judges criteria alone (a checklist rubric with no points, as the six-type one):
 * its report counts criteria met where a scored one shows points, since "0 / 0" would read as zero.
 * Bonus points count as points: a base of criteria with a bonus section keeps its points columns.
 */
function byCriteria(result: ScoreResult): boolean {
  return result.maxWithBonus === '0' && result.criteria !== undefined;
}

/** What a section's line shows: points of its maximum, or, by criteria, criteria met of its criteria. */
function sectionFigures(s: SectionTrace, criteria: boolean): { got: string; of: string; percent: string | undefined } {
  const got = criteria ? String(s.criteria?.met ?? 0) : s.points;
  const of = criteria ? String(s.criteria?.total ?? 0) : s.max;
  return { got, of, percent: percentOf(got, of) };
}

/** A section's heading figures: "12 / 15", or by criteria "达标 13/14". */
function sectionHeadingFigures(s: SectionTrace, criteria: boolean, lang: Lang): string {
  const { got, of } = sectionFigures(s, criteria);
  return criteria ? `${WORDS.met[lang]} ${got}/${of}` : `${got} / ${of}`;
}

/** The plan's section in Markdown: where it goes, what it changes, and the check after it. */
function markdownPlan(plan: Plan | undefined, result: ScoreResult, lang: Lang): string[] {
  const w = (k: Word) => WORDS[k][lang];
  const e = mdEscape;
  const out: string[] = [];
  out.push(`## ${e(planHeading(plan, result, lang))}`, '');
  if (!plan) out.push(w('noPlan'));
  else {
    out.push(e(planSummary(plan, lang)));
    out.push('');
    if (plan.status === 'unreachable') for (const r of plan.reasons) out.push(`- ${e(r.message[lang])}`);
    if (plan.status === 'planned') {
      out.push(`| # | ${w('item')} | ${w('change')} | ${w('points')} | ${w('gain')} |${plan.objective === 'cheapest' ? ` ${w('cost')} |` : ''}`);
      out.push(`|---:|---|---|---|---:|${plan.objective === 'cheapest' ? '---:|' : ''}`);
      plan.steps.forEach((s, i) => {
        out.push(`| ${i + 1} | ${e(s.item)} ${e(s.title[lang])} | ${e(s.line[lang])} | ${s.from} → ${s.to} | +${s.gain} |${plan.objective === 'cheapest' ? ` ${s.cost ?? ''} |` : ''}`);
      });
      for (const g of planGates(plan, lang)) out.push('', e(g));
      const after = planAfter(plan, lang);
      if (after) out.push('', e(after));
      const notes = plan.reasons.map((r) => `- ${e(r.message[lang])}`);
      if (notes.length) out.push('', ...notes);
    }
  }
  return out;
}

/** The plan's section in HTML, as in Markdown. */
function htmlPlan(plan: Plan | undefined, result: ScoreResult, lang: Lang): string[] {
  const w = (k: Word) => htmlEscape(WORDS[k][lang]);
  const x = htmlEscape;
  const out: string[] = [];
  out.push(`<h2>${x(planHeading(plan, result, lang))}</h2>`);
  out.push('<div class="plan">');
  if (!plan) out.push(`<p>${w('noPlan')}</p>`);
  else {
    out.push(`<p>${x(planSummary(plan, lang))}</p>`);
    if (plan.status === 'unreachable') out.push(`<ul>${plan.reasons.map((r) => `<li>${x(r.message[lang])}</li>`).join('')}</ul>`);
    if (plan.status === 'planned') {
      out.push('<ol>');
      for (const s of plan.steps) {
        out.push(
          `<li><span class="line">${x(s.line[lang])}</span>${s.cost !== undefined ? ` <span class="note">[${w('cost')} ${x(s.cost)}]</span>` : ''}<br><span class="title">${x(s.title[lang])}</span></li>`,
        );
      }
      out.push('</ol>');
      for (const g of planGates(plan, lang)) out.push(`<p>${x(g)}</p>`);
      const after = planAfter(plan, lang);
      if (after) out.push(`<p class="ok">${x(after)}</p>`);
      for (const r of plan.reasons) out.push(`<p class="note">${x(r.message[lang])}</p>`);
    }
  }
  out.push('</div>');
  return out;
}

/** Whether the plan says the rubric has no grades (a checklist such as six-type): there is nothing to plan for. */
function gradeless(plan: Plan | undefined): boolean {
  return plan !== undefined && noGradesReason(plan) !== undefined;
}
