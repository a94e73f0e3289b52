import type { Range } from '../range.js';
import type { Bilingual } from './define.js';
import { fmt, unitEn, unitZh, withUnit } from './shared.js';
import type { TiersItem } from './tiers.js';

/**
 * What a tiers item's reasons say, made once per item, and the reason
 * itself from the quantities' texts: one wording for the exact path and the
 * fast tracer.
 */
export interface TiersWords {
  /** The measures, then the derived quantities, in the item's order: as the reason shows them. */
  ids: string[];
  labels: { derived: boolean }[];
  /** What the reason writes before and after each quantity's text, in each language (separator and label, unit). */
  before: Bilingual[];
  /** The unit after a quantity's text; in English `enOne` after a text of exactly "1" (1 household, 2 households). */
  after: (Bilingual & { enOne: string })[];
  /** What a ratio whose denominator is 0 shows instead of a value: a dash, and why. */
  uncomputed: Bilingual[];
  /** Each tier's conditions, and as text in each language (label, range, unit: "持证人数占比 >= 10%"). */
  conditions: [string, Range][][];
  conds: Bilingual[];
  /** What follows the quantities when a tier is reached (by tier), and when none is. */
  reached: Bilingual[];
  none: Bilingual;
}

const wordsByItem = new WeakMap<TiersItem, TiersWords>();

/** A space and the unit's English form, or nothing. */
const spaced = (en: string): string => (en ? ` ${en}` : '');

export function wordsOf(item: TiersItem): TiersWords {
  let w = wordsByItem.get(item);
  if (!w) {
    const ids = [...Object.keys(item.measures), ...Object.keys(item.derived ?? {})];
    const specs = ids.map((id) => item.measures[id] ?? item.derived?.[id]);
    const labels = ids.map((id) => ({ derived: item.derived?.[id] !== undefined }));
    const at = new Map(ids.map((id, k) => [id, k]));
    const conditions = item.tiers.map((t) => Object.entries(t.when));
    // Conditions in the rubric's words: each quantity's label, the range and the unit.
    const conds = conditions.map((c) => {
      const parts = c.map(([id, r]) => {
        const spec = specs[at.get(id) ?? -1];
        const range = withUnit(r.text, spec?.unit);
        return { zh: `${spec?.zh ?? id} ${range.zh}`, en: `${spec?.en ?? id} ${range.en}` };
      });
      return { zh: parts.map((p) => p.zh).join(' 且 '), en: parts.map((p) => p.en).join(' & ') };
    });
    const reached = item.tiers.map((tier, t) => ({
      zh: `：达到「${(conds[t] as Bilingual).zh}」${tier.category ? `（${tier.category}）` : ''}，得 ${fmt(tier.points)} 分`,
      en: `: reached ${(conds[t] as Bilingual).en}${tier.category ? ` (${tier.category})` : ''}: ${fmt(tier.points)}`,
    }));
    // Both languages list the tiers missed: the reader sees what would have counted.
    const none = { zh: `：未达到任何档次（${conds.map((c) => c.zh).join('｜')}），得 0 分`, en: `: no tier reached (${conds.map((c) => c.en).join(' | ')}): 0` };
    const before = specs.map((spec, k) => ({ zh: `${k ? '，' : ''}${spec?.zh ?? ids[k]} `, en: `${k ? ', ' : ''}${spec?.en ?? ids[k]} ` }));
    const after = specs.map((spec) => ({ zh: unitZh(spec?.unit), en: spaced(unitEn(spec?.unit)), enOne: spaced(unitEn(spec?.unit, '1')) }));
    const uncomputed = ids.map((id) => {
      const den = item.derived?.[id]?.ratio[1];
      const spec = den === undefined ? undefined : item.measures[den];
      return { zh: `—（${spec?.zh ?? den}为 0，无法计算）`, en: `— (cannot be computed: ${spec?.en ?? den} is 0)` };
    });
    w = { ids, labels, before, after, uncomputed, conditions, conds, reached, none };
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
    // An undefined ratio is a dash, without a unit, saying why: "—" alone read as a value missed.
    if (text === undefined) {
      const why = words.uncomputed[k] as Bilingual;
      zh += before.zh + why.zh;
      en += before.en + why.en;
      continue;
    }
    zh += before.zh + text + after.zh;
    en += before.en + text + (text === '1' ? after.enOne : after.en);
  }
  const tail = best === undefined ? words.none : (words.reached[best] as Bilingual);
  return { zh: zh + tail.zh, en: en + tail.en };
}
