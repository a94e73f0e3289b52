import { z as zod3 } from 'zod/v3';
import { describe, expect, it } from 'vitest';
import { rubricYaml } from './support/rubric-text.js';
import { tempDir } from './support/temp.js';
import {
  builtinKinds,
  compile,
  Dec,
  defineRuleKind,
  fastCases,
  parseRubric,
  RubricError,
  safeParseRubric,
  safeScore,
  safeScoreTotals,
  score,
  scoreTotals,
  z,
  type AnyRuleKind,
  type FastScorer,
  type FastTrace,
  type Issue,
  type ItemBase,
  type Outcome,
  type PathSegment,
} from '../src/index.js';
import { itemScorer, scoreRows, type BatchRow } from '../src/node.js';
import { thrown, thrownIssues } from './support/thrown.js';

/*
 * A user's rule kind is held to its contract where the library takes what
 * it gives: points a Dec from 0 to the item's maximum, a reason in both
 * languages, met true or false exactly when the kind judges criteria, schemas of the library's zod (4).
 * A breach is a RubricError naming the item, the kind and what it gave —
 * never a total above the rubric's maximum, nor a TypeError later.
 */

/** A sound kind: households served, one point each up to the item's points. */
const sound = defineRuleKind<ItemBase, Dec>({
  name: 'per-household',
  doc: { summary: { zh: '按户', en: 'Per household' }, example: '', evidenceExample: '3' },
  params: () => ({}),
  maxPoints: (item) => item.points,
  evidence: () => z.number().int().nonnegative().transform((n) => Dec.int(n)),
  score: (item, n) => ({ points: Dec.min(item.points, n), reason: { zh: `${n.toString()} 户`, en: `${n.toString()} households` } }),
});

/** The sound kind with some of its functions replaced (plain JavaScript may give anything). */
const kindWith = (changes: Record<string, unknown>): AnyRuleKind => ({ ...sound, ...changes }) as AnyRuleKind;
const scoring = (outcome: (item: ItemBase, n: Dec) => unknown) => kindWith({ score: outcome });

const SERVED = '      - { id: served, title: { zh: 服务户数, en: Households served }, points: 5, kind: per-household }';
const OPEN = '      - { id: open, title: { zh: 开放, en: Open }, points: 1, kind: check }';
const text = rubricYaml({ max: '6', items: [SERVED, OPEN] });
const servedAt: PathSegment[] = ['sections', 0, 'items', 0];


function failedWith(r: { success: true } | { success: false; error: RubricError }): Pick<Issue, 'code' | 'path'>[] {
  expect(r.success).toBe(false);
  return r.success ? [] : r.error.issues.map((i) => ({ code: i.code, path: i.path }));
}

const compiledWith = (kind: AnyRuleKind, yaml = text) => compile(parseRubric(yaml, { kinds: [kind] }), { kinds: [kind] });
const breach = (path: PathSegment[] = servedAt) => [{ code: 'kind-contract', path }];

