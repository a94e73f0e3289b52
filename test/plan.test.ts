import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { z } from 'zod';
import { afterAll, describe, expect, it } from 'vitest';
import {
  applyOptions,
  compile,
  Dec,
  defineRuleKind,
  formatPlan,
  parseRubric,
  plan,
  planOptions,
  reportMarkdown,
  RubricError,
  safeParseCosts,
  safeParseCostsObject,
  score,
  type CompiledRubric,
  type Costs,
  type PlanOption,
  type ScoreResult,
} from '../src/index.js';
import { evidenceOf, load, read } from './support/bundled.js';
import { runCli } from './support/cli.js';

function costsOf(value: unknown): Costs {
  const r = safeParseCostsObject(value);
  if (!r.success) throw r.error;
  return r.data;
}

const JIANGXI = 'rubrics/jiangxi-db36-t-1609-2022.yaml';
const FOUR_STAR = 'examples/plan-jiangxi-four-star.yaml';
const ZHOUSHAN = 'rubrics/zhoushan-2017.yaml';
const GATED = 'examples/zhoushan-gated.yaml';

const jiangxi = load(JIANGXI);
const zhoushan = load(ZHOUSHAN);
const fourStar = evidenceOf(FOUR_STAR);
const gated = evidenceOf(GATED);

/** Applies a plan's steps to the evidence, using only what the steps say. */
const applySteps = (evidence: Record<string, unknown>, steps: { path: string[]; evidence: { after: unknown } }[]) =>
  applyOptions(evidence, steps.map((s) => ({ path: s.path, evidence: s.evidence.after })));

const bandIndex = (c: CompiledRubric, r: ScoreResult): number => {
  const bands = c.rubric.grades?.bands ?? [];
  return r.rated ? bands.findIndex((b) => b.id === r.grade?.id) : Number.POSITIVE_INFINITY;
};

describe('plan: a four-star DB36 community', () => {
  const before = score(jiangxi, fourStar.evidence);
  const p = plan(jiangxi, fourStar.evidence, { community: fourStar.community });

  it('the example is four stars, in [86, 92)', () => {
    expect(before.grade?.id).toBe('four-star');
    const total = Dec.parse(before.total) as Dec;
    expect(total.gte(Dec.int(86)) && total.lt(Dec.int(92))).toBe(true);
    expect(before.total).toBe('86.5');
  });

  it('targets five stars by default and says how far it is', () => {
    expect(p.status).toBe('planned');
    expect(p.target?.id).toBe('five-star');
    expect(p.needed).toBe('5.5');
    expect(p.objective).toBe('fewest-changes');
  });

  it('the improvements it names, applied to the evidence, score five stars', () => {
    const after = score(jiangxi, applySteps(fourStar.evidence, p.steps));
    expect(after.grade?.id).toBe('five-star');
    expect(after.total).toBe(p.after?.total);
    expect((Dec.parse(after.total) as Dec).sub(Dec.parse(before.total) as Dec).toString()).toBe(p.gain);
    // and the whole evidence it returns scores the same
    expect(score(jiangxi, p.evidence).total).toBe(after.total);
  });

  it('makes the fewest changes: no single improvement is enough, two are', () => {
    const groups = planOptions(jiangxi, fourStar.evidence);
    const single = groups.flatMap((g) => g.options).filter((o) => o.gain.gte(Dec.parse('5.5') as Dec));
    expect(single).toEqual([]);
    expect(p.steps).toHaveLength(2);
  });

  it('breaks ties by the least overshoot, then rubric order: 1.3 and 4.5, exactly 92', () => {
    expect(p.after?.total).toBe('92');
    expect(p.overshoot).toBe('0');
    expect(p.steps.map((s) => s.item)).toEqual(['1.3', '4.5']);
  });

  it('says from what to what, the points and the evidence change', () => {
    const [s13, s45] = p.steps;
    expect(s13?.line.en).toBe('1.3: not met → met (0 → 1.5)');
    expect(s45?.line.en).toBe('4.5: 0.88… → ≥ 0.96 (6 → 10); count 53 → 58 of 60');
    expect(s45?.line.zh).toBe('4.5：0.88… → ≥ 0.96（6 → 10）；满意人数 53 → 58（共 60 人）');
    expect(s45?.evidence).toEqual({ before: { count: 53, of: 60 }, after: { count: 58, of: 60 } });
    const text = formatPlan(p, { lang: 'en' });
    expect(text).toContain('Plan (fewest changes): 2 improvements, +5.5 points');
    expect(text).toContain('re-scored gives 92, Five stars ✓');
  });

  it('is pure and deterministic', () => {
    const again = plan(jiangxi, structuredClone(fourStar.evidence), { community: fourStar.community });
    expect(JSON.stringify(again)).toBe(JSON.stringify(p));
    expect(fourStar.evidence['4.5']).toEqual({ count: 53, of: 60 });
  });

  it('lists each kind’s better outcomes: tiers with the threshold and the count to reach', () => {
    const groups = planOptions(jiangxi, fourStar.evidence);
    const t = groups.find((g) => g.item === '3.2a');
    expect(t?.options.map((o) => [o.outcome, o.to.toString()])).toEqual([
      ['1.5', '1.5'],
      ['2', '2'],
    ]);
    const line = (o: PlanOption) => `${o.what?.en}: ${o.fromLabel?.en} → ${o.toLabel?.en}; ${o.change?.en}`;
    expect(line(t?.options[0] as PlanOption)).toBe('Certified share: 15 % → ≥ 20 %; Of whom holding a social-work professional qualification certificate 3 → 4 people');
    expect(line(t?.options[1] as PlanOption)).toBe('Certified share: 15 % → ≥ 30 %; Of whom holding a social-work professional qualification certificate 3 → 6 people');
    const rate = groups.find((g) => g.item === '4.5');
    expect(rate?.options.map((o) => [o.to.toString(), o.toLabel?.en])).toEqual([
      ['8', '≥ 0.9'],
      ['10', '≥ 0.96'],
    ]);
    const bonus = groups.find((g) => g.item === 'bonus-honours');
    expect(bonus?.options.map((o) => o.to.toString())).toEqual(['2', '3', '4', '5']);
    // Items at their maximum offer nothing.
    expect(groups.find((g) => g.item === '1.1a')?.options).toEqual([]);
  });

  it('a target met already needs nothing; the best grade has nothing above', () => {
    const reached = plan(jiangxi, fourStar.evidence, { target: 'three-star' });
    expect(reached.status).toBe('reached');
    expect(reached.steps).toEqual([]);
    const strong = evidenceOf('examples/jiangxi-strong.yaml');
    const top = plan(jiangxi, strong.evidence);
    expect(top.status).toBe('top');
    expect(top.target).toBeNull();
  });

  it('an unknown target is an error naming the grades', () => {
    expect(() => plan(jiangxi, fourStar.evidence, { target: 'six-star' })).toThrow(/five-star, four-star, three-star, no-star/);
  });
});

