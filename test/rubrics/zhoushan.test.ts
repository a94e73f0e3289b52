import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../support/bundled.js';
import { rubricTree } from '../support/rubric-tree.js';
import { Dec, safeParseEvidence, safeScore, score, type ItemBase } from '../../src/index.js';

/**
 * The bundled rubric of 舟山市人民政府 舟政发〔2017〕26号 附件2
 * 《舟山市“美丽群岛 幸福社区”建设测评标准》 against the numbers printed in
 * the source (the 一类/二类指标 tables and 标准说明五、六).
 */
const { rubric, compiled, reachable, itemsOf, top } = rubricTree('zhoushan-2017.yaml');

// 一类指标: first-level project, its second-level indicators (名称, 权重) and
// the number of third-level lines the table lists under each.
const CLASS_1: [project: string, zh: string, items: [id: string, zh: string, weight: string, lines: number][]][] = [
  ['I-1', '建设充满活力的基层群众自治机制', [
    ['II-1', '组织健全', '3', 3],
    ['II-2', '管理民主', '3', 3],
    ['II-3', '制度规范', '4', 4],
    ['II-4', '文明和谐', '8', 4],
  ]],
  ['I-2', '健全综合服务设施为主体、专项服务设施为配套的社区公共设施布局', [
    ['II-5', '社区设施', '7', 6],
    ['II-6', '社区环境', '6', 3],
    ['II-7', '一刻钟生活圈', '6', 6],
  ]],
  ['I-3', '建设社会工作专业人才队伍与专业社工服务机构共同发展的社区专业力量格局', [
    ['II-8', '社区社工机构建设', '8', 4],
    ['II-9', '社区社会组织培育', '6', 3],
  ]],
  ['I-4', '其他', [['II-10', '共性任务', '9', 3]]],
];

const CATEGORIES = ['养老服务类', '民生底线类', '平安综治类', '协商自治类', '文化体育类', '社区教育类', '公共卫生类', '志愿服务类', '社会事务类'];
const ASPECTS = ['完成情况', '服务满意率', '财务状况', '组织能力', '项目运营', '综合效能'];

const allA = Object.fromEntries(CLASS_1.flatMap(([, , items]) => items.map(([id]) => [id, 'A'])));

