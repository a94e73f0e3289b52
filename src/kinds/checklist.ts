import { z } from 'zod';
import { Dec } from '../decimal.js';
import { issue, type Issue } from '../issues.js';
import { inRange, type Range } from '../range.js';
import { defineRuleKind, type ItemBase } from './define.js';
import { decimal, evidenceBoolean, fmt, idSchema, nonNegative, quantity, rangeSchema, uniqueIds, unitSchema, withUnit, type Unit } from './shared.js';
import { exactDouble, exactObject, plainNumber, rangeTest } from './fast.js';

const conditionSpec = z.strictObject({
  id: idSchema,
  zh: z.string().min(1),
  en: z.string().min(1),
  unit: unitSchema.optional(),
  range: rangeSchema.optional(),
  flag: z.boolean().optional(),
  /** Bounds on the evidence itself (a percentage is at most 100; a count is whole). */
  max: decimal.optional(),
  integer: z.boolean().optional(),
});

export interface ChecklistItem extends ItemBase {
  conditions?: { id: string; zh: string; en: string; unit?: Unit; range?: Range; flag?: boolean; max?: Dec; integer?: boolean }[];
}

/** The conditions' values by id; a boolean alone where the item has no conditions, or false judged on its wording. */
type Values = Record<string, Dec | boolean> | boolean;

