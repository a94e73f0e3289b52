import { z } from 'zod';
import { Dec } from '../decimal.js';
import { issue, type Issue } from '../issues.js';
import { coverageProblems, inRange, type Range } from '../range.js';
import { defineRuleKind, type Bilingual, type FastContext, type ItemBase } from './define.js';
import { numberText } from './fast-text.js';
import { decimal, fmt, quantity, rangeSchema } from './shared.js';
import { plainNumber, rangeTest } from './fast.js';

const bandSpec = z.strictObject({
  range: rangeSchema,
  points: decimal,
  category: z.string().optional(),
});

interface RateBand {
  range: Range;
  points: Dec;
  category?: string;
}

export interface RateItem extends ItemBase {
  mode: 'linear' | 'bands';
  bands?: RateBand[];
}

const rateValue = quantity({ max: Dec.ONE, description: 'a fraction from 0 to 1 (0.93 for 93 %)' });
// Kept as given (respondents satisfied of respondents asked): the reason shows the count, the trace echoes it.
const counted = z
  .strictObject({ count: quantity({ integer: true }), of: quantity({ integer: true }) })
  .superRefine((v, ctx) => {
    if (v.of.isZero()) ctx.addIssue({ code: 'custom', path: ['of'], message: 'no respondents: the rate is undefined', params: { code: 'out-of-range', expected: 'at least 1', found: '0' } });
    else if (v.count.gt(v.of)) ctx.addIssue({ code: 'custom', path: ['count'], message: `count (${fmt(v.count)}) cannot exceed of (${fmt(v.of)})`, params: { code: 'out-of-range', expected: `at most ${fmt(v.of)}`, found: fmt(v.count) } });
  });

/** A rate item's evidence as its schema gives it: the rate, or the count it is made of (`of` > 0). */
export type RateValue = Dec | { count: Dec; of: Dec };

/** The rate a value stands for. */
export const rateOf = (v: RateValue): Dec => (v instanceof Dec ? v : v.count.div(v.of));

/** The rate as a reason shows it: the number, or the count it is made of and the number ("56 of 60 = 0.9333…"). */
function rateWords(v: RateValue): Bilingual {
  const r = fmt(rateOf(v));
  if (v instanceof Dec) return { zh: r, en: r };
  return { zh: `${fmt(v.of)} 人中 ${fmt(v.count)} 人满意 = ${r}`, en: `${fmt(v.count)} of ${fmt(v.of)} = ${r}` };
}

type Band = NonNullable<RateItem['bands']>[number];

/** The bands of a rate item for the fast paths: a test on plain numbers and integer points each; undefined when not plain. */
function fastBands(item: RateItem, ctx: FastContext): { test: (x: number) => boolean; points: number; band: Band }[] | undefined {
  if (item.mode !== 'bands') return undefined;
  const bands: { test: (x: number) => boolean; points: number; band: Band }[] = [];
  for (const band of item.bands ?? []) {
    const test = rangeTest(band.range);
    const points = ctx.scaled(band.points);
    if (!test || points === undefined) return undefined;
    bands.push({ test, points, band });
  }
  return bands;
}

/** The reason of a rate scored by bands, from the rate's words and the band it lies in (none: 0). */
function bandReason(rate: Bilingual, band: Band | undefined): Bilingual {
  if (!band) return { zh: `比率 ${rate.zh}：低于所有分段，得 0 分`, en: `rate ${rate.en}: in no band: 0` };
  const points = fmt(band.points);
  return {
    zh: `比率 ${rate.zh} 在 ${band.range.text}${band.category ? `（${band.category}）` : ''}，得 ${points} 分`,
    en: `rate ${rate.en} in ${band.range.text}${band.category ? ` (${band.category})` : ''}: ${points}`,
  };
}

