import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compile, parseRubric, safeParseEvidence, safeScore, score, scoreTotals, type ScoreResult } from '../src/index.js';
import { repoRoot } from './support/bundled.js';
import { safeScoreExactly } from '../src/evaluate.js';
import { BatchSummary, runBatch, type BatchRow, type ResultSink } from '../src/node.js';
import { tempDir } from './support/temp.js';

/**
 * `rounding.only: repeating`: a terminating value keeps every place, only a
 * value that does not terminate is rounded — on the exact path, the fast
 * paths (which must decline what they cannot count), totals and batch.
 */
const rubricText = (only: string) => `
id: rounding-test
version: "1"
title: { zh: 舍入, en: Rounding }
source: { name: { zh: 测试, en: test } }
rounding: { places: 2, mode: half-up${only} }
max: 11
sections:
  - id: s
    title: { zh: 分组, en: Group }
    max: 11
    items:
      - { id: sat, title: { zh: 满意度, en: Satisfaction }, kind: rate, mode: linear, points: 10 }
      - { id: org, title: { zh: 机构, en: Organisation }, kind: check, points: 1 }
grades:
  subject: total
  bands:
    - { id: top, label: { zh: 优, en: Top }, range: ">= 9.5" }
    - { id: rest, label: { zh: 其余, en: Rest }, range: "< 9.5" }
`;
const repeatingOnly = compile(parseRubric(rubricText(', only: repeating')));
const rounded = compile(parseRubric(rubricText('')));
const itemOf = (r: ScoreResult, id: string) => r.sections[0]?.items?.find((i) => i.id === id);

describe('rounding only: repeating', () => {
  // Here, not in the test that writes to it: a tempDir made in a test has no directory (its hooks never run).
  const temp = tempDir('shequ-rounding-');
  it('keeps a terminating value whole and grades by it; rounds a repeating one, and the trace says so', () => {
    const fine = score(repeatingOnly, { sat: 0.8499, org: true });
    expect([itemOf(fine, 'sat')?.points, itemOf(fine, 'sat')?.rounded, fine.total, fine.grade?.id]).toEqual(['8.499', undefined, '9.499', 'rest']);
    // The same evidence, rounded to 2 places, crosses the band.
    const cut = score(rounded, { sat: 0.8499, org: true });
    expect([itemOf(cut, 'sat')?.points, itemOf(cut, 'sat')?.rounded?.from, cut.total, cut.grade?.id]).toEqual(['8.5', '8.499', '9.5', 'top']);
    const third = score(repeatingOnly, { sat: { count: 1, of: 3 }, org: false });
    expect([itemOf(third, 'sat')?.points, itemOf(third, 'sat')?.rounded?.from]).toEqual(['3.33', '3.333333333333…']);
  });

  it('every path gives the exact path’s result: score, scoreTotals, whatever the places of the rate', () => {
    const rate = fc.oneof(
      fc.integer({ min: 0, max: 10 ** 6 }).map((n) => n / 10 ** 6),
      fc.integer({ min: 0, max: 100 }).map((n) => n / 100),
      fc.integer({ min: 1, max: 97 }).chain((of) => fc.record({ count: fc.integer({ min: 0, max: of }), of: fc.constant(of) })),
    );
    fc.assert(
      fc.property(rate, fc.boolean(), (sat, org) => {
        for (const compiled of [repeatingOnly, rounded]) {
          const evidence = { sat, org };
          const exact = safeScoreExactly(compiled, evidence);
          const fast = safeScore(compiled, evidence);
          expect(JSON.stringify(fast)).toBe(JSON.stringify(exact));
          if (!exact.success) continue;
          const totals = scoreTotals(compiled, evidence);
          expect([totals.total, totals.grade?.id, totals.sections[0]?.points]).toEqual([exact.data.total, exact.data.grade?.id, exact.data.sections[0]?.points]);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('batch writes an item finer than the rubric keeps exactly, and its summary averages it exactly', async () => {
    const file = temp.write('rows.jsonl', [0.8499, 0.8501, 0.5].map((sat) => JSON.stringify({ evidence: { sat, org: true } })).join('\n'));
    const rows: BatchRow[] = [];
    const sink: ResultSink = { write: async (row) => void rows.push(row), end: async () => undefined };
    const summary: BatchSummary = await runBatch(repeatingOnly, file, sink);
    expect(rows.map((r) => r.result?.items?.find((i) => i.id === 'sat'))).toEqual([
      { id: 'sat', scaled: 849, exact: '8.499' },
      { id: 'sat', scaled: 850, exact: '8.501' },
      { id: 'sat', scaled: 500 },
    ]);
    expect(rows.map((r) => [r.result?.total, r.result?.grade?.id])).toEqual([
      ['9.499', 'rest'],
      ['9.501', 'top'],
      ['6', 'rest'],
    ]);
    // (8.499 + 8.501 + 5) ÷ 3 = 7.333…: the share is 22 ÷ 30.
    const sat = summary.toJSON(5).weakest.find((w) => w.id === 'sat');
    expect([sat?.average, sat?.share]).toEqual(['7.333333333333…', '0.733333333333…']);
  });
});

describe('plan under rounding only: repeating', () => {
  it('plans from points finer than the rounding places (it threw "not a multiple" before), and re-scores the plan exactly', async () => {
    const { loadRubricFile } = await import('../src/node.js');
    const { plan } = await import('../src/index.js');
    const zhoushan = compile(await loadRubricFile(`${repoRoot}rubrics/zhoushan-2017.yaml`));
    const allA = Object.fromEntries(['II-1', 'II-2', 'II-3', 'II-4', 'II-5', 'II-6', 'II-7', 'II-8', 'II-9', 'II-10'].map((id) => [id, 'A']));
    const p = plan(zhoushan, { ...allA, 'II-11': [{ name: 'x', category: 'safety', score: 87.49999999999999 }] }, { target: 'excellent' });
    expect([p.current.total, p.current.grade?.id, p.status, p.after?.total, p.after?.grade?.id]).toEqual(['94.999999999999996', 'good', 'planned', '95.399999999999996', 'excellent']);
    const binjiang = compile(await loadRubricFile(`${repoRoot}rubrics/binjiang-2023-draft.yaml`));
    const demo = safeParseEvidence(readFileSync(`${repoRoot}examples/binjiang-demonstration.yaml`, 'utf8'));
    if (!demo.success) throw demo.error;
    const q = plan(binjiang, { ...demo.data.evidence, 'C6-satisfaction': 0.916666666666667 }, { target: 'demonstration' });
    expect([q.current.total, q.status, q.after?.total, q.after?.grade?.id]).toEqual(['89.916666666666675', 'planned', '90', 'demonstration']);
  });
});
