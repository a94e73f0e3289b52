import { z } from 'zod';
import { formatPath } from './format-issues.js';
import { describe, issue, RubricError, type Issue, type PathSegment } from './issues.js';

/**
 * The shapes of a full result and of a plan as `explain` and the reports read
 * them: a result may come back from JSON, so it is checked before it is
 * rendered, and a wrong one is a RubricError naming where it went wrong.
 * Loose objects: fields the renderers do not read may be anything.
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

const LANGS = ['zh', 'en'];

function shapeIssue(schema: z.ZodType, value: unknown, what: string, at: PathSegment[]): Issue | undefined {
  const parsed = schema.safeParse(value);
  if (parsed.success) return undefined;
  const first = parsed.error.issues[0];
  const path = [...at, ...((first?.path ?? []) as PathSegment[])];
  const where = path.length ? ` (at ${formatPath(path)})` : '';
  return issue('invalid-type', path, `expected ${what}${where}`, { expected: what });
}

/** Throws a RubricError unless `result` is a full result of score(), and `lang` one the words exist in. */
export function assertRenderable(result: unknown, options: { lang?: unknown; format?: unknown; plan?: unknown } = {}): void {
  const issues: Issue[] = [];
  const notResult = shapeIssue(scoreResult, result, 'a full result of score() (scoreTotals gives no traces)', []);
  if (notResult) issues.push(notResult);
  if (options.plan !== undefined) {
    const notPlan = shapeIssue(plan, options.plan, 'a plan from plan()', ['plan']);
    if (notPlan) issues.push(notPlan);
  }
  if (options.lang !== undefined && !LANGS.includes(options.lang as string)) {
    issues.push(issue('invalid-value', ['options', 'lang'], `expected "zh" or "en", found ${describe(options.lang)}`, { expected: '"zh" or "en"' }));
  }
  if (options.format !== undefined && options.format !== 'md' && options.format !== 'html') {
    issues.push(issue('invalid-value', ['options', 'format'], `expected "md" or "html", found ${describe(options.format)}`, { expected: '"md" or "html"' }));
  }
  if (issues.length) throw new RubricError(issues);
}
