import { describe, expect, it } from 'vitest';
import { compile, parseRubric, plan, safeScore, score, type CompiledRubric, type ItemTrace, type ScoreResult } from '../src/index.js';
import { safeScoreExactly } from '../src/evaluate.js';
import { indexTraces } from '../src/trace-index.js';
import { unitEn, unitZh, withUnit } from '../src/kinds/shared.js';
import { evidenceOf, load } from './support/bundled.js';

/**
 * The words of the reasons: each quantity by its label in the language asked
 * for, with its unit in that language; plurals and nothing deducted in plain
 * words; a rate given as a count shown with its count.
 */

const trace = (result: ScoreResult, id: string): ItemTrace => {
  const found = indexTraces(result).items.get(id);
  if (!found) throw new Error(`no item ${id}`);
  return found;
};

/** The trace of one item scored with these values over an example's evidence, by the default path and the exact one (byte for byte alike). */
function scored(compiled: CompiledRubric, base: string, changes: Record<string, unknown>, id: string): ItemTrace {
  const evidence = { ...(evidenceOf(base).evidence as Record<string, unknown>), ...changes };
  const fast = score(compiled, evidence);
  const exact = safeScoreExactly(compiled, evidence, {});
  if (!exact.success) throw exact.error;
  expect(JSON.stringify(trace(fast, id))).toBe(JSON.stringify(trace(exact.data, id)));
  return trace(fast, id);
}

const HAN = /\p{Script=Han}/u;

describe('units: one text for a symbol, or each language’s own word', () => {
  it('a symbol is written in both languages, after a space in English', () => {
    expect(withUnit('9.1', '‰')).toEqual({ zh: '9.1‰', en: '9.1 ‰' });
    expect(withUnit('400', 'm²')).toEqual({ zh: '400m²', en: '400 m²' });
    expect(withUnit('93', '%')).toEqual({ zh: '93%', en: '93 %' });
    expect(withUnit('7', undefined)).toEqual({ zh: '7', en: '7' });
  });

  it('a word has its Chinese and English forms; enOne follows exactly 1 and a bound of 1', () => {
    const households = { zh: '户', en: 'households', enOne: 'household' };
    expect(withUnit('1100', households)).toEqual({ zh: '1100户', en: '1100 households' });
    expect(withUnit('1', households)).toEqual({ zh: '1户', en: '1 household' });
    expect(withUnit('>= 1', households).en).toBe('>= 1 household');
    expect(withUnit('= 1', households).en).toBe('= 1 household');
    expect(withUnit('1.5', households).en).toBe('1.5 households');
    expect(withUnit('[1, 2]', households).en).toBe('[1, 2] households');
    expect(withUnit('>= 10', households).en).toBe('>= 10 households');
    // Without enOne, en is used after 1 too.
    expect(withUnit('1', { zh: '米', en: 'm' }).en).toBe('1 m');
  });

  it('a unit written once in Chinese characters has no English form: English leaves it out', () => {
    expect(unitEn('户')).toBe('');
    expect(unitEn('次/年')).toBe('');
    expect(unitZh('户')).toBe('户');
    expect(withUnit('1100', '户')).toEqual({ zh: '1100户', en: '1100' });
  });

  it('every unit of the bundled rubrics has an English form where it is a Chinese word', () => {
    for (const file of ['binjiang-2023-draft', 'jiangxi-db36-t-1609-2022', 'service-quality-kpis', 'six-type', 'zhoushan-2017']) {
      const compiled = load(`rubrics/${file}.yaml`);
      const units: unknown[] = [];
      const walk = (v: unknown): void => {
        if (Array.isArray(v)) v.forEach(walk);
        else if (v && typeof v === 'object') {
          for (const [k, x] of Object.entries(v)) {
            if (k === 'unit') units.push(x);
            else walk(x);
          }
        }
      };
      walk(compiled.rubric);
      for (const u of units) if (typeof u === 'string') expect(HAN.test(u), `${file}: unit ${u}`).toBe(false);
    }
  });
});

