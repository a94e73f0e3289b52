import { z } from 'zod';
import { Dec } from '../decimal.js';
import { defineRuleKind, type ItemBase, type ItemTrace } from './define.js';
import { fmt, nonNegative, duplicateIds } from './shared.js';
import { exactObject } from './fast.js';
import { applyRequirements, requiredSiblings } from './requires.js';

export interface SumItem extends ItemBase {
  cap?: Dec;
  parts: ItemBase[];
}

/** sum — sub-items (parts) added, optionally under a cap; a part may require a sibling (requires.ts). */
export const sum = defineRuleKind<SumItem, Record<string, unknown>>({
  name: 'sum',
  doc: {
    summary: { zh: '由若干子项相加（可封顶），子项各自按其规则计分。', en: 'Sub-items (parts), each scored by its own kind, added under an optional cap.' },
    example: [
      'id: brand',
      'title: { zh: 品牌成效, en: Brand results }',
      'points: 7',
      'kind: sum',
      'parts:',
      '  - { id: brand-overall, title: { zh: 整体性品牌, en: Overall brand }, points: 2, kind: check }',
      '  - id: brand-projects',
      '    title: { zh: 品牌服务项目, en: Brand service projects }',
      '    points: 5',
      '    kind: count',
      '    cap: 5',
      '    counts: [ { id: projects, zh: 品牌项目数, en: Brand projects, unit: 个, per: 2.5 } ]',
    ].join('\n'),
    evidenceExample: '{ brand-overall: true, brand-projects: 1 }',
  },
  params: (ctx) => ({ cap: nonNegative.optional(), parts: z.array(z.lazy(() => ctx.item)).min(1) }),
  check: (item) => duplicateIds(item.parts, 'parts', 'part'),
  maxPoints(item, partMax) {
    const total = Dec.sum(item.parts.map(partMax));
    return item.cap ? Dec.min(item.cap, total) : total;
  },
  evidence(item, ctx) {
    const shape: Record<string, z.ZodType> = {};
    for (const p of item.parts) shape[p.id] = ctx.evidenceFor(p);
    return z.strictObject(shape) as unknown as z.ZodType<Record<string, unknown>>;
  },
  fast(item, ctx) {
    const cap = item.cap ? ctx.scaled(item.cap) : Infinity;
    const parts: { id: string; fast: (raw: unknown) => number | undefined }[] = [];
    for (const p of item.parts) {
      const fast = ctx.fastFor(p);
      if (!fast) return undefined;
      parts.push({ id: p.id, fast });
    }
    if (cap === undefined) return undefined;
    const ids = parts.map((p) => p.id);
    const required = requiredSiblings(item.parts);
    if (required) return withRequirements(parts, ids, required, item.parts, ctx.scaled, cap);
    return (raw) => {
      const o = exactObject(raw, ids);
      if (!o) return undefined;
      let total = 0;
      for (const p of parts) {
        const v = p.fast(o[p.id]);
        if (v === undefined) return undefined;
        total += v;
      }
      return Math.min(total, cap);
    };
  },
  score(item, evidence, ctx) {
    const scored: ItemTrace[] = item.parts.map((p) => ctx.scorePart(p, evidence[p.id], item.id));
    const parts = applyRequirements(item.parts, scored, ctx.partMax);
    const raw = Dec.sum(parts.map((p) => Dec.parse(p.points) as Dec));
    const points = item.cap ? Dec.min(item.cap, raw) : raw;
    const capped = item.cap !== undefined && raw.gt(item.cap);
    const list = parts.map((p) => p.points).join(' + ');
    return {
      points,
      parts,
      reason: {
        zh: `子项 ${list} = ${fmt(raw)}${capped ? `，封顶 ${fmt(item.cap as Dec)}` : ''}，得 ${fmt(points)} 分`,
        en: `parts ${list} = ${fmt(raw)}${capped ? ` capped at ${fmt(item.cap as Dec)}` : ''}: ${fmt(points)}`,
      },
    };
  },
});

/**
 * The fast scorer of a sum some of whose parts require a sibling: every
 * part scored, then a part counted only when its required sibling scored in
 * full (its declared points, which validation holds equal to its maximum).
 * A required part worth 0 is met or not by judgement, which points do not
 * show: such a sum is left to the exact path.
 */
function withRequirements(
  parts: readonly { id: string; fast: (raw: unknown) => number | undefined }[],
  ids: readonly string[],
  required: readonly number[],
  items: readonly ItemBase[],
  scaled: (d: Dec) => number | undefined,
  cap: number,
): ((raw: unknown) => number | undefined) | undefined {
  const full: number[] = [];
  for (let i = 0; i < items.length; i++) {
    if (!required.includes(i)) continue;
    const f = scaled((items[i] as ItemBase).points);
    if (f === undefined || f === 0) return undefined;
    full[i] = f;
  }
  return (raw) => {
    const o = exactObject(raw, ids);
    if (!o) return undefined;
    // Per call: a getter in the evidence may score again while this call reads it.
    const points = new Array<number>(parts.length);
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i] as (typeof parts)[number];
      const v = p.fast(o[p.id]);
      if (v === undefined) return undefined;
      points[i] = v;
    }
    let total = 0;
    for (let i = 0; i < parts.length; i++) {
      const r = required[i] as number;
      if (r < 0 || points[r] === full[r]) total += points[i] as number;
    }
    return Math.min(total, cap);
  };
}
