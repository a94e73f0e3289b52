import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compile, explain, parseRubric, safeParseEvidence, score } from '../src/index.js';
import { evidenceOf, load, repoRoot } from './support/bundled.js';
import { indexTraces } from '../src/trace-index.js';

/** A linear rate on 7 points, kept to 2 places: 7 × 0.4995 = 3.4965 is rounded. */
const rubric = (mode: string) =>
  compile(
    parseRubric(
      [
        'id: explain-demo',
        'version: "1"',
        'title: { zh: 说明示例, en: Explain demo }',
        'source: { name: 示例 }',
        `rounding: { places: 2, mode: ${mode} }`,
        'max: 7',
        'sections:',
        '  - id: s1',
        '    title: { zh: 一, en: One }',
        '    max: 7',
        '    items:',
        '      - { id: r, title: { zh: 满意率, en: Satisfaction }, points: 7, kind: rate, mode: linear }',
      ].join('\n'),
    ),
  );

describe('explain: rounded items', () => {
  it('shows the exact figure, the rounding and the points kept, in both languages', () => {
    const result = score(rubric('half-up'), { r: 0.4995 });
    const item = result.sections[0]?.items?.[0];
    expect(item?.points).toBe('3.5');
    expect(item?.rounded).toEqual({ from: '3.4965', places: 2, mode: 'half-up' });
    expect(explain(result, { lang: 'zh' })).toContain('，四舍五入保留 2 位小数为 3.5 分');
    expect(explain(result, { lang: 'en' })).toContain('; rounded half-up to 2 places: 3.5');
  });

  it('names half-even rounding as such', () => {
    // 7 × 0.3575 = 2.5025: half-even keeps 2.5, half-up would give 2.51.
    const result = score(rubric('half-even'), { r: 0.3575 });
    expect(result.total).toBe('2.5');
    expect(explain(result, { lang: 'zh' })).toContain('四舍六入五成双保留 2 位小数为 2.5 分');
    expect(explain(result, { lang: 'en' })).toContain('rounded half-even to 2 places: 2.5');
  });

  it('adds nothing to an item scored without rounding', () => {
    const text = explain(score(rubric('half-up'), { r: 0.5 }), { lang: 'en' });
    expect(text).not.toContain('rounded');
  });
});

describe('explain: only some items', () => {
  const file = `${repoRoot}rubrics/jiangxi-db36-t-1609-2022.yaml`;
  const compiled = compile(parseRubric(readFileSync(file, 'utf8'), { file }));
  const strong = safeParseEvidence(readFileSync(`${repoRoot}examples/jiangxi-strong.yaml`, 'utf8'));
  if (!strong.success) throw strong.error;
  const result = score(compiled, strong.data.evidence);
  const itemLines = (text: string) => text.split('\n').filter((l) => /^\s+[✓✗●○◐] /.test(l)).map((l) => l.trim().split(' ')[1]);

  it('ids: those items, under the sections that hold them, with the header kept', () => {
    const text = explain(result, { ids: ['4.5', '1.3'] });
    expect(itemLines(text)).toEqual(['1.3', '4.5']);
    expect(text).toContain('总分: 100.5 / 100');
    expect(text).toMatch(/^1 组织领导/m);
    expect(text).not.toMatch(/^2 /m);
  });

  it('unmet: only the items that lost points or were not met, as the full text shows them', () => {
    const full = explain(result);
    const lost = itemLines(full).filter((id) => new RegExp(`[✗◐○] ${(id ?? '').replace('.', '\\.')} `).test(full));
    expect(lost.length).toBeGreaterThan(0);
    expect(itemLines(explain(result, { unmet: true }))).toEqual(lost);
  });

  it('ids that are not a list of strings, an id the result does not hold, a non-boolean unmet: a RubricError at the option', () => {
    const pathsOf = (options: unknown) => {
      try {
        explain(result, options as never);
        return [];
      } catch (e) {
        return (e as { issues: { code: string; path: (string | number)[]; message: string }[] }).issues.map((i) => [i.code, i.path.join('.'), i.message]);
      }
    };
    expect(pathsOf({ ids: '4.5' })).toEqual([['invalid-type', 'options.ids', 'expected a list of item ids, found "4.5"']]);
    expect(pathsOf({ ids: ['4.5', '4.6'] })).toEqual([['unknown-item', 'options.ids.1', 'the result has no item "4.6" (did you mean "4.5"?)']]);
    expect(pathsOf({ unmet: 'no' })).toEqual([['invalid-type', 'options.unmet', 'expected true or false, found "no"']]);
  });
});