describe('plan: one point in English', () => {
  it('is "1 point", not "1 points", short of the target and gained, in the plan and the report', () => {
    const one = compile(
      parseRubric(
        [
          'id: one-point',
          'version: "1"',
          'title: { zh: 一分, en: One point }',
          'source: { name: 示例 }',
          'max: 2',
          'sections:',
          '  - id: s',
          '    title: { zh: 节, en: Section }',
          '    max: 2',
          '    items:',
          '      - { id: a, title: { zh: 甲, en: A }, points: 1, kind: check }',
          '      - { id: b, title: { zh: 乙, en: B }, points: 1, kind: check }',
          'grades:',
          '  subject: total',
          '  bands:',
          '    - { id: good, label: { zh: 好, en: Good }, range: ">= 2" }',
          '    - { id: fair, label: { zh: 中, en: Fair }, range: "< 2" }',
        ].join('\n'),
      ),
    );
    const evidence = { a: true, b: false };
    const p = plan(one, evidence);
    const text = formatPlan(p, { lang: 'en' });
    expect(text).toContain('1 point short of the target');
    expect(text).toContain('Plan (fewest changes): 1 improvement, +1 point,');
    expect(reportMarkdown(score(one, evidence), p, { lang: 'en' })).toContain('1 point short of \\[2, inf); the plan makes the fewest changes: 1 improvement, +1 point.');
    expect(text).not.toMatch(/\b1 points\b/);
  });
});

