import { z } from 'zod';
import { Dec } from './decimal.js';
import { rubricDigest } from './digest.js';
import type { AnyRuleKind, ItemBase } from './kinds/define.js';
import { schemasFor } from './registry.js';
import { builtinKinds } from './kinds/index.js';
import { guardKind, type ItemPlace } from './kinds/guard.js';
import { markCompiled, notParsedRubric, optionsIssue, throwProblems } from './api-guards.js';
import { issue, RubricError, type Issue, type PathSegment } from './issues.js';
import type { Rubric, Section } from './schema.js';

export type MissingPolicy = 'error' | 'zero';

/**
 * A validated rubric prepared for scoring: items indexed, maxima computed and
 * evidence schemas built once, so scoring walks plain data and never re-reads
 * the YAML structure.
 */
export interface CompiledRubric {
  readonly rubric: Rubric;
  /** The rule kinds by name: the built-in ones as they are, a user's wrapped in the checks of its contract (kinds/guard.ts). */
  readonly kinds: ReadonlyMap<string, AnyRuleKind>;
  /** Items that take evidence directly (not parts), in rubric order. */
  readonly items: ReadonlyMap<string, ItemBase>;
  /** Every item, parts included. */
  readonly allItems: ReadonlyMap<string, ItemBase>;
  readonly sections: ReadonlyMap<string, Section>;
  readonly max: Dec;
  readonly maxWithBonus: Dec;
  /** The rubric's content digest ("sha256:…", see digest.ts), computed once, on first use. */
  readonly digest: string;
  /** Whether totals scoring was asked to generate no code (CompileOptions.jitless). */
  readonly jitless: boolean;
  maxOf(item: ItemBase): Dec;
  evidenceSchema(item: ItemBase, missing: MissingPolicy): z.ZodType;
}

export interface CompileOptions {
  kinds?: readonly AnyRuleKind[];
  /**
   * Generate no code for totals scoring (`new Function`), as where a
   * Content-Security-Policy forbids it. Without it, code is generated where
   * the realm allows and closures are used where it does not; both give the
   * same totals.
   */
  jitless?: boolean;
}

/**
 * Prepares a validated rubric for scoring. Throws a RubricError for anything
 * but a validated rubric, and for an item whose kind is not among `kinds`
 * (a user's kind must be given here as it was to parseRubric).
 */
export function compile(rubric: Rubric, options: CompileOptions = {}): CompiledRubric {
  throwProblems(notParsedRubric(rubric), optionsIssue(options));
  const { schemas, issues: kindIssues } = schemasFor(options?.kinds);
  if (kindIssues.length) throw new RubricError(kindIssues);
  const items = new Map<string, ItemBase>();
  const allItems = new Map<string, ItemBase>();
  const sections = new Map<string, Section>();
  const maxCache = new Map<ItemBase, Dec>();
  // Each item's place in the rubric, for the issue of a user's kind that breaks its contract there.
  const paths = new Map<ItemBase, PathSegment[]>();
  const kinds = guardedKinds(schemas.kinds, { pathOf: (item) => paths.get(item) ?? [], maxOf: (item) => maxOf(item) });
  const kindOf = (item: ItemBase) => kinds.get(item.kind) as AnyRuleKind;
  const maxOf = (item: ItemBase): Dec => {
    let m = maxCache.get(item);
    if (!m) {
      m = kindOf(item).maxPoints(item, maxOf);
      maxCache.set(item, m);
    }
    return m;
  };
  // Items (parts included) of a kind compile was not given: scoring them would find no rule.
  const unknownKinds: Issue[] = [];
  const addItem = (item: ItemBase, path: PathSegment[]) => {
    allItems.set(item.id, item);
    paths.set(item, path);
    if (!kinds.has(item.kind)) unknownKinds.push(unregisteredKind(item, path, kinds));
    (item as { parts?: ItemBase[] }).parts?.forEach((part, i) => addItem(part, [...path, 'parts', i]));
  };
  const walk = (s: Section, path: PathSegment[]) => {
    sections.set(s.id, s);
    s.sections?.forEach((sub, i) => walk(sub, [...path, 'sections', i]));
    s.items?.forEach((item, i) => {
      items.set(item.id, item);
      addItem(item, [...path, 'items', i]);
    });
  };
  rubric.sections.forEach((s, i) => walk(s, ['sections', i]));
  if (unknownKinds.length) throw new RubricError(unknownKinds);
  let max = Dec.ZERO;
  let bonus = Dec.ZERO;
  for (const s of rubric.sections) {
    if (s.bonus) bonus = bonus.add(s.max);
    else max = max.add(s.max);
  }
  const schemaCache: Record<MissingPolicy, Map<ItemBase, z.ZodType>> = { error: new Map(), zero: new Map() };
  const evidenceSchema = (item: ItemBase, missing: MissingPolicy): z.ZodType => {
    let schema = schemaCache[missing].get(item);
    if (!schema) {
      const own = kindOf(item).evidence(item, {
        evidenceFor: (part) => {
          const s = evidenceSchema(part, missing);
          return missing === 'zero' ? s.optional() : s;
        },
      });
      schema = own;
      schemaCache[missing].set(item, schema);
    }
    return schema;
  };
  // A user's kind gives its evidence schemas now: one not of the library's zod is an error of compile, not of the first score.
  for (const item of allItems.values()) if (kindOf(item) !== schemas.kinds.get(item.kind)) evidenceSchema(item, 'error');
  let digest: string | undefined;
  return markCompiled({
    rubric,
    kinds,
    items,
    allItems,
    sections,
    max,
    maxWithBonus: max.add(bonus),
    get digest() {
      digest ??= rubricDigest(rubric);
      return digest;
    },
    jitless: options?.jitless === true,
    maxOf,
    evidenceSchema,
  });
}

/** The kinds as scoring calls them: the built-in ones as they are, a user's wrapped in the contract checks of guard.ts. */
function guardedKinds(registered: Map<string, AnyRuleKind>, place: ItemPlace): ReadonlyMap<string, AnyRuleKind> {
  if (builtinKinds.length === registered.size) return registered;
  const builtin = new Set<AnyRuleKind>(builtinKinds);
  return new Map([...registered].map(([name, kind]) => [name, builtin.has(kind) ? kind : guardKind(kind, place)]));
}

/** The issue for an item whose kind compile was not given, at the item's `kind`. */
function unregisteredKind(item: ItemBase, path: PathSegment[], kinds: ReadonlyMap<string, AnyRuleKind>): Issue {
  return issue('unknown-kind', [...path, 'kind'], `the rule kind "${item.kind}" of item "${item.id}" was not given to compile: pass compile the kinds given to parseRubric`, {
    expected: `one of ${[...kinds.keys()].join(', ')}`,
    found: JSON.stringify(item.kind),
  });
}
