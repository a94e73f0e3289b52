import { z } from 'zod';
import type { Dec } from './decimal.js';
import { describe, issue, ISSUE_CODES, type Issue } from './issues.js';
import { argumentIssue, ownDec, throwProblems } from './api-guards.js';
import { kindProblems } from './kinds/registration.js';
import { contractIssue, describePoints } from './kinds/guard.js';
import type { AnyRuleKind, Bilingual, ItemBase, SchemaContext } from './kinds/define.js';
import { bilingual, decimal, idSchema, nonNegative, rangeSchema, requiresSchema } from './kinds/shared.js';
import type { Range } from './range.js';

/**
 * The rubric format, written once as zod schemas. The item schema is a
 * discriminated union on `kind`, built from the registered kinds, so a
 * user's kind is checked exactly like a built-in one.
 */

const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date written YYYY-MM-DD');
const text = z.union([z.string().min(1), bilingual]);

export const sourceSchema = z.strictObject({
  name: text,
  number: z.string().optional(),
  issuer: z.string().optional(),
  proposer: z.string().optional(),
  issued: date.optional(),
  effective: date.optional(),
  status: z.enum(['draft', 'in-force', 'repealed']).optional(),
  url: z.string().optional(),
});

export const noteSchema = z.strictObject({ zh: z.string().min(1), en: z.string().min(1), ref: z.string().optional() });

const labelled = z.strictObject({ id: idSchema, label: bilingual });

export const SUBJECT = /^(total|base|bonus|ratio|(section|item):[A-Za-z0-9][A-Za-z0-9._-]*|evidence:[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9_-]+)?)$/;

export const gateSchema = z.strictObject({
  id: idSchema,
  title: bilingual,
  subject: z.string().regex(SUBJECT, 'expected total, base, bonus, ratio, section:<id>, item:<id> or evidence:<item>[/<field>]'),
  range: rangeSchema,
  effect: z.enum(['block', 'report']),
  otherwise: labelled.optional(),
  clause: z.string().optional(),
  note: z.string().optional(),
});

export const bandSchema = z.strictObject({
  id: idSchema,
  label: bilingual,
  range: rangeSchema,
  passing: z.boolean().optional(),
  note: z.string().optional(),
});

export const gradesSchema = z.strictObject({
  subject: z.enum(['total', 'ratio']),
  clause: z.string().optional(),
  bands: z.array(bandSchema).min(1),
});

export interface Section {
  id: string;
  title: Bilingual;
  max: Dec;
  cap?: Dec | undefined;
  bonus?: boolean | undefined;
  clause?: string | undefined;
  note?: string | undefined;
  sections?: Section[] | undefined;
  items?: ItemBase[] | undefined;
}

export interface Gate {
  id: string;
  title: Bilingual;
  subject: string;
  range: Range;
  effect: 'block' | 'report';
  otherwise?: { id: string; label: Bilingual } | undefined;
  clause?: string | undefined;
  note?: string | undefined;
}

export interface Band {
  id: string;
  label: Bilingual;
  range: Range;
  passing?: boolean | undefined;
  note?: string | undefined;
}

export interface Rubric {
  id: string;
  version: string;
  title: Bilingual;
  source: z.output<typeof sourceSchema>;
  effective?: { from: string; until?: string | undefined } | undefined;
  /**
   * Item points with more places than `places` are rounded by `mode`; with
   * `only: 'repeating'`, only points that do not terminate are (a rubric
   * whose source gives no rounding keeps every terminating value exact).
   */
  rounding: { places: number; mode: 'half-up' | 'half-even'; only?: 'repeating' | undefined };
  max: Dec;
  /** Set by the loader for a rubric that extends others: the ids it descends from, nearest first. */
  lineage?: string[] | undefined;
  notes?: z.output<typeof noteSchema>[] | undefined;
  sections: Section[];
  gates?: Gate[] | undefined;
  grades?: { subject: 'total' | 'ratio'; clause?: string | undefined; bands: Band[] } | undefined;
}

export interface RubricSchemas {
  item: z.ZodType<ItemBase>;
  section: z.ZodType<Section>;
  rubric: z.ZodType<Rubric>;
  /** Every key the format knows, for did-you-mean. */
  vocabulary: Set<string>;
  kinds: Map<string, AnyRuleKind>;
}