describe('plan with costs', () => {
  const costsFile = safeParseCosts(read('examples/plan-jiangxi-costs.yaml'), { file: 'examples/plan-jiangxi-costs.yaml' });
  if (!costsFile.success) throw costsFile.error;
  const costs = costsFile.data;
  const p = plan(jiangxi, fourStar.evidence, { costs });

  it('finds the cheapest set, which is not the fewest changes', () => {
    expect(p.status).toBe('planned');
    expect(p.objective).toBe('cheapest');
    expect(p.cost).toBe('23');
    expect(p.steps.map((s) => [s.item, s.to, s.cost])).toEqual([
      ['1.3', '1.5', '4'],
      ['2.4b', '1.5', '6'],
      ['3.2a', '1.5', '8'],
      ['4.5', '8', '5'],
    ]);
    expect(score(jiangxi, applySteps(fourStar.evidence, p.steps)).grade?.id).toBe('five-star');
    expect(p.fixed).toEqual(['bonus-honours']);
  });

  it('the cheapest, checked against every subset of the improvement options', () => {
    const groups = planOptions(jiangxi, fourStar.evidence, { costs }).filter((g) => g.options.length);
    let best: Dec | undefined;
    const visit = (i: number, chosen: PlanOption[]) => {
      if (i === groups.length) {
        const cost = Dec.sum(chosen.map((o) => o.cost));
        if (best && cost.gte(best)) return;
        const r = score(jiangxi, applyOptions(fourStar.evidence, chosen));
        if (r.grade?.id === 'five-star') best = cost;
        return;
      }
      visit(i + 1, chosen);
      for (const o of (groups[i] as (typeof groups)[number]).options) visit(i + 1, [...chosen, o]);
    };
    visit(0, []);
    expect(best?.toString()).toBe(p.cost);
  });

  it('costs by outcome, per point and fixed items change the plan', () => {
    const q = plan(jiangxi, fourStar.evidence, { costs: costsOf({ default: 'fixed', items: { '4.5': { base: 1, perPoint: 0.5 }, '1.3': 3 } }) });
    expect(q.steps.map((s) => [s.item, s.to, s.cost])).toEqual([
      ['1.3', '1.5', '3'],
      ['4.5', '10', '3'],
    ]);
    expect(q.cost).toBe('6');
  });

  it('a costs file is checked against the rubric', () => {
    const bad = costsOf({ rubric: 'other', items: { '4.6': 1, 'II-4': 2, '4.5': { to: { '11': 1 } }, '1.3': { to: { done: 1 } } } });
    try {
      plan(jiangxi, fourStar.evidence, { costs: bad });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(RubricError);
      const issues = (e as RubricError).issues.map((i) => `${i.code} ${i.path.join('.')}`);
      expect(issues).toEqual(['rubric-mismatch rubric', 'unknown-item items.4.6', 'unknown-item items.II-4', 'invalid-value items.4.5.to.11', 'invalid-value items.1.3.to.done']);
    }
    const parsed = safeParseCosts('default: -1\nitems: { "1.3": cheap }\n', { file: 'c.yaml' });
    expect(parsed.success).toBe(false);
  });
});

describe('plan: items the plan must not change (fixed)', () => {
  const middling = evidenceOf('examples/jiangxi-middling.yaml');

  it('without it, the fewest changes for the middling example are honours won; with it, work the community can do', () => {
    const free = plan(jiangxi, middling.evidence);
    expect(free.steps.map((s) => s.item)).toEqual(['bonus-honours']);
    const p = plan(jiangxi, middling.evidence, { fixed: ['bonus-honours'] });
    expect(p.status).not.toBe('unreachable');
    expect(p.steps.length).toBeGreaterThan(0);
    expect(p.steps.map((s) => s.item)).not.toContain('bonus-honours');
    expect(p.fixed).toEqual(['bonus-honours']);
    expect(p.reasons.map((r) => [r.code, r.message.en])).toContainEqual(['fixed-items', 'The fixed option fixes these items: bonus-honours']);
    // The plan re-scored reaches the target it names.
    const after = score(jiangxi, p.evidence);
    expect(after.grade?.id).toBe(p.target?.id);
  });

  it('is the same as fixed in a costs file, and adds to one', () => {
    const byOption = plan(jiangxi, fourStar.evidence, { fixed: ['4.5', '1.3'] });
    const byCosts = plan(jiangxi, fourStar.evidence, { costs: costsOf({ items: { '4.5': 'fixed', '1.3': 'fixed' } }) });
    expect(byOption.steps.map((s) => [s.item, s.to])).toEqual(byCosts.steps.map((s) => [s.item, s.to]));
    expect(byOption.steps.map((s) => s.item)).not.toContain('4.5');
    const both = plan(jiangxi, fourStar.evidence, { costs: costsOf({ items: { '1.3': 'fixed' } }), fixed: ['4.5'] });
    expect(both.fixed.sort()).toEqual(['1.3', '4.5']);
    expect(both.reasons.map((r) => r.message.en)).toContainEqual('The costs file or the fixed option fixes these items: 1.3, 4.5');
  });

  it('fixing an item fixes its parts', () => {
    const binjiang = load('rubrics/binjiang-2023-draft.yaml');
    const basic = evidenceOf('examples/binjiang-basic.yaml').evidence;
    const offered = (options: { item: string; path: string[]; options: unknown[] }[], id: string) => options.filter((o) => o.path[0] === id).flatMap((o) => o.options);
    expect(offered(planOptions(binjiang, basic), 'C2-activity').length).toBeGreaterThan(0);
    expect(offered(planOptions(binjiang, basic, { fixed: ['C2-activity'] }), 'C2-activity')).toEqual([]);
  });

  it('names an unknown id (with did-you-mean) and a value that is not a list of ids', () => {
    const codes = (options: object) => {
      try {
        plan(jiangxi, fourStar.evidence, options);
      } catch (e) {
        expect(e).toBeInstanceOf(RubricError);
        return (e as RubricError).issues.map((i) => `${i.code} ${i.path.join('.')} ${i.message}`);
      }
      return [];
    };
    expect(codes({ fixed: ['bonus-honour', 4] })).toEqual(['unknown-item options.fixed.0 the rubric has no item "bonus-honour" (did you mean "bonus-honours"?)', 'invalid-type options.fixed.1 expected an item id, found 4']);
    expect(codes({ fixed: 'bonus-honours' })).toEqual(['invalid-type options.fixed expected a list of item ids, found "bonus-honours"']);
    // target, too, is checked for its type before it is looked up.
    expect(codes({ target: null })).toEqual(['invalid-type options.target expected a grade id, found null']);
    expect(codes({ target: 5 })).toEqual(['invalid-type options.target expected a grade id, found 5']);
  });
});

