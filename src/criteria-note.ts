import type { Lang } from './explain.js';
import type { ScoreResult, SectionTrace } from './result.js';

/**
 * What a criteria count leaves out. A rubric with points counts only the
 * items judged met or not (checks, checklists); "2 / 2" for Binjiang's two
 * checks beside its 19 items scored by points would read as everything met,
 * so the count says how many items it does not cover. Undefined when it
 * covers every item.
 */
export function criteriaNote(result: ScoreResult, lang: Lang): string | undefined {
  if (!result.criteria) return undefined;
  const others = countItems(result.sections) - result.criteria.total;
  if (others <= 0) return undefined;
  return lang === 'zh' ? `另 ${others} 项按分值评分` : `${others} other ${others === 1 ? 'item' : 'items'} scored by points`;
}

function countItems(sections: readonly SectionTrace[] | undefined): number {
  let n = 0;
  for (const s of sections ?? []) n += (s.items?.length ?? 0) + countItems(s.sections);
  return n;
}
