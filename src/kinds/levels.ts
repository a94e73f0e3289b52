import { z } from 'zod';
import { Dec } from '../decimal.js';
import { describe, suggest, type Issue } from '../issues.js';
import { defineRuleKind, type ItemBase } from './define.js';
import { fmt, idSchema, nonNegative, duplicateIds } from './shared.js';

export const levelSpec = z.strictObject({
  id: idSchema,
  zh: z.string().min(1),
  en: z.string().min(1),
  points: nonNegative,
});
export type LevelSpec = z.output<typeof levelSpec>;

export interface LevelsItem extends ItemBase {
  levels: LevelSpec[];
}

export function levelIdSchema(levels: LevelSpec[]) {
  const ids = levels.map((l) => l.id);
  return z.string({ error: (iss) => `expected a level (${ids.join(', ')}), found ${describe(iss.input)}` }).superRefine((v, ctx) => {
    if (!ids.includes(v)) {
      const hint = suggest(v, ids);
      ctx.addIssue({ code: 'custom', message: `"${v}" is not a level of this item${hint ? ` (did you mean "${hint}"?)` : ''}`, params: { code: 'invalid-value', expected: `one of ${ids.join(', ')}`, found: JSON.stringify(v) } });
    }
  });
}

export function checkLevels(levels: LevelSpec[]): Issue[] {
  return duplicateIds(levels, 'levels', 'level');
}

/** levels — the highest of the levels reached scores, once (不重复加分). */
export const levels = defineRuleKind<LevelsItem, string[]>({
  name: 'levels',
  doc: {
    summary: { zh: '取达到的最高级别分值（市级 1、省级 2、国家级 3），不重复加分。', en: 'The highest level reached scores (city 1 / provincial 2 / national 3), counted once.' },
    example: [
      'id: honours',
      'title: { zh: 荣誉表彰, en: Honours }',
      'points: 3',
      'kind: levels',
      'levels:',
      '  - { id: city, zh: 市级, en: City, points: 1 }',
      '  - { id: provincial, zh: 省级, en: Provincial, points: 2 }',
      '  - { id: national, zh: 国家级, en: National, points: 3 }',
    ].join('\n'),
    evidenceExample: '[city, provincial]',
  },
  params: () => ({ levels: z.array(levelSpec).min(1) }),
  check: (item) => checkLevels(item.levels),
  maxPoints: (item) => item.levels.reduce((m, l) => Dec.max(m, l.points), Dec.ZERO),
  evidence(item) {
    const one = levelIdSchema(item.levels);
    return z.union([z.array(one).max(1000), one.transform((v) => [v])]) as unknown as z.ZodType<string[]>;
  },
  fast(item, ctx) {
    const byLevel = new Map<string, number>();
    for (const l of item.levels) {
      const p = ctx.scaled(l.points);
      if (p === undefined) return undefined;
      byLevel.set(l.id, p);
    }
    return (raw) => {
      const list = typeof raw === 'string' ? [raw] : Array.isArray(raw) ? raw : undefined;
      if (!list || list.length > 1000) return undefined;
      let best = 0;
      for (const id of list) {
        const p = typeof id === 'string' ? byLevel.get(id) : undefined;
        if (p === undefined) return undefined;
        if (p > best) best = p;
      }
      return best;
    };
  },
  score(item, reached) {
    let best: LevelSpec | undefined;
    for (const id of reached) {
      const l = item.levels.find((x) => x.id === id);
      if (l && (!best || l.points.gt(best.points))) best = l;
    }
    if (!best) return { points: Dec.ZERO, reason: { zh: '未达到任何级别，得 0 分', en: 'no level reached: 0' } };
    return {
      points: best.points,
      reason: { zh: `最高级别：${best.zh}，得 ${fmt(best.points)} 分（不重复加分）`, en: `highest level ${best.en}: ${fmt(best.points)} (counted once)` },
    };
  },
});
