import { z } from 'zod';
import { Dec } from '../decimal.js';

import { defineRuleKind, type ItemBase } from './define.js';
import { checkLevels, levelIdSchema, levelSpec, type LevelSpec } from './levels.js';
import { fmt, nonNegative } from './shared.js';

export interface BonusItem extends ItemBase {
  cap: Dec;
  levels: LevelSpec[];
  window?: { years: number };
}

interface Honour {
  matter: string;
  level: string;
  year?: number | undefined;
}
interface BonusEvidence {
  year?: number | undefined;
  honours: Honour[];
}

const year = z.number().int().min(1900).max(9999);

/** bonus — a capped sum over distinct matters, each counted once at its highest level, within a window of years. */
export const bonus = defineRuleKind<BonusItem, BonusEvidence>({
  name: 'bonus',
  doc: {
    summary: {
      zh: '加分项：各事项按最高级别计一次（同一事项不重复计分），可限近若干年，累计封顶。',
      en: 'Capped sum over distinct matters, each counted once at its highest level, optionally only within the last N years.',
    },
    example: [
      'id: bonus',
      'title: { zh: 省级及以上表彰, en: Provincial or national honours }',
      'points: 5',
      'kind: bonus',
      'cap: 5',
      'window: { years: 3 }',
      'levels:',
      '  - { id: provincial, zh: 省级, en: Provincial, points: 2 }',
      '  - { id: national, zh: 国家级, en: National, points: 3 }',
    ].join('\n'),
    evidenceExample: '{ year: 2024, honours: [ { matter: 全国示范社区, level: national, year: 2023 } ] }',
  },
  params: () => ({
    cap: nonNegative,
    levels: z.array(levelSpec).min(1),
    window: z.strictObject({ years: z.number().int().min(1).max(100) }).optional(),
  }),
  check: (item) => checkLevels(item.levels),
  maxPoints: (item) => item.cap,
  evidence(item) {
    const honour = z.strictObject({
      matter: z.string().min(1),
      level: levelIdSchema(item.levels),
      year: item.window ? year : year.optional(),
    });
    return z
      .strictObject({ year: item.window ? year : year.optional(), honours: z.array(honour).max(10_000) })
      .superRefine((e, ctx) => {
        e.honours.forEach((h, i) => {
          if (e.year !== undefined && h.year !== undefined && h.year > e.year) {
            ctx.addIssue({ code: 'custom', path: ['honours', i, 'year'], message: `the honour is dated after the assessment year ${e.year}`, params: { code: 'out-of-range', expected: `at most ${e.year}`, found: String(h.year) } });
          }
        });
      }) as unknown as z.ZodType<BonusEvidence>;
  },
  score(item, e) {
    const best = new Map<string, LevelSpec>();
    const outside: string[] = [];
    for (const h of e.honours) {
      if (item.window && e.year !== undefined && h.year !== undefined && h.year < e.year - item.window.years + 1) {
        outside.push(`${h.matter} (${h.year})`);
        continue;
      }
      const level = item.levels.find((l) => l.id === h.level) as LevelSpec;
      const prev = best.get(h.matter);
      if (!prev || level.points.gt(prev.points)) best.set(h.matter, level);
    }
    outside.sort();
    const matters = [...best.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const raw = Dec.sum(matters.map(([, l]) => l.points));
    const points = Dec.min(raw, item.cap);
    const zh = matters.map(([m, l]) => `${m}（${l.zh} ${fmt(l.points)}）`).join('，') || '无符合条件的表彰';
    const en = matters.map(([m, l]) => `${m} (${l.en} ${fmt(l.points)})`).join(', ') || 'no qualifying honour';
    const windowZh = item.window ? `近 ${item.window.years} 年（${(e.year ?? 0) - item.window.years + 1}–${e.year}）` : '';
    return {
      points,
      reason: {
        zh: `${windowZh}${zh}${outside.length ? `；不在期限内：${outside.join('，')}` : ''}；合计 ${fmt(raw)}${raw.gt(item.cap) ? `，封顶 ${fmt(item.cap)}` : ''}，得 ${fmt(points)} 分`,
        en: `${item.window ? `last ${item.window.years} years (${(e.year ?? 0) - item.window.years + 1}–${e.year}): ` : ''}${en}${outside.length ? `; outside the window: ${outside.join(', ')}` : ''}; total ${fmt(raw)}${raw.gt(item.cap) ? ` capped at ${fmt(item.cap)}` : ''}: ${fmt(points)}`,
      },
      detail: { matters: String(matters.length), uncapped: fmt(raw) },
    };
  },
});

