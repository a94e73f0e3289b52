import { z } from 'zod';
import { Dec } from '../decimal.js';
import { issue, type Issue } from '../issues.js';
import { inRange, rangeWithin, type Range } from '../range.js';
import { defineRuleKind, type ItemBase } from './define.js';
import { decimal, fmt, measureSpec, positive, quantity, rangeSchema, unitSchema, type MeasureSpec } from './shared.js';
import { tiersFast, tiersTrace } from './tiers-fast.js';
import { tiersReason, wordsOf } from './tiers-words.js';

const derivedSpec = z.strictObject({
  zh: z.string().min(1),
  en: z.string().min(1),
  unit: unitSchema.optional(),
  ratio: z.tuple([z.string(), z.string()]),
  scale: positive.optional(),
});

const tierSpec = z.strictObject({
  points: decimal,
  when: z.record(z.string(), rangeSchema),
  category: z.string().optional(),
  note: z.string().optional(),
});

/**
 * Tiers that can never be the highest reached: whenever such a tier holds, a
 * tier worth more holds too (its conditions are on the same quantities, and
 * looser). A threshold raised on the wrong tier ("1 point from 15 workers"
 * beside "3 points from 10") leaves one, which no score would ever show.
 */
function neverScored(item: TiersItem): Issue[] {
  const text = (t: TiersItem['tiers'][number]) => Object.entries(t.when).map(([q, r]) => `${q} ${r.text}`).join(' & ');
  const problems: Issue[] = [];
  item.tiers.forEach((tier, i) => {
    const wider = item.tiers.findIndex(
      (other) => other.points.gt(tier.points) && Object.entries(other.when).every(([q, r]) => tier.when[q] !== undefined && rangeWithin(tier.when[q], r)),
    );
    const over = item.tiers[wider];
    if (!over) return;
    problems.push(
      issue('invalid-value', ['tiers', i, 'when'], `the tier worth ${fmt(tier.points)} is never scored: whenever it holds, tier ${wider + 1}, worth ${fmt(over.points)}, holds too`, {
        expected: `conditions that tier ${wider + 1} (${text(over)}) does not cover`,
        found: text(tier),
      }),
    );
  });
  return problems;
}

export interface TiersItem extends ItemBase {
  measures: Record<string, MeasureSpec>;
  derived?: Record<string, z.output<typeof derivedSpec>>;
  tiers: { points: Dec; when: Record<string, Range>; category?: string; note?: string }[];
}

type Values = Record<string, Dec>;

/** The measures and the derived quantities (undefined where a denominator is 0). */
function quantities(item: TiersItem, values: Values): Record<string, Dec | undefined> {
  const all: Record<string, Dec | undefined> = { ...values };
  for (const [id, spec] of Object.entries(item.derived ?? {})) {
    const [num, den] = spec.ratio;
    const n = values[num];
    const d = values[den];
    all[id] = n && d && !d.isZero() ? n.div(d).mul(spec.scale ?? Dec.ONE) : undefined;
  }
  return all;
}

const soleMeasure = (item: TiersItem): string | undefined => {
  const ids = Object.keys(item.measures);
  return ids.length === 1 && Object.keys(item.derived ?? {}).length === 0 ? ids[0] : undefined;
};