describe('what score() gives is checked on every scoring path', () => {
  const cases: [string, AnyRuleKind, string, string][] = [
    ['points above the maximum (30 of 5)', scoring((_item, n) => ({ points: n, reason: { zh: '甲', en: 'a' } })), 'a Dec from 0 to 5 (the item\'s maximum)', '30'],
    ['negative points', scoring(() => ({ points: Dec.int(-1), reason: { zh: '甲', en: 'a' } })), 'a Dec from 0 to 5 (the item\'s maximum)', '-1'],
    ['points as a plain number', scoring(() => ({ points: 2, reason: { zh: '甲', en: 'a' } })), 'a Dec from 0 to 5 (the item\'s maximum)', 'the number 2 (not a Dec)'],
    ['no points at all', scoring(() => ({ reason: { zh: '甲', en: 'a' } })), 'a Dec from 0 to 5 (the item\'s maximum)', 'nothing'],
    ['no reason', scoring(() => ({ points: Dec.ONE })), 'a reason { zh, en } of two strings', 'nothing'],
    ['a reason in one language', scoring(() => ({ points: Dec.ONE, reason: { zh: '甲' } })), 'a reason { zh, en } of two strings', 'a mapping'],
    ['a reason that is text', scoring(() => ({ points: Dec.ONE, reason: 'a' })), 'a reason { zh, en } of two strings', '"a"'],
    ['met that is not a boolean', kindWith({ judgesCriteria: true, score: () => ({ points: Dec.ONE, met: 'yes', reason: { zh: '甲', en: 'a' } }) }), 'true or false (the kind judges criteria: judgesCriteria)', '"yes"'],
    // score counts the items whose trace says met, batch the items of kinds that judge criteria: the two must be the same.
    ['met from a kind that does not judge criteria', scoring(() => ({ points: Dec.ONE, met: true, reason: { zh: '甲', en: 'a' } })), 'nothing (only a kind with judgesCriteria: true says met)', 'true'],
    ['no met from a kind that judges criteria', kindWith({ judgesCriteria: true }), 'true or false (the kind judges criteria: judgesCriteria)', 'nothing'],
    ['detail that is not text', scoring(() => ({ points: Dec.ONE, reason: { zh: '甲', en: 'a' }, detail: { share: 0.5 } })), 'a mapping of strings (or null) or nothing', 'a mapping'],
    ['no outcome', scoring(() => undefined), 'an outcome { points, reason, met? }', 'nothing'],
  ];

  it.each(cases)('%s: score and scoreTotals throw kind-contract at the item; the safe ones return it', (_name, kind, expected, found) => {
    const compiled = compiledWith(kind);
    const evidence = { served: 30, open: true };
    expect(thrownIssues(() => score(compiled, evidence))).toEqual(breach());
    expect(thrownIssues(() => scoreTotals(compiled, evidence))).toEqual(breach());
    expect(failedWith(safeScore(compiled, evidence))).toEqual(breach());
    expect(failedWith(safeScoreTotals(compiled, evidence))).toEqual(breach());
    // Batch's per-item points score the item exactly too.
    expect(thrownIssues(() => itemScorer(compiled)(evidence))).toEqual(breach());
    const r = safeScore(compiled, evidence);
    const issue = r.success ? undefined : r.error.issues[0];
    expect(issue).toMatchObject({ expected, found });
    expect(issue?.message).toContain('the rule kind "per-household"');
    expect(issue?.message).toContain('the item "served"');
    expect(issue?.message).toContain('score()');
  });

  it('a sound kind scores as before; a foreign Dec (another copy of the library) is taken as a Dec', () => {
    expect(score(compiledWith(sound), { served: 30, open: true }).total).toBe('6');
    const foreign = scoring((item) => ({ points: { n: 2n, d: 1n }, reason: { zh: '甲', en: 'a' } }));
    const compiled = compiledWith(foreign);
    expect(score(compiled, { served: 3, open: true }).total).toBe('3');
    expect(scoreTotals(compiled, { served: 3, open: true }).total).toBe('3');
  });

  it('a part of a sum is named by its path under the sum', () => {
    const yaml = rubricYaml({
      max: '5',
      items: [
        '      - id: both',
        '        title: { zh: 合计, en: Both }',
        '        points: 5',
        '        kind: sum',
        '        parts:',
        '          - { id: served, title: { zh: 服务户数, en: Households served }, points: 5, kind: per-household }',
      ],
    });
    const compiled = compiledWith(scoring((_item, n) => ({ points: n, reason: { zh: '甲', en: 'a' } })), yaml);
    const at = [...servedAt, 'parts', 0];
    expect(thrownIssues(() => score(compiled, { both: { served: 30 } }))).toEqual(breach(at));
    expect(failedWith(safeScoreTotals(compiled, { both: { served: 30 } }))).toEqual(breach(at));
  });

  const rows = tempDir('shequ-kind-contract-');
  it('a batch row whose kind breaks its contract is that row\'s problem; the other rows score', async () => {
    const compiled = compiledWith(scoring((_item, n) => ({ points: n, reason: { zh: '甲', en: 'a' } })));
    const file = rows.write('rows.jsonl', `${JSON.stringify({ evidence: { served: 30, open: true } })}\n${JSON.stringify({ evidence: { served: 2, open: true } })}\n`);
    for (const trace of [true, false]) {
      const got: BatchRow[] = [];
      for await (const row of scoreRows(compiled, file, { trace })) got.push(row);
      expect(got.map((r) => r.issues.map((i) => [i.code, i.path]))).toEqual([[['kind-contract', servedAt]], []]);
      expect(got[1]?.result?.total).toBe('3');
    }
  });
});

