import { z } from 'zod';
import { Dec } from '../decimal.js';
import { defineRuleKind, type ItemBase } from './define.js';
import { fmt, nonNegative, perUnitShape, quantity, duplicateIds, withUnit } from './shared.js';
import { exactObject, plainNumber, steps } from './fast.js';

const countSpec = z.strictObject(perUnitShape);

export interface CountItem extends ItemBase {
  cap: Dec;
  counts: z.output<typeof countSpec>[];
}

type Counts = Record<string, Dec>;

/** count — points per unit or per step of units, summed over kinds of unit, capped. */
export const count = defineRuleKind<CountItem, Counts>({
  name: 'count',
  doc: {
    summary: {
      zh: '按数量计分（每个/每若干个得若干分），多类数量相加，封顶。',
      en: 'Points per unit or per step of units (0.5 per 20 volunteers), summed over counts, capped.',
    },
    example: [
      'id: volunteers',
      'title: { zh: 在册志愿者, en: Registered volunteers }',
      'points: 3',
      'kind: count',
      'cap: 3',
      'counts:',
      '  - { id: volunteers, zh: 在册志愿者人数, en: Registered volunteers, unit: { zh: 人, en: people, enOne: person }, per: 0.5, step: 20 }',
    ].join('\n'),
    evidenceExample: '130',
  },
  params: () => ({ cap: nonNegative, counts: z.array(countSpec).min(1) }),
  check: (item) => duplicateIds(item.counts, 'counts', 'count'),
  maxPoints: (item) => item.cap,
  evidence(item) {
    const shape: Record<string, z.ZodType> = {};
    for (const c of item.counts) shape[c.id] = quantity({ integer: c.integer ?? true, unit: c.unit });
    const object = z.strictObject(shape) as unknown as z.ZodType<Counts>;
    const only = item.counts.length === 1 ? item.counts[0] : undefined;
    if (!only) return object;
    return z.union([quantity({ integer: only.integer ?? true, unit: only.unit }).transform((v) => ({ [only.id]: v })), object]) as unknown as z.ZodType<Counts>;
  },
  fast(item, ctx) {
    const cap = ctx.scaled(item.cap);
    const counts: { id: string; per: number; step: number }[] = [];
    for (const c of item.counts) {
      const per = ctx.scaled(c.per);
      const step = (c.step ?? Dec.ONE).isInteger() ? Number((c.step ?? Dec.ONE).n) : undefined;
      if (per === undefined || step === undefined) return undefined;
      counts.push({ id: c.id, per, step });
    }
    if (cap === undefined) return undefined;
    const ids = counts.map((c) => c.id);
    const single = counts.length === 1 ? counts[0] : undefined;
    return (raw) => {
      let total = 0;
      if (single && typeof raw === 'number') {
        const n = plainNumber(raw, true);
        const k = n === undefined ? undefined : steps(n, single.step);
        if (k === undefined) return undefined;
        total = k * single.per;
      } else {
        const o = exactObject(raw, ids);
        if (!o) return undefined;
        for (const c of counts) {
          // whole numbers only: fractional hours and the like take the exact path
          const n = plainNumber(o[c.id], true);
          const k = n === undefined ? undefined : steps(n, c.step);
          if (k === undefined) return undefined;
          total += k * c.per;
        }
      }
      return Number.isSafeInteger(total) ? Math.min(total, cap) : undefined;
    };
  },
  score(item, counts) {
    let raw = Dec.ZERO;
    const zh: string[] = [];
    const en: string[] = [];
    for (const c of item.counts) {
      const n = counts[c.id] ?? Dec.ZERO;
      const step = c.step ?? Dec.ONE;
      const steps = n.div(step).floor();
      const got = steps.mul(c.per);
      raw = raw.add(got);
      // The count's label and value with its unit; a step of more than 1 is shown with its unit too.
      const value = withUnit(fmt(n), c.unit);
      const each = step.eq(Dec.ONE) ? undefined : withUnit(fmt(step), c.unit);
      zh.push(`${c.zh} ${value.zh}${each ? `（每 ${each.zh}计 ${fmt(c.per)} 分）` : ` × ${fmt(c.per)}`} = ${fmt(got)}`);
      en.push(`${c.en} ${value.en}${each ? ` → ${fmt(steps)} ${steps.eq(Dec.ONE) ? 'step' : 'steps'} of ${each.en} × ${fmt(c.per)}` : ` × ${fmt(c.per)}`} = ${fmt(got)}`);
    }
    const points = Dec.min(raw, item.cap);
    const capped = raw.gt(item.cap);
    return {
      points,
      reason: {
        zh: `${zh.join('；')}${capped ? `；合计 ${fmt(raw)}，封顶 ${fmt(item.cap)}` : ''}，得 ${fmt(points)} 分`,
        en: `${en.join('; ')}${capped ? `; total ${fmt(raw)} capped at ${fmt(item.cap)}` : ''}: ${fmt(points)}`,
      },
      detail: { uncapped: fmt(raw) },
    };
  },
  measure(item, counts, field) {
    const id = field ?? (item.counts.length === 1 ? item.counts[0]?.id : undefined);
    return id ? counts[id] : undefined;
  },
});
