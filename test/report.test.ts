import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  compile,
  Dec,
  explain,
  htmlEscape,
  mdEscape,
  parseRubric,
  percentOf,
  plan,
  report,
  reportHtml,
  reportMarkdown,
  score,
  evidenceHints,
  RubricError,
  type ItemTrace,
  type ScoreResult,
  type SectionTrace,
  unmetItems,
} from '../src/index.js';
import { evidenceOf, load } from './support/bundled.js';
import { runCli } from './support/cli.js';


const jiangxi = load('rubrics/jiangxi-db36-t-1609-2022.yaml');
const four = evidenceOf('examples/plan-jiangxi-four-star.yaml');
const NAME = '望江社区 <b>&"\'';
const community = { ...four.community, name: NAME };
const result = score(jiangxi, four.evidence, { community });
const thePlan = plan(jiangxi, four.evidence, { community });
const md = reportMarkdown(result, thePlan);
const html = reportHtml(result, thePlan);
const htmlEn = reportHtml(result, thePlan, { lang: 'en' });
const mdEn = reportMarkdown(result, thePlan, { lang: 'en' });

/** Each section's percentage of its maximum, computed here independently. */
function percentages(r: ScoreResult): string[] {
  return r.sections.map((s) => {
    const v = (Dec.parse(s.points) as Dec).mul(Dec.int(100)).div(Dec.parse(s.max) as Dec);
    return `${v.places() === undefined ? `${v.toFixed(2, 'down')}…` : v.toString()}%`;
  });
}

/** Leaf items below their maximum or not met, walked here independently. */
function unmet(r: ScoreResult): ItemTrace[] {
  const out: ItemTrace[] = [];
  const item = (i: ItemTrace) => {
    if (i.parts) i.parts.forEach(item);
    else if (i.met === false || (Dec.parse(i.points) as Dec).lt(Dec.parse(i.max) as Dec)) out.push(i);
  };
  const section = (s: SectionTrace) => {
    s.sections?.forEach(section);
    s.items?.forEach(item);
  };
  r.sections.forEach(section);
  return out;
}

describe('report: Markdown', () => {
  it('has the total, the grade and each section’s percentage', () => {
    expect(md).toContain('**86.5** / 100');
    expect(md).toContain('**四星 \\[86, 92)**');
    const pct = percentages(result);
    expect(pct).toEqual(['78.57…%', '81.81…%', '92.10…%', '87.87…%', '81.25%', '89.28…%', '0%']);
    for (const p of pct) expect(md).toContain(`| ${p} |`);
    expect(mdEn).toContain('Four stars');
  });

  it('lists the unmet items with their reasons', () => {
    const items = unmet(result);
    expect(items.map((i) => i.id)).toEqual(['1.3', '2.1a', '2.4b', '3.2a', '3.7a', '4.5', '5.1d', '5.3d', '6.3b', 'bonus-honours']);
    const section = md.slice(md.indexOf('## 未达标或未满分条目'), md.indexOf('## 晋级计划'));
    for (const i of items) expect(section).toContain(`| ${mdEscape(i.id)} | ${mdEscape(i.title.zh)} | ${i.points} | ${i.max} | ${mdEscape(i.reason.zh)} |`);
  });

  it('has the plan to the next grade', () => {
    expect(md).toContain('## 晋级计划：四星 → 五星');
    for (const s of thePlan.steps) expect(md).toContain(mdEscape(s.line.zh));
    expect(md).toContain('总分 92，等级 五星');
    expect(mdEn).toContain('4.5: 0.88… → ≥ 0.96 (6 → 10); count 53 → 58 of 60');
  });

  it('escapes the community name', () => {
    expect(md).toContain('# 望江社区 \\<b\\>\\&"\'');
    expect(md).not.toContain('<b>');
  });
});

