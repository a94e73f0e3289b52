import { indexTraces } from './trace-index.js';
import { z } from 'zod';
import { Dec, toDec } from './decimal.js';
import { ISSUE_CODES, type Issue } from './issues.js';
import { argumentIssue, notCompiled, optionIssue, optionsIssue, throwProblems } from './api-guards.js';
import { isRecord } from './is-record.js';
import type { ItemTrace } from './kinds/define.js';
import { safeScore } from './score.js';
import type { CompiledRubric } from './compile.js';
import type { ScoreResult, SectionTrace } from './result.js';

/**
 * Fixture tests for rubrics: a case gives evidence and the values expected
 * (total, grade, gates, subtotals, any item's points, or an error code);
 * a failure names what differs and shows the trace of the items involved.
 */
const num = z.union([z.number(), z.string()]);
export const expectSchema = z.strictObject({
  total: num.optional(),
  base: num.optional(),
  bonus: num.optional(),
  ratio: num.optional(),
  grade: z.string().nullable().optional(),
  rated: z.boolean().optional(),
  gates: z.record(z.string(), z.boolean()).optional(),
  sections: z.record(z.string(), num).optional(),
  items: z.record(z.string(), num).optional(),
  met: z.record(z.string(), z.boolean()).optional(),
  criteria: z.strictObject({ met: z.number().int(), total: z.number().int() }).optional(),
  error: z.enum(ISSUE_CODES).optional(),
});

export const caseSchema = z.strictObject({
  name: z.string().min(1),
  evidenceFrom: z.string().optional(),
  evidence: z.record(z.string(), z.unknown()).optional(),
  missing: z.enum(['error', 'zero']).optional(),
  community: z.record(z.string(), z.unknown()).optional(),
  expect: expectSchema,
});

export const fixtureSchema = z.strictObject({
  rubric: z.string().min(1),
  description: z.string().optional(),
  cases: z.array(caseSchema).min(1),
});

export type FixtureCase = z.output<typeof caseSchema>;
export type Fixture = z.output<typeof fixtureSchema>;

export interface Mismatch {
  what: string;
  expected: string;
  actual: string;
  /** Items whose trace explains the difference. */
  trace?: ItemTrace[];
}

export interface CaseResult {
  name: string;
  passed: boolean;
  mismatches: Mismatch[];
  result?: ScoreResult;
  issues?: Issue[];
  /** Run against an edited rubric (FixtureOptions.rubric): the items whose points differ from the rubric the fixture names. */
  moved?: MovedItem[];
}

export interface MovedItem {
  id: string;
  /** Points under the rubric the fixture names, and under the edited one; null where the item is not in that rubric. */
  before: string | null;
  after: string | null;
}

/** The items whose points differ between two results for the same evidence, in the edited result's order, then removed ones. */
export function movedItems(before: ScoreResult, after: ScoreResult): MovedItem[] {
  const was = indexTraces(before).items;
  const now = indexTraces(after).items;
  const moved: MovedItem[] = [];
  for (const [id, i] of now) {
    const old = was.get(id);
    if (!old || old.points !== i.points) moved.push({ id, before: old ? old.points : null, after: i.points });
  }
  for (const [id, old] of was) if (!now.has(id)) moved.push({ id, before: old.points, after: null });
  return moved;
}

export interface CaseOptions {
  /**
   * The rubric the fixture names, when `compiled` is an edited copy of it: a
   * failure then lists the items the edit moved (CaseResult.moved), and
   * explains a total, grade or subtotal by them rather than by every item
   * below its maximum.
   */
  original?: CompiledRubric;
}

