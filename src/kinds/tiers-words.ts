import type { Range } from '../range.js';
import type { Bilingual } from './define.js';
import { fmt, unitEn, unitZh } from './shared.js';
import type { TiersItem } from './tiers.js';

/**
 * What a tiers item's reasons say, made once per item, and the reason
 * itself from the quantities' texts: one wording for the exact path and the
 * fast tracer.
 */
export interface TiersWords {
  /** The measures, then the derived quantities, in the item's order: as the reason shows them. */
  ids: string[];
  labels: { zh: string; derived: boolean }[];
  /** What the reason writes before and after each quantity's text, in each language (separator and label, unit). */
  before: Bilingual[];
  /** The unit after a quantity's text; in English `enOne` after a text of exactly "1" (1 household, 2 households). */
  after: (Bilingual & { enOne: string })[];
  /** Each tier's conditions, and as text ("share >= 10 & …"). */
  conditions: [string, Range][][];
  conds: string[];
  /** What follows the quantities when a tier is reached (by tier), and when none is. */
  reached: Bilingual[];
  none: Bilingual;
}

const wordsByItem = new WeakMap<TiersItem, TiersWords>();

export function wordsOf(item: TiersItem): TiersWords {
  let w = wordsByItem.get(item);
  if (!w) {
    const ids = [...Object.keys(item.measures), ...Object.keys(item.derived ?? {})];
    const labels = ids.map((id) => {
      const measure = item.measures[id];
      const derived = item.derived?.[id];
      return { zh: (measure ?? derived)?.zh ?? id, derived: derived !== undefined };
    });
    const units = ids.map((id) => (item.measures[id] ?? item.derived?.[id])?.unit);
    const conditions = item.tiers.map((t) => Object.entries(t.when));
    const conds = conditions.map((c) => c.map(([id, r]) => `${id} ${r.text}`).join(' & '));
    const reached = item.tiers.map((tier, t) => ({
      zh: `：达到「${conds[t]}」${tier.category ? `（${tier.category}）` : ''}，得 ${fmt(tier.points)} 分`,
      en: `: tier ${conds[t]}${tier.category ? ` (${tier.category})` : ''} reached: ${fmt(tier.points)}`,
    }));
    const none = { zh: '：未达到任何档次，得 0 分', en: `: no tier reached (${conds.join(' | ')}): 0` };
    const before = labels.map((l, k) => ({ zh: `${k ? '，' : ''}${l.zh} `, en: `${k ? ', ' : ''}${ids[k]} ` }));
    // Chinese writes a unit straight after the number, English after a space.
    const spaced = (en: string): string => (en ? ` ${en}` : '');
    const after = units.map((u) => ({ zh: unitZh(u), en: spaced(unitEn(u)), enOne: spaced(unitEn(u, '1')) }));
    w = { ids, labels, before, after, conditions, conds, reached, none };
    wordsByItem.set(item, w);
  }
  return w;
}

/** The reason: each quantity's text (undefined where a ratio's denominator is 0), then the tier reached (index into the item's tiers) or none. */
export function tiersReason(words: TiersWords, texts: readonly (string | undefined)[], best: number | undefined): Bilingual {
  let zh = '';
  let en = '';
  for (let k = 0; k < words.ids.length; k++) {
    const before = words.before[k] as Bilingual;
    const after = words.after[k] as TiersWords['after'][number];
    const text = texts[k];
    zh += before.zh + (text ?? '—') + after.zh;
    en += before.en + (text ?? '—') + (text === '1' ? after.enOne : after.en);
  }
  const tail = best === undefined ? words.none : (words.reached[best] as Bilingual);
  return { zh: zh + tail.zh, en: en + tail.en };
}
