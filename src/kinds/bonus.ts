import { z } from 'zod';
import { Dec } from '../decimal.js';

import { defineRuleKind, type Bilingual, type FastContext, type ItemBase } from './define.js';
import { checkLevels, levelIdSchema, levelSpec, type LevelSpec } from './levels.js';
import { canonicalOrder, fmt, nonNegative } from './shared.js';
import { FAST_MAX_ENTRIES } from './fast.js';

/** Whether an object's enumerable keys are its own, and year and honours at most. */
function yearAndHonoursOnly(o: object): boolean {
  for (const k in o) if ((k !== 'year' && k !== 'honours') || !Object.prototype.hasOwnProperty.call(o, k)) return false;
  return true;
}

/** Whether an honour's enumerable keys are its own, and matter, level and year at most. */
function honourKeysOnly(h: object): boolean {
  for (const k in h) if ((k !== 'matter' && k !== 'level' && k !== 'year') || !Object.prototype.hasOwnProperty.call(h, k)) return false;
  return true;
}

/** Up to this many honours are compared pairwise; more are grouped by matter in a map. */
const FEW_HONOURS = 8;

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

/** A matter's name, trimmed: "A" and "A " are one matter (a name copied from a spreadsheet often carries a blank). */
const matterName = z
  .string()
  .superRefine((s, ctx) => {
    if (s.trim() === '') ctx.addIssue({ code: 'custom', message: `expected the name of the matter, found ${s === '' ? 'an empty string' : 'blanks only'}`, params: { code: 'invalid-value', expected: 'the name of the matter', found: JSON.stringify(s) } });
  })
  .overwrite((s) => s.trim())
  // What the check above asks, for the JSON Schema (a refinement does not show in it).
  .meta({ pattern: '\\S' });

/**
 * The reason: the window, each matter counted (sorted) at its level, the
 * further entries of a counted matter that added nothing (sorted counts, so
 * the text does not depend on the list's order), the honours outside the
 * window (sorted), the sum and the points, as texts.
 */
function bonusReason(item: BonusItem, assessed: number | undefined, matters: readonly [string, LevelSpec][], repeated: ReadonlyMap<string, number>, outside: readonly string[], raw: string, capped: boolean, points: string): Bilingual {
  const zh = matters.map(([m, l]) => `${m}（${l.zh} ${fmt(l.points)}）`).join('，') || '无符合条件的表彰';
  const en = matters.map(([m, l]) => `${m} (${l.en} ${fmt(l.points)})`).join(', ') || 'no qualifying honour';
  const again = [...repeated].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const againZh = again.length ? `；同一事项只计一次（未计：${again.map(([m, n]) => `${m} 另 ${n} 条`).join('，')}）` : '';
  const againEn = again.length ? `; each matter counted once (not added: ${again.map(([m, n]) => `${n} more for ${m}`).join(', ')})` : '';
  const from = (assessed ?? 0) - (item.window?.years ?? 0) + 1;
  const windowZh = item.window ? `近 ${item.window.years} 年（${from}–${assessed}）` : '';
  return {
    zh: `${windowZh}${zh}${againZh}${outside.length ? `；不在期限内：${outside.join('，')}` : ''}；合计 ${raw}${capped ? `，封顶 ${fmt(item.cap)}` : ''}，得 ${points} 分`,
    en: `${item.window ? `last ${item.window.years} years (${from}–${assessed}): ` : ''}${en}${againEn}${outside.length ? `; outside the window: ${outside.join(', ')}` : ''}; total ${raw}${capped ? ` capped at ${fmt(item.cap)}` : ''}: ${points}`,
  };
}

/** Counts one more entry of a matter already counted. */
function countAgain(repeated: Map<string, number>, matter: string): void {
  repeated.set(matter, (repeated.get(matter) ?? 0) + 1);
}

/**
 * Whether a matter is written with a blank at an end (" A", "A　"): the exact
 * path trims it, the fast paths decline it. Its first and last characters
 * are looked at before the pattern: a name starting and ending with a letter
 * or a CJK character (nearly every one) needs no regular expression, which
 * cost a few percent of scoring's time, called for each honour on every record.
 */
