import type { IssueCode } from '../../src/index.js';

/**
 * One table per rule kind, like ESLint's RuleTester: an item, evidence that
 * scores (with the points expected, worked by hand), evidence that is
 * refused (with the code and path expected), and parameters that are
 * refused. tables.test.ts fails when a registered kind has no table.
 */
export interface KindTable {
  item: string;
  valid: { evidence: unknown; points: string; met?: boolean }[];
  invalid: { evidence: unknown; code: IssueCode; path: (string | number)[] }[];
  invalidParams: { item: string; code: IssueCode; path: (string | number)[] }[];
}

export const tables: Record<string, KindTable> = {
  check: {
    item: 'id: x\ntitle: { zh: 甲, en: A }\npoints: 1.5\nkind: check',
    valid: [
      { evidence: true, points: '1.5', met: true },
      { evidence: false, points: '0', met: false },
    ],
    invalid: [
      { evidence: 'yes', code: 'invalid-type', path: ['evidence', 'x'] },
      { evidence: 1, code: 'invalid-type', path: ['evidence', 'x'] },
    ],
    invalidParams: [{ item: 'id: x\ntitle: { zh: 甲, en: A }\npoints: -1\nkind: check', code: 'out-of-range', path: ['points'] }],
  },
  tiers: {
    item: [
      'id: x',
      'title: { zh: 面积, en: Area }',
      'points: 1.5',
      'kind: tiers',
      'measures:',
      '  area: { zh: 面积, en: Area, unit: m² }',
      '  households: { zh: 户数, en: Households, integer: true }',
      'derived:',
      '  per100: { zh: 每百户面积, en: Per 100 households, ratio: [area, households], scale: 100 }',
      'tiers:',
      '  - { points: 1, when: { area: ">= 300" } }',
      '  - { points: 1.5, when: { per100: ">= 30" } }',
    ].join('\n'),
    valid: [
      // 300 m², 1200 households: 25 m² per 100 → only the 300 m² tier: 1
      { evidence: { area: 300, households: 1200 }, points: '1' },
      // 299.99 m² misses 300; 24.99 per 100 misses 30: 0
      { evidence: { area: 299.99, households: 1200 }, points: '0' },
      // 360 m² for 1200 households is exactly 30 per 100: 1.5
      { evidence: { area: 360, households: 1200 }, points: '1.5' },
      // 359.99 m²: 29.999… per 100: back to the 300 m² tier
      { evidence: { area: 359.99, households: 1200 }, points: '1' },
      // no households: the ratio is undefined, the area tier still holds
      { evidence: { area: 400, households: 0 }, points: '1' },
    ],
    invalid: [
      { evidence: { area: -1, households: 10 }, code: 'out-of-range', path: ['evidence', 'x', 'area'] },
      { evidence: { area: 10, households: 1.5 }, code: 'invalid-value', path: ['evidence', 'x', 'households'] },
      { evidence: { area: 10 }, code: 'missing-key', path: ['evidence', 'x', 'households'] },
      { evidence: { area: 10, households: 3, rooms: 2 }, code: 'unknown-key', path: ['evidence', 'x', 'rooms'] },
      { evidence: { area: 'big', households: 3 }, code: 'invalid-type', path: ['evidence', 'x', 'area'] },
    ],
    invalidParams: [
      {
        item: 'id: x\ntitle: { zh: 甲, en: A }\npoints: 2\nkind: tiers\nmeasures: { n: { zh: 数, en: N } }\ntiers: [ { points: 1, when: { n: ">= 1" } } ]',
        code: 'points-mismatch',
        path: ['points'],
      },
      {
        item: 'id: x\ntitle: { zh: 甲, en: A }\npoints: 1\nkind: tiers\nmeasures: { n: { zh: 数, en: N } }\ntiers: [ { points: 1, when: { m: ">= 1" } } ]',
        code: 'unknown-reference',
        path: ['tiers', 0, 'when', 'm'],
      },
      // 1 point from 15, 3 from 10: whenever the first holds the second does, so 1 is never scored.
      {
        item: 'id: x\ntitle: { zh: 甲, en: A }\npoints: 3\nkind: tiers\nmeasures: { n: { zh: 数, en: N }, m: { zh: 数, en: M } }\ntiers: [ { points: 1, when: { n: ">= 15", m: "< 2" } }, { points: 3, when: { n: ">= 10" } } ]',
        code: 'invalid-value',
        path: ['tiers', 0, 'when'],
      },
      {
        item: 'id: x\ntitle: { zh: 甲, en: A }\npoints: 1\nkind: tiers\nmeasures: { n: { zh: 数, en: N } }\ntiers: [ { points: 1, when: { n: "at least 1" } } ]',
        code: 'invalid-range',
        path: ['tiers', 0, 'when', 'n'],
      },
    ],
  },
  states: {
    item: 'id: x\ntitle: { zh: 甲, en: A }\npoints: 8\nkind: states\nstates: [ { id: A, fraction: 1 }, { id: B, fraction: 0.66 }, { id: C, fraction: 0.33 } ]',
    valid: [
      { evidence: 'A', points: '8' },
      // 8 × 0.66 = 5.28 exactly
      { evidence: 'B', points: '5.28' },
      // 8 × 0.33 = 2.64
      { evidence: 'C', points: '2.64' },
    ],
    invalid: [
      { evidence: 'D', code: 'invalid-value', path: ['evidence', 'x'] },
      { evidence: 2, code: 'invalid-type', path: ['evidence', 'x'] },
    ],
    invalidParams: [
      {
        item: 'id: x\ntitle: { zh: 甲, en: A }\npoints: 8\nkind: states\nstates: [ { id: A, fraction: 1 }, { id: A, fraction: 0.5 } ]',
        code: 'duplicate-id',
        path: ['states', 1, 'id'],
      },
      {
        item: 'id: x\ntitle: { zh: 甲, en: A }\npoints: 8\nkind: states\nstates: [ { id: A, fraction: 1 }, { id: B, fraction: 1.2 } ]',
        code: 'out-of-range',
        path: ['states', 1, 'fraction'],
      },
      {
        item: 'id: x\ntitle: { zh: 甲, en: A }\npoints: 8\nkind: states\nstates: [ { id: A, fraction: 0.5 }, { id: B, fraction: 1 } ]',
        code: 'invalid-value',
        path: ['states', 1, 'fraction'],
      },
    ],
  },
  rate: {
    item: 'id: x\ntitle: { zh: 满意度, en: Satisfaction }\npoints: 10\nkind: rate\nmode: bands\nbands:\n  - { range: "[0.96, 1]", points: 10 }\n  - { range: "[0.9, 0.96)", points: 8 }\n  - { range: "[0.8, 0.9)", points: 6 }',
    valid: [
      { evidence: 0.7999, points: '0' },
      { evidence: 0.8, points: '6' },
      { evidence: 0.8999, points: '6' },
      { evidence: 0.9, points: '8' },
      { evidence: 0.9599, points: '8' },
      { evidence: 0.96, points: '10' },
      { evidence: 1, points: '10' },
      // 54 of 60 respondents = 0.9 exactly
      { evidence: { count: 54, of: 60 }, points: '8' },
    ],
    invalid: [
      { evidence: 1.01, code: 'out-of-range', path: ['evidence', 'x'] },
      { evidence: -0.1, code: 'out-of-range', path: ['evidence', 'x'] },
      { evidence: { count: 61, of: 60 }, code: 'out-of-range', path: ['evidence', 'x', 'count'] },
      { evidence: { count: 0, of: 0 }, code: 'out-of-range', path: ['evidence', 'x', 'of'] },
      { evidence: '90%', code: 'invalid-type', path: ['evidence', 'x'] },
    ],
    invalidParams: [
      {
        item: 'id: x\ntitle: { zh: 甲, en: A }\npoints: 10\nkind: rate\nmode: bands\nbands: [ { range: "[0.8, 0.95]", points: 6 }, { range: "[0.9, 1]", points: 10 } ]',
        code: 'band-overlap',
        path: ['bands', 1, 'range'],
      },
      {
        item: 'id: x\ntitle: { zh: 甲, en: A }\npoints: 10\nkind: rate\nmode: bands\nbands: [ { range: ">= 90", points: 10 } ]',
        code: 'invalid-range',
        path: ['bands', 0, 'range'],
      },
      { item: 'id: x\ntitle: { zh: 甲, en: A }\npoints: 10\nkind: rate\nmode: bands', code: 'missing-key', path: ['bands'] },
      // A threshold moved up leaves rates between two bands scoring 0 (0.9 to 0.92 here); below every band is 0 by design.
      {
        item: 'id: x\ntitle: { zh: 甲, en: A }\npoints: 10\nkind: rate\nmode: bands\nbands: [ { range: "[0.96, 1]", points: 10 }, { range: "[0.92, 0.96)", points: 8 }, { range: "[0.8, 0.9)", points: 6 } ]',
        code: 'band-gap',
        path: ['bands', 1, 'range'],
      },
    ],
  },
  count: {
    item: 'id: x\ntitle: { zh: 志愿者, en: Volunteers }\npoints: 3\nkind: count\ncap: 3\ncounts: [ { id: volunteers, zh: 志愿者, en: Volunteers, per: 0.5, step: 20 } ]',
    valid: [
      { evidence: 19, points: '0' },
      { evidence: 20, points: '0.5' },
      // 119 → 5 whole steps of 20 → 2.5
      { evidence: 119, points: '2.5' },
      { evidence: 120, points: '3' },
      // 400 → 10 steps → 5, capped at 3
      { evidence: 400, points: '3' },
      { evidence: { volunteers: 40 }, points: '1' },
    ],
    invalid: [
      { evidence: -3, code: 'out-of-range', path: ['evidence', 'x'] },
      { evidence: 2.5, code: 'invalid-value', path: ['evidence', 'x'] },
      { evidence: Number.NaN, code: 'invalid-value', path: ['evidence', 'x'] },
      { evidence: Number.POSITIVE_INFINITY, code: 'invalid-value', path: ['evidence', 'x'] },
    ],
    invalidParams: [
      {
        item: 'id: x\ntitle: { zh: 甲, en: A }\npoints: 3\nkind: count\ncap: 3\ncounts: [ { id: n, zh: 数, en: N, per: 1 }, { id: n, zh: 数, en: N, per: 1 } ]',
        code: 'duplicate-id',
        path: ['counts', 1, 'id'],
      },
      {
        item: 'id: x\ntitle: { zh: 甲, en: A }\npoints: 4\nkind: count\ncap: 3\ncounts: [ { id: n, zh: 数, en: N, per: 1 } ]',
        code: 'points-mismatch',
        path: ['points'],
      },
      { item: 'id: x\ntitle: { zh: 甲, en: A }\npoints: 3\nkind: count\ncounts: [ { id: n, zh: 数, en: N, per: 1 } ]', code: 'missing-key', path: ['cap'] },
    ],
  },
  deduct: {
    item: [
      'id: x',
      'title: { zh: 巡查, en: Patrol }',
      'points: 1',
      'kind: deduct',
      'deductions:',
      '  - { id: hazards, zh: 未整改隐患, en: Hazards not fixed, per: 0.5 }',
      '  - { id: records_incomplete, zh: 记录不完备, en: Records incomplete, flag: true, per: 0.5 }',
      'precondition: { id: regular, zh: 定期巡查, en: Regular patrols, otherwise: 0.5 }',
    ].join('\n'),
    valid: [
      { evidence: { regular: true, hazards: 0, records_incomplete: false }, points: '1' },
      { evidence: { regular: true, hazards: 1, records_incomplete: false }, points: '0.5' },
      // 1 − 0.5 − 0.5 = 0
      { evidence: { regular: true, hazards: 1, records_incomplete: true }, points: '0' },
      // 1 − 1.5 floored at 0
      { evidence: { regular: true, hazards: 3, records_incomplete: false }, points: '0' },
      // no regular patrol → 0.5, as the draft writes
      { evidence: { regular: false, hazards: 3, records_incomplete: true }, points: '0.5' },
      // without regular patrols the deductions say nothing: they may be left out, or null (~)
      { evidence: { regular: false }, points: '0.5' },
      { evidence: { regular: false, hazards: null, records_incomplete: null }, points: '0.5' },
    ],
    invalid: [
      { evidence: { regular: true, hazards: -1, records_incomplete: false }, code: 'out-of-range', path: ['evidence', 'x', 'hazards'] },
      { evidence: { regular: true, hazards: 1 }, code: 'missing-key', path: ['evidence', 'x', 'records_incomplete'] },
      { evidence: { regular: true, hazards: null, records_incomplete: false }, code: 'missing-key', path: ['evidence', 'x', 'hazards'] },
      // a deduction given is still checked when the precondition is false
      { evidence: { regular: false, hazards: 2.5 }, code: 'invalid-value', path: ['evidence', 'x', 'hazards'] },
      { evidence: { hazards: 0, records_incomplete: false }, code: 'missing-key', path: ['evidence', 'x', 'regular'] },
      { evidence: { regular: 'yes', hazards: 0, records_incomplete: false }, code: 'invalid-type', path: ['evidence', 'x', 'regular'] },
      { evidence: 2, code: 'invalid-type', path: ['evidence', 'x'] },
    ],
    invalidParams: [
      {
        // A deduction may not reuse the precondition's id either.
        item: 'id: x\ntitle: { zh: 甲, en: A }\npoints: 3\nkind: deduct\ndeductions: [ { id: p, zh: 扣, en: D, per: 0.5 } ]\nprecondition: { id: p, zh: 前提, en: P, otherwise: 0 }',
        code: 'duplicate-id',
        path: ['deductions', 0, 'id'],
      },
      {
        item: 'id: x\ntitle: { zh: 甲, en: A }\npoints: 1\nkind: deduct\ndeductions: [ { id: d, zh: 扣, en: D, per: 0.5 } ]\nprecondition: { id: p, zh: 前提, en: P, otherwise: 2 }',
        code: 'invalid-value',
        path: ['precondition', 'otherwise'],
      },
    ],
  },
  levels: {
    item: 'id: x\ntitle: { zh: 荣誉, en: Honours }\npoints: 3\nkind: levels\nlevels: [ { id: city, zh: 市级, en: City, points: 1 }, { id: provincial, zh: 省级, en: Provincial, points: 2 }, { id: national, zh: 国家级, en: National, points: 3 } ]',
    valid: [
      { evidence: [], points: '0' },
      { evidence: ['city'], points: '1' },
      { evidence: 'provincial', points: '2' },
      // highest only, not 1 + 3
      { evidence: ['city', 'national'], points: '3' },
      { evidence: ['city', 'city'], points: '1' },
    ],
    invalid: [
      { evidence: ['county'], code: 'invalid-value', path: ['evidence', 'x', 0] },
      { evidence: 3, code: 'invalid-type', path: ['evidence', 'x'] },
    ],
    invalidParams: [
      {
        item: 'id: x\ntitle: { zh: 甲, en: A }\npoints: 3\nkind: levels\nlevels: [ { id: a, zh: 甲, en: A, points: 3 }, { id: a, zh: 乙, en: B, points: 1 } ]',
        code: 'duplicate-id',
        path: ['levels', 1, 'id'],
      },
    ],
  },
  bonus: {
    item: 'id: x\ntitle: { zh: 加分, en: Bonus }\npoints: 5\nkind: bonus\ncap: 5\nwindow: { years: 3 }\nlevels: [ { id: provincial, zh: 省级, en: Provincial, points: 2 }, { id: national, zh: 国家级, en: National, points: 3 } ]',
    valid: [
      { evidence: { year: 2024, honours: [] }, points: '0' },
      { evidence: { year: 2024, honours: [{ matter: 'A', level: 'provincial', year: 2022 }] }, points: '2' },
      // 2021 is outside 2022–2024
      { evidence: { year: 2024, honours: [{ matter: 'A', level: 'national', year: 2021 }] }, points: '0' },
      // one matter at two levels counts once at national: 3
      { evidence: { year: 2024, honours: [{ matter: 'A', level: 'provincial', year: 2023 }, { matter: 'A', level: 'national', year: 2024 }] }, points: '3' },
      // a matter with a blank at an end is the same matter: 'A ' at national and 'A' at provincial count once, 3
      { evidence: { year: 2024, honours: [{ matter: 'A', level: 'provincial', year: 2023 }, { matter: 'A ', level: 'national', year: 2024 }] }, points: '3' },
      // 3 + 3 + 2 = 8, capped at 5
      {
        evidence: { year: 2024, honours: [{ matter: 'A', level: 'national', year: 2023 }, { matter: 'B', level: 'national', year: 2023 }, { matter: 'C', level: 'provincial', year: 2022 }] },
        points: '5',
      },
    ],
    invalid: [
      { evidence: { honours: [] }, code: 'missing-key', path: ['evidence', 'x', 'year'] },
      { evidence: { year: 2024, honours: [{ matter: 'A', level: 'city', year: 2023 }] }, code: 'invalid-value', path: ['evidence', 'x', 'honours', 0, 'level'] },
      { evidence: { year: 2024, honours: [{ matter: 'A', level: 'national', year: 2025 }] }, code: 'out-of-range', path: ['evidence', 'x', 'honours', 0, 'year'] },
      // a matter of blanks alone names nothing
      { evidence: { year: 2024, honours: [{ matter: ' 　', level: 'national', year: 2024 }] }, code: 'invalid-value', path: ['evidence', 'x', 'honours', 0, 'matter'] },
    ],
    invalidParams: [
      {
        item: 'id: x\ntitle: { zh: 甲, en: A }\npoints: 6\nkind: bonus\ncap: 5\nlevels: [ { id: a, zh: 甲, en: A, points: 3 } ]',
        code: 'points-mismatch',
        path: ['points'],
      },
    ],
  },
  projects: {
    item: 'id: x\ntitle: { zh: 项目, en: Projects }\npoints: 40\nkind: projects\nperCategory: 2\nscoreMax: 100\ncategories: [ { id: elderly, zh: 养老服务类, en: Elderly }, { id: safety, zh: 平安综治类, en: Safety } ]',
    valid: [
      { evidence: [], points: '0' },
      // 40 × 85 / 100 = 34
      { evidence: [{ name: 'p1', category: 'elderly', score: 85 }], points: '34' },
      // mean (80 + 85 + 86) / 3 = 83.666…, × 0.4 = 33.4666… → 33.47 (half-up to hundredths)
      {
        evidence: [
          { name: 'p1', category: 'elderly', score: 80 },
          { name: 'p2', category: 'elderly', score: 85 },
          { name: 'p3', category: 'safety', score: 86 },
        ],
        points: '33.47',
      },
    ],
    invalid: [
      {
        evidence: [
          { name: 'p1', category: 'elderly', score: 80 },
          { name: 'p2', category: 'elderly', score: 85 },
          { name: 'p3', category: 'elderly', score: 86 },
        ],
        code: 'too-many-in-category',
        path: ['evidence', 'x', 2, 'category'],
      },
      { evidence: [{ name: 'p1', category: 'elderly', score: 101 }], code: 'out-of-range', path: ['evidence', 'x', 0, 'score'] },
      { evidence: [{ name: 'p1', category: 'sports', score: 80 }], code: 'invalid-value', path: ['evidence', 'x', 0, 'category'] },
    ],
    invalidParams: [
      {
        item: 'id: x\ntitle: { zh: 甲, en: A }\npoints: 40\nkind: projects\nscoreMax: 100\ncategories: [ { id: a, zh: 甲, en: A }, { id: a, zh: 乙, en: B } ]',
        code: 'duplicate-id',
        path: ['categories', 1, 'id'],
      },
      {
        item: 'id: x\ntitle: { zh: 甲, en: A }\npoints: 40\nkind: projects\nscoreMax: 0\ncategories: [ { id: a, zh: 甲, en: A } ]',
        code: 'out-of-range',
        path: ['scoreMax'],
      },
    ],
  },
  checklist: {
    item: 'id: x\ntitle: { zh: 纠纷调处, en: Disputes }\nkind: checklist\nconditions:\n  - { id: success, zh: 调处成功率, en: Success rate, unit: "%", range: ">= 95" }\n  - { id: incidents, zh: 发案率, en: Incidents, unit: "‰", range: "<= 1.5" }\n  - { id: below_average, zh: 低于平均, en: Below average, flag: true }',
    valid: [
      { evidence: { success: 95, incidents: 1.5, below_average: true }, points: '0', met: true },
      { evidence: { success: 94.99, incidents: 1.5, below_average: true }, points: '0', met: false },
      { evidence: { success: 99, incidents: 1.51, below_average: true }, points: '0', met: false },
      { evidence: { success: 99, incidents: 0, below_average: false }, points: '0', met: false },
      // Judged not met on the criterion's wording, without figures.
      { evidence: false, points: '0', met: false },
    ],
    invalid: [
      { evidence: { success: 95, incidents: 1.5 }, code: 'missing-key', path: ['evidence', 'x', 'below_average'] },
      { evidence: { success: -5, incidents: 1, below_average: true }, code: 'out-of-range', path: ['evidence', 'x', 'success'] },
      { evidence: true, code: 'invalid-type', path: ['evidence', 'x'] },
    ],
    invalidParams: [
      {
        item: 'id: x\ntitle: { zh: 甲, en: A }\nkind: checklist\nconditions: [ { id: a, zh: 甲, en: A, flag: true }, { id: a, zh: 乙, en: B, flag: true } ]',
        code: 'duplicate-id',
        path: ['conditions', 1, 'id'],
      },
      {
        item: 'id: x\ntitle: { zh: 甲, en: A }\nkind: checklist\nconditions: [ { id: a, zh: 甲, en: A } ]',
        code: 'invalid-value',
        path: ['conditions', 0],
      },
    ],
  },
  sum: {
    item: [
      'id: x',
      'title: { zh: 品牌, en: Brand }',
      'points: 7.5',
      'kind: sum',
      'parts:',
      '  - { id: overall, title: { zh: 整体品牌, en: Overall brand }, points: 2, kind: check }',
      '  - { id: logo, title: { zh: 统一标识, en: One logo }, points: 0.5, kind: check, requires: overall }',
      '  - { id: projects, title: { zh: 品牌项目, en: Brand projects }, points: 5, kind: count, cap: 5, counts: [ { id: n, zh: 项目数, en: Projects, per: 2.5 } ] }',
    ].join('\n'),
    valid: [
      { evidence: { overall: true, logo: false, projects: 0 }, points: '2' },
      // 2 + 0.5 + min(5, 3 × 2.5) = 7.5
      { evidence: { overall: true, logo: true, projects: 3 }, points: '7.5' },
      { evidence: { overall: false, logo: false, projects: 1 }, points: '2.5' },
      // the logo requires the overall brand, not met: 0 + 0 + 2.5
      { evidence: { overall: false, logo: true, projects: 1 }, points: '2.5' },
      { evidence: { overall: true, logo: true, projects: 0 }, points: '2.5' },
    ],
    invalid: [
      { evidence: { overall: true, logo: true }, code: 'missing-key', path: ['evidence', 'x', 'projects'] },
      { evidence: { overall: true, logo: true, projects: 1, extra: 1 }, code: 'unknown-key', path: ['evidence', 'x', 'extra'] },
      { evidence: { overall: 1, logo: true, projects: 1 }, code: 'invalid-type', path: ['evidence', 'x', 'overall'] },
      // a part whose required part is not met is still validated
      { evidence: { overall: false, logo: 'yes', projects: 1 }, code: 'invalid-type', path: ['evidence', 'x', 'logo'] },
    ],
    invalidParams: [
      {
        item: 'id: x\ntitle: { zh: 甲, en: A }\npoints: 2\nkind: sum\nparts: [ { id: a, title: { zh: 甲, en: A }, points: 1, kind: check }, { id: a, title: { zh: 乙, en: B }, points: 1, kind: check } ]',
        code: 'duplicate-id',
        path: ['parts', 1, 'id'],
      },
      {
        item: 'id: x\ntitle: { zh: 甲, en: A }\npoints: 3\nkind: sum\nparts: [ { id: a, title: { zh: 甲, en: A }, points: 1, kind: check }, { id: b, title: { zh: 乙, en: B }, points: 1, kind: check } ]',
        code: 'points-mismatch',
        path: ['points'],
      },
      {
        item: 'id: x\ntitle: { zh: 甲, en: A }\npoints: 1\nkind: sum\nparts: [ { id: a, title: { zh: 甲, en: A }, points: 1, kind: chek } ]',
        code: 'unknown-kind',
        path: ['parts', 0, 'kind'],
      },
      // requires: itself, no part of the sum, an item that is not a sibling (the sum itself), a chain, a cycle, outside a sum
      {
        item: 'id: x\ntitle: { zh: 甲, en: A }\npoints: 2\nkind: sum\nparts: [ { id: a, title: { zh: 甲, en: A }, points: 1, kind: check }, { id: b, title: { zh: 乙, en: B }, points: 1, kind: check, requires: b } ]',
        code: 'invalid-value',
        path: ['parts', 1, 'requires'],
      },
      {
        item: 'id: x\ntitle: { zh: 甲, en: A }\npoints: 2\nkind: sum\nparts: [ { id: a, title: { zh: 甲, en: A }, points: 1, kind: check }, { id: b, title: { zh: 乙, en: B }, points: 1, kind: check, requires: c } ]',
        code: 'unknown-reference',
        path: ['parts', 1, 'requires'],
      },
      {
        item: 'id: x\ntitle: { zh: 甲, en: A }\npoints: 2\nkind: sum\nparts: [ { id: a, title: { zh: 甲, en: A }, points: 1, kind: check }, { id: b, title: { zh: 乙, en: B }, points: 1, kind: check, requires: x } ]',
        code: 'unknown-reference',
        path: ['parts', 1, 'requires'],
      },
      {
        item: 'id: x\ntitle: { zh: 甲, en: A }\npoints: 3\nkind: sum\nparts: [ { id: a, title: { zh: 甲, en: A }, points: 1, kind: check }, { id: b, title: { zh: 乙, en: B }, points: 1, kind: check, requires: a }, { id: c, title: { zh: 丙, en: C }, points: 1, kind: check, requires: b } ]',
        code: 'invalid-value',
        path: ['parts', 2, 'requires'],
      },
      {
        item: 'id: x\ntitle: { zh: 甲, en: A }\npoints: 2\nkind: sum\nparts: [ { id: a, title: { zh: 甲, en: A }, points: 1, kind: check, requires: b }, { id: b, title: { zh: 乙, en: B }, points: 1, kind: check, requires: a } ]',
        code: 'invalid-value',
        path: ['parts', 0, 'requires'],
      },
      { item: 'id: x\ntitle: { zh: 甲, en: A }\npoints: 1\nkind: check\nrequires: y', code: 'invalid-value', path: ['requires'] },
    ],
  },
};