/** tiers — measured quantities against thresholds; the highest tier reached scores. */
export const tiers = defineRuleKind<TiersItem, Values>({
  name: 'tiers',
  doc: {
    summary: {
      zh: '按实测数值对照阈值分档，取达到的最高档分值；可由两个实测量精确计算比值（如每百户面积）。',
      en: 'Measured quantities against thresholds; the highest tier whose conditions all hold scores. Ratios of two measures (area per 100 households) are derived exactly.',
    },
    example: [
      'id: "3.2a"',
      'title: { zh: 持证社会工作者占比, en: Share of certified social workers }',
      'points: 2',
      'kind: tiers',
      'measures:',
      '  workers: { zh: 社区工作者人数, en: Community workers, unit: { zh: 人, en: people, enOne: person }, integer: true }',
      '  certified: { zh: 持证人数, en: Certified, unit: { zh: 人, en: people, enOne: person }, integer: true, atMost: workers }',
      'derived:',
      '  share: { zh: 持证占比, en: Certified share, unit: "%", ratio: [certified, workers], scale: 100 }',
      'tiers:',
      '  - { points: 1, when: { share: ">= 10" }, category: 基础项 }',
      '  - { points: 1.5, when: { share: ">= 20" }, category: 加强项 }',
      '  - { points: 2, when: { share: ">= 30" }, category: 优选项 }',
    ].join('\n'),
    evidenceExample: '{ workers: 20, certified: 5 }',
  },
  params: () => ({
    measures: z.record(z.string(), measureSpec).refine((m) => Object.keys(m).length > 0, 'at least one measure'),
    derived: z.record(z.string(), derivedSpec).optional(),
    tiers: z.array(tierSpec).min(1),
  }),
  check(item) {
    const problems: Issue[] = [];
    const known = new Set([...Object.keys(item.measures), ...Object.keys(item.derived ?? {})]);
    for (const [id, spec] of Object.entries(item.derived ?? {})) {
      if (item.measures[id]) problems.push(issue('duplicate-id', ['derived', id], `"${id}" is both a measure and a derived quantity`, { expected: 'a name no measure has', found: id }));
      spec.ratio.forEach((m, i) => {
        if (!item.measures[m]) problems.push(issue('unknown-reference', ['derived', id, 'ratio', i], `"${m}" is not a measure of this item`, { expected: [...Object.keys(item.measures)].join(', '), found: m }));
      });
    }
    for (const [id, spec] of Object.entries(item.measures)) {
      if (spec.atMost && !item.measures[spec.atMost]) problems.push(issue('unknown-reference', ['measures', id, 'atMost'], `"${spec.atMost}" is not a measure of this item`, { expected: Object.keys(item.measures).join(', '), found: spec.atMost }));
    }
    item.tiers.forEach((tier, i) => {
      for (const q of Object.keys(tier.when)) {
        if (!known.has(q)) problems.push(issue('unknown-reference', ['tiers', i, 'when', q], `"${q}" is not a measure or derived quantity of this item`, { expected: [...known].join(', '), found: q }));
      }
    });
    problems.push(...neverScored(item));
    return problems;
  },
  maxPoints: (item) => item.tiers.reduce((m, t) => Dec.max(m, t.points), Dec.ZERO),
  evidence(item) {
    const shape: Record<string, z.ZodType> = {};
    for (const [id, spec] of Object.entries(item.measures)) shape[id] = quantity(spec);
    const object = z.strictObject(shape).superRefine((values, ctx) => {
      for (const [id, spec] of Object.entries(item.measures)) {
        const other = spec.atMost ? (values as Values)[spec.atMost] : undefined;
        const v = (values as Values)[id];
        if (spec.atMost && other && v && v.gt(other)) {
          ctx.addIssue({
            code: 'custom',
            path: [id],
            message: `${id} (${fmt(v)}) cannot exceed ${spec.atMost} (${fmt(other)})`,
            params: { code: 'out-of-range', expected: `at most ${spec.atMost} = ${fmt(other)}`, found: fmt(v) },
          });
        }
      }
    }) as unknown as z.ZodType<Values>;
    const sole = soleMeasure(item);
    if (!sole) return object;
    const spec = item.measures[sole] as MeasureSpec;
    return z.union([quantity(spec).transform((v) => ({ [sole]: v }) as Values), object]) as unknown as z.ZodType<Values>;
  },
  fast(item, ctx) {
    return tiersFast(item, ctx, soleMeasure(item) !== undefined);
  },
  fastTrace(item, ctx) {
    return tiersTrace(item, ctx, soleMeasure(item) !== undefined);
  },
  score(item, values) {
    const words = wordsOf(item);
    const q = quantities(item, values);
    const detail: Record<string, string | null> = {};
    // Each quantity is written out once, for both languages.
    const texts = words.ids.map((id, k) => {
      const v = q[id];
      if (words.labels[k]?.derived) detail[id] = v ? v.toString() : null;
      return v ? fmt(v) : undefined;
    });
    let best: number | undefined;
    for (let t = 0; t < item.tiers.length; t++) {
      const tier = item.tiers[t] as TiersItem['tiers'][number];
      let holds = true;
      for (const [id, range] of words.conditions[t] as [string, Range][]) {
        const v = q[id];
        if (v === undefined || !inRange(v, range)) {
          holds = false;
          break;
        }
      }
      if (holds && (best === undefined || tier.points.gt((item.tiers[best] as TiersItem['tiers'][number]).points))) best = t;
    }
    return { points: best === undefined ? Dec.ZERO : (item.tiers[best] as TiersItem['tiers'][number]).points, reason: tiersReason(words, texts, best), detail };
  },
  measure(item, values, field) {
    const id = field ?? soleMeasure(item);
    return id ? quantities(item, values)[id] : undefined;
  },
});
