import { z } from 'zod';
import { formatPath, isIssue } from './format-issues.js';
import { describe, issue, RubricError, type Issue, type PathSegment } from './issues.js';
import { optionIssue, optionsIssue } from './api-guards.js';

/**
 * The shapes of the library's outputs (a full result, a plan, a rubric diff,
 * an impact) as the functions that read them back read them: an output may
 * come back from JSON, so it is checked before it is rendered, and a wrong
 * one is a RubricError naming where it went wrong. Loose objects: fields the
 * readers do not read may be anything.
 */
const text = z.string();
const bilingual = z.looseObject({ zh: text, en: text });
const grade = z.looseObject({ id: text, label: bilingual }).nullable();
const gate = z.looseObject({ id: text, title: bilingual, subject: text, range: text, value: text.nullable(), passed: z.boolean(), effect: text });

const itemTrace: z.ZodType = z.lazy(() =>
  z.looseObject({
    id: text,
    title: bilingual,
    kind: text,
    points: text,
    max: text,
    met: z.boolean().optional(),
    reason: bilingual,
    clause: text.optional(),
    rounded: z.looseObject({ from: text, places: z.number(), mode: text }).optional(),
    parts: z.array(itemTrace).optional(),
  }),
);

const sectionTrace: z.ZodType = z.lazy(() =>
  z.looseObject({
    id: text,
    title: bilingual,
    points: text,
    max: text,
    uncapped: text.optional(),
    criteria: z.looseObject({ met: z.number(), total: z.number() }).optional(),
    sections: z.array(sectionTrace).optional(),
    items: z.array(itemTrace).optional(),
  }),
);

const scoreResult = z.looseObject({
  rubric: z.looseObject({ id: text, version: text, title: bilingual }),
  total: text,
  base: text,
  bonus: text,
  max: text,
  ratio: text.nullable(),
  rated: z.boolean(),
  grade,
  gates: z.array(gate),
  criteria: z.looseObject({ met: z.number(), total: z.number() }).optional(),
  sections: z.array(sectionTrace),
});

const standing = z.looseObject({ total: text, grade, rated: z.boolean(), gates: z.array(gate) });

const plan = z.looseObject({
  objective: z.enum(['fewest-changes', 'cheapest']),
  current: standing,
  target: z.looseObject({ id: text, label: bilingual, range: text }).nullable(),
  status: z.enum(['reached', 'planned', 'top', 'unreachable']),
  needed: text.optional(),
  steps: z.array(z.looseObject({ item: text, title: bilingual, line: bilingual, gain: text, from: text, to: text })),
  gain: text,
  cost: text.optional(),
  after: standing.optional(),
  reasons: z.array(z.looseObject({ message: bilingual })),
});

/** A plan as formatPlan reads it: what the report reads, and the rubric it was made for. */
const planForText = plan.extend({ rubric: z.looseObject({ id: text, version: text, title: bilingual }) });

const fieldChange = z.looseObject({ path: text, old: text.nullable(), new: text.nullable() });
const status = z.enum(['added', 'removed', 'changed']);
const rubricRef = z.looseObject({ id: text, version: text, digest: text, max: text, maxWithBonus: text });
const rubricDiff = z.looseObject({
  old: rubricRef,
  new: rubricRef,
  identical: z.boolean(),
  rubric: z.array(fieldChange),
  items: z.array(
    z.looseObject({ status, id: text, title: bilingual, kind: text, points: z.looseObject({ old: text.nullable(), new: text.nullable() }), parent: text, changes: z.array(fieldChange) }),
  ),
  sections: z.array(z.looseObject({ status, id: text, title: bilingual, changes: z.array(fieldChange) })),
  maxima: z.array(z.looseObject({ id: text, title: bilingual, depth: z.number(), old: text.nullable(), new: text.nullable() })),
  gates: z.array(z.looseObject({ status, id: text, changes: z.array(fieldChange) })),
  grades: z.array(z.looseObject({ status, id: text, changes: z.array(fieldChange) })),
  counts: z.looseObject({ added: z.number(), removed: z.number(), changed: z.number(), renamed: z.number() }),
});