describe('zhoushan-2017', () => {
  it('carries the source metadata', () => {
    expect(rubric.id).toBe('zhoushan-2017');
    expect(rubric.version).toBe('2017');
    expect(rubric.source.number).toBe('舟政发〔2017〕26号 附件2');
    expect(rubric.source.issuer).toBe('舟山市人民政府');
    expect(rubric.source.issued).toBe('2017-05-18');
    expect(rubric.source.effective).toBe('2017-06-18');
    expect(rubric.source.status).toBe('in-force');
    expect(rubric.rounding).toEqual({ places: 12, mode: 'half-up', only: 'repeating' });
  });

  it('has class-1 worth 60 and class-2 worth 40, together 100, no bonus section', () => {
    expect(rubric.sections.map((s) => s.id)).toEqual(['class-1', 'class-2']);
    expect(top('class-1').title.zh).toBe('一类指标');
    expect(top('class-1').max.toString()).toBe('60');
    expect(reachable(top('class-1')).toString()).toBe('60');
    expect(top('class-2').title.zh).toBe('二类指标');
    expect(top('class-2').max.toString()).toBe('40');
    expect(reachable(top('class-2')).toString()).toBe('40');
    expect(rubric.sections.some((s) => s.bonus)).toBe(false);
    expect(rubric.max.toString()).toBe('100');
    expect(compiled.max.toString()).toBe('100');
    expect(compiled.maxWithBonus.toString()).toBe('100');
  });

  it('has the first-level projects Ⅰ-1…Ⅰ-4 under class-1 and Ⅰ-5 under class-2', () => {
    const subs = top('class-1').sections ?? [];
    expect(subs.map((s) => [s.id, s.title.zh])).toEqual(CLASS_1.map(([id, zh]) => [id, zh]));
    for (const s of subs) {
      const weights = CLASS_1.find(([id]) => id === s.id)?.[2].reduce((sum, [, , w]) => sum.add(Dec.parse(w) as Dec), Dec.ZERO);
      expect(s.max.toString(), s.id).toBe(weights?.toString());
      expect(reachable(s).toString(), s.id).toBe(weights?.toString());
    }
    expect(subs.map((s) => s.max.toString())).toEqual(['18', '19', '14', '9']);
    const i5 = top('class-2').sections ?? [];
    expect(i5.map((s) => [s.id, s.title.zh, s.max.toString()])).toEqual([['I-5', '开展一批居民“家门口”的治理或服务项目', '40']]);
  });

  it('has ten class-1 items Ⅱ-1…Ⅱ-10 weighted 3, 3, 4, 8, 7, 6, 6, 8, 6, 9, each judged A/B/C', () => {
    const items = itemsOf(top('class-1'));
    expect(items.map((i) => [i.id, i.title.zh, i.points.toString()])).toEqual(
      CLASS_1.flatMap(([, , list]) => list.map(([id, zh, w]) => [id, zh, w])),
    );
    expect(items.map((i) => i.points.toString())).toEqual(['3', '3', '4', '8', '7', '6', '6', '8', '6', '9']);
    for (const item of items) {
      expect(item.kind, item.id).toBe('states');
      const states = (item as ItemBase & { states: { id: string; fraction: Dec }[] }).states;
      expect(states.map((s) => [s.id, s.fraction.toString()]), item.id).toEqual([
        ['A', '1'],
        ['B', '0.66'],
        ['C', '0.33'],
      ]);
      expect(item.clause, item.id).toBe(`附件2 一类指标 Ⅱ-${item.id.slice(3)}; 标准说明六`);
      expect(item.method, item.id).toBeTruthy();
    }
  });

  it('records every third-level line of the tables as criteria: 39 under class-1, 6 under Ⅱ-11, 45 in all', () => {
    const items = itemsOf(top('class-1'));
    expect(items.map((i) => i.criteria?.length)).toEqual(CLASS_1.flatMap(([, , list]) => list.map(([, , , n]) => n)));
    const class1 = items.reduce((n, i) => n + (i.criteria?.length ?? 0), 0);
    expect(class1).toBe(39);
    const projects = compiled.items.get('II-11');
    expect(projects?.criteria?.length).toBe(6); // Ⅱ-11's 2 lines, then Ⅱ-12 基本要求's 4
    expect(projects?.criteria?.[0]?.zh).toMatch(/^加分项目主要分为9大类别/);
    expect(projects?.criteria?.[2]?.zh).toMatch(/^按照需求调研/);
    const all = [...compiled.items.values()].reduce((n, i) => n + (i.criteria?.length ?? 0), 0);
    expect(all).toBe(45);
    for (const item of compiled.items.values()) for (const c of item.criteria ?? []) expect(c.en, item.id).toBeTruthy();
    // the text's own count (44) is recorded beside the count found (45), not resolved
    expect(rubric.notes?.some((n) => n.zh.includes('44个三级指标') && n.zh.includes('45条'))).toBe(true);
  });

  it('has one class-2 item Ⅱ-11: projects worth 40, nine categories, two per category, six aspects', () => {
    const items = itemsOf(top('class-2'));
    expect(items.map((i) => i.id)).toEqual(['II-11']);
    const item = items[0] as ItemBase & {
      categories: { id: string; zh: string }[];
      perCategory: number;
      scoreMax: Dec;
      aspects: { zh: string }[];
    };
    expect(item.kind).toBe('projects');
    expect(item.title.zh).toBe('项目分类');
    expect(item.points.toString()).toBe('40');
    expect(item.categories.map((c) => c.zh)).toEqual(CATEGORIES);
    expect(new Set(item.categories.map((c) => c.id)).size).toBe(9);
    for (const c of item.categories) expect(c.id).toMatch(/^[a-z][a-z-]*$/);
    expect(item.perCategory).toBe(2);
    expect(item.scoreMax.toString()).toBe('100');
    expect(item.aspects.map((a) => a.zh)).toEqual(ASPECTS);
    expect(item.method).toBe('第三方评估');
    expect(item.note).toMatch(/按比例折算/);
  });

  it('blocks rating below 50 in class-1 and grades the total: ≥ 95 优秀, [85, 95) 良好, [80, 85) 合格, < 80 不合格', () => {
    expect(rubric.gates?.map((g) => [g.id, g.subject, g.range.text, g.effect, g.otherwise?.id, g.otherwise?.label.zh])).toEqual([
      ['class-1-minimum', 'section:class-1', '>= 50', 'block', 'not-rated', '不予评定'],
    ]);
    expect(rubric.grades?.subject).toBe('total');
    expect(rubric.grades?.bands.map((b) => [b.id, b.label.zh, b.range.text, b.passing ?? true])).toEqual([
      ['excellent', '优秀', '>= 95', true],
      ['good', '良好', '[85, 95)', true],
      ['pass', '合格', '[80, 85)', true],
      ['fail', '不合格', '< 80', false],
    ]);
  });

  it('scores states exactly: B on 8 is 5.28, C on 9 is 2.97, B on 7 is 4.62, C on 3 is 0.99', () => {
    const result = score(compiled, { ...allA, 'II-1': 'C', 'II-4': 'B', 'II-5': 'B', 'II-10': 'C', 'II-11': [] });
    const points = new Map<string, string>();
    const walk = (s: { items?: { id: string; points: string }[]; sections?: unknown[] }) => {
      for (const i of s.items ?? []) points.set(i.id, i.points);
      for (const c of s.sections ?? []) walk(c as typeof s);
    };
    result.sections.forEach(walk);
    expect([points.get('II-4'), points.get('II-10'), points.get('II-5'), points.get('II-1')]).toEqual(['5.28', '2.97', '4.62', '0.99']);
    // 60 − 0.34 × (8 + 7) − 0.67 × (3 + 9) = 60 − 5.1 − 8.04 = 46.86
    expect(result.total).toBe('46.86');
    expect(result.rated).toBe(false);
    expect(result.grade?.id).toBe('not-rated');
  });

  it('grades the exact total: class 2 is not rounded, only a repeating mean is written to 12 places', () => {
    const project = (score: number | string, category = 'safety') => ({ name: 'p', category, score });
    const graded = (projects: unknown[]) => {
      const r = score(compiled, { ...allA, 'II-11': projects });
      return [r.sections.find((s) => s.id === 'class-2')?.points, r.total, r.grade?.id];
    };
    // 40 × 87.49999999999999 ÷ 100 = 34.999999999999996, a spreadsheet's float kept as written: 良好, not 优秀.
    expect(graded([project(87.49999999999999)])).toEqual(['34.999999999999996', '94.999999999999996', 'good']);
    expect(graded([project(87.5)])).toEqual(['35', '95', 'excellent']);
    // 62, 63, 63: 40 × 188 ÷ 300 = 25.0666…, written to 12 places; class 1 is 60 − 2.01 − 1.36 − 2.72 = 53.91.
    const r = score(compiled, { ...allA, 'II-1': 'C', 'II-3': 'B', 'II-4': 'B', 'II-11': [project(62), project(63, 'culture-sports'), project(63, 'volunteering')] });
    const item = r.sections.flatMap((s) => s.sections ?? []).flatMap((s) => s.items ?? []).find((i) => i.id === 'II-11');
    expect([item?.points, item?.rounded?.places, r.total, r.grade?.id]).toEqual(['25.066666666667', 12, '78.976666666667', 'fail']);
  });

  it('refuses a third project in one category', () => {
    const three = ['甲', '乙', '丙'].map((name) => ({ name, category: 'elderly-care', score: 90 }));
    const result = safeScore(compiled, { ...allA, 'II-11': three });
    expect(result.success).toBe(false);
    if (!result.success) expect(result.error.issues.map((i) => i.code)).toContain('too-many-in-category');
  });

  it('scores the bundled examples: 良好, and not rated below the class-1 minimum', () => {
    const run = (name: string) => {
      const path = `${repoRoot}examples/${name}`;
      const doc = safeParseEvidence(readFileSync(path, 'utf8'), { file: path });
      if (!doc.success) throw doc.error;
      return score(compiled, doc.data.evidence);
    };
    const good = run('zhoushan-good.yaml');
    const section = (r: typeof good, id: string) => r.sections.find((s) => s.id === id)?.points;
    expect([section(good, 'class-1'), section(good, 'class-2'), good.total, good.rated, good.grade?.id]).toEqual(['52.18', '35.28', '87.46', true, 'good']);
    const gated = run('zhoushan-gated.yaml');
    expect([section(gated, 'class-1'), section(gated, 'class-2'), gated.total, gated.rated, gated.grade?.id]).toEqual(['46.82', '36.8', '83.62', false, 'not-rated']);
    expect(gated.gates.map((g) => [g.id, g.passed])).toEqual([['class-1-minimum', false]]);
  });
});