function blankAtEnd(matter: string): boolean {
  return (mayBeBlank(matter.charCodeAt(0)) || mayBeBlank(matter.charCodeAt(matter.length - 1))) && /^\s|\s$/.test(matter);
}

/** Whether a character code may be one JavaScript's \s matches (every one of them is in these ranges). */
const mayBeBlank = (c: number): boolean => c <= 0x20 || (c >= 0x85 && c <= 0xa0) || c === 0x1680 || (c >= 0x2000 && c <= 0x3000) || c === 0xfeff;

/** JSON.stringify of an echoed honour (keys sorted, the year a whole number), written without the generic serializer. */
function honourJson(h: Honour): string {
  const head = `{"level":${JSON.stringify(h.level)},"matter":${JSON.stringify(h.matter)}`;
  return h.year === undefined ? `${head}}` : `${head},"year":${h.year}}`;
}

interface FastPlan {
  cap: number;
  levelIds: string[];
  levelPoints: number[];
  window: number | undefined;
  /** An honour's points; undefined when the fast path must decline the evidence, -1 outside the window. */
  pointsOf(h: unknown, assessed: number | undefined): number | undefined;
}

const isYear = (y: unknown): y is number => typeof y === 'number' && Number.isInteger(y) && y >= 1900 && y <= 9999;

/** The item's levels and cap in integer points, for the fast paths; undefined when they are not plain. */
function fastPlan(item: BonusItem, ctx: FastContext): FastPlan | undefined {
  const cap = ctx.scaled(item.cap);
  // Levels are few: found by comparing ids, not through a map.
  const levelIds = item.levels.map((l) => l.id);
  const levelPoints: number[] = [];
  for (const l of item.levels) {
    const p = ctx.scaled(l.points);
    if (p === undefined) return undefined;
    levelPoints.push(p);
  }
  if (cap === undefined) return undefined;
  const window = item.window?.years;
  const pointsOf = (h: unknown, assessed: number | undefined): number | undefined => {
    if (h === null || typeof h !== 'object' || Array.isArray(h) || !honourKeysOnly(h)) return undefined;
    const { matter, level, year } = h as Record<string, unknown>;
    if (typeof matter !== 'string' || matter === '' || blankAtEnd(matter) || typeof level !== 'string') return undefined;
    const at = levelIds.indexOf(level);
    if (at < 0) return undefined;
    if (year !== undefined && !isYear(year)) return undefined;
    if (window !== undefined && year === undefined) return undefined;
    if (assessed !== undefined && year !== undefined && year > assessed) return undefined;
    if (window !== undefined && (year as number) < (assessed as number) - window + 1) return -1;
    return levelPoints[at] as number;
  };
  return { cap, levelIds, levelPoints, window, pointsOf };
}

/**
 * The honours, their points (-1 outside the window) and the assessment year
 * of evidence the fast paths take (every honour plain), or undefined. Each
 * honour is read once: its points are kept, not asked for again.
 */