/** Builds the format's schemas for a set of rule kinds. */
export function buildSchemas(kindList: readonly AnyRuleKind[]): RubricSchemas {
  throwProblems(argumentIssue('kindList', kindList, 'a list of rule kinds made with defineRuleKind', Array.isArray(kindList)));
  throwProblems(...kindList.flatMap((k, i) => kindProblems(k, ['kindList', i])));
  const kinds = new Map(kindList.map((k) => [k.name, k]));
  const ctx: SchemaContext = { item: z.never() };
  const base = {
    id: idSchema,
    title: bilingual,
    points: nonNegative,
    category: z.string().optional(),
    method: z.string().optional(),
    clause: z.string().optional(),
    note: z.string().optional(),
    criteria: z.array(bilingual).optional(),
    // Meaningful on a part of a sum only (kinds/requires.ts); validate.ts reports it anywhere else.
    requires: requiresSchema,
  };
  const vocabulary = new Set<string>(['kind', ...Object.keys(base)]);
  // A part whose kind gives no Dec as its maximum reports that itself; its parent only stops adding it up.
  const maxOf = (item: ItemBase): Dec => ownDec((kinds.get(item.kind) as AnyRuleKind).maxPoints(item, maxOf)) ?? throwBrokenMaximum();
  const variants = kindList.map((kind) => {
    const params = kind.params(ctx);
    for (const key of Object.keys(params)) vocabulary.add(key);
    return z
      .strictObject({ ...base, ...params, kind: z.literal(kind.name) })
      .superRefine((item, refine) => {
        const problems: Issue[] = kind.check ? checkedProblems(kind, item as ItemBase, kind.check(item as ItemBase)) : [];
        const given = maximumOf(kind, item as ItemBase, maxOf);
        const max = given === BROKEN_PART ? undefined : ownDec(given);
        const declared = (item as ItemBase).points;
        if (given !== BROKEN_PART && (!max || max.isNegative())) problems.push(maxProblem(kind, item as ItemBase, given));
        else if (max && !max.eq(declared)) {
          problems.push(
            issue('points-mismatch', ['points'], `the item declares ${declared.toString()} points but its rule can give at most ${max.toString()}`, {
              expected: max.toString(),
              found: declared.toString(),
            }),
          );
        }
        for (const p of problems) {
          refine.addIssue({ code: 'custom', path: p.path, message: p.message, params: { code: p.code, expected: p.expected, found: p.found } });
        }
      });
  });
  const item = (variants.length === 1 ? variants[0] : z.discriminatedUnion('kind', variants as never)) as unknown as z.ZodType<ItemBase>;
  ctx.item = item;

  const section: z.ZodType<Section> = z.lazy(() =>
    z.strictObject({
      id: idSchema,
      title: bilingual,
      max: nonNegative,
      cap: nonNegative.optional(),
      bonus: z.boolean().optional(),
      clause: z.string().optional(),
      note: z.string().optional(),
      sections: z.array(section).optional(),
      items: z.array(item).optional(),
    }),
  ) as unknown as z.ZodType<Section>;

  const rubric = z.strictObject({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'a rubric id is lower-case letters, digits and "-"'),
    version: z.string().min(1),
    title: bilingual,
    source: sourceSchema,
    effective: z.strictObject({ from: date, until: date.optional() }).optional(),
    rounding: z
      .strictObject({ places: z.number().int().min(0).max(12), mode: z.enum(['half-up', 'half-even']), only: z.literal('repeating').optional() })
      .prefault({ places: 2, mode: 'half-up' }),
    max: nonNegative,
    lineage: z.array(z.string()).optional(),
    notes: z.array(noteSchema).optional(),
    sections: z.array(section).min(1),
    gates: z.array(gateSchema).optional(),
    grades: gradesSchema.optional(),
  }) as unknown as z.ZodType<Rubric>;
  for (const key of [
    'version', 'title', 'source', 'effective', 'rounding', 'max', 'notes', 'sections', 'gates', 'grades', 'items', 'cap', 'bonus',
    'name', 'number', 'issuer', 'proposer', 'issued', 'status', 'url', 'from', 'until', 'places', 'mode', 'subject', 'range',
    'effect', 'otherwise', 'label', 'passing', 'bands', 'zh', 'en', 'ref', 'extends', 'override', 'add', 'remove',
  ]) vocabulary.add(key);
  return { item, section, rubric, vocabulary, kinds };
}

/** check() must give a list of issues; anything else is the kind's fault, reported as one (at the item). */
function checkedProblems(kind: AnyRuleKind, item: ItemBase, problems: unknown): Issue[] {
  const isIssue = (p: Issue | null) => p !== null && typeof p === 'object' && ISSUE_CODES.includes(p.code) && Array.isArray(p.path) && typeof p.message === 'string';
  if (Array.isArray(problems) && problems.every(isIssue)) return problems as Issue[];
  return [contractIssue(kind.name, item, [], 'check()', { what: 'the problems', expected: 'a list of issues', found: describe(problems) })];
}

/** Thrown by maxOf for a part whose kind gave no Dec: the part's own check reports it. */
const BROKEN_PART = Symbol('a part without a maximum');

function throwBrokenMaximum(): never {
  throw BROKEN_PART;
}

/** What a kind's maxPoints() gives for an item, or BROKEN_PART when a part of it has no maximum. */
function maximumOf(kind: AnyRuleKind, item: ItemBase, maxOf: (item: ItemBase) => Dec): unknown {
  try {
    return kind.maxPoints(item, maxOf);
  } catch (e) {
    if (e === BROKEN_PART) return BROKEN_PART;
    throw e;
  }
}

/** maxPoints() must give a Dec ≥ 0: the item's declared points are compared with it. */
function maxProblem(kind: AnyRuleKind, item: ItemBase, max: unknown): Issue {
  return contractIssue(kind.name, item, ['points'], 'maxPoints()', { what: 'the maximum', expected: 'a Dec ≥ 0', found: describePoints(max) });
}

export { decimal };