describe('plan: gates', () => {
  it('the Zhoushan gated community planned to 合格 lifts class 1 to at least 50', () => {
    const before = score(zhoushan, gated.evidence);
    expect(before.rated).toBe(false);
    expect(before.grade?.id).toBe('not-rated');
    const p = plan(zhoushan, gated.evidence, { target: 'pass' });
    expect(p.status).toBe('planned');
    const after = score(zhoushan, applySteps(gated.evidence, p.steps));
    const class1 = after.sections.find((s) => s.id === 'class-1');
    expect((Dec.parse(class1?.points ?? '0') as Dec).gte(Dec.int(50))).toBe(true);
    expect(after.rated).toBe(true);
    expect(after.gates.find((g) => g.id === 'class-1-minimum')?.passed).toBe(true);
    expect(bandIndex(zhoushan, after)).toBeLessThanOrEqual(2);
    expect(p.steps.map((s) => s.line.en)).toEqual(['II-8: C → A (2.64 → 8)']);
    expect(formatPlan(p)).toContain('门槛 一类指标须达到50分及以上: 46.82 → 52.18 ✓');
    // the default target of a gated community is the grade its total would have
    expect(plan(zhoushan, gated.evidence).target?.id).toBe('pass');
  });

  it('raising the total alone is not a plan: class-2 improvements cannot pass the gate', () => {
    const p = plan(zhoushan, gated.evidence, { target: 'pass', costs: costsOf({ items: { 'II-8': 100 } }) });
    const after = score(zhoushan, applySteps(gated.evidence, p.steps));
    expect(after.rated).toBe(true);
    expect(p.steps.every((s) => s.item !== 'II-11')).toBe(true);
    expect(p.steps.length).toBeGreaterThanOrEqual(2);
  });
});

describe('plan: a target out of reach says why', () => {
  it('the maximum reachable is below the band', () => {
    const p = plan(jiangxi, fourStar.evidence, { costs: costsOf({ default: 'fixed', items: { '1.3': 1, '6.3b': 1 } }) });
    expect(p.status).toBe('unreachable');
    expect(p.steps).toEqual([]);
    const codes = p.reasons.map((r) => r.code);
    expect(codes).toContain('max-below-band');
    expect(codes).toContain('fixed-items');
    expect(p.reasons.find((r) => r.code === 'max-below-band')?.message.en).toContain('reaches at most 89.5');
    expect(formatPlan(p, { lang: 'en' })).toContain('Five stars is out of reach:');
  });

  it('a gate that cannot be met', () => {
    const fixedClass1 = Object.fromEntries(['II-1', 'II-2', 'II-3', 'II-5', 'II-6', 'II-7', 'II-8', 'II-9', 'II-10'].map((id) => [id, 'fixed']));
    const p = plan(zhoushan, gated.evidence, { target: 'pass', costs: costsOf({ items: fixedClass1 }) });
    expect(p.status).toBe('unreachable');
    const gate = p.reasons.find((r) => r.code === 'gate-unreachable');
    expect(gate?.gate).toBe('class-1-minimum');
    expect(gate?.message.en).toContain('section:class-1 reaches at most 49.54');
  });

  it('items of a kind it cannot plan are left as they are, and the plan says so', () => {
    const flat = defineRuleKind<import('../src/index.js').ItemBase, Dec>({
      name: 'flat',
      doc: { summary: { zh: '给定分数', en: 'Given points' }, example: '', evidenceExample: '1' },
      params: () => ({}),
      maxPoints: (item) => item.points,
      evidence: () => z.number().min(0).max(5).transform((n) => Dec.fromNumber(n) as Dec) as unknown as z.ZodType<Dec>,
      score: (item, v) => ({ points: Dec.min(v, item.points), reason: { zh: '给定', en: 'given' } }),
    });
    const yaml = [
      'id: own',
      'version: "1"',
      'title: { zh: 自定义, en: Own }',
      'source: { name: 测试 }',
      'max: 10',
      'sections:',
      '  - id: s',
      '    title: { zh: 一, en: One }',
      '    max: 10',
      '    items:',
      '      - { id: a, title: { zh: 甲, en: A }, points: 5, kind: check }',
      '      - { id: b, title: { zh: 乙, en: B }, points: 5, kind: flat }',
      'grades:',
      '  subject: total',
      '  bands:',
      '    - { id: good, label: { zh: 好, en: Good }, range: ">= 8" }',
      '    - { id: fair, label: { zh: 中, en: Fair }, range: "[4, 8)" }',
      '    - { id: poor, label: { zh: 差, en: Poor }, range: "< 4" }',
    ].join('\n');
    const own = compile(parseRubric(yaml, { kinds: [flat] }), { kinds: [flat] });
    const fair = plan(own, { a: false, b: 2 });
    expect(fair.status).toBe('planned');
    expect(fair.unplannable).toEqual([{ id: 'b', kind: 'flat', title: { zh: '乙', en: 'B' } }]);
    expect(fair.steps.map((s) => s.item)).toEqual(['a']);
    const far = plan(own, { a: false, b: 2 }, { target: 'good' });
    expect(far.status).toBe('unreachable');
    expect(far.reasons.map((r) => r.code)).toEqual(['max-below-band', 'unplannable-items']);
    expect(far.reasons[1]?.message.en).toContain('b (flat)');
  });

  it('a rubric without grades', () => {
    const kpis = load('rubrics/service-quality-kpis.yaml');
    const p = plan(kpis, evidenceOf('examples/service-quality-kpis.yaml').evidence);
    expect(p.status).toBe('unreachable');
    expect(p.reasons[0]?.code).toBe('no-grades');
    // Its text says that alone: no "Now: 0 —", no "out of reach".
    const lines = formatPlan(p, { lang: 'en' }).split('\n');
    expect(lines.slice(1)).toEqual(['The rubric has no grades to plan for.']);
    expect(formatPlan(p)).not.toMatch(/当前|无法达到/);
  });
});

