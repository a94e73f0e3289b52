import type { ItemTrace } from './kinds/define.js';
import type { ScoreResult, SectionTrace } from './result.js';

/**
 * A result's traces by id: every section, and every item with its parts, in
 * rubric order (a section before its sub-sections, those before its items).
 */
export function indexTraces(result: ScoreResult): { items: Map<string, ItemTrace>; sections: Map<string, SectionTrace> } {
  const items = new Map<string, ItemTrace>();
  const sections = new Map<string, SectionTrace>();
  const item = (t: ItemTrace) => {
    items.set(t.id, t);
    t.parts?.forEach(item);
  };
  const section = (s: SectionTrace) => {
    sections.set(s.id, s);
    s.sections?.forEach(section);
    s.items?.forEach(item);
  };
  result.sections.forEach(section);
  return { items, sections };
}
