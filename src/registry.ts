import { describe, issue, type Issue } from './issues.js';
import type { AnyRuleKind } from './kinds/define.js';
import { builtinKinds } from './kinds/index.js';
import { kindProblems } from './kinds/registration.js';
import { buildSchemas, type RubricSchemas } from './schema.js';

const cache = new WeakMap<readonly AnyRuleKind[], RubricSchemas>();

/** The built-in kinds plus a user's, each name once; schemas built once per list. */
export function schemasFor(given: readonly AnyRuleKind[] = []): { schemas: RubricSchemas; issues: Issue[] } {
  const issues: Issue[] = [];
  // A plain JavaScript caller may pass anything as kinds: only kinds that pass kindProblems are used.
  if (!Array.isArray(given)) {
    const found = describe(given);
    issues.push(issue('invalid-type', ['kinds'], `expected a list of rule kinds made with defineRuleKind, found ${found}`, { expected: 'a list of rule kinds', found }));
  }
  const list: readonly unknown[] = Array.isArray(given) ? given : [];
  const problems = list.map((k, i) => kindProblems(k, ['kinds', i]));
  for (const p of problems) issues.push(...p);
  // The list itself when every kind in it is sound (schemas are cached by its identity), else the sound ones.
  const extra = (problems.every((p) => p.length === 0) ? list : list.filter((_, i) => problems[i]?.length === 0)) as readonly AnyRuleKind[];
  const names = new Set(builtinKinds.map((k) => k.name));
  for (const k of extra) {
    if (names.has(k.name)) issues.push(issue('duplicate-id', ['kinds', k.name], `a rule kind named "${k.name}" is already registered`));
    names.add(k.name);
  }
  const all = extra.length === 0 ? builtinKinds : [...builtinKinds, ...extra];
  let schemas = cache.get(extra.length === 0 ? builtinKinds : extra);
  if (!schemas) {
    schemas = buildSchemas(all);
    cache.set(extra.length === 0 ? builtinKinds : extra, schemas);
  }
  return { schemas, issues };
}