/** Runs one case on evidence already merged from its base file and overrides. */
export function runCase(compiled: CompiledRubric, c: FixtureCase, evidence: Record<string, unknown>, options: CaseOptions = {}): CaseResult {
  const original: unknown = isRecord(options) ? options.original : undefined;
  throwProblems(
    notCompiled(compiled),
    argumentIssue('c', c, 'a fixture case (name, expect)', isRecord(c) && typeof c.name === 'string' && (c.expect === undefined || isRecord(c.expect))),
    optionsIssue(options),
    optionIssue('original', original, 'a compiled rubric', original === undefined || notCompiled(original) === undefined),
  );
  const scoreWith = (rubric: CompiledRubric) => safeScore(rubric, evidence, { missing: c.missing ?? 'error', community: c.community });
  const scored = scoreWith(compiled);
  const e = c.expect;
  const mismatches: Mismatch[] = [];
  if (!scored.success) {
    const codes = scored.error.issues.map((i) => i.code);
    if (e.error && codes.includes(e.error)) return { name: c.name, passed: true, mismatches, issues: scored.error.issues };
    mismatches.push({ what: 'error', expected: e.error ?? 'a result', actual: scored.error.issues.map((i) => `${i.code} at ${i.path.join('.')}: ${i.message}`).join('\n') });
    return { name: c.name, passed: false, mismatches, issues: scored.error.issues };
  }
  const r = scored.data;
  if (e.error) mismatches.push({ what: 'error', expected: e.error, actual: 'a result without error' });
  const { items, sections } = indexTraces(r);
  // What the edit moved for this evidence: worked out at the first mismatch, once (undefined where the original cannot score it).
  let moved: MovedItem[] | undefined;
  let compared = false;
  const movedIds = (): Set<string> | undefined => {
    if (!options?.original) return undefined;
    if (!compared) {
      compared = true;
      const before = scoreWith(options.original);
      if (before.success) moved = movedItems(before.data, r);
    }
    return moved?.length ? new Set(moved.map((m) => m.id)) : undefined;
  };
  // The items that explain a total or subtotal: those the edit moved, else those below their maximum.
  const explaining = (list: ItemTrace[]) => {
    const ids = movedIds();
    return ids ? list.filter((i) => ids.has(i.id)) : list.filter((i) => i.points !== i.max);
  };
  const notFull = () => explaining([...items.values()].filter((i) => !i.parts));
  const compareNumber = (what: string, expected: unknown, actual: string | null | undefined, trace?: () => ItemTrace[]) => {
    if (expected === undefined) return;
    const want = toDec(expected);
    // A non-terminating value ("0.6666…") never equals a written decimal.
    const got = actual && !actual.endsWith('…') ? Dec.parse(actual) : undefined;
    if (!want || !got || !want.eq(got)) {
      mismatches.push({ what, expected: String(expected), actual: actual ?? 'nothing', ...(trace ? { trace: trace() } : {}) });
    }
  };
  compareNumber('total', e.total, r.total, notFull);
  compareNumber('base', e.base, r.base, notFull);
  compareNumber('bonus', e.bonus, r.bonus);
  compareNumber('ratio', e.ratio, r.ratio, notFull);
  if (e.grade !== undefined && (r.grade?.id ?? null) !== e.grade) {
    mismatches.push({ what: 'grade', expected: String(e.grade), actual: `${r.grade?.id ?? 'none'} (total ${r.total})`, trace: notFull() });
  }
  if (e.rated !== undefined && r.rated !== e.rated) mismatches.push({ what: 'rated', expected: String(e.rated), actual: String(r.rated) });
  for (const [id, want] of Object.entries(e.gates ?? {})) {
    const gate = r.gates.find((g) => g.id === id);
    if (!gate) mismatches.push({ what: `gate ${id}`, expected: String(want), actual: 'no such gate' });
    else if (gate.passed !== want) mismatches.push({ what: `gate ${id}`, expected: String(want), actual: `${gate.passed} (${gate.subject} = ${gate.value ?? '—'}, needs ${gate.range})` });
  }
  for (const [id, want] of Object.entries(e.sections ?? {})) {
    const s = sections.get(id);
    if (!s) mismatches.push({ what: `section ${id}`, expected: String(want), actual: 'no such section' });
    else compareNumber(`section ${id}`, want, s.points, () => explaining(sectionItems(s)));
  }
  for (const [id, want] of Object.entries(e.items ?? {})) {
    const i = items.get(id);
    if (!i) mismatches.push({ what: `item ${id}`, expected: String(want), actual: 'no such item' });
    else compareNumber(`item ${id}`, want, i.points, () => [i]);
  }
  for (const [id, want] of Object.entries(e.met ?? {})) {
    const i = items.get(id);
    if (!i || i.met !== want) mismatches.push({ what: `met ${id}`, expected: String(want), actual: i ? String(i.met) : 'no such item', ...(i ? { trace: [i] } : {}) });
  }
  if (e.criteria && (r.criteria?.met !== e.criteria.met || r.criteria?.total !== e.criteria.total)) {
    mismatches.push({ what: 'criteria', expected: `${e.criteria.met} / ${e.criteria.total}`, actual: r.criteria ? `${r.criteria.met} / ${r.criteria.total}` : 'none' });
  }
  if (mismatches.length) movedIds();
  return { name: c.name, passed: mismatches.length === 0, mismatches, result: r, ...(moved ? { moved } : {}) };
}