describe("a kind's fast paths are held to the same bounds", () => {
  /** The sound kind with a fast scorer on plain whole numbers (points in hundredths, the rubric's default rounding). */
  const fastGiving = (points: (n: number) => unknown) =>
    kindWith({ fast: (): FastScorer => (raw) => (Number.isSafeInteger(raw) && (raw as number) >= 0 ? (points(raw as number) as number) : undefined) });

  it.each([
    ['above the maximum (3000 hundredths of 5 points)', fastGiving((n) => n * 100), '3000 (counts of 0.01)'],
    ['negative', fastGiving(() => -100), '-100 (counts of 0.01)'],
    ['not a whole count', fastGiving(() => 1.5), '1.5 (counts of 0.01)'],
    ['not a number', fastGiving(() => '300'), '"300"'],
  ])('a fast scorer giving points %s: scoreTotals reports kind-contract at the item', (_name, kind, found) => {
    const compiled = compiledWith(kind);
    const r = safeScoreTotals(compiled, { served: 30, open: true });
    expect(failedWith(r)).toEqual(breach());
    expect(r.success ? undefined : r.error.issues[0]).toMatchObject({ expected: 'a whole count of 0.01 from 0 to 500', found });
    expect(thrownIssues(() => scoreTotals(compiled, { served: 30, open: true }))).toEqual(breach());
    expect(thrownIssues(() => itemScorer(compiled)({ served: 30, open: true }))).toEqual(breach());
  });

  it('a fast scorer within bounds keeps its speed and agrees with score', () => {
    const compiled = compiledWith(fastGiving((n) => Math.min(n, 5) * 100));
    expect(scoreTotals(compiled, { served: 30, open: true }).total).toBe(score(compiled, { served: 30, open: true }).total);
  });

  it('a table of cases (fastCases) with a value out of bounds is checked as each value is scored', () => {
    const flag = kindWith({
      judgesCriteria: true,
      evidence: () => z.boolean(),
      score: (item: ItemBase, met: boolean): Outcome => ({ points: met ? item.points : Dec.ZERO, met, reason: { zh: '甲', en: 'a' } }),
      fast: () =>
        fastCases(
          new Map([
            [true, 9999],
            [false, 0],
          ]),
        ),
    });
    const compiled = compiledWith(flag);
    expect(scoreTotals(compiled, { served: false, open: true }).total).toBe('1');
    expect(failedWith(safeScoreTotals(compiled, { served: true, open: true }))).toEqual(breach());
  });

  it('a fast tracer giving points above the maximum: score reports kind-contract at the item', () => {
    const tracing = kindWith({
      fastTrace: () => (raw: unknown): FastTrace | undefined => (typeof raw === 'number' ? { points: raw * 100, evidence: raw, reason: { zh: '甲', en: 'a' } } : undefined),
    });
    const compiled = compiledWith(tracing);
    expect(failedWith(safeScore(compiled, { served: 30, open: true }))).toEqual(breach());
    // within bounds it is the trace score gives
    expect(score(compiled, { served: 3, open: true }).total).toBe('4');
  });

  it('a fast tracer without a reason is a breach too', () => {
    const tracing = kindWith({ fastTrace: () => (raw: unknown) => (typeof raw === 'number' ? { points: 100, evidence: raw } : undefined) });
    expect(failedWith(safeScore(compiledWith(tracing), { served: 1, open: true }))).toEqual(breach());
  });
});

describe('a measured value a gate reads', () => {
  it('must be a Dec: a plain number is kind-contract at the item', () => {
    const measuring = kindWith({ measure: () => 3 });
    const yaml = rubricYaml({
      max: '6',
      items: [SERVED, OPEN],
      after: ['gates:', '  - { id: g, title: { zh: 门槛, en: Gate }, subject: "evidence:served", range: ">= 1", effect: report }'],
    });
    const compiled = compiledWith(measuring, yaml);
    expect(failedWith(safeScore(compiled, { served: 3, open: true }))).toEqual(breach());
    expect(failedWith(safeScoreTotals(compiled, { served: 3, open: true }))).toEqual(breach());
  });
});

