import { z } from 'zod';
import { Dec } from '../decimal.js';
import { issue, type Issue } from '../issues.js';
import { defineRuleKind, type Bilingual, type ItemBase } from './define.js';
import { evidenceBoolean, fmt, idSchema, nonNegative, perUnitShape, quantity, uniqueIds, withUnit } from './shared.js';
import { exactObject, plainNumber, steps } from './fast.js';
import { isRecord } from '../is-record.js';

const deductionSpec = z.strictObject({
  ...perUnitShape,
  /** The deduction counts whole steps short of this target instead of the value itself. */
  shortOf: nonNegative.optional(),
  /** A yes/no defect: true deducts `per` once. */
  flag: z.boolean().optional(),
});

const preconditionSpec = z.strictObject({
  id: idSchema,
  zh: z.string().min(1),
  en: z.string().min(1),
  otherwise: nonNegative,
  note: z.string().optional(),
});

export interface DeductItem extends ItemBase {
  deductions: z.output<typeof deductionSpec>[];
  precondition?: z.output<typeof preconditionSpec>;
}

type Values = Record<string, Dec | boolean>;

const numeric = (item: DeductItem) => item.deductions.filter((d) => !d.flag);
const sole = (item: DeductItem) => (numeric(item).length === 1 && item.deductions.length === 1 && !item.precondition ? item.deductions[0] : undefined);

/**
 * Evidence for an item with a precondition. When the precondition is false
 * the item scores `otherwise` and its deductions say nothing (no patrols, so
 * no patrol records to judge): they may be left out or null. Otherwise each
 * is required, and every missing one is reported with the other problems.
 */
function withPrecondition(item: DeductItem, deductions: Record<string, z.ZodType>, pre: string): z.ZodType<Values> {
  const shape: Record<string, z.ZodType> = {};
  for (const [id, schema] of Object.entries(deductions)) shape[id] = schema.nullish();
  shape[pre] = evidenceBoolean;
  const requireDeductions = (v: unknown, ctx: z.RefinementCtx): void => {
    // A value that is no mapping at all is reported as such, without its keys besides.
    if (!isRecord(v) || v[pre] === false) return;
    for (const d of item.deductions) {
      if (v[d.id] != null) continue;
      const expected = d.flag ? 'true or false' : 'a number';
      ctx.addIssue({ code: 'custom', path: [d.id], message: `"${d.id}" is required unless ${pre} is false`, params: { code: 'missing-key', expected } });
    }
  };
  // For editors (the evidence JSON Schema): the same rule as if / else.
  const rule = { if: { properties: { [pre]: { const: false } }, required: [pre] }, else: { required: item.deductions.map((d) => d.id), properties: Object.fromEntries(item.deductions.map((d) => [d.id, { not: { type: 'null' } }])) } };
  // `when`: also on an object with other problems, so that all are reported in one pass.
  return z
    .strictObject(shape)
    .meta(rule)
    .superRefine(requireDeductions, { when: () => true })
    .transform((v) => Object.fromEntries(Object.entries(v).filter(([, x]) => x != null)) as Values) as unknown as z.ZodType<Values>;
}

/**
 * The fast path for evidence that says the precondition failed and gives no
 * deduction (each left out or null): `otherwise`. Anything else (a deduction
 * given, whose value the exact path must check) declines.
 */
function withoutDeductions(raw: unknown, pre: string, ids: readonly string[], otherwise: number): number | undefined {
  if (!isRecord(raw) || Object.getPrototypeOf(raw) !== Object.prototype) return undefined;
  let sawPre = false;
  for (const k in raw) {
    // An inherited enumerable key is one the exact path's strict object refuses: decline.
    if (!Object.prototype.hasOwnProperty.call(raw, k) || !ids.includes(k)) return undefined;
    if (k === pre) sawPre = raw[k] === false;
    else if (raw[k] !== null) return undefined;
  }
  return sawPre ? otherwise : undefined;
}

/** What a deduction takes off, in words: "扣 0.5" / "−0.5", or none. */
function deducted(off: Dec): Bilingual {
  return off.isZero() ? { zh: '无扣分', en: 'no deduction' } : { zh: `扣 ${fmt(off)}`, en: `−${fmt(off)}` };
}

