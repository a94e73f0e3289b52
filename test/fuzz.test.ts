import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as lib from '../src/index.js';
import { ISSUE_CODES, RubricError, compile, formatIssues, parseRubric, safeParseEvidence, safeParseRubric, safeParseRubricObject, safeScore, safeScoreTotals } from '../src/index.js';
import { CASE_TYPES, caseArbitrary, describeCase, prepareCorpus, runCase, type CaseType, type Corpus, type Problem } from '../scripts/fuzz-core.mjs';
import { repoRoot, rubricsDir } from './support/bundled.js';
import { arbitraryRubricEvidence } from './support/evidence.js';
import { readFileSync } from 'node:fs';

/**
 * The fuzzer (scripts/fuzz-core.mjs) inside `npm test`: a few thousand
 * mutated rubrics and evidence documents against the sources. Every outcome
 * must be a result or a RubricError whose issues carry known codes; nothing
 * else may be thrown, scoreTotals must agree with score, and no case may
 * spend longer than its budget in the library. `npm run fuzz` runs 10^5 cases against dist/.
 *
 * FUZZ_RUNS (total cases, default 2400), FUZZ_SEED (fast-check seed) and
 * FUZZ_BUDGET_MS (per case, default 10 000) change the run.
 */
const totalRuns = Number(process.env.FUZZ_RUNS ?? 2_400);
const seed = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
const budgetMs = Number(process.env.FUZZ_BUDGET_MS ?? 10_000);
const slowMs = 1_000;
const share: Record<CaseType, number> = { 'rubric-text': 0.3, 'rubric-object': 0.2, evidence: 0.3, 'evidence-text': 0.2 };

/** Problems in src/ the fuzzer found once; empty now that they are fixed (see the regression tests below). */
const KNOWN: { name: string; matches: (p: Problem) => boolean }[] = [];

let corpus: Corpus;
const slow: string[] = [];

beforeAll(() => {
  // Lists up to 2 000 long and nesting up to 1 000 deep keep the run short.
  corpus = prepareCorpus(lib, { repoRoot, validEvidence: arbitraryRubricEvidence, hugeMax: 2_000, deepMax: 1_000 });
});

afterAll(() => {
  if (slow.length) console.log(`fuzz: ${slow.length} case(s) slower than ${slowMs} ms:\n${slow.join('\n')}`);
});

describe.each(CASE_TYPES)('fuzz %s', (type) => {
  const runs = Math.max(1, Math.round(totalRuns * share[type]));
  it(`gives a result or a RubricError with known codes, within ${budgetMs} ms (${runs} cases)`, () => {
    let cases = 0;
    const codes = new Set<string>();
    fc.assert(
      fc.property(caseArbitrary(corpus, [type]), (c) => {
        cases++;
        const r = runCase(corpus, c);
        r.codes.forEach((code) => codes.add(code));
        if (r.ms > slowMs) slow.push(`  ${r.ms.toFixed(0)} ms: ${describeCase(corpus, c)}`);
        const problems = r.problems.filter((p) => !KNOWN.some((k) => k.matches(p)));
        if (problems.length) {
          const list = problems.map((p) => `${p.kind} in ${p.step}: ${p.detail}${p.error ? `\n    ${p.error.replace(/\n/g, '\n    ')}` : ''}`).join('\n');
          throw new Error(`${describeCase(corpus, c)}\n${list}`);
        }
        if (r.ms > budgetMs) throw new Error(`${describeCase(corpus, c)}\ntook ${r.ms.toFixed(0)} ms (budget ${budgetMs} ms)`);
      }),
      // No shrinking: a failing case is printed whole, with the seed to replay it.
      { numRuns: runs, endOnFailure: true, ...(seed === undefined ? {} : { seed }) },
    );
    expect(cases).toBe(runs);
    // The cases reach past the first check: errors of several kinds come back.
    expect(codes.size).toBeGreaterThan(3);
  });
});