function sectionItems(s: SectionTrace): ItemTrace[] {
  return [...(s.sections ?? []).flatMap(sectionItems), ...(s.items ?? [])];
}

/** The case's evidence: its base file's evidence with the case's items replacing those ids. */
export function mergeEvidence(base: Record<string, unknown> | undefined, overrides: Record<string, unknown> | undefined): Record<string, unknown> {
  const evidence = (v: unknown) => v === undefined || v === null || isRecord(v);
  throwProblems(argumentIssue('base', base, 'evidence as a mapping', evidence(base)), argumentIssue('overrides', overrides, 'evidence as a mapping', evidence(overrides)));
  return { ...(base ?? {}), ...(overrides ?? {}) };
}

/** A report of case results as text, with the differing values and traces. */
export function formatCaseResults(file: string, results: CaseResult[], lang: 'zh' | 'en' = 'en'): string {
  const isResult = (r: unknown) => isRecord(r) && typeof r.name === 'string' && typeof r.passed === 'boolean' && Array.isArray(r.mismatches);
  throwProblems(
    argumentIssue('file', file, 'a string', typeof file === 'string'),
    argumentIssue('results', results, 'a list of case results (from runCase)', Array.isArray(results) && results.every(isResult)),
    argumentIssue('lang', lang, '"zh" or "en"', lang === 'zh' || lang === 'en'),
  );
  const lines: string[] = [];
  for (const r of results) {
    lines.push(`${r.passed ? '✓' : '✗'} ${file} › ${r.name}`);
    const shown = new Set<string>();
    for (const m of r.mismatches) {
      // `what` names the fixture's key (total, section 1, met 1.1a), as the author wrote it: only the sentence is worded.
      lines.push(lang === 'zh' ? `    ${m.what}：应为 ${m.expected}，实为 ${m.actual}` : `    ${m.what}: expected ${m.expected}, got ${m.actual}`);
      // The total, the base and the grade are often explained by the same items: they are listed once.
      const key = (m.trace ?? []).map((t) => t.id).join('\n');
      if (key && shown.has(key)) lines.push(lang === 'zh' ? '      （条目同上）' : '      (the same items as above)');
      else for (const t of m.trace ?? []) lines.push(`      ${t.id} ${t.points}/${t.max}: ${t.reason[lang]}`);
      shown.add(key);
    }
    if (r.moved?.length) {
      lines.push(lang === 'zh' ? '    与原评价表相比得分变化的条目：' : '    items whose points the edit moved:');
      for (const m of r.moved) lines.push(`      ${m.id}: ${m.before ?? '—'} → ${m.after ?? '—'}`);
    }
  }
  return lines.join('\n');
}

