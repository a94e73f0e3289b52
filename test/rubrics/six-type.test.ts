import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Dec, compile, parseRubric, safeParseEvidence, score, type ItemBase, type Range, type Section } from '../../src/index.js';
import { unitZh, type Unit } from '../../src/kinds/shared.js';

/**
 * The bundled “六型” checklist against its source text, and the 《社区服务规范与质量提升指南》 KPIs.
 * The source gives no points: every criterion is a checklist item (met / not met) worth 0.
 */
const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const repo = here('../../');
const load = (rel: string) => {
  const file = here(`../../${rel}`);
  return parseRubric(readFileSync(file, 'utf8'), { file });
};
const sixType = load('rubrics/six-type.yaml');
const kpis = load('rubrics/service-quality-kpis.yaml');

// The extraction of the source sits beside the repository: /work/shared/sources/six-type.txt
// from /work/main. Tests that read it are skipped where it is not present (e.g. a published tarball).
const sourceFile = fileURLToPath(new URL('../shared/sources/six-type.txt', `file://${repo}`));
const hasSource = existsSync(sourceFile);

interface Condition {
  id: string;
  zh: string;
  en: string;
  unit?: string;
  range?: Range;
  flag?: boolean;
}
type ChecklistItem = ItemBase & { conditions?: Condition[] };

function itemsOf(s: Section): ChecklistItem[] {
  return [...(s.sections ?? []).flatMap(itemsOf), ...(s.items ?? [])] as ChecklistItem[];
}
const allSixType = sixType.sections.flatMap(itemsOf);
const byId = new Map(allSixType.map((i) => [i.id, i]));

// The four groups and fourteen sub-groups, in the source's order, with their criteria numbers.
const GROUPS: [id: string, zh: string, count: number, subs: [id: string, zh: string, from: number, to: number][]][] = [
  ['g1', '工作指导扎实有力', 14, [
    ['g1-organisation', '组织机构', 1, 3],
    ['g1-coordination', '统筹协调', 4, 9],
    ['g1-guidance', '工作指导', 10, 14],
  ]],
  ['g2', '管理服务优质高效', 69, [
    ['g2-environment', '社区环境', 1, 9],
    ['g2-management', '社区管理', 10, 21],
    ['g2-service', '社区服务', 22, 32],
    ['g2-safety', '社区安全', 33, 45],
    ['g2-health', '社区卫生', 46, 59],
    ['g2-culture', '社区文化', 60, 69],
  ]],
  ['g3', '保障措施落实到位', 11, [
    ['g3-facilities', '硬件建设', 1, 3],
    ['g3-funding', '经费保障', 4, 7],
    ['g3-staffing', '队伍建设', 8, 11],
  ]],
  ['g4', '社会参与广泛有序', 9, [
    ['g4-co-building', '共驻共建', 1, 3],
    ['g4-participation', '居民参与', 4, 9],
  ]],
];

/** The numbered criteria of the source text, by group (numbering restarts at 1 in each group). */
function sourceCriteria(text: string): { group: number; n: number; zh: string }[] {
  const out: { group: number; n: number; zh: string }[] = [];
  let group = 0;
  for (const raw of text.split('\n')) {
    const line = raw.trim().replace(/^\|\s*/, '');
    const m = /^(\d+)\.(.*)$/.exec(line);
    if (!m) continue;
    const n = Number(m[1]);
    if (n === 1) group += 1;
    // Extraction damage fixed in the rubric: a doubled semicolon (66).
    out.push({ group, n, zh: (m[2] as string).replace(/;;/g, ';') });
  }
  return out;
}