/* ----------------------------------------------------------------- exactness */

const MINI = [
  'id: mini',
  'version: "1"',
  'title: { zh: 小表, en: Mini }',
  'source: { name: 测试 }',
  'max: 18',
  'sections:',
  '  - id: A',
  '    title: { zh: 甲, en: A }',
  '    max: 8',
  '    items:',
  '      - { id: a1, title: { zh: 检查, en: Check }, points: 2, kind: check }',
  '      - id: a2',
  '        title: { zh: 状态, en: State }',
  '        points: 3',
  '        kind: states',
  '        states: [ { id: A, fraction: 1 }, { id: B, fraction: 0.66 }, { id: C, fraction: 0.33 } ]',
  '      - id: a3',
  '        title: { zh: 满意度, en: Satisfaction }',
  '        points: 3',
  '        kind: rate',
  '        mode: bands',
  '        bands: [ { range: "[0.9, 1]", points: 3 }, { range: "[0.8, 0.9)", points: 2 }, { range: "[0.6, 0.8)", points: 1.25 } ]',
  '  - id: B',
  '    title: { zh: 乙, en: B }',
  '    max: 6',
  '    cap: 6',
  '    items:',
  '      - id: b1',
  '        title: { zh: 持证占比, en: Certified share }',
  '        points: 3',
  '        kind: tiers',
  '        measures:',
  '          workers: { zh: 人数, en: Workers, integer: true }',
  '          certified: { zh: 持证, en: Certified, integer: true, atMost: workers }',
  '        derived:',
  '          share: { zh: 占比, en: Share, unit: "%", ratio: [certified, workers], scale: 100 }',
  '        tiers:',
  '          - { points: 1.5, when: { share: ">= 20" } }',
  '          - { points: 3, when: { share: ">= 40" } }',
  '      - id: b2',
  '        title: { zh: 志愿者, en: Volunteers }',
  '        points: 3',
  '        kind: count',
  '        cap: 3',
  '        counts: [ { id: volunteers, zh: 志愿者, en: Volunteers, unit: 人, per: 0.75, step: 10 } ]',
  '      - id: b3',
  '        title: { zh: 卫生, en: Cleanliness }',
  '        points: 2',
  '        kind: deduct',
  '        deductions:',
  '          - { id: defects, zh: 问题, en: Defects, unit: 处, per: 0.5 }',
  '          - { id: records_incomplete, zh: 记录不全, en: Records incomplete, flag: true, per: 0.75 }',
  '  - id: C',
  '    title: { zh: 丙, en: C }',
  '    max: 4',
  '    items:',
  '      - { id: c1, title: { zh: 满意率, en: Rate }, points: 4, kind: rate, mode: linear }',
  'gates:',
  '  - { id: a-min, title: { zh: 甲不低于5, en: A at least 5 }, subject: "section:A", range: ">= 5", effect: block, otherwise: { id: not-rated, label: { zh: 不予评定, en: Not rated } } }',
  'grades:',
  '  subject: total',
  '  bands:',
  '    - { id: gold, label: { zh: 金, en: Gold }, range: ">= 15" }',
  '    - { id: silver, label: { zh: 银, en: Silver }, range: "[11, 15)" }',
  '    - { id: bronze, label: { zh: 铜, en: Bronze }, range: "[7, 11)" }',
  '    - { id: none, label: { zh: 无, en: None }, range: "< 7", passing: false }',
].join('\n');
const mini = compile(parseRubric(MINI, { file: 'mini.yaml' }));