function plainEvidence(plan: FastPlan, raw: unknown): { honours: unknown[]; points: number[]; assessed: number | undefined } | undefined {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw) || !yearAndHonoursOnly(raw)) return undefined;
  const e = raw as { year?: unknown; honours?: unknown };
  const honours = e.honours;
  if (!Array.isArray(honours) || honours.length > MAX_FAST_HONOURS) return undefined;
  if (e.year !== undefined && !isYear(e.year)) return undefined;
  if (plan.window !== undefined && e.year === undefined) return undefined;
  const assessed = e.year as number | undefined;
  const points = new Array<number>(honours.length);
  for (let i = 0; i < honours.length; i++) {
    const p = plan.pointsOf(honours[i], assessed);
    if (p === undefined) return undefined;
    points[i] = p;
  }
  return { honours, points, assessed };
}

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
      matter: matterName,
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
    const plan = fastPlan(item, ctx);
    if (!plan) return undefined;
    return (raw) => {
      const e = plainEvidence(plan, raw);
      if (!e) return undefined;
      const { honours, points } = e;
      let total = 0;
      if (honours.length <= FEW_HONOURS) {
        // A few honours: each counts unless another of its matter is worth more, or as much and comes
        // first; compared pairwise, without a map per record.
        for (let i = 0; i < honours.length; i++) {
          const p = points[i] as number;
          if (p < 0) continue;
          const matter = (honours[i] as Honour).matter;
          let best = true;
          for (let j = 0; j < honours.length && best; j++) {
            if (j === i || (honours[j] as Honour).matter !== matter) continue;
            const q = points[j] as number;
            if (q > p || (q === p && j < i)) best = false;
          }
          if (best) total += p;
        }
      } else {
        const best = new Map<string, number>();
        for (let i = 0; i < honours.length; i++) {
          const p = points[i] as number;
          const matter = (honours[i] as Honour).matter;
          if (p >= 0 && p > (best.get(matter) ?? -1)) best.set(matter, p);
        }
        for (const p of best.values()) total += p;
      }
      return Math.min(total, plan.cap);
    };
  },
  fastTrace(item, ctx) {
    const plan = fastPlan(item, ctx);
    const unit = ctx.scaled(Dec.ONE);
    if (!plan || unit === undefined) return undefined;
    // Totals recur (sums of a few levels' points): each text is made once.
    const texts = new Map<number, string>();
    const text = (x: number): string => {
      let t = texts.get(x);
      if (t === undefined) {
        t = fmt(Dec.of(BigInt(x), BigInt(unit)));
        if (texts.size < 1_024) texts.set(x, t);
      }
      return t;
    };
    return (raw) => {
      const e = plainEvidence(plan, raw);
      if (!e) return undefined;
      const { honours, points: pointsAt, assessed } = e;
      // Each matter once, at the first of its highest levels (by index), as the exact path counts it.
      const counted: { matter: string; at: number }[] = [];
      const repeated = new Map<string, number>();
      const outside: string[] = [];
      for (let i = 0; i < honours.length; i++) {
        const h = honours[i] as Honour;
        if ((pointsAt[i] as number) < 0) {
          outside.push(`${h.matter} (${h.year})`);
          continue;
        }
        const at = plan.levelIds.indexOf(h.level);
        const prev = counted.find((c) => c.matter === h.matter);
        if (!prev) counted.push({ matter: h.matter, at });
        else {
          countAgain(repeated, h.matter);
          if ((plan.levelPoints[at] as number) > (plan.levelPoints[prev.at] as number)) prev.at = at;
        }
      }
      let rawPoints = 0;
      for (const c of counted) rawPoints += plan.levelPoints[c.at] as number;
      // The uncapped sum is written out: past the safe integers its text would not be exact.
      if (!Number.isSafeInteger(rawPoints)) return undefined;
      const matters = counted.map((c): [string, LevelSpec] => [c.matter, item.levels[c.at] as LevelSpec]);
      outside.sort();
      matters.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      const points = Math.min(rawPoints, plan.cap);
      const uncapped = text(rawPoints);
      const echoed = canonicalOrder(
        (honours as Honour[]).map((h) => (h.year === undefined ? { level: h.level, matter: h.matter } : { level: h.level, matter: h.matter, year: h.year })),
        honourJson,
      );
      return {
        points,
        evidence: assessed === undefined ? { honours: echoed } : { honours: echoed, year: assessed },
        reason: bonusReason(item, assessed, matters, repeated, outside, uncapped, rawPoints > plan.cap, text(points)),
        detail: { matters: String(matters.length), uncapped },
      };
    };
  },
  score(item, e) {
    const best = new Map<string, LevelSpec>();
    const repeated = new Map<string, number>();
    const outside: string[] = [];
    for (const h of e.honours) {
      if (item.window && e.year !== undefined && h.year !== undefined && h.year < e.year - item.window.years + 1) {
        outside.push(`${h.matter} (${h.year})`);
        continue;
      }
      const level = item.levels.find((l) => l.id === h.level) as LevelSpec;
      const prev = best.get(h.matter);
      if (prev) countAgain(repeated, h.matter);
      if (!prev || level.points.gt(prev.points)) best.set(h.matter, level);
    }
    outside.sort();
    const matters = [...best.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const raw = Dec.sum(matters.map(([, l]) => l.points));
    const points = Dec.min(raw, item.cap);
    return {
      points,
      reason: bonusReason(item, e.year, matters, repeated, outside, fmt(raw), raw.gt(item.cap), fmt(points)),
      detail: { matters: String(matters.length), uncapped: fmt(raw) },
    };
  },
});

