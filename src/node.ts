/**
 * The Node entry: reading rubric, evidence and fixture files from disk.
 * The core (index.ts) stays free of Node built-ins for browsers.
 */
import { readFileSync } from 'node:fs';
import { filesUnder } from './find-files.js';
import { dirname, extname, isAbsolute, join, resolve } from 'node:path';
import type { Resolver } from './extends.js';
import { compile, type CompiledRubric } from './compile.js';
import type { EvidenceDocument } from './evidence.js';
import { fixtureCaseEvidence, parseFixtureText } from './fixture-file.js';
import { formatCaseResults, runCase, type CaseResult } from './fixtures.js';
import { RubricError, describe, issue, type Issue } from './issues.js';
import { evidenceHints } from './evidence-hints.js';
import { argumentIssue, optionIssue, optionsIssue, throwProblems } from './api-guards.js';
import { isRecord } from './is-record.js';
import { safeExportRubric, safeParseRubric, safeParseRubricJson, type LoadOptions } from './load.js';
import type { Rubric } from './schema.js';
import { placeIssues, readYaml } from './source.js';
import { readText } from './read-text.js';
import { checkEvidence } from './evaluate.js';

export * from './index.js';
export { loadCostsFile, type CostsFile } from './costs-file.js';
export { formatCaseResults, runCase, mergeEvidence, fixtureSchema, type CaseResult } from './fixtures.js';
// Evidence templates, the CSV evidence reader and batch scoring (template.ts and evidence-fields.ts are pure).
export { evidenceFields, toBoolean, toNumber, toChoice, toList, type Cell, type Column, type EvidenceFields, type FieldCodec, type SlotCounts } from './evidence-fields.js';
export { yamlTemplate, csvTemplate, encodeEvidence, type CsvTemplate, type CsvTemplateOptions, type YamlTemplateOptions, type EvidenceLike } from './template.js';
export { CsvEvidenceReader, csvRecords, type CsvRow, type RowIssue, type CsvEvidenceOptions, type CsvRecord, type CsvRecordError } from './csv-evidence.js';
export {
  scoreRows,
  runBatch,
  resultSink,
  resultColumns,
  resultRecord,
  BatchSummary,
  inputKind,
  itemScorer,
  fromScaled,
  describeIssue,
  type BatchRow,
  type BatchIssue,
  type BatchOptions,
  type BatchInput,
  type RowResult,
  type ItemPoints,
  type ResultFormat,
  type ResultSink,
  type SinkOptions,
  type RunOptions,
  type BatchSummaryData,
  type Distribution,
  type WeakItem,
  type GradeCount,
} from './batch.js';
export { loadEvidenceSet, readEvidenceFile, findEvidenceFiles, parseEvidenceLines } from './evidence-set.js';

/** Resolves `extends:` as a path relative to the extending file. */
export const fileResolver: Resolver = (ref, fromFile) => {
  // Not text: nothing to resolve (the loader reports the reference it could not resolve).
  if (typeof ref !== 'string' || typeof fromFile !== 'string') return undefined;
  const file = isAbsolute(ref) ? ref : join(dirname(fromFile), ref);
  try {
    return { file, text: readFileSync(file, 'utf8') };
  } catch {
    return undefined;
  }
};

/**
 * Reads and validates a rubric file (following extends:); throws a RubricError
 * with every problem, placed at file:line:col. A `.json` file (see
 * exportRubric) is read with JSON.parse, without the YAML parser.
 */
export async function loadRubricFile(path: string, options: Omit<LoadOptions, 'file'> = {}): Promise<Rubric> {
  // Before the spread below, which would make a string given as options a mapping of its letters.
  throwProblems(optionsIssue(options));
  const text = await readText(path);
  const parse = extname(path).toLowerCase() === '.json' ? safeParseRubricJson : safeParseRubric;
  const result = parse(text, { resolve: fileResolver, ...options, file: path });
  if (!result.success) throw result.error;
  return result.data;
}

/**
 * A rubric file as the plain object it stands for (extends: followed, all
 * validated), to write out as JSON and load without the YAML parser.
 */
export async function exportRubricFile(path: string, options: Omit<LoadOptions, 'file'> = {}): Promise<Record<string, unknown>> {
  throwProblems(optionsIssue(options));
  const text = await readText(path);
  const result = safeExportRubric(text, { resolve: fileResolver, ...options, file: path });
  if (!result.success) throw result.error;
  return result.data;
}

export { loadEvidenceFile } from './fixture-file.js';

/**
 * Checks an evidence document against a rubric; issues are placed in the
 * evidence file. Returns nothing when the evidence is good.
 */
export function evidenceProblems(compiled: CompiledRubric, doc: EvidenceDocument, text: string, file: string, missing: 'error' | 'zero' = 'error'): RubricError | undefined {
  throwProblems(
    argumentIssue('doc', doc, 'an evidence document (from safeParseEvidence)', isRecord(doc) && (doc.rubric === undefined || typeof doc.rubric === 'string')),
    argumentIssue('text', text, 'a string', typeof text === 'string'),
    argumentIssue('file', file, 'a string', typeof file === 'string'),
  );
  const issues = checkEvidence(compiled, doc.evidence, missing).issues;
  const fits = [compiled.rubric.id, ...(compiled.rubric.lineage ?? [])];
  if (doc.rubric !== undefined && !fits.includes(doc.rubric)) {
    issues.unshift(issue('rubric-mismatch', ['rubric'], `the evidence is for the rubric "${doc.rubric}", not "${compiled.rubric.id}"`, { expected: compiled.rubric.id, found: doc.rubric }));
  }
  if (!issues.length) return undefined;
  const read = readYaml(text, { file });
  return new RubricError(placeIssues(issues, read.source), { [file]: text });
}

