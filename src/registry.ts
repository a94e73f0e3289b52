import { issue, type Issue } from './issues.js';
import type { AnyRuleKind } from './kinds/define.js';
import { builtinKinds } from './kinds/index.js';
import { buildSchemas, type RubricSchemas } from './schema.js';

const cache = new WeakMap<readonly AnyRuleKind[], RubricSchemas>();

/** The built-in kinds plus a user's, each name once; schemas built once per list. */
export function schemasFor(extra: readonly AnyRuleKind[] = []): { schemas: RubricSchemas; issues: Issue[] } {
  const issues: Issue[] = [];
  const names = new Set(builtinKinds.map((k) => k.name));
  for (const k of extra) {
    if (names.has(k.name)) issues.push(issue('duplicate-id', ['kinds', k.name], `a rule kind named "${k.name}" is already registered`));
    names.add(k.name);
  }
  const list = extra.length === 0 ? builtinKinds : [...builtinKinds, ...extra];
  let schemas = cache.get(extra.length === 0 ? builtinKinds : extra);
  if (!schemas) {
    schemas = buildSchemas(list);
    cache.set(extra.length === 0 ? builtinKinds : extra, schemas);
  }
  return { schemas, issues };
}