const miniEvidence = fc.record({
  a1: fc.boolean(),
  a2: fc.constantFrom('A', 'B', 'C'),
  a3: fc.integer({ min: 40, max: 100 }).map((n) => n / 100),
  b1: fc.integer({ min: 0, max: 10 }).map((certified) => ({ workers: 10, certified })),
  b2: fc.integer({ min: 0, max: 45 }),
  b3: fc.record({ defects: fc.integer({ min: 0, max: 2 }), records_incomplete: fc.boolean() }),
  c1: fc.integer({ min: 0, max: 4 }).map((count) => ({ count, of: 4 })),
});

const price = fc.oneof(fc.integer({ min: 0, max: 40 }).map((n) => n / 4), fc.constant('fixed' as const));
const miniCosts = fc.record(
  {
    default: fc.oneof({ weight: 5, arbitrary: fc.integer({ min: 0, max: 12 }) }, { weight: 1, arbitrary: fc.constant('fixed' as const) }),
    items: fc.record(
      {
        a1: price,
        a2: fc.oneof(price, fc.record({ to: fc.record({ A: price, B: price }, { requiredKeys: [] }) })),
        a3: fc.oneof(price, fc.record({ to: fc.record({ '3': price, '2': price }, { requiredKeys: [] }) })),
        b1: fc.oneof(price, fc.record({ base: fc.integer({ min: 0, max: 5 }), perPoint: fc.integer({ min: 0, max: 8 }).map((n) => n / 2) })),
        b2: fc.oneof(price, fc.record({ perPoint: fc.integer({ min: 1, max: 8 }) })),
        b3: price,
        c1: fc.oneof(price, fc.record({ base: fc.integer({ min: 0, max: 3 }), perPoint: fc.integer({ min: 0, max: 6 }) })),
      },
      { requiredKeys: [] },
    ),
  },
  { requiredKeys: ['items'] },
);

interface Best {
  cost: Dec;
  changes: number;
  total: Dec;
}

/** Every choice of at most one option per item, re-scored with `score`: the best by (cost, changes, total). */
function bruteForce(c: CompiledRubric, evidence: Record<string, unknown>, costs: Costs | undefined, target: string): Best | undefined {
  const groups = planOptions(c, evidence, costs ? { costs } : {}).filter((g) => g.options.length);
  const t = (c.rubric.grades?.bands ?? []).findIndex((b) => b.id === target);
  let best: Best | undefined;
  const visit = (i: number, chosen: PlanOption[]) => {
    if (i === groups.length) {
      const r = score(c, applyOptions(evidence, chosen));
      if (bandIndex(c, r) > t) return;
      const cand = { cost: Dec.sum(chosen.map((o) => o.cost)), changes: chosen.length, total: Dec.parse(r.total) as Dec };
      if (!best || cand.cost.lt(best.cost) || (cand.cost.eq(best.cost) && (cand.changes < best.changes || (cand.changes === best.changes && cand.total.lt(best.total))))) best = cand;
      return;
    }
    visit(i + 1, chosen);
    for (const o of (groups[i] as (typeof groups)[number]).options) visit(i + 1, [...chosen, o]);
  };
  visit(0, []);
  return best;
}

describe('plan is exact: brute force over every subset of the options agrees', () => {
  it('the mini rubric is what the tests assume (a capped section, a gate, bands)', () => {
    const r = score(mini, { a1: true, a2: 'A', a3: 1, b1: { workers: 10, certified: 10 }, b2: 45, b3: { defects: 0, records_incomplete: false }, c1: { count: 4, of: 4 } });
    expect(r.total).toBe('18');
    expect(r.sections.find((s) => s.id === 'B')?.uncapped).toBe('8');
    const low = score(mini, { a1: false, a2: 'C', a3: 0.5, b1: { workers: 10, certified: 0 }, b2: 0, b3: { defects: 2, records_incomplete: true }, c1: { count: 0, of: 4 } });
    expect(low.rated).toBe(false);
  });

  it('with random costs: the plan costs exactly the brute-force minimum', () => {
    fc.assert(
      fc.property(miniEvidence, miniCosts, fc.constantFrom('gold', 'silver', 'bronze'), (evidence, rawCosts, target) => {
        const costs = costsOf(rawCosts);
        const p = plan(mini, evidence, { costs, target });
        const best = bruteForce(mini, evidence, costs, target);
        if (p.status === 'reached') {
          expect(best?.cost.toString()).toBe('0');
          return;
        }
        if (!best) {
          expect(p.status).toBe('unreachable');
          expect(p.reasons.length).toBeGreaterThan(0);
          return;
        }
        expect(p.status).toBe('planned');
        expect(p.cost).toBe(best.cost.toString());
        expect(p.steps.length).toBe(best.changes);
        expect(p.after?.total).toBe(best.total.toString());
        const after = score(mini, applySteps(evidence, p.steps));
        expect(after.rated).toBe(true);
        expect(bandIndex(mini, after)).toBeLessThanOrEqual((mini.rubric.grades?.bands ?? []).findIndex((b) => b.id === target));
      }),
      { numRuns: 50, seed: 20_240_607 },
    );
  });

  it('without costs: the fewest changes, then the least overshoot', () => {
    fc.assert(
      fc.property(miniEvidence, fc.constantFrom('gold', 'silver'), (evidence, target) => {
        const p = plan(mini, evidence, { target });
        const best = bruteForce(mini, evidence, undefined, target);
        if (p.status === 'reached') return;
        if (!best) {
          expect(p.status).toBe('unreachable');
          return;
        }
        expect(p.steps.length).toBe(best.changes);
        expect(p.after?.total).toBe(best.total.toString());
      }),
      { numRuns: 30, seed: 7 },
    );
  });
});