describe('checklist: conditions by their label, values and standards in their unit', () => {
  const sixType = load('rubrics/six-type.yaml');

  it('a measured condition (the reported case: 9.1‰ against <= 1.5‰)', () => {
    const t = scored(sixType, 'examples/six-type-community.yaml', { 'g2-34': { preventable_case_rate: 9.1 } }, 'g2-34');
    expect(t.reason.en).toBe('Preventable cases in the year per total community population 9.1 ‰ (needs <= 1.5 ‰) ✗: not met');
    expect(t.reason.zh).toBe('可防性案件发案率(占社区总人口) 9.1‰（标准 <= 1.5‰）✗：未达到');
    expect(t.reason.en).not.toContain('preventable_case_rate');
  });

  it('a Chinese unit in English words, in the singular for 1; a yes/no condition as yes or no', () => {
    const t = scored(sixType, 'examples/six-type-community.yaml', { 'g2-20': { professional_social_workers: 1 } }, 'g2-20');
    expect(t.reason.en).toBe('Professional social workers 1 person (needs >= 1 person) ✓: met');
    expect(t.reason.zh).toBe('专业社工人数 1名（标准 >= 1名）✓：达到');
    const members = scored(sixType, 'examples/six-type-community.yaml', { 'g2-1': { committee_members: 7 } }, 'g2-1');
    expect(members.reason.en).toBe('Members of the public-health committee 7 members (needs [3, 9] members) ✓: met');
    const flag = scored(sixType, 'examples/six-type-community.yaml', { 'g2-40': { staffed_at_either_ratio: false } }, 'g2-40');
    expect(flag.reason.en).toMatch(/: no ✗: not met$/);
    expect(flag.reason.zh).toMatch(/ 否✗：未达到$/);
    expect(flag.reason.en).not.toContain('staffed_at_either_ratio');
  });
});

describe('tiers: measures and tiers by their labels, each with its unit (DB36 2.1a: 400 m², 1100 households)', () => {
  const db36 = load('rubrics/jiangxi-db36-t-1609-2022.yaml');
  const base = 'examples/jiangxi-strong.yaml';

  it('says the labels and units in each language, and the tier reached in the same words', () => {
    const t = scored(db36, base, { '2.1a': { area: 400, households: 1100 } }, '2.1a');
    expect(t.reason.en).toBe(
      'Community office and service floor area 400 m², Households in the community 1100 households, Office and service floor area per 100 households 36.3636… m²: reached Office and service floor area per 100 households >= 30 m² (加强项): 1.5',
    );
    expect(t.reason.zh).toBe('社区办公服务用房面积 400m²，社区户数 1100户，每百户办公服务用房面积 36.3636…m²：达到「每百户办公服务用房面积 >= 30m²」（加强项），得 1.5 分');
    expect(t.reason.en).not.toMatch(/area_per_100_households|\bhouseholds 1100/);
  });

  it('one household in the singular; an undefined ratio is a dash without a unit, saying why; no tier lists every tier in words', () => {
    const one = scored(db36, base, { '2.1a': { area: 200, households: 1 } }, '2.1a');
    expect(one.reason.en).toContain('Households in the community 1 household,');
    const none = scored(db36, base, { '2.1a': { area: 200, households: 0 } }, '2.1a');
    expect(none.reason.en).toBe(
      'Community office and service floor area 200 m², Households in the community 0 households, Office and service floor area per 100 households — (cannot be computed: Households in the community is 0): no tier reached (Community office and service floor area >= 300 m² | Office and service floor area per 100 households >= 30 m²): 0',
    );
    expect(none.reason.zh).toBe('社区办公服务用房面积 200m²，社区户数 0户，每百户办公服务用房面积 —（社区户数为 0，无法计算）：未达到任何档次（社区办公服务用房面积 >= 300m²｜每百户办公服务用房面积 >= 30m²），得 0 分');
  });

  it('several conditions of a tier are joined in words (Binjiang opening hours)', () => {
    const binjiang = load('rubrics/binjiang-2023-draft.yaml');
    const opening = { 'C5-opening': { 'C5-opening-hours': { hours_per_day: 12, days_per_week: 1 }, 'C5-opening-monthly-plan': true } };
    const t = scored(binjiang, 'examples/binjiang-basic.yaml', opening, 'C5-opening-hours');
    expect(t.reason.en).toBe('Opening hours per day 12 hours, Opening days per week 1 day: no tier reached (Opening hours per day >= 12 hours & Opening days per week >= 5 days): 0');
    const met = scored(binjiang, 'examples/binjiang-basic.yaml', { 'C5-opening': { ...opening['C5-opening'], 'C5-opening-hours': { hours_per_day: 12, days_per_week: 5 } } }, 'C5-opening-hours');
    expect(met.reason.zh).toBe('每天开放时间 12小时，每周开放天数 5天：达到「每天开放时间 >= 12小时 且 每周开放天数 >= 5天」，得 1 分');
  });
});

