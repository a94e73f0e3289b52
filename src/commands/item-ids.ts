import type { CompiledRubric } from '../compile.js';
import { suggest } from '../issues.js';
import { UsageError } from './command.js';

/** Item ids given to an option (repeated, or separated by commas) checked against the rubric: a wrong id is a usage error. */
export function checkItemIds(compiled: CompiledRubric, values: unknown, option: string): string[] | undefined {
  if (values === undefined) return undefined;
  const ids = (Array.isArray(values) ? values : [values]).flatMap((v) => String(v).split(/[,，]/)).map((id) => id.trim()).filter(Boolean);
  if (ids.length === 0) throw new UsageError(`${option} takes item ids of ${compiled.rubric.id} (separated by commas)`);
  for (const id of ids) {
    if (!compiled.allItems.has(id)) {
      const hint = suggest(id, compiled.allItems.keys());
      throw new UsageError(`${option} takes item ids of ${compiled.rubric.id}: there is no item "${id}"${hint ? ` (did you mean "${hint}"?)` : ''}`);
    }
  }
  return ids;
}
