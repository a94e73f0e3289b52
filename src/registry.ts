import { describe, issue, type Issue } from './issues.js';
import type { AnyRuleKind } from './kinds/define.js';
import { builtinKinds } from './kinds/index.js';
import { buildSchemas, type RubricSchemas } from './schema.js';

const cache = new WeakMap<readonly AnyRuleKind[], RubricSchemas>();

/** The built-in kinds plus a user's, each name once; schemas built once per list. */
export function schemasFor(given: readonly AnyRuleKind[] = []): { schemas: RubricSchemas; issues: Issue[] } {
  const issues: Issue[] = [];
  // A plain JavaScript caller may pass anything as kinds: only kinds made with defineRuleKind are used.
  const valid = Array.isArray(given) && given.every(isRuleKind);
  // The list itself when it is one (schemas are cached by its identity), else the kinds in it.
  const extra: readonly AnyRuleKind[] = valid ? given : Array.isArray(given) ? given.filter(isRuleKind) : [];
  if (!valid) {
    const found = describe(given);
    issues.push(issue('invalid-type', ['kinds'], `expected a list of rule kinds made with defineRuleKind, found ${found}`, { expected: 'a list of rule kinds', found }));
  }
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

/** A rule kind as defineRuleKind types it: a name, and the functions scoring calls. */
export function isRuleKind(k: unknown): k is AnyRuleKind {
  const kind = k as Partial<AnyRuleKind> | null;
  return (
    kind !== null &&
    typeof kind === 'object' &&
    typeof kind.name === 'string' &&
    typeof kind.params === 'function' &&
    typeof kind.maxPoints === 'function' &&
    typeof kind.evidence === 'function' &&
    typeof kind.score === 'function'
  );
}
