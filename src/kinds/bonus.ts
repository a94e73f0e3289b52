import { z } from 'zod';
import { Dec } from '../decimal.js';

import { defineRuleKind, type ItemBase } from './define.js';
import { checkLevels, levelIdSchema, levelSpec, type LevelSpec } from './levels.js';
import { fmt, nonNegative } from './shared.js';
import { FAST_MAX_ENTRIES, onlyKeys } from './fast.js';

const YEAR_AND_HONOURS = new Set(['year', 'honours']);
const HONOUR_KEYS = new Set(['matter', 'level', 'year']);

/** Honours (three keys each) the fast path takes, within FAST_MAX_ENTRIES; longer lists are scored exactly. */
const MAX_FAST_HONOURS = Math.floor((FAST_MAX_ENTRIES - 4) / 4);

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
  fast(item, ctx) {
    const cap = ctx.scaled(item.cap);
    const byLevel = new Map<string, number>();
    for (const l of item.levels) {
      const p = ctx.scaled(l.points);
      if (p === undefined) return undefined;
      byLevel.set(l.id, p);
    }
    if (cap === undefined) return undefined;
    const window = item.window?.years;
    const isYear = (y: unknown): y is number => typeof y === 'number' && Number.isInteger(y) && y >= 1900 && y <= 9999;
    return (raw) => {
      if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return undefined;
      const e = raw as { year?: unknown; honours?: unknown };
      if (!onlyKeys(e, YEAR_AND_HONOURS) || !Array.isArray(e.honours) || e.honours.length > MAX_FAST_HONOURS) return undefined;
      if (e.year !== undefined && !isYear(e.year)) return undefined;
      if (window !== undefined && e.year === undefined) return undefined;
      const best = new Map<string, number>();
      for (const h of e.honours as unknown[]) {
        if (h === null || typeof h !== 'object' || Array.isArray(h)) return undefined;
        if (!onlyKeys(h, HONOUR_KEYS)) return undefined;
        const { matter, level, year } = h as Record<string, unknown>;
        if (typeof matter !== 'string' || matter === '' || typeof level !== 'string') return undefined;
        const p = byLevel.get(level);
        if (p === undefined) return undefined;
        if (year !== undefined && !isYear(year)) return undefined;
        if (window !== undefined && year === undefined) return undefined;
        const assessed = e.year as number | undefined;
        if (assessed !== undefined && year !== undefined && (year as number) > assessed) return undefined;
        if (window !== undefined && (year as number) < (assessed as number) - window + 1) continue;
        if (p > (best.get(matter) ?? -1)) best.set(matter, p);
      }
      let total = 0;
      for (const p of best.values()) total += p;
      return Math.min(total, cap);
    };
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