/** Hints on an evidence document (see evidenceHints), placed in the evidence file. */
export function evidenceFileHints(compiled: CompiledRubric, doc: EvidenceDocument, text: string, file: string): Issue[] {
  throwProblems(
    argumentIssue('doc', doc, 'an evidence document (from safeParseEvidence)', isRecord(doc)),
    argumentIssue('text', text, 'a string', typeof text === 'string'),
    argumentIssue('file', file, 'a string', typeof file === 'string'),
  );
  const hints = evidenceHints(compiled, doc.evidence);
  return hints.length ? placeIssues(hints, readYaml(text, { file }).source) : hints;
}

export interface FixtureFileResult {
  file: string;
  /** The rubric file the cases were scored against (for a skipped file, the one it names). */
  rubric?: string;
  cases: CaseResult[];
  /** Problems with the fixture file itself, its rubric or its evidence files. */
  error?: RubricError;
  /** Set, to the id of the rubric the fixture file names, when `options.rubric` has another id: no case was run. */
  skipped?: string;
}

export interface FixtureOptions extends Omit<LoadOptions, 'file'> {
  /**
   * Score every case against this rubric file instead of the one each
   * fixture file names: an edited copy, tested before it is adopted.
   * Fixture files for a rubric of another id are skipped.
   */
  rubric?: string;
}

/** Runs every case of a fixture file. */
export async function runFixtureFile(path: string, options: FixtureOptions = {}): Promise<FixtureFileResult> {
  const notMapping = optionsIssue(options);
  if (notMapping) return { file: path, cases: [], error: new RubricError([notMapping]) };
  const { rubric: instead, ...load } = options ?? {};
  const wrong = optionIssue('rubric', instead, 'a rubric file path (a string)', instead === undefined || typeof instead === 'string');
  if (wrong) return { file: path, cases: [], error: new RubricError([wrong]) };
  try {
    const fixture = parseFixtureText(await readText(path), path);
    const named = resolve(dirname(path), fixture.rubric);
    let rubricPath = named;
    let rubric: Rubric;
    let own: Rubric | undefined;
    if (instead === undefined) rubric = await loadRubricFile(named, load);
    else {
      rubric = await loadRubricFile(instead, load);
      rubricPath = instead;
      // The named rubric tells which fixtures are the edited rubric's, and what moved: one that no longer loads does not stop the run.
      own = await loadRubricFile(named, load).catch(() => undefined);
      if (own && own.id !== rubric.id && !(rubric.lineage ?? []).includes(own.id)) return { file: path, rubric: named, cases: [], skipped: own.id };
    }
    const compiled = compile(rubric, load);
    const original = own ? compile(own, load) : undefined;
    const cases: CaseResult[] = [];
    for (const c of fixture.cases) {
      const evidence = await fixtureCaseEvidence(c, path);
      // A case the edit broke is explained by what the edit moved, against the rubric the fixture names.
      cases.push(runCase(compiled, c, evidence, original ? { original } : {}));
    }
    return { file: path, rubric: rubricPath, cases };
  } catch (e) {
    if (e instanceof RubricError) return { file: path, cases: [], error: e };
    throw e;
  }
}

/** Fixture files under the given paths (files, or directories searched for *.yaml / *.yml). */
export async function findFixtureFiles(paths: string[]): Promise<string[]> {
  if (!Array.isArray(paths) || !paths.every((p) => typeof p === 'string')) {
    const found = describe(paths);
    throw new RubricError([issue('invalid-type', [], `expected a list of file or directory paths, found ${found}`, { expected: 'a list of paths', found })]);
  }
  const found: string[] = [];
  for (const p of paths) found.push(...(await filesUnder(p, ['.yaml', '.yml'])));
  return found;
}

/** A fixture file's results, each case with its printed report. */
export type FixtureRun = Omit<FixtureFileResult, 'cases'> & { cases: (CaseResult & { report: string })[] };

/**
 * Runs every fixture file under the given paths. Framework-agnostic, so an
 * embedding project keeps its rubric tests in its own suite:
 *
 *   for (const file of await runFixtures(['test/fixtures'])) {
 *     if (file.error) it(file.file, () => { throw file.error; });
 *     for (const c of file.cases) it(c.name, () => expect(c.passed, c.report).toBe(true));
 *   }
 */
export async function runFixtures(paths: string[], options: FixtureOptions = {}): Promise<FixtureRun[]> {
  throwProblems(optionsIssue(options));
  const files = await findFixtureFiles(paths);
  const results: FixtureRun[] = [];
  for (const file of files) {
    const r = await runFixtureFile(file, options);
    results.push({ ...r, cases: r.cases.map((c) => ({ ...c, report: formatCaseResults(file, [c]) })) });
  }
  return results;
}