describe('explain: the criteria count', () => {
  const bundled = (rubricFile: string, evidenceFile: string) => score(load(`rubrics/${rubricFile}`), evidenceOf(`examples/${evidenceFile}`).evidence);

  it('says how many items a rubric with points scores without judging them met', () => {
    // Binjiang judges 2 of its 21 items met or not: "2 / 2" alone would read as everything met.
    const binjiang = bundled('binjiang-2023-draft.yaml', 'binjiang-demonstration.yaml');
    expect(explain(binjiang, { lang: 'zh' })).toContain('达标条目: 2 / 2（另 19 项按分值评分）');
    expect(explain(binjiang, { lang: 'en' })).toContain('Criteria met: 2 / 2 (19 other items scored by points)');
  });

  it('adds nothing where every item is judged', () => {
    const sixType = bundled('six-type.yaml', 'six-type-community.yaml');
    expect(explain(sixType, { lang: 'zh' })).toMatch(/达标条目: 95 \/ 103\n/);
  });
});

describe('English reasons count in the singular for one', () => {
  /** An item's or a part's English reason, found by id. */
  const reasonOf = (result: ReturnType<typeof score>, id: string): string | undefined => {
    const found = indexTraces(result).items.get(id);
    return found?.reason.en;
  };

  it('one project, one whole step short', () => {
    const zhoushan = evidenceOf('examples/zhoushan-good.yaml').evidence as Record<string, unknown>;
    const one = score(load('rubrics/zhoushan-2017.yaml'), { ...zhoushan, 'II-11': [{ name: '甲', category: 'safety', score: 80 }] });
    expect(reasonOf(one, 'II-11')).toMatch(/^1 project, mean score 80:/);
    const binjiang = evidenceOf('examples/binjiang-demonstration.yaml').evidence as Record<string, Record<string, unknown>>;
    const workers = { ...binjiang['C4-social-workers'], 'C4-social-workers-training': 10 };
    const short = score(load('rubrics/binjiang-2023-draft.yaml'), { ...binjiang, 'C4-social-workers': workers });
    expect(reasonOf(short, 'C4-social-workers-training')).toContain('10 hours short of 20 hours, 1 whole step of 10 hours');
  });
});

describe('explain: the bonus', () => {
  it('says which entries of a counted matter added nothing, the same whatever the list order', () => {
    const jiangxi = load('rubrics/jiangxi-db36-t-1609-2022.yaml');
    const honours = [
      { matter: 'A', level: 'provincial', year: 2023 },
      { matter: 'A ', level: 'national', year: 2022 },
      { matter: 'B', level: 'provincial', year: 2024 },
      { matter: 'A', level: 'provincial', year: 2024 },
      { matter: 'C', level: 'national', year: 2020 },
    ];
    const reasonOf = (list: typeof honours) => {
      const r = score(jiangxi, { 'bonus-honours': { year: 2024, honours: list } }, { missing: 'zero' });
      return indexTraces(r).items.get('bonus-honours');
    };
    const item = reasonOf(honours);
    // A counts once at national (3), B at provincial (2): 5; A's two other entries and C (2020, outside 2022–2024) add nothing.
    expect(item?.points).toBe('5');
    expect(item?.reason.zh).toBe('近 3 年（2022–2024）A（国家级 3），B（省级 2）；同一事项只计一次（未计：A 另 2 条）；不在期限内：C (2020)；合计 5，得 5 分');
    expect(item?.reason.en).toBe('last 3 years (2022–2024): A (National 3), B (Provincial 2); each matter counted once (not added: 2 more for A); outside the window: C (2020); total 5: 5');
    expect(reasonOf([...honours].reverse())?.reason).toEqual(item?.reason);
  });
});