/** Asserts the contract on one outcome: a result, or a RubricError whose issues all have known codes. */
function expectContract(outcome: { success: boolean; error?: unknown }, ...codes: string[]): void {
  if (outcome.success) return;
  const error = outcome.error;
  expect(error).toBeInstanceOf(RubricError);
  const issues = (error as RubricError).issues;
  expect(issues.length).toBeGreaterThan(0);
  for (const i of issues) expect(ISSUE_CODES).toContain(i.code);
  for (const code of codes) expect(issues.map((i) => i.code)).toContain(code);
  expect(typeof formatIssues(issues.slice(0, 50), { sources: (error as RubricError).sources })).toBe('string');
}

describe('fuzz: inputs chosen by hand', () => {
  const kpisText = readFileSync(`${rubricsDir}service-quality-kpis.yaml`, 'utf8');
  const kpis = compile(parseRubric(kpisText));

  it('an alias bomb is refused (alias-limit)', () => {
    const bomb = `a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n`;
    expectContract(safeParseRubric(bomb + kpisText), 'alias-limit');
  });

  it('a document over 1 MiB is refused (too-large), counted in UTF-8 bytes', () => {
    expectContract(safeParseRubric(`${kpisText}\n# ${'x'.repeat(1_100_000)}\n`), 'too-large');
    // 360 000 UTF-16 units, 1 080 000 bytes.
    expectContract(safeParseEvidence(`evidence: {}\n# ${'社'.repeat(360_000)}\n`), 'too-large');
  });

  it('BOM, CRLF, tabs, NUL and lone surrogates give a result or a RubricError', () => {
    const variants = [
      `\uFEFF${kpisText}`,
      kpisText.replace(/\n/g, '\r\n'),
      kpisText.replace(/\n/g, '\r'),
      kpisText.replace(/\n {2}/g, '\n\t'),
      kpisText.replace('max:', 'max:\u0000'),
      kpisText.replace('title', 'ti\uD800tle'),
      kpisText.slice(0, kpisText.length / 2),
      '',
      '\uFEFF',
      '\u0000\u0001\u00ff',
    ];
    for (const text of variants) expectContract(safeParseRubric(text));
  });

  it('a __proto__ key from JSON.parse is an unknown item in evidence, a forbidden key in an evidence file', () => {
    const evidence = JSON.parse('{"__proto__": {"polluted": true}, "coverage": {"coverage_rate": 95}}');
    for (const missing of ['error', 'zero'] as const) {
      const s = safeScore(kpis, evidence, { missing });
      expectContract(s, 'unknown-item');
      expectContract(safeScoreTotals(kpis, evidence, { missing }), 'unknown-item');
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expectContract(safeParseEvidence('{"evidence": {"__proto__": {"polluted": true}}}'), 'forbidden-key');
    expectContract(safeParseRubricObject(JSON.parse('{"__proto__": {"polluted": true}}')));
  });

  it('numbers of the wrong kind are evidence errors, not exceptions', () => {
    const odd: unknown[] = [NaN, Infinity, -Infinity, -1, 1e309, '95', '', 'many', null, [], {}, [95], { value: 95 }, 10n, new Date(0), Object.create(null)];
    for (const v of odd) {
      for (const missing of ['error', 'zero'] as const) {
        const evidence = { coverage: { coverage_rate: v }, 'response-time': v, satisfaction: { satisfaction_rate: 90 } };
        const s = safeScore(kpis, evidence, { missing });
        const t = safeScoreTotals(kpis, evidence, { missing });
        expectContract(s);
        expectContract(t);
        expect(t.success).toBe(s.success);
      }
    }
  });

  it('a huge list and deep nesting in evidence are errors, quickly', () => {
    const started = performance.now();
    let deep: unknown = 1;
    for (let i = 0; i < 10_000; i++) deep = [deep];
    for (const [v, code] of [
      [new Array(100_000).fill({ coverage_rate: 95 }), 'invalid-type'],
      [deep, 'alias-limit'],
      [new Array(100_000).fill(1), 'invalid-type'],
    ] as const) {
      expectContract(safeScore(kpis, { coverage: v }, { missing: 'zero' }), code);
      expectContract(safeScoreTotals(kpis, { coverage: v }, { missing: 'zero' }), code);
    }
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('deep nesting in a rubric file is refused (alias-limit), in YAML and in JSON', () => {
    expectContract(safeParseRubric(`x: ${'['.repeat(300)}${']'.repeat(300)}\n${kpisText}`), 'alias-limit');
    const outcome = safeParseRubric(`${'['.repeat(20_000)}${']'.repeat(20_000)}`);
    expectContract(outcome);
    expect(outcome.success).toBe(false);
  });

  it('text nested thousands deep is refused before it is composed: alias-limit at its line and column, whatever stack the caller has left', () => {
    const text = `x:\n  y: ${'['.repeat(5_000)}${']'.repeat(5_000)}\n`;
    const atTop = safeParseRubric(text, { file: 'deep.yaml' });
    // The same call with thousands of frames already on the stack gives the same answer.
    const withFrames = (n: number): typeof atTop => (n === 0 ? safeParseRubric(text, { file: 'deep.yaml' }) : withFrames(n - 1));
    const deepInStack = withFrames(5_000);
    expect(atTop.success).toBe(false);
    expect(deepInStack.success).toBe(false);
    if (atTop.success || deepInStack.success) return;
    expect(deepInStack.error.issues).toEqual(atTop.error.issues);
    expect(atTop.error.issues).toHaveLength(1);
    // Where the nesting passes the limit: under the mappings x and y, the 201st "[" after "  y: ".
    expect(atTop.error.issues[0]).toMatchObject({ code: 'alias-limit', line: 2, column: 6 + 200 });
  });

  it('sections nested 400 deep in a rubric object give a result or a RubricError', () => {
    const value = parseYamlValue(kpisText);
    expectContract(safeParseRubricObject(nestSections(value, 400)));
  });

  // Regressions for problems `npm run fuzz` found.
  it('safeScoreTotals refuses bad deduction fields even when a deduct item’s precondition is false', () => {
    const binjiang = compile(parseRubric(readFileSync(`${rubricsDir}binjiang-2023-draft.yaml`, 'utf8')));
    for (const patrol of [
      { hazards_unfixed: -1, records_incomplete: false, regular_patrol: false },
      { hazards_unfixed: 2.5, records_incomplete: 'yes', regular_patrol: false },
    ]) {
      const evidence = { 'C3-safety': { 'C3-safety-rules': 'complete', 'C3-safety-training': 'not-held', 'C3-safety-patrol': patrol } };
      const exact = safeScore(binjiang, evidence, { missing: 'zero' });
      const totals = safeScoreTotals(binjiang, evidence, { missing: 'zero' });
      expect(exact.success).toBe(false);
      expect(totals.success).toBe(false);
      if (!exact.success && !totals.success) expect(totals.error.issues).toEqual(exact.error.issues);
    }
  });

  it('sections nested 3 000 deep in a rubric object are refused, not a stack overflow', () => {
    const value = parseYamlValue(kpisText);
    let outcome: { success: boolean; error?: unknown } | undefined;
    try {
      outcome = safeParseRubricObject(nestSections(value, 3_000));
    } catch (e) {
      throw new Error(`safeParseRubricObject threw ${(e as Error).name}: ${(e as Error).message}`);
    }
    expectContract(outcome, 'alias-limit');
  });

  it('formats 10 000 issues on one long line quickly, without running out of memory', () => {
    const text = `{"evidence": {"a": [${'"x" "y", '.repeat(10_000)}]}}`;
    const started = Date.now();
    const r = safeParseEvidence(text, { file: 'bad.json' });
    expect(r.success).toBe(false);
    if (r.success) return;
    const printed = formatIssues(r.error.issues, { sources: r.error.sources });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(printed.length).toBeLessThan(200_000);
    expect(printed).toContain('bad.json:1:');
  });
});

function parseYamlValue(text: string): Record<string, unknown> {
  return lib.readYaml(text).value as Record<string, unknown>;
}

/** The rubric with its first section inside `depth` sections, each inside the next. */
function nestSections(value: Record<string, unknown>, depth: number): Record<string, unknown> {
  const first = (value.sections as Record<string, unknown>[])[0] as Record<string, unknown>;
  let cur = first;
  for (let i = 0; i < depth; i++) cur = { id: `s${i}`, title: first.title, max: first.max, sections: [cur] };
  return { ...value, sections: [cur] };
}