/** deduct — start from the maximum, subtract per defect or per step short, never below zero. */
export const deduct = defineRuleKind<DeductItem, Values>({
  name: 'deduct',
  doc: {
    summary: {
      zh: '从满分起扣：每处问题扣若干分、每少若干（学时）扣若干分、某项不符扣若干分，扣完为止，不得负分。',
      en: 'Start from the maximum, minus points per defect, per whole step short of a target, or per failed flag; never below zero.',
    },
    example: [
      'id: cleanliness',
      'title: { zh: 室内外环境卫生整洁, en: Clean indoors and out }',
      'points: 2',
      'kind: deduct',
      'deductions:',
      '  - { id: defects, zh: 发现问题处数, en: Defects found, unit: { zh: 处, en: places, enOne: place }, per: 0.5 }',
    ].join('\n'),
    evidenceExample: '1',
  },
  params: () => ({ deductions: z.array(deductionSpec).min(1), precondition: preconditionSpec.optional() }),
  check(item) {
    const problems: Issue[] = [];
    const unique = uniqueIds('deductions', undefined, item.precondition ? [item.precondition.id] : []);
    item.deductions.forEach((d, i) => {
      const duplicate = unique(d.id, i);
      if (duplicate) problems.push(duplicate);
      if (d.flag && (d.shortOf || d.step)) {
        const found = [d.shortOf ? 'shortOf' : '', d.step ? 'step' : ''].filter(Boolean).join(' and ');
        problems.push(issue('invalid-value', ['deductions', i], 'a flag deduction takes neither shortOf nor step', { expected: 'flag: true alone', found: `flag: true with ${found}` }));
      }
    });
    if (item.precondition && item.precondition.otherwise.gt(item.points)) {
      problems.push(issue('invalid-value', ['precondition', 'otherwise'], 'otherwise cannot exceed the item’s points', { expected: `at most ${fmt(item.points)}`, found: fmt(item.precondition.otherwise) }));
    }
    return problems;
  },
  maxPoints: (item) => item.points,
  evidence(item) {
    const shape: Record<string, z.ZodType> = {};
    for (const d of item.deductions) shape[d.id] = d.flag ? evidenceBoolean : quantity({ integer: d.integer ?? !d.shortOf, unit: d.unit });
    if (item.precondition) return withPrecondition(item, shape, item.precondition.id);
    const object = z.strictObject(shape) as unknown as z.ZodType<Values>;
    const only = sole(item);
    if (!only) return object;
    return z.union([quantity({ integer: only.integer ?? !only.shortOf, unit: only.unit }).transform((v) => ({ [only.id]: v })), object]) as unknown as z.ZodType<Values>;
  },
  fast(item, ctx) {
    const points = ctx.scaled(item.points);
    const otherwise = item.precondition ? ctx.scaled(item.precondition.otherwise) : 0;
    if (points === undefined || otherwise === undefined) return undefined;
    const deductions: { id: string; flag: boolean; per: number; step: number; shortOf?: number }[] = [];
    for (const d of item.deductions) {
      const per = ctx.scaled(d.per);
      const step = d.step ?? Dec.ONE;
      if (per === undefined || !step.isInteger()) return undefined;
      if (d.shortOf && !d.shortOf.isInteger()) return undefined;
      deductions.push({ id: d.id, flag: d.flag === true, per, step: Number(step.n), ...(d.shortOf ? { shortOf: Number(d.shortOf.n) } : {}) });
    }
    const ids = [...deductions.map((d) => d.id), ...(item.precondition ? [item.precondition.id] : [])];
    const only = sole(item);
    const pre = item.precondition?.id;
    return (raw) => {
      const o: Record<string, unknown> | undefined = only && typeof raw === 'number' ? { [only.id]: raw } : exactObject(raw, ids);
      if (!o) return pre === undefined ? undefined : withoutDeductions(raw, pre, ids, otherwise);
      const regular = pre === undefined ? true : o[pre];
      if (typeof regular !== 'boolean') return undefined;
      let off = 0;
      for (const d of deductions) {
        const v = o[d.id];
        if (d.flag) {
          if (typeof v !== 'boolean') return undefined;
          if (v) off += d.per;
          continue;
        }
        // whole numbers only: fractional hours take the exact path
        const n = plainNumber(v, true);
        if (n === undefined) return undefined;
        const k = steps(d.shortOf !== undefined ? Math.max(0, d.shortOf - n) : n, d.step);
        if (k === undefined) return undefined;
        off += k * d.per;
      }
      if (!Number.isSafeInteger(off)) return undefined;
      // The precondition decides only once every field is known to be valid.
      return regular ? Math.max(0, points - off) : otherwise;
    };
  },
  score(item, values) {
    if (item.precondition && values[item.precondition.id] === false) {
      const p = item.precondition;
      return {
        points: p.otherwise,
        reason: { zh: `未满足「${p.zh}」：按规定得 ${fmt(p.otherwise)} 分`, en: `${p.en}: no — scores ${fmt(p.otherwise)} as written` },
      };
    }
    let total = Dec.ZERO;
    const zh: string[] = [];
    const en: string[] = [];
    for (const d of item.deductions) {
      const v = values[d.id];
      if (d.flag) {
        // A flag is named only when it deducts.
        if (v === true) {
          const minus = deducted(d.per);
          total = total.add(d.per);
          zh.push(`${d.zh}：${minus.zh}`);
          en.push(`${d.en}: ${minus.en}`);
        }
        continue;
      }
      const n = v instanceof Dec ? v : Dec.ZERO;
      const step = d.step ?? Dec.ONE;
      const counted = d.shortOf ? Dec.max(Dec.ZERO, d.shortOf.sub(n)) : n;
      const steps = counted.div(step).floor();
      const off = steps.mul(d.per);
      total = total.add(off);
      const value = withUnit(fmt(n), d.unit);
      const minus = deducted(off);
      if (!d.shortOf) {
        zh.push(`${d.zh} ${value.zh}，${minus.zh}`);
        en.push(`${d.en} ${value.en}: ${minus.en}`);
      } else if (counted.isZero()) {
        const target = withUnit(fmt(d.shortOf), d.unit);
        zh.push(`${d.zh} ${value.zh}，不少于 ${target.zh}，${minus.zh}`);
        en.push(`${d.en} ${value.en}, not short of ${target.en}: ${minus.en}`);
      } else {
        // Short of the target: by how much, then (for steps of more than 1) how many whole steps that is;
        // target, shortfall and step in the value's unit, as count words its steps.
        const [target, by, of] = [d.shortOf, counted, step].map((x) => withUnit(fmt(x), d.unit)) as [Bilingual, Bilingual, Bilingual];
        const short = { zh: `较 ${target.zh} 少 ${by.zh}`, en: `${by.en} short of ${target.en}` };
        const whole = step.eq(Dec.ONE)
          ? undefined
          : steps.isZero()
            ? { zh: `不满 ${of.zh}`, en: `less than one step of ${of.en}` }
            : { zh: `满 ${of.zh} 的 ${fmt(steps)} 个`, en: `${fmt(steps)} whole step${steps.eq(Dec.ONE) ? '' : 's'} of ${of.en}` };
        zh.push(`${d.zh} ${value.zh}，${short.zh}${whole ? `，${whole.zh}` : ''}，${minus.zh}`);
        en.push(`${d.en} ${value.en}: ${short.en}${whole ? `, ${whole.en}` : ''}: ${minus.en}`);
      }
    }
    const points = Dec.max(Dec.ZERO, item.points.sub(total));
    const floored = total.gt(item.points);
    return {
      points,
      reason: {
        zh: `满分 ${fmt(item.points)}；${zh.join('；') || '无扣分'}${floored ? '；扣完为止' : ''}，得 ${fmt(points)} 分`,
        en: `from ${fmt(item.points)}; ${en.join('; ') || 'no deductions'}${floored ? '; floored at 0' : ''}: ${fmt(points)}`,
      },
      detail: { deducted: fmt(total) },
    };
  },
  measure(item, values, field) {
    const id = field ?? sole(item)?.id;
    const v = id ? values[id] : undefined;
    return v instanceof Dec ? v : undefined;
  },
});