describe('report: HTML', () => {
  it('is one document with the total, grade, sections, unmet items and plan', () => {
    expect(html.startsWith('<!doctype html>\n<html lang="zh-CN">')).toBe(true);
    expect(html.trimEnd().endsWith('</html>')).toBe(true);
    expect(html).toContain('<meta charset="utf-8">');
    expect(html).toContain('86.5 <small>/ 100</small>');
    expect(html).toContain('<div class="value">四星</div>');
    for (const p of percentages(result)) expect(html).toContain(p);
    const unmetTable = html.slice(html.indexOf('<table class="unmet">'), html.indexOf('</table>', html.indexOf('<table class="unmet">')));
    for (const i of unmet(result)) expect(unmetTable).toContain(`<td class="id">${htmlEscape(i.id)}</td>`);
    for (const s of thePlan.steps) expect(html).toContain(htmlEscape(s.line.zh));
    expect(htmlEn).toContain('<html lang="en">');
    expect(htmlEn).toContain('Four stars');
    expect(htmlEn).toContain(htmlEscape('4.5: 0.88… → ≥ 0.96 (6 → 10); count 53 → 58 of 60'));
  });

  it('draws a bar per section, as wide as its percentage, in inline SVG', () => {
    const svg = html.slice(html.indexOf('<svg'), html.indexOf('</svg>') + 6);
    expect(svg).not.toContain('xmlns');
    const bars = [...svg.matchAll(/<rect x="(\d+)" y="[\d.]+" width="([\d.]+)" height="20" rx="3" fill="(#[0-9a-f]{6})"\/>/g)];
    const tracks = bars.filter((b) => b[3] === '#f0f4f8');
    const fills = bars.filter((b) => b[3] !== '#f0f4f8');
    expect(tracks).toHaveLength(result.sections.length);
    expect(fills).toHaveLength(result.sections.length);
    const full = Number(tracks[0]?.[2]);
    result.sections.forEach((s, i) => {
      const expected = (full * (Dec.parse(s.points) as Dec).toNumber()) / (Dec.parse(s.max) as Dec).toNumber();
      expect(Math.abs(Number(fills[i]?.[2]) - expected)).toBeLessThan(0.1);
    });
  });

  it('fetches nothing and runs nothing', () => {
    for (const doc of [html, htmlEn]) {
      expect(doc).not.toMatch(/https?:\/\//i);
      expect(doc).not.toMatch(/<script/i);
      expect(doc).not.toMatch(/\s(src|href|action|srcset|poster|data)\s*=/i);
      expect(doc).not.toMatch(/url\(/i);
      expect(doc).not.toMatch(/@import/i);
      expect(doc).not.toMatch(/\son[a-z]+\s*=/i);
    }
  });

  it('escapes text: a community named <b>&"\'', () => {
    expect(html).toContain('望江社区 &lt;b&gt;&amp;&quot;&#39;');
    expect(html).not.toContain('<b>');
    expect(html).not.toContain(NAME);
    expect(htmlEscape(`<a href="x">&'`)).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&#39;');
  });

  it('balances its tags', () => {
    for (const tag of ['table', 'tr', 'svg', 'section', 'main', 'div', 'g', 'ol', 'li']) {
      const open = html.match(new RegExp(`<${tag}[\\s>]`, 'g'))?.length ?? 0;
      const close = html.match(new RegExp(`</${tag}>`, 'g'))?.length ?? 0;
      expect(`${tag} ${open}`).toBe(`${tag} ${close}`);
    }
  });

  it('is deterministic', () => {
    expect(reportHtml(score(jiangxi, four.evidence, { community }), plan(jiangxi, four.evidence, { community }))).toBe(html);
    expect(report(result, thePlan, { format: 'md' })).toBe(md);
    expect(report(result, thePlan, { format: 'html' })).toBe(html);
  });
});

describe('report: gates, unreachable plans, no plan', () => {
  const zhoushan = load('rubrics/zhoushan-2017.yaml');
  const gated = evidenceOf('examples/zhoushan-gated.yaml');
  const zr = score(zhoushan, gated.evidence, { community: gated.community });
  const zp = plan(zhoushan, gated.evidence, { community: gated.community });

  it('shows the gate, the grade it decided and the plan lifting it', () => {
    const h = reportHtml(zr, zp);
    expect(h).toContain('一类指标须达到50分及以上');
    expect(h).toContain('不予评定');
    expect(h).toContain('✗ 未通过');
    expect(h).toContain(htmlEscape('门槛 一类指标须达到50分及以上：46.82 → 52.18 ✓'));
    const m = reportMarkdown(zr, zp, { lang: 'en' });
    expect(m).toContain('| ✗ not passed | Class-1 indicators must reach 50 | section:class-1 | 46.82 | \\>= 50 | blocks the grade |');
    expect(m).toContain('II-8: C → A (2.64 → 8)');
  });

  it('an unreachable plan shows its reasons; without a plan, says so', () => {
    const p = plan(zhoushan, gated.evidence, { target: 'excellent', costs: { default: 'fixed', items: {} } });
    expect(p.status).toBe('unreachable');
    const h = reportHtml(zr, p, { lang: 'en' });
    expect(h).toContain('Excellent is out of reach:');
    for (const r of p.reasons) expect(h).toContain(htmlEscape(r.message.en));
    expect(reportMarkdown(zr, undefined)).toContain('未生成计划。');
  });

  it('percentages: exact, or their first two places and … when they do not terminate', () => {
    expect(percentOf('5.5', '7')).toBe('78.57…');
    expect(percentOf('13', '16')).toBe('81.25');
    // A terminating percentage with more than two places is cut to two as well (12-place points):
    // cut, not rounded, as every text ending in "…" is (62.6666666666675 % shows 62.66…).
    expect(percentOf('25.066666666667', '40')).toBe('62.66…');
    expect(percentOf('2', '3')).toBe('66.66…');
    expect(percentOf('1', '8')).toBe('12.5');
    expect(percentOf('1', '0')).toBeUndefined();
  });
});

describe('report: a rubric of criteria alone (six-type)', () => {
  const sixType = load('rubrics/six-type.yaml');
  const example = evidenceOf('examples/six-type-community.yaml');
  const judged = score(sixType, example.evidence, { community: example.community });
  const counts = judged.criteria as NonNullable<ScoreResult['criteria']>;
  const sixPlan = plan(sixType, example.evidence, { community: example.community });
  const mdSix = reportMarkdown(judged, sixPlan);
  const htmlSix = reportHtml(judged, sixPlan, { lang: 'en' });

  it('counts criteria met where a scored rubric shows points: no "0 / 0"', () => {
    // Criteria met of all, and each group's, as percentages worked here from the counts.
    const pct = (met: number, total: number) => {
      const v = Dec.of(BigInt(met * 100), BigInt(total));
      return `${v.places() === undefined ? `${v.toFixed(2, 'down')}…` : v.toString()}%`;
    };
    expect(counts.met).toBeLessThan(counts.total);
    expect(mdSix).toContain(`| **${counts.met}** / ${counts.total} | ${pct(counts.met, counts.total)} |`);
    for (const s of judged.sections) {
      const c = s.criteria as NonNullable<SectionTrace['criteria']>;
      expect(mdSix).toContain(`| ${s.id} ${mdEscape(s.title.zh)} | ${c.met} | ${c.total} | ${pct(c.met, c.total)} |`);
      expect(mdSix).toContain(`### ${s.id} ${mdEscape(s.title.zh)} — 达标 ${c.met}/${c.total}`);
      expect(htmlSix).toContain(`${s.id} ${htmlEscape(s.title.en)} — Met ${c.met}/${c.total}`);
    }
    expect(mdSix).not.toContain('0 / 0');
    expect(mdSix).not.toContain('| 得分 |');
    expect(htmlSix).not.toContain('card total');
    expect(htmlSix).not.toContain('<th class="num">Points</th>');
  });

  it('lists the criteria not met, with their reasons and no points', () => {
    const notMet = unmetItems(judged);
    expect(notMet.length).toBe(counts.total - counts.met);
    expect(mdSix).toContain('## 未达标条目');
    for (const i of notMet) expect(mdSix).toContain(`| ${mdEscape(i.id)} | ${mdEscape(i.title.zh)} | ${mdEscape(i.reason.zh)} |`);
  });

  it('has no plan section: a rubric without grades has no grade to plan for', () => {
    expect(sixPlan.reasons.map((r) => r.code)).toEqual(['no-grades']);
    expect(mdSix).not.toContain('晋级计划');
    expect(mdSix).not.toContain('\n\n\n');
    expect(md).not.toContain('\n\n\n');
    expect(htmlSix).not.toContain('Plan to the next grade');
    expect(md).toContain('## 晋级计划');
  });

  it('a scored rubric keeps its points layout', () => {
    expect(md).toContain('| 总分 | 等级 | 基础分 | 加分 | 得分率 | 达标条目 |');
    expect(html).toContain('card total');
  });

  it('criteria with a bonus section worth points keep the total, in the report and in explain', () => {
    const withBonus = compile(
      parseRubric(
        [
          'id: criteria-bonus',
          'version: "1"',
          'title: { zh: 条目加分, en: Criteria and a bonus }',
          'source: { name: 示例 }',
          'max: 0',
          'sections:',
          '  - id: kpis',
          '    title: { zh: 指标, en: Indicators }',
          '    max: 0',
          '    items:',
          '      - { id: a, title: { zh: 甲, en: A }, kind: checklist }',
          '  - id: extra',
          '    title: { zh: 加分, en: Bonus }',
          '    bonus: true',
          '    max: 2',
          '    items:',
          '      - { id: c, title: { zh: 丙, en: C }, points: 2, kind: check }',
        ].join('\n'),
      ),
    );
    const r = score(withBonus, { a: true, c: true });
    expect(r.total).toBe('2');
    // The 2 bonus points were nowhere: no total line, no points column, the bonus section counted as a criterion.
    expect(explain(r, { lang: 'en' })).toContain('Total: 2 / 0 (bonus 2 included)');
    const out = reportMarkdown(r, undefined, { lang: 'en' });
    expect(out).toContain('| **2** / 0 |');
    expect(out).toContain('| extra Bonus (bonus) | 2 | 2 | 100% |');
  });
});

const tmp = mkdtempSync(join(tmpdir(), 'shequ-report-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('report: hints on the evidence', () => {
  const kpis = load('rubrics/service-quality-kpis.yaml');
  const example = evidenceOf('examples/service-quality-kpis.yaml');
  const evidence = { ...(example.evidence as Record<string, unknown>), coverage: { coverage_rate: 0.931 } };
  const scored = score(kpis, evidence);
  const hints = evidenceHints(kpis, evidence);

  it('lists each hint under the totals, worded in the report\'s language from its data', () => {
    const zh = reportMarkdown(scored, undefined, { hints });
    expect(zh).toContain('## 证据提示');
    expect(zh).toContain('- coverage.coverage\\_rate：填写为 0.931，按 0.931% 计；若是比例（93.1%），应填 93.1');
    expect(zh.indexOf('## 证据提示')).toBeLessThan(zh.indexOf('## 各部分得分'));
    const en = reportHtml(scored, undefined, { hints, lang: 'en' });
    expect(en).toContain('<section class="hints"><h2>Evidence hints</h2>');
    expect(en).toContain('<li>coverage.coverage_rate: 0.931 is read as 0.931 %; if it is a fraction (93.1 %), enter 93.1</li>');
  });

  it('has no hints section without hints, and refuses hints that are not a list of issues', () => {
    expect(reportMarkdown(scored, undefined)).not.toContain('证据提示');
    expect(reportMarkdown(scored, undefined, { hints: [] })).toBe(reportMarkdown(scored, undefined));
    expect(() => reportHtml(scored, undefined, { hints: 'many' as never })).toThrow(RubricError);
    expect(() => report(scored, undefined, { hints: [{ code: 'x' }] as never })).toThrow(/options\.hints|hints/);
  });

  it('the command puts the evidence file\'s hints in the report', () => {
    const file = join(tmp, 'kpi.yaml');
    writeFileSync(file, readFileSync('examples/service-quality-kpis.yaml', 'utf8').replace('coverage_rate: 93.1', 'coverage_rate: 0.931'));
    const r = runCli(['report', 'rubrics/service-quality-kpis.yaml', file, '--format', 'html']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('<section class="hints">');
    expect(r.stderr).toContain('hint[percent-as-fraction]');
  });
});

describe('shequ-rubric report', () => {
  const run = (...args: string[]) => runCli(args);

  it('writes HTML to --out', () => {
    const file = join(tmp, 'r.html');
    const r = run('report', 'rubrics/jiangxi-db36-t-1609-2022.yaml', 'examples/plan-jiangxi-four-star.yaml', '--format', 'html', '--out', file);
    expect(r.status).toBe(0);
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('示例市东湖区望江社区');
    expect(text).toContain('晋级计划：四星 → 五星');
  });

  it('prints Markdown in English; rejects a wrong format', () => {
    const r = run('report', 'rubrics/zhoushan-2017.yaml', 'examples/zhoushan-gated.yaml', '--lang', 'en');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('## Plan to the next grade: Not rated → Pass');
    const bad = run('report', 'rubrics/zhoushan-2017.yaml', 'examples/zhoushan-gated.yaml', '--format', 'pdf');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--format takes md or html');
  });
});

describe('report: the criteria count', () => {
  it('says how many items a rubric with points scores without judging them met, in Markdown and HTML', () => {
    const binjiang = score(load('rubrics/binjiang-2023-draft.yaml'), evidenceOf('examples/binjiang-demonstration.yaml').evidence);
    expect(reportMarkdown(binjiang, undefined)).toContain('| 2 / 2 (另 19 项按分值评分) |');
    expect(reportHtml(binjiang, undefined, { lang: 'en' })).toContain('<div class="sub">19 other items scored by points</div>');
  });
});