/** checklist — a criterion met or not, decided by measured thresholds where the text names one. */
export const checklist = defineRuleKind<ChecklistItem, Values>({
  name: 'checklist',
  doc: {
    summary: {
      zh: '清单项：达到或未达到；文本给出量化标准的（如亮灯率 ≥ 90%），以实测值对照标准判定。默认不计分，可由继承的评价表赋分。',
      en: 'Met or not met; where the text names a measurable threshold (lighting ≥ 90 %) the measured value decides. No points by default; a rubric that extends it may weight it.',
    },
    example: [
      'id: g2-5',
      'title: { zh: 楼道亮灯率达90%以上, en: Stairwell lighting at least 90 % }',
      'kind: checklist',
      'conditions:',
      '  - { id: lighting_rate, zh: 楼道亮灯率, en: Stairwell lighting rate, unit: "%", range: ">= 90" }',
    ].join('\n'),
    evidenceExample: '92.5',
  },
  judgesCriteria: true,
  params: () => ({ points: nonNegative.prefault(0), conditions: z.array(conditionSpec).min(1).optional() }),
  check(item) {
    const problems: Issue[] = [];
    const unique = uniqueIds('conditions', 'condition');
    (item.conditions ?? []).forEach((c, i) => {
      const duplicate = unique(c.id, i);
      if (duplicate) problems.push(duplicate);
      if (!c.flag === !c.range) problems.push(issue('invalid-value', ['conditions', i], 'a condition has either a range (a measured threshold) or flag: true (a yes/no fact)', { expected: 'range or flag', found: c.flag ? 'both' : 'neither' }));
    });
    return problems;
  },
  maxPoints: (item) => item.points,
  evidence(item) {
    const conditions = item.conditions ?? [];
    if (conditions.length === 0) return evidenceBoolean as z.ZodType<Values>;
    const shape: Record<string, z.ZodType> = {};
    for (const c of conditions) shape[c.id] = c.flag ? evidenceBoolean : quantity(c);
    const object = z.strictObject(shape) as unknown as z.ZodType<Values>;
    // false: judged not met on the criterion's wording (无违章搭建 failed, an incident happened), whatever its figures.
    const judgedNotMet = evidenceBoolean.refine((v) => v === false, { message: 'expected false (judged not met) or the figures', params: { code: 'invalid-type', expected: 'false' } });
    const only = conditions.length === 1 ? conditions[0] : undefined;
    if (!only) return z.union([judgedNotMet, object]) as unknown as z.ZodType<Values>;
    // A sole flag's bare false already says not met.
    if (only.flag) return z.union([evidenceBoolean.transform((v) => ({ [only.id]: v })), object]) as unknown as z.ZodType<Values>;
    return z.union([quantity(only).transform((v) => ({ [only.id]: v })), judgedNotMet, object]) as unknown as z.ZodType<Values>;
  },
  fast(item, ctx) {
    const points = ctx.scaled(item.points);
    if (points === undefined) return undefined;
    const conditions = item.conditions ?? [];
    if (conditions.length === 0) return (raw) => (raw === true ? points : raw === false ? 0 : undefined);
    const tests: { id: string; flag: boolean; test?: (x: number) => boolean; integer?: boolean; max?: number }[] = [];
    for (const c of conditions) {
      if (c.flag) {
        tests.push({ id: c.id, flag: true });
        continue;
      }
      const test = rangeTest(c.range as Range);
      const max = c.max ? exactDouble(c.max) : undefined;
      if (!test || (c.max && max === undefined)) return undefined;
      tests.push({ id: c.id, flag: false, test, integer: c.integer, max });
    }
    const ids = tests.map((t) => t.id);
    const only = tests.length === 1 ? tests[0] : undefined;
    const holds = (t: (typeof tests)[number], v: unknown): boolean | undefined => {
      if (t.flag) return typeof v === 'boolean' ? v : undefined;
      const x = plainNumber(v, t.integer, t.max);
      return x === undefined ? undefined : (t.test as (x: number) => boolean)(x);
    };
    return (raw) => {
      if (raw === false) return 0;
      let met = true;
      if (only && (typeof raw === 'number' || typeof raw === 'boolean')) {
        const h = holds(only, raw);
        if (h === undefined) return undefined;
        met = h;
      } else {
        const o = exactObject(raw, ids);
        if (!o) return undefined;
        for (const t of tests) {
          const h = holds(t, o[t.id]);
          if (h === undefined) return undefined;
          met &&= h;
        }
      }
      return met ? points : 0;
    };
  },
  score(item, values) {
    const conditions = item.conditions ?? [];
    let met: boolean;
    const zh: string[] = [];
    const en: string[] = [];
    if (typeof values === 'boolean') {
      // No conditions: the judgement itself; with conditions the schema lets only false through (judged on the wording).
      met = values;
      if (conditions.length > 0) {
        zh.push('经评定未达到条文要求（未记录测量值）');
        en.push("judged not met on the criterion's wording (no measurement recorded)");
      }
    } else {
      met = true;
      for (const c of conditions) {
        const v = values[c.id];
        const ok = c.flag ? v === true : v instanceof Dec && inRange(v, c.range as Range);
        met &&= ok;
        // The condition's label, its value with its unit, and the standard: the rubric's words in each language.
        const shown = typeof v === 'boolean' ? { zh: v ? '是' : '否', en: v ? 'yes' : 'no' } : withUnit(fmt(v as Dec), c.unit);
        const needs = c.range ? withUnit(c.range.text, c.unit) : undefined;
        zh.push(`${c.zh} ${shown.zh}${needs ? `（标准 ${needs.zh}）` : ''}${ok ? '✓' : '✗'}`);
        en.push(`${c.en}${typeof v === 'boolean' ? ':' : ''} ${shown.en}${needs ? ` (needs ${needs.en})` : ''} ${ok ? '✓' : '✗'}`);
      }
    }
    const points = met ? item.points : Dec.ZERO;
    return {
      points,
      met,
      reason: {
        zh: `${zh.length ? `${zh.join('；')}：` : ''}${met ? '达到' : '未达到'}${item.points.isZero() ? '' : `，得 ${fmt(points)} 分`}`,
        en: `${en.length ? `${en.join('; ')}: ` : ''}${met ? 'met' : 'not met'}${item.points.isZero() ? '' : `: ${fmt(points)}`}`,
      },
    };
  },
  measure(item, values, field) {
    const id = field ?? (item.conditions?.length === 1 ? item.conditions[0]?.id : undefined);
    const v = id && typeof values !== 'boolean' ? values[id] : undefined;
    return v instanceof Dec ? v : undefined;
  },
});