/** rate — a rate in [0, 1] gives points linearly (points × rate) or by bands. */
export const rate = defineRuleKind<RateItem, RateValue>({
  name: 'rate',
  doc: {
    summary: {
      zh: '比率（0～1）折算分值：线性（满分 × 比率）或分段取分；可直接给比率，或给满意人数与调查人数。',
      en: 'A rate in [0, 1] → points, linearly (points × rate) or by bands; evidence is the rate or { count, of }.',
    },
    example: [
      'id: "4.5"',
      'title: { zh: 社区服务群众满意度, en: Residents’ satisfaction }',
      'points: 10',
      'kind: rate',
      'mode: bands',
      'bands:',
      '  - { range: "[0.96, 1]", points: 10 }',
      '  - { range: "[0.9, 0.96)", points: 8 }',
      '  - { range: "[0.8, 0.9)", points: 6 }',
    ].join('\n'),
    evidenceExample: '0.93',
  },
  params: () => ({ mode: z.enum(['linear', 'bands']), bands: z.array(bandSpec).min(1).optional() }),
  check(item) {
    const problems: Issue[] = [];
    if (item.mode === 'bands' && !item.bands) problems.push(issue('missing-key', ['bands'], 'mode "bands" needs a list of bands', { expected: 'bands' }));
    if (item.mode === 'linear' && item.bands) problems.push(issue('invalid-value', ['bands'], 'bands are only used with mode "bands"', { expected: 'mode: bands, or no bands', found: 'mode: linear with bands' }));
    const bands = item.bands ?? [];
    for (const p of coverageProblems(bands.map((b) => b.range), Dec.ZERO)) {
      // A rate below every band scores 0; one between two bands scoring 0 is a slip (an edited threshold that left a hole).
      if (p.kind === 'gap' && p.b !== undefined) {
        problems.push(
          issue('band-gap', ['bands', p.b, 'range'], `the bands leave a gap ${p.at}: a rate there would score 0`, {
            expected: 'bands that meet (a band worth 0 marks a gap meant)',
            found: `no band ${p.at}`,
          }),
        );
      }
      if (p.kind === 'overlap') {
        const [a, b] = [bands[p.a], bands[p.b ?? p.a]] as [RateBand, RateBand];
        problems.push(
          issue('band-overlap', ['bands', p.b ?? p.a, 'range'], `bands ${p.a + 1} and ${(p.b ?? p.a) + 1} overlap at ${p.at}`, {
            expected: 'bands that share no rate',
            found: `${a.range.text} → ${fmt(a.points)} and ${b.range.text} → ${fmt(b.points)}`,
          }),
        );
      }
    }
    bands.forEach((b, i) => {
      if ((b.range.min && b.range.min.gt(Dec.ONE)) || (b.range.max && b.range.max.isNegative())) {
        problems.push(issue('invalid-range', ['bands', i, 'range'], `the band ${b.range.text} lies outside [0, 1]: a rate is a fraction, not a percentage`, { expected: 'a range within [0, 1]', found: b.range.text }));
      }
    });
    return problems;
  },
  maxPoints: (item) => (item.mode === 'linear' ? item.points : (item.bands ?? []).reduce((m, b) => Dec.max(m, b.points), Dec.ZERO)),
  evidence: () => z.union([rateValue, counted]) as unknown as z.ZodType<RateValue>,
  fast(item, ctx) {
    const bands = fastBands(item, ctx);
    if (!bands) return undefined;
    return (raw) => {
      const x = plainNumber(raw, false, 1);
      if (x === undefined) return undefined;
      for (const b of bands) if (b.test(x)) return b.points;
      return 0;
    };
  },
  score(item, value) {
    const r = rateOf(value);
    const rate = rateWords(value);
    if (item.mode === 'linear') {
      const points = item.points.mul(r);
      return {
        points,
        reason: { zh: `比率 ${rate.zh}：${fmt(item.points)} × ${fmt(r)} = ${fmt(points)} 分`, en: `rate ${rate.en}: ${fmt(item.points)} × ${fmt(r)} = ${fmt(points)}` },
        detail: { rate: r.toString() },
      };
    }
    const band = (item.bands ?? []).find((b) => inRange(r, b.range));
    return { points: band ? band.points : Dec.ZERO, reason: bandReason(rate, band), detail: { rate: r.toString() } };
  },
  fastTrace(item, ctx) {
    const bands = fastBands(item, ctx);
    if (!bands) return undefined;
    return (raw) => {
      // A plain rate only (a { count, of } survey may not terminate): its text is the number as written.
      const x = plainNumber(raw, false, 1);
      const text = x === undefined ? undefined : numberText(x);
      if (x === undefined || text === undefined) return undefined;
      const hit = bands.find((b) => b.test(x));
      return { points: hit ? hit.points : 0, evidence: text, reason: bandReason({ zh: text, en: text }, hit?.band), detail: { rate: text } };
    };
  },
  measure: (_item, value) => rateOf(value),
});