/* ----------------------------------------------------------------------- CLI */

const tmp = mkdtempSync(join(tmpdir(), 'shequ-plan-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const run = (...args: string[]) => runCli(args);

describe('shequ-rubric plan', () => {
  it('prints the plan (zh by default) and exits 0', () => {
    const r = run('plan', JIANGXI, FOUR_STAR);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('目标: 五星');
    expect(r.stdout).toContain('4.5：0.88… → ≥ 0.96（6 → 10）');
  });

  it('--json, --lang en, --target and --costs', () => {
    const r = run('plan', JIANGXI, FOUR_STAR, '--json', '--costs', 'examples/plan-jiangxi-costs.yaml', '--target', 'five-star');
    expect(r.status).toBe(0);
    const p = JSON.parse(r.stdout);
    expect(p.cost).toBe('23');
    expect(p.steps).toHaveLength(4);
    const en = run('plan', ZHOUSHAN, GATED, '--lang', 'en');
    expect(en.stdout).toContain('II-8: C → A (2.64 → 8)');
  });

  it('--out writes the changed evidence, which scores the target grade', () => {
    const file = join(tmp, 'after.json');
    expect(run('plan', JIANGXI, FOUR_STAR, '--out', file).status).toBe(0);
    const scored = run('score', JIANGXI, file, '--json');
    expect(JSON.parse(scored.stdout).grade.id).toBe('five-star');
    // An evidence document like the one planned from: its rubric and community kept.
    const written = JSON.parse(readFileSync(file, 'utf8'));
    expect(written.rubric).toBe('jiangxi-db36-t-1609-2022');
    expect(written.community).toEqual({ name: '示例市东湖区望江社区', id: 'JX-EX-FOUR-STAR' });
    expect(JSON.parse(scored.stdout).community).toEqual(written.community);
  });

  it('exit 1 with the reasons when out of reach; 2 for a wrong target', () => {
    const costs = join(tmp, 'fixed.yaml');
    writeFileSync(costs, 'default: fixed\nitems:\n  "1.3": 1\n');
    const r = run('plan', JIANGXI, FOUR_STAR, '--costs', costs, '--lang', 'en');
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('out of reach');
    const bad = run('plan', JIANGXI, FOUR_STAR, '--target', 'six-star');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('five-star, four-star, three-star, no-star');
  });

  it('--fixed, repeated or with commas, keeps items out of the plan; a wrong id exits 2 with did-you-mean', () => {
    const middling = 'examples/jiangxi-middling.yaml';
    const ids = (...extra: string[]) => (JSON.parse(run('plan', JIANGXI, middling, '--json', ...extra).stdout) as { steps: { item: string }[] }).steps.map((s) => s.item);
    expect(ids()).toContain('bonus-honours');
    expect(ids('--fixed', 'bonus-honours')).not.toContain('bonus-honours');
    const twoWays = [ids('--fixed', 'bonus-honours,4.5'), ids('--fixed', 'bonus-honours', '--fixed', '4.5')];
    expect(twoWays[0]).toEqual(twoWays[1]);
    expect(twoWays[0]).not.toContain('4.5');
    const report = run('report', JIANGXI, middling, '--fixed', 'bonus-honours');
    expect(report.status).toBe(0);
    expect(report.stdout).not.toMatch(/bonus-honours：新增表彰/);
    const bad = run('plan', JIANGXI, middling, '--fixed', 'bonus-honour');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('there is no item "bonus-honour" (did you mean "bonus-honours"?)');
  });

  it('problems in a costs file are placed at file:line:col', () => {
    const costs = join(tmp, 'bad.yaml');
    writeFileSync(costs, 'items:\n  "1.3": 2\n  "9.9": 1\n');
    const r = run('plan', JIANGXI, FOUR_STAR, '--costs', costs);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/bad\.yaml:3:\d+: error\[unknown-item\]/);
    expect(r.stderr).toContain('the rubric has no item "9.9"');
  });
});

describe('plan: a deduct item whose precondition is false, its deductions left out', () => {
  const patrolRubric = compile(
    parseRubric(
      [
        'id: patrol', 'version: "1"', 'title: { zh: 巡查, en: Patrol }', 'source: { name: 示例 }', 'max: 2',
        'sections:', '  - id: s', '    title: { zh: 甲, en: A }', '    max: 2', '    items:',
        '      - id: x', '        title: { zh: 巡查, en: Patrol }', '        points: 2', '        kind: deduct', '        deductions:',
        '          - { id: hazards, zh: 隐患, en: Hazards, per: 0.5 }',
        '          - { id: hours, zh: 学时, en: Hours, integer: false, shortOf: 20, step: 10, per: 0.5 }',
        '          - { id: records_incomplete, zh: 记录不全, en: Records incomplete, flag: true, per: 0.5 }',
        '        precondition: { id: regular, zh: 定期巡查, en: Regular patrols, otherwise: 0.5 }',
        'grades:', '  subject: total', '  bands:',
        '    - { id: full, label: { zh: 满分, en: Full }, range: ">= 2" }',
        '    - { id: short, label: { zh: 未满, en: Short }, range: "< 2", passing: false }',
      ].join('\n'),
    ),
  );

  it('reads each left-out deduction as deducting nothing (20 hours, not 0), and the plan re-scores to full', () => {
    const options = planOptions(patrolRubric, { x: { regular: false } }).flatMap((g) => g.options);
    expect(options.map((o) => [o.from.toString(), o.to.toString(), o.evidence])).toEqual([['0.5', '2', { hazards: 0, hours: 20, records_incomplete: false, regular: true }]]);
    expect(score(patrolRubric, applyOptions({ x: { regular: false } }, options)).total).toBe('2');
  });
});

describe('plan: rubrics that keep 12 places (Binjiang, Zhoushan: no rounding to hundredths)', () => {
  const binjiang = load('rubrics/binjiang-2023-draft.yaml');
  const basic = evidenceOf('examples/binjiang-basic.yaml');

  it('plans in hundredths of a point and re-scores to the target, quickly and in little memory', () => {
    expect(binjiang.rubric.rounding.places).toBe(12);
    const started = performance.now();
    const p = plan(binjiang, basic.evidence, { target: 'standard' });
    expect(performance.now() - started).toBeLessThan(20_000);
    expect(p.status).toBe('planned');
    const after = score(binjiang, applySteps(basic.evidence, p.steps));
    expect(after.grade?.id).toBe('standard');
    expect(after.total).toBe(p.after?.total);
    // The satisfaction rate is offered in steps that give whole hundredths of a point or the least above.
    const rates = planOptions(binjiang, basic.evidence).find((g) => g.item === 'C6-satisfaction')?.options ?? [];
    expect(rates.length).toBeGreaterThan(0);
    expect(rates.length).toBeLessThanOrEqual(2_500);
  });

  it('offers a rate in whole hundredths of a point: 22.995 → 23 (0.92), not 23.0025', () => {
    const demonstration = evidenceOf('examples/binjiang-demonstration.yaml');
    const evidence = { ...demonstration.evidence, 'C6-satisfaction': 0.9198 };
    expect(score(binjiang, evidence).grade?.id).toBe('standard');
    const p = plan(binjiang, evidence);
    expect(p.steps.map((s) => s.line.en)).toEqual(['C6-satisfaction: 0.9198 → ≥ 0.92 (22.995 → 23)']);
    expect(p.after?.total).toBe('90');
  });

  it('a repeating class 2 reaches the target by its exact total', () => {
    const p = plan(zhoushan, gated.evidence, { target: 'good' });
    expect(p.status).toBe('planned');
    const after = score(zhoushan, applySteps(gated.evidence, p.steps));
    expect(after.total).toBe(p.after?.total);
    expect(after.grade?.id).toBe('good');
  });
});

describe('plan: items left blank have no evidence to plan from', () => {
  it('~ and an item whose every field is ~ (as the template writes it) are listed like an absent item', () => {
    const blankOf = (evidence: Record<string, unknown>) => {
      const p = plan(jiangxi, evidence, { missing: 'zero', target: 'five-star' });
      const reason = p.reasons.find((r) => r.code === 'missing-evidence');
      return reason?.message.en.split(': ')[1]?.split(', ') ?? [];
    };
    const absent = blankOf({ '1.1a': true });
    expect(absent).toContain('3.1a');
    expect(absent).toContain('3.2a');
    expect(blankOf({ '1.1a': true, '3.2a': null, '3.1a': { workers: null, residents: null } })).toEqual(absent);
  });
});
