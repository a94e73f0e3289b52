import type { CompiledRubric } from './compile.js';
import { count } from './evaluate.js';
import type { AnyRuleKind } from './kinds/define.js';
import type { CriteriaCount } from './result.js';
import type { Section } from './schema.js';

/**
 * Criteria counts of a batch row, as `score` counts them: the items of kinds
 * that judge a criterion (check, checklist …), met or not, per section
 * (subsections included) and over the rubric. A batch row is scored
 * totals-only; these come from its items' `met` (see itemScorer), so a
 * rubric without points (six-type, the KPIs) still says what each
 * community met.
 */
export interface RowCriteria {
  criteria: CriteriaCount;
  /** By section id, for the sections that count any criteria. */
  sections: Map<string, CriteriaCount>;
}

interface CountedSection {
  id: string;
  /** Where the section's own judged items are in the row's item list. */
  items: number[];
  children: CountedSection[];
}

/** Whether an item of this rubric judges a criterion met or not. */
export function judgesCriteria(compiled: CompiledRubric, kind: string): boolean {
  return (compiled.kinds.get(kind) as AnyRuleKind | undefined)?.judgesCriteria === true;
}

/** The number of criteria each section counts (subsections included), by id; sections counting none are left out. */
export function criteriaTotals(compiled: CompiledRubric): Map<string, number> {
  const totals = new Map<string, number>();
  const walk = (s: Section): number => {
    let n = (s.items ?? []).filter((item) => judgesCriteria(compiled, item.kind)).length;
    for (const child of s.sections ?? []) n += walk(child);
    if (n > 0) totals.set(s.id, n);
    return n;
  };
  compiled.rubric.sections.forEach(walk);
  return totals;
}

/**
 * A counter for rows whose items come in `ids` order (itemScorer's: the
 * compiled rubric's items); undefined when the rubric judges no criteria.
 */
export function criteriaCounter(compiled: CompiledRubric, ids: readonly string[]): ((met: readonly (boolean | undefined)[]) => RowCriteria) | undefined {
  const at = new Map(ids.map((id, i) => [id, i]));
  const build = (s: Section): CountedSection => ({
    id: s.id,
    items: (s.items ?? []).filter((item) => judgesCriteria(compiled, item.kind)).map((item) => at.get(item.id) as number),
    children: (s.sections ?? []).map(build),
  });
  const top = compiled.rubric.sections.map(build);
  if (criteriaTotals(compiled).size === 0) return undefined;
  return (met) => {
    const sections = new Map<string, CriteriaCount>();
    const walk = (s: CountedSection): [number, number] => {
      let m = 0;
      let t = 0;
      for (const i of s.items) {
        t++;
        if (met[i] === true) m++;
      }
      for (const child of s.children) {
        const [cm, ct] = walk(child);
        m += cm;
        t += ct;
      }
      if (t > 0) sections.set(s.id, count(m, t));
      return [m, t];
    };
    let m = 0;
    let t = 0;
    for (const s of top) {
      const [sm, st] = walk(s);
      m += sm;
      t += st;
    }
    return { criteria: count(m, t), sections };
  };
}