describe('“六型” structure', () => {
  it('has 103 checklist criteria in 4 groups (14 / 69 / 11 / 9) and 14 sub-groups', () => {
    expect(allSixType).toHaveLength(103);
    expect(sixType.sections.map((s) => s.id)).toEqual(GROUPS.map(([id]) => id));
    let subgroups = 0;
    for (const [id, zh, count, subs] of GROUPS) {
      const group = sixType.sections.find((s) => s.id === id) as Section;
      expect(group.title.zh).toBe(zh);
      expect(itemsOf(group)).toHaveLength(count);
      expect(group.items ?? []).toHaveLength(0);
      expect((group.sections ?? []).map((s) => [s.id, s.title.zh])).toEqual(subs.map(([sid, szh]) => [sid, szh]));
      for (const [sid, , from, to] of subs) {
        const sub = (group.sections ?? []).find((s) => s.id === sid) as Section;
        const want = Array.from({ length: to - from + 1 }, (_, k) => `${id}-${from + k}`);
        expect((sub.items ?? []).map((i) => i.id), sid).toEqual(want);
        subgroups += 1;
      }
    }
    expect(subgroups).toBe(14);
  });

  it('gives no weights: every item is a checklist worth 0 and every maximum is 0', () => {
    expect(sixType.max.isZero()).toBe(true);
    const walk = (s: Section) => {
      expect(s.max.isZero(), s.id).toBe(true);
      s.sections?.forEach(walk);
    };
    sixType.sections.forEach(walk);
    for (const item of allSixType) {
      expect(item.kind, item.id).toBe('checklist');
      expect(item.points.isZero(), item.id).toBe(true);
      expect(item.clause, item.id).toMatch(/^“六型”社区 [一二三四]、\S+ \S+ \d+$/);
    }
  });

  it('records every sub-group assignment made by content in a note', () => {
    for (const id of ['g2-33', 'g2-46', 'g2-60', 'g3-4', 'g3-8', 'g4-4']) {
      expect(byId.get(id)?.note, id).toMatch(/^Sub-group assigned by (content|the layout)/);
    }
  });

  it('every condition has an id, zh, en and either a unit and a range or flag: true', () => {
    for (const item of allSixType) {
      for (const c of item.conditions ?? []) {
        expect(c.id && c.zh && c.en, `${item.id} ${c.id}`).toBeTruthy();
        if (c.flag) expect(c.range, `${item.id} ${c.id}`).toBeUndefined();
        else expect(c.unit && c.range, `${item.id} ${c.id}`).toBeTruthy();
      }
    }
  });

  it('reads “lower is better” and the intervals as the text says', () => {
    const range = (item: string, cond: string) => byId.get(item)?.conditions?.find((c) => c.id === cond)?.range?.text;
    expect(range('g2-34', 'preventable_case_rate')).toBe('<= 1.5'); // 发案率不超过1.5‰
    expect(range('g3-11', 'households_per_worker')).toBe('<= 500'); // 每500户一名
    expect(range('g2-1', 'committee_members')).toBe('[3, 9]'); // 3-9人
    expect(range('g2-66', 'culture_organisers')).toBe('[1, 2]'); // 1-2名
    expect(range('g2-38', 'screening_rate')).toBe('= 100'); // 排查调处率达100%
    expect(byId.get('g2-38')?.conditions?.find((c) => c.id === 'petitions_below_city_average')?.flag).toBe(true);
  });
});