describe('a kind is checked as it is registered, field by field', () => {
  const cases: [string, unknown[], Pick<Issue, 'code' | 'path'>[], string][] = [
    ['params an object, not a function', [kindWith({ params: {} })], [{ code: 'invalid-type', path: ['kinds', 0, 'params'] }], 'the rule kind "per-household" (kinds[0]): params must be a function, found a mapping'],
    ['evidence a schema, not a function', [kindWith({ evidence: z.number() })], [{ code: 'invalid-type', path: ['kinds', 0, 'evidence'] }], 'the rule kind "per-household" (kinds[0]): evidence must be a function, found a mapping'],
    ['no score', [kindWith({ score: undefined })], [{ code: 'invalid-type', path: ['kinds', 0, 'score'] }], 'score must be a function, found nothing'],
    ['a fast path that is not a function', [kindWith({ fast: 'quick' })], [{ code: 'invalid-type', path: ['kinds', 0, 'fast'] }], 'fast must be a function or nothing, found "quick"'],
    ['no name', [kindWith({ name: undefined })], [{ code: 'invalid-type', path: ['kinds', 0, 'name'] }], 'the rule kind at kinds[0]: name must be a string, found nothing'],
    ['no doc', [kindWith({ doc: undefined })], [{ code: 'invalid-type', path: ['kinds', 0, 'doc'] }], 'doc must be'],
    ['judgesCriteria not a boolean', [kindWith({ judgesCriteria: 'yes' })], [{ code: 'invalid-type', path: ['kinds', 0, 'judgesCriteria'] }], 'judgesCriteria must be true, false or nothing'],
    ['a second entry that is no kind', [sound, 5], [{ code: 'invalid-type', path: ['kinds', 1] }], 'kinds[1] must be a rule kind made with defineRuleKind, found 5'],
    ['params giving a zod 3 schema', [kindWith({ params: () => ({ per: zod3.number() }) })], [{ code: 'kind-contract', path: ['kinds', 0, 'params', 'per'] }], 'params() gave the key "per" a schema of another version of zod (zod 3?), expected a zod 4 schema'],
    ['params giving no mapping', [kindWith({ params: () => 5 })], [{ code: 'kind-contract', path: ['kinds', 0, 'params'] }], 'params() gave 5'],
    // Not its own keys ("def", "type"), which are not schemas.
    ['params giving one zod schema, not its keys', [kindWith({ params: () => z.object({ per: z.number() }) })], [{ code: 'kind-contract', path: ['kinds', 0, 'params'] }], 'params() gave a zod schema, expected its keys'],
  ];

  it.each(cases)('%s: parseRubric and compile report it at the kind and field', (_name, kinds, expected, message) => {
    const parsed = safeParseRubric(text, { kinds: kinds as AnyRuleKind[] });
    expect(failedWith(parsed)).toEqual(expected);
    expect(parsed.success ? '' : parsed.error.issues[0]?.message).toContain(message);
    const rubric = parseRubric(text, { kinds: [sound] });
    expect(thrownIssues(() => compile(rubric, { kinds: kinds as AnyRuleKind[] }))).toEqual(expected);
  });

  it('evidence() giving a zod 3 schema: compile reports kind-contract at the item, naming the kind', () => {
    const kind = kindWith({ evidence: () => zod3.number() });
    const rubric = parseRubric(text, { kinds: [kind] });
    const e = thrown(() => compile(rubric, { kinds: [kind] })) as RubricError;
    expect(e).toBeInstanceOf(RubricError);
    expect(e.issues.map((i) => ({ code: i.code, path: i.path }))).toEqual(breach());
    expect(e.issues[0]?.message).toBe(
      'the rule kind "per-household" broke its contract on the item "served": the schema from evidence(): a schema of another version of zod (zod 3?), expected a zod 4 schema (made with the z that shequ-rubric exports)',
    );
  });

  it('maxPoints() giving a plain number, or check() giving no list, is the item\'s problem when the rubric is read', () => {
    const served = [...servedAt];
    expect(failedWith(safeParseRubric(text, { kinds: [kindWith({ maxPoints: () => 5 })] }))).toEqual([{ code: 'kind-contract', path: [...served, 'points'] }]);
    expect(failedWith(safeParseRubric(text, { kinds: [kindWith({ check: () => 'fine' })] }))).toEqual([{ code: 'kind-contract', path: served }]);
    // As a part of a sum, the part reports it, and the sum adding it up does not crash.
    const yaml = rubricYaml({
      max: '5',
      items: ['      - id: both', '        title: { zh: 合计, en: Both }', '        points: 5', '        kind: sum', '        parts:', `          ${SERVED.trim()}`],
    });
    const parsed = safeParseRubric(yaml, { kinds: [kindWith({ maxPoints: () => 5 })] });
    expect(failedWith(parsed)).toEqual([{ code: 'kind-contract', path: [...served, 'parts', 0, 'points'] }]);
    expect(parsed.success ? undefined : parsed.error.issues[0]).toMatchObject({ expected: 'a Dec ≥ 0', found: 'the number 5 (not a Dec)' });
  });

  it('the built-in kinds run as they are: only a user\'s kinds are wrapped in the checks', () => {
    const compiled = compiledWith(sound);
    for (const kind of builtinKinds) expect(compiled.kinds.get(kind.name)).toBe(kind);
    expect(compiled.kinds.get('per-household')).not.toBe(sound);
    const plain = compile(parseRubric(rubricYaml()));
    for (const kind of builtinKinds) expect(plain.kinds.get(kind.name)).toBe(kind);
  });
});