const side = z.union([
  z.looseObject({ total: text, gradeLabel: bilingual.nullable() }),
  z.looseObject({ issues: z.array(z.looseObject({ code: text, path: z.array(z.union([text, z.number()])), message: text })) }),
]);
const impact = z.looseObject({
  communities: z.array(
    z.looseObject({
      source: text,
      name: text,
      old: side,
      new: side,
      delta: text.optional(),
      gates: z.array(z.looseObject({ id: text, old: z.boolean().nullable(), new: z.boolean().nullable() })).optional(),
    }),
  ),
  summary: z.looseObject({
    communities: z.number(),
    largest: z.array(z.looseObject({ name: text, delta: text, old: text, new: text })),
    causes: z.array(z.looseObject({ id: text, title: bilingual, communities: z.number(), total: text })),
    gates: z.array(z.looseObject({ id: text, title: bilingual, nowFailed: z.number(), nowPassed: z.number(), gradeChanges: z.number() })).optional(),
  }),
});

export const planIssue = (value: unknown, name: string): Issue | undefined => shapeIssue(planForText, value, 'a plan from plan()', [name]);
export const diffIssue = (value: unknown, name: string): Issue | undefined => shapeIssue(rubricDiff, value, 'a rubric diff from diffRubrics()', [name]);
export const impactIssue = (value: unknown, name: string): Issue | undefined => shapeIssue(impact, value, 'an impact from diffImpact()', [name]);

/** The problems with text options (lang: "zh" or "en"); undefined and null are none. */
export function textOptionsIssues(options: unknown): (Issue | undefined)[] {
  if (options === undefined || options === null) return [];
  if (typeof options !== 'object' || Array.isArray(options)) return [optionsIssue(options)];
  const lang = (options as { lang?: unknown }).lang;
  return [lang === undefined || LANGS.includes(lang as string) ? undefined : langIssue(lang, ['options', 'lang'])];
}

function langIssue(lang: unknown, path: PathSegment[]): Issue {
  return issue('invalid-value', path, `expected "zh" or "en", found ${describe(lang)}`, { expected: '"zh" or "en"', found: describe(lang) });
}

const LANGS = ['zh', 'en'];

function shapeIssue(schema: z.ZodType, value: unknown, what: string, at: PathSegment[]): Issue | undefined {
  const parsed = schema.safeParse(value);
  if (parsed.success) return undefined;
  const first = parsed.error.issues[0];
  const path = [...at, ...((first?.path ?? []) as PathSegment[])];
  const where = path.length ? ` (at ${formatPath(path)})` : '';
  return issue('invalid-type', path, `expected ${what}${where}`, { expected: what });
}

/** An issue unless `value` is a full result of score(), at the argument's name. */
export function resultIssue(value: unknown, name: string): Issue | undefined {
  return shapeIssue(scoreResult, value, 'a full result of score() (scoreTotals gives no traces)', [name]);
}

const isIssueList = (v: unknown): boolean => Array.isArray(v) && v.every(isIssue);

/** An issue unless `lang` (an argument of that name) is "zh" or "en". */
export function langProblem(lang: unknown): Issue | undefined {
  return LANGS.includes(lang as string) ? undefined : langIssue(lang, ['lang']);
}

/** Throws a RubricError unless `result` is a full result of score(), and `lang` one the words exist in. */
export function assertRenderable(result: unknown, options: { lang?: unknown; format?: unknown; plan?: unknown; hints?: unknown } = {}): void {
  const issues: Issue[] = [];
  const notResult = shapeIssue(scoreResult, result, 'a full result of score() (scoreTotals gives no traces)', []);
  if (notResult) issues.push(notResult);
  if (options.plan !== undefined) {
    const notPlan = shapeIssue(plan, options.plan, 'a plan from plan()', ['plan']);
    if (notPlan) issues.push(notPlan);
  }
  if (options.lang !== undefined && !LANGS.includes(options.lang as string)) issues.push(langIssue(options.lang, ['options', 'lang']));
  const notHints = optionIssue('hints', options.hints, 'a list of hints (from evidenceHints)', options.hints === undefined || isIssueList(options.hints));
  if (notHints) issues.push(notHints);
  if (options.format !== undefined && options.format !== 'md' && options.format !== 'html') {
    issues.push(issue('invalid-value', ['options', 'format'], `expected "md" or "html", found ${describe(options.format)}`, { expected: '"md" or "html"' }));
  }
  if (issues.length) throw new RubricError(issues);
}