describe.skipIf(!hasSource)('“六型” against the source text', () => {
  const text = hasSource ? readFileSync(sourceFile, 'utf8') : '';
  const criteria = sourceCriteria(text);

  it('has the source’s 103 numbered criteria, verbatim and in order', () => {
    expect(criteria).toHaveLength(103);
    expect(allSixType.map((i) => i.id)).toEqual(criteria.map((c) => `g${c.group}-${c.n}`));
    for (const c of criteria) expect(byId.get(`g${c.group}-${c.n}`)?.title.zh).toBe(c.zh);
  });

  // A figure: a number (or a range of two, "3-9", "50-100") followed by its unit.
  const FIGURE = /(\d+(?:\.\d+)?)(?:-{1,2}(\d+(?:\.\d+)?))?(%|‰|平方米|场次|小时|天|次|个|名|人|册|种|户|岁)/g;

  // Figures in the text that are not thresholds, each with its reason.
  const NOT_THRESHOLDS: Record<string, string> = {
    'g2-28 80岁': '80岁以上 says who is served (older people aged 80 or over)',
    'g2-32 65岁': '65岁以上 says who is served',
    'g2-50 60岁': '60岁以上 says who is served (free flu vaccination, check-ups)',
    'g2-50 65岁': '65岁以上 says who is served (free check-ups)',
  };
  // Figures held in a yes/no condition's text because the format cannot say “either of two ranges”:
  // 二、40 staffs managers at 50–100 rental households each OR at 3‰–5‰ of the floating population.
  const IN_FLAG_TEXT: Record<string, string> = {
    'g2-40 50-100户': 'staffed_at_either_ratio',
    'g2-40 3‰': 'staffed_at_either_ratio',
    'g2-40 5‰': 'staffed_at_either_ratio',
  };
  // The condition's unit for a unit of the text.
  const unitMatches = (textUnit: string, given: Unit) => {
    const unit = unitZh(given);
    const want = textUnit === '平方米' ? ['m²'] : textUnit === '名' || textUnit === '人' ? ['名', '人'] : [textUnit];
    // "户" in "每500户" is the numerator of 户/人; a count such as 次 may be per period (次/季度).
    return want.some((u) => unit === u || unit.startsWith(`${u}/`));
  };
  const boundsOf = (r: Range) => [r.min, r.max].filter((d): d is Dec => d !== undefined);

  it('encodes every figure of every criterion as a bound of one of its conditions', () => {
    const seen = new Set<string>();
    for (const c of criteria) {
      const id = `g${c.group}-${c.n}`;
      const item = byId.get(id) as ChecklistItem;
      for (const m of c.zh.matchAll(FIGURE)) {
        const [, a, b, unit] = m as unknown as [string, string, string | undefined, string];
        const key = `${id} ${b ? `${a}-${b}` : a}${unit}`;
        seen.add(key);
        if (NOT_THRESHOLDS[key]) continue;
        const flag = IN_FLAG_TEXT[key];
        if (flag) {
          const cond = item.conditions?.find((x) => x.id === flag);
          expect(cond?.flag, key).toBe(true);
          expect(cond?.zh, key).toContain(b ? `${a}-${b}` : `${a}${unit}`);
          continue;
        }
        const numbers = [a, b].filter((x): x is string => x !== undefined).map((x) => Dec.parse(x) as Dec);
        const holds = (item.conditions ?? []).some(
          (cond) =>
            cond.range !== undefined &&
            cond.unit !== undefined &&
            unitMatches(unit, cond.unit) &&
            numbers.every((n) => boundsOf(cond.range as Range).some((bound) => bound.eq(n))),
        );
        expect(holds, `${key} is not a bound of a condition of ${id}`).toBe(true);
      }
    }
    // The allow-lists name only figures that exist.
    for (const key of [...Object.keys(NOT_THRESHOLDS), ...Object.keys(IN_FLAG_TEXT)]) expect(seen, key).toContain(key);
    // Sanity: the pattern found the figures the brief names.
    for (const key of ['g2-5 90%', 'g2-34 1.5‰', 'g2-21 350平方米', 'g2-67 3000册', 'g2-67 50种', 'g2-1 3-9人', 'g3-11 500户', 'g4-6 20小时', 'g2-68 24次']) {
      expect(seen, key).toContain(key);
    }
  });

  it('encodes the figures written in Chinese numerals', () => {
    // 一、5 每季度研究一次: at least once a quarter.
    expect(byId.get('g1-5')?.conditions?.[0]?.range?.text).toBe('>= 1');
    // 三、11 按每500户标准配备一名: at most 500 households per worker (the 500 is checked above).
    expect(byId.get('g3-11')?.conditions?.[0]?.unit).toEqual({ zh: '户/人', en: 'households', enOne: 'household' });
  });

  it('has a condition on every criterion that states a figure, and none on criteria that do not', () => {
    for (const c of criteria) {
      const id = `g${c.group}-${c.n}`;
      const figures = [...c.zh.matchAll(FIGURE)].filter((m) => m[3] !== '岁').length;
      const numeral = /每季度研究一次/.test(c.zh) ? 1 : 0;
      const conditions = byId.get(id)?.conditions?.length ?? 0;
      if (figures + numeral > 0) expect(conditions, id).toBeGreaterThan(0);
      // Only 二、38 adds a yes/no fact to figures; no criterion without a figure has conditions.
      else expect(conditions, id).toBe(0);
    }
  });
});

