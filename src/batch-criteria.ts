import type { CompiledRubric } from './compile.js';
import { count } from './evaluate.js';
import type { AnyRuleKind, ItemBase } from './kinds/define.js';
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

/** Whether an item of this rubric judges a criterion met or not. */
export function judgesCriteria(compiled: CompiledRubric, kind: string): boolean {
  return (compiled.kinds.get(kind) as AnyRuleKind | undefined)?.judgesCriteria === true;
}

/** A section with its own judged items, and its children's places, in the rubric's pre-order (as ScoreTotals flattens sections). */
interface JudgedSection {
  id: string;
  items: ItemBase[];
  children: number[];
  top: boolean;
}

/** The rubric's sections in pre-order, each with the items of its own that judge a criterion. */
function judgedSections(compiled: CompiledRubric): JudgedSection[] {
  const flat: JudgedSection[] = [];
  const walk = (s: Section, top: boolean): number => {
    const k = flat.length;
    const entry: JudgedSection = { id: s.id, items: (s.items ?? []).filter((item) => judgesCriteria(compiled, item.kind)), children: [], top };
    flat.push(entry);
    for (const child of s.sections ?? []) entry.children.push(walk(child, false));
    return k;
  };
  compiled.rubric.sections.forEach((s) => walk(s, true));
  return flat;
}

/** The number of criteria each section counts (subsections included), by id; sections counting none are left out. */
export function criteriaTotals(compiled: CompiledRubric): Map<string, number> {
  const flat = judgedSections(compiled);
  const totalAt = new Array<number>(flat.length).fill(0);
  const totals = new Map<string, number>();
  // Children come after their parent in pre-order: summed from the end, each child is done before its parent.
  for (let k = flat.length - 1; k >= 0; k--) {
    const f = flat[k] as JudgedSection;
    const t = f.items.length + f.children.reduce((n, c) => n + (totalAt[c] as number), 0);
    totalAt[k] = t;
    if (t > 0) totals.set(f.id, t);
  }
  return totals;
}

/** A row's flattened sections (rubric pre-order, as ScoreTotals gives them), to be given their counts. */
export type CountedSections = { id: string; criteria?: CriteriaCount }[];

/**
 * A counter for rows whose items (with their `met`) come in `ids` order
 * (itemScorer's: the compiled rubric's items): it sets `criteria` on each of the row's sections
 * that counts any and returns the rubric's count; undefined when the rubric
 * judges no criteria. Counts are shared objects, one per (met, total), and
 * sections are read from flat arrays: a batch of 10⁶ rows allocates next to
 * nothing for them.
 */
export function criteriaCounter(compiled: CompiledRubric, ids: readonly string[]): ((items: readonly { met?: boolean }[], sections: CountedSections) => CriteriaCount) | undefined {
  const at = new Map(ids.map((id, i) => [id, i]));
  // Pre-order, as the row's sections come: each section's own judged items, by their place in the row's items.
  const flat = judgedSections(compiled).map((f) => ({ ...f, items: f.items.map((item) => at.get(item.id) as number) }));
  if (!flat.some((f) => f.items.length > 0)) return undefined;
  const metAt = new Array<number>(flat.length).fill(0);
  const totalAt = new Array<number>(flat.length).fill(0);
  const shared = new Map<number, CriteriaCount[]>();
  const countOf = (m: number, t: number): CriteriaCount => {
    let byMet = shared.get(t);
    if (!byMet) shared.set(t, (byMet = []));
    return (byMet[m] ??= Object.freeze(count(m, t)));
  };
  return (items, sections) => {
    let allMet = 0;
    let all = 0;
    // Children come after their parent in pre-order: summed from the end, each child is done before its parent.
    for (let k = flat.length - 1; k >= 0; k--) {
      const f = flat[k] as (typeof flat)[number];
      let m = 0;
      let t = f.items.length;
      for (const i of f.items) if (items[i]?.met === true) m++;
      for (const c of f.children) {
        m += metAt[c] as number;
        t += totalAt[c] as number;
      }
      metAt[k] = m;
      totalAt[k] = t;
      if (f.top) {
        allMet += m;
        all += t;
      }
      if (t > 0) {
        const s = sections[k]?.id === f.id ? sections[k] : sections.find((x) => x.id === f.id);
        if (s) s.criteria = countOf(m, t);
      }
    }
    return countOf(allMet, all);
  };
}