describe('count and deduct: labels, units, one step, nothing deducted', () => {
  const binjiang = load('rubrics/binjiang-2023-draft.yaml');
  const base = evidenceOf('examples/binjiang-basic.yaml').evidence as Record<string, Record<string, unknown>>;
  const reasonOf = (changes: Record<string, unknown>, id: string) => scored(binjiang, 'examples/binjiang-basic.yaml', changes, id).reason;

  it('one step of 500 hours, in the singular', () => {
    const r = reasonOf({ 'C4-volunteers': { ...base['C4-volunteers'], 'C4-volunteers-hours': 760 } }, 'C4-volunteers-hours');
    expect(r.en).toBe('Cumulative service hours 760 hours → 1 step of 500 hours × 0.5 = 0.5: 0.5');
    expect(r.zh).toBe('累计志愿服务时数 760小时（每 500小时计 0.5 分） = 0.5，得 0.5 分');
    const certificates = reasonOf({ 'C4-social-workers': { ...base['C4-social-workers'], 'C4-social-workers-certificates': { intermediate: 1, junior: 3 } } }, 'C4-social-workers-certificates');
    expect(certificates.en).toBe('Intermediate or higher social-work certificates 1 certificate × 1 = 1; Junior social-work certificates 3 certificates × 0.5 = 1.5: 2.5');
  });

  it('a deduction of nothing says so, in both languages, without “−0” or “扣 0”', () => {
    const r = reasonOf({ 'C1-hygiene': { ...base['C1-hygiene'], 'C1-hygiene-cleanliness': 0 } }, 'C1-hygiene-cleanliness');
    expect(r.en).toBe('from 2; Defects found 0 places: no deduction: 2');
    expect(r.zh).toBe('满分 2；发现问题处数 0处，无扣分，得 2 分');
    const one = reasonOf({ 'C1-hygiene': { ...base['C1-hygiene'], 'C1-hygiene-cleanliness': 1 } }, 'C1-hygiene-cleanliness');
    expect(one.en).toBe('from 2; Defects found 1 place: −0.5: 1.5');
  });

  it('short of a target: by how much, in whole steps only where a step is more than 1, target and step in the unit; a target reached deducts nothing', () => {
    const events = reasonOf({ 'C5-themed-events': { months_short: 0, events_50_100: 0, events_over_100: 2 } }, 'C5-themed-events');
    expect(events.en).toBe(
      'from 2; Events missing below 5 a month, summed over the months 0 events: no deduction; Events of 50–100 people in the year 0 events: 8 events short of 8 events: −4; Events of over 100 people in the year 2 events, not short of 2 events: no deduction; floored at 0: 0',
    );
    expect(events.zh).toBe('满分 2；各月不足5场的场次合计 0场，无扣分；全年50-100人活动场次 0场，较 8场 少 8场，扣 4；全年100人以上活动场次 2场，不少于 2场，无扣分；扣完为止，得 0 分');
    for (const text of [events.en, events.zh]) expect(text).not.toMatch(/−0(?![.\d])|扣 0，|whole steps? of 1\b|满 1 的/);
    const training = reasonOf({ 'C4-social-workers': { ...base['C4-social-workers'], 'C4-social-workers-training': 16 } }, 'C4-social-workers-training');
    expect(training.en).toBe('from 2; Average annual training hours 16 hours: 4 hours short of 20 hours, less than one step of 10 hours: no deduction: 2');
    expect(training.zh).toBe('满分 2；年度人均培训学时 16学时，较 20学时 少 4学时，不满 10学时，无扣分，得 2 分');
  });
});