describe('“六型” example community', () => {
  it('meets 95 of the 103 criteria', () => {
    const file = here('../../examples/six-type-community.yaml');
    const doc = safeParseEvidence(readFileSync(file, 'utf8'), { file });
    if (!doc.success) throw doc.error;
    expect(doc.data.rubric).toBe('six-type');
    const r = score(compile(sixType), doc.data.evidence);
    expect(r.total).toBe('0');
    expect(r.criteria).toMatchObject({ met: 95, total: 103 });
    expect(r.sections.map((s) => [s.id, s.criteria?.met, s.criteria?.total])).toEqual([
      ['g1', 13, 14],
      ['g2', 64, 69],
      ['g3', 10, 11],
      ['g4', 8, 9],
    ]);
    const unmet: string[] = [];
    const walk = (s: (typeof r.sections)[number]) => {
      for (const i of s.items ?? []) if (i.met === false) unmet.push(i.id);
      s.sections?.forEach(walk);
    };
    r.sections.forEach(walk);
    expect(unmet).toEqual(['g1-9', 'g2-13', 'g2-29', 'g2-42', 'g2-67', 'g2-68', 'g3-11', 'g4-7']);
  });
});

describe('service-quality KPIs (《社区服务规范与质量提升指南》 6.2 / 6.4)', () => {
  const items = kpis.sections.flatMap(itemsOf);
  const cond = (id: string) => items.find((i) => i.id === id)?.conditions?.[0];

  it('has one section of five checklist items worth 0', () => {
    expect(kpis.sections).toHaveLength(1);
    expect(items.map((i) => i.id)).toEqual(['coverage', 'response-time', 'satisfaction', 'completion', 'utilisation']);
    for (const i of items) {
      expect(i.kind).toBe('checklist');
      expect(i.points.isZero()).toBe(true);
    }
    expect(kpis.max.isZero()).toBe(true);
  });

  it('reads response time as at most 2 hours and the others as at least', () => {
    const r = cond('response-time');
    expect(r?.unit).toEqual({ zh: '小时', en: 'hours', enOne: 'hour' });
    expect(r?.range?.max?.eq(Dec.parse('2') as Dec)).toBe(true);
    expect(r?.range?.maxInclusive).toBe(true);
    expect(r?.range?.min).toBeUndefined();
    const atLeast: [string, string][] = [
      ['coverage', '90'],
      ['satisfaction', '85'],
      ['completion', '95'],
      ['utilisation', '80'],
    ];
    for (const [id, bound] of atLeast) {
      const c = cond(id);
      expect(c?.unit, id).toBe('%');
      expect(c?.range?.min?.eq(Dec.parse(bound) as Dec), id).toBe(true);
      expect(c?.range?.minInclusive, id).toBe(true);
      expect(c?.range?.max, id).toBeUndefined();
    }
  });

  it('is met at 2 hours and not at 2.01', () => {
    const compiled = compile(kpis);
    const base = { coverage: 90, satisfaction: 85, completion: 95, utilisation: 80 };
    const met = (hours: number) => score(compiled, { ...base, 'response-time': hours }).criteria?.met;
    expect(met(2)).toBe(5);
    expect(met(2.01)).toBe(4);
  });
});
