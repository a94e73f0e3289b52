import { readFileSync } from 'node:fs';
import { Dec, compile, parseRubric, type CompiledRubric, type ItemBase, type Rubric, type Section } from '../../src/index.js';
import { rubricsDir } from './bundled.js';

/**
 * A bundled rubric loaded for tests that check it against its source, with
 * the walks those tests need. `reachable` recomputes a section's maximum
 * from its items, independently of its declared `max`.
 */
export function rubricTree(name: string): {
  file: string;
  rubric: Rubric;
  compiled: CompiledRubric;
  reachable(s: Section): Dec;
  itemsOf(s: Section): ItemBase[];
  top(id: string): Section;
} {
  const file = `${rubricsDir}${name}`;
  const rubric = parseRubric(readFileSync(file, 'utf8'), { file });
  const compiled = compile(rubric);
  const reachable = (s: Section): Dec => {
    let sum = Dec.ZERO;
    for (const child of s.sections ?? []) sum = sum.add(reachable(child));
    for (const item of s.items ?? []) sum = sum.add(compiled.maxOf(item));
    return s.cap && s.cap.lt(sum) ? s.cap : sum;
  };
  const itemsOf = (s: Section): ItemBase[] => [...(s.sections ?? []).flatMap(itemsOf), ...(s.items ?? [])];
  const top = (id: string): Section => {
    const s = rubric.sections.find((x) => x.id === id);
    if (!s) throw new Error(`no section ${id}`);
    return s;
  };
  return { file, rubric, compiled, reachable, itemsOf, top };
}