describe('rate: evidence given as a count', () => {
  it('shows the count and the rate it makes; the trace echoes the count; gates read the rate', () => {
    const binjiang = load('rubrics/binjiang-2023-draft.yaml');
    const t = scored(binjiang, 'examples/binjiang-demonstration.yaml', { 'C6-satisfaction': { count: 56, of: 60 } }, 'C6-satisfaction');
    expect(t.reason.en).toBe('rate 56 of 60 = 0.9333…: 25 × 0.9333… = 23.3333…');
    expect(t.reason.zh).toBe('比率 60 人中 56 人满意 = 0.9333…：25 × 0.9333… = 23.3333… 分');
    expect(t.evidence).toEqual({ count: '56', of: '60' });
    expect(t.detail).toEqual({ rate: '0.933333333333…' });
    const low = score(binjiang, { ...(evidenceOf('examples/binjiang-demonstration.yaml').evidence as object), 'C6-satisfaction': { count: 53, of: 60 } });
    expect(low.gates?.[0]?.passed).toBe(false);
  });

  it('by bands (DB36 4.5), and a plain rate as before', () => {
    const db36 = load('rubrics/jiangxi-db36-t-1609-2022.yaml');
    const counted = scored(db36, 'examples/jiangxi-strong.yaml', { '4.5': { count: 58, of: 60 } }, '4.5');
    expect(counted.reason.en).toBe('rate 58 of 60 = 0.9666… in [0.96, 1] (优选项): 10');
    expect(counted.reason.zh).toBe('比率 60 人中 58 人满意 = 0.9666… 在 [0.96, 1]（优选项），得 10 分');
    const plain = scored(db36, 'examples/jiangxi-strong.yaml', { '4.5': 0.93 }, '4.5');
    expect(plain.reason.en).toBe('rate 0.93 in [0.9, 0.96) (加强项): 8');
  });
});

describe('a rubric of one’s own with a unit written once in Chinese', () => {
  it('keeps it in Chinese and leaves it out in English', () => {
    const compiled = compile(
      parseRubric(
        [
          'id: own-units',
          'version: "1"',
          'title: { zh: 示例, en: Example }',
          'source: { name: 示例 }',
          'max: 3',
          'sections:',
          '  - id: s',
          '    title: { zh: 一, en: One }',
          '    max: 3',
          '    items:',
          '      - { id: v, title: { zh: 志愿者, en: Volunteers }, points: 3, kind: count, cap: 3, counts: [ { id: volunteers, zh: 志愿者人数, en: Volunteers, unit: 人, per: 0.5, step: 20 } ] }',
        ].join('\n'),
      ),
    );
    const result = safeScore(compiled, { v: 41 });
    if (!result.success) throw result.error;
    const reason = trace(result.data, 'v').reason;
    expect(reason.zh).toBe('志愿者人数 41人（每 20人计 0.5 分） = 1，得 1 分');
    expect(reason.en).toBe('Volunteers 41 → 2 steps of 20 × 0.5 = 1: 1');
  });
});

describe('every bundled example in English', () => {
  const cases: [string, string][] = [
    ['rubrics/binjiang-2023-draft.yaml', 'examples/binjiang-basic.yaml'],
    ['rubrics/binjiang-2023-draft.yaml', 'examples/binjiang-demonstration.yaml'],
    ['rubrics/jiangxi-db36-t-1609-2022.yaml', 'examples/jiangxi-middling.yaml'],
    ['rubrics/jiangxi-db36-t-1609-2022.yaml', 'examples/jiangxi-strong.yaml'],
    ['rubrics/service-quality-kpis.yaml', 'examples/service-quality-kpis.yaml'],
    ['rubrics/six-type.yaml', 'examples/six-type-community.yaml'],
    ['rubrics/zhoushan-2017.yaml', 'examples/zhoushan-good.yaml'],
  ];

  it.each(cases)('%s with %s: no field id, no Chinese unit, no "1 steps" or "−0" in a reason', (rubricFile, evidenceFile) => {
    const compiled = load(rubricFile);
    const result = score(compiled, evidenceOf(evidenceFile).evidence);
    for (const t of indexTraces(result).items.values()) {
      if (t.kind === 'bonus') continue; // its matters are the evidence's own names
      // The standard's category names (基础项 …) are kept as names, as the rubric's English text keeps them.
      const en = t.reason.en.replace(/基础项|加强项|优选项/g, '');
      expect(HAN.test(en), `${t.id}: ${t.reason.en}`).toBe(false);
      expect(en, t.id).not.toMatch(/\b[a-z]+_[a-z0-9_]+\b|\b1 steps\b|−0(?![.\d])|whole steps? of 1\b/);
    }
  });
});

describe('the plan in English', () => {
  it('says its changes with English units', () => {
    const binjiang = load('rubrics/binjiang-2023-draft.yaml');
    const basic = evidenceOf('examples/binjiang-basic.yaml');
    const p = plan(binjiang, basic.evidence, { target: 'standard' });
    const lines = p.steps.map((s) => s.line.en);
    expect(lines).toContain('C1-hygiene-cleanliness: Defects found 3 → 0 places (0.5 → 2)');
    expect(lines).toContain('C4-volunteers-hours: Cumulative service hours 760 hours → 3000 hours (0.5 → 3)');
    for (const l of lines) expect(HAN.test(l), l).toBe(false);
  });
});
