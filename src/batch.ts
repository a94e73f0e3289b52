/**
 * Batch scoring: many communities from a CSV file, a JSONL file or a
 * directory of evidence files, read, scored and written one at a time so
 * memory stays flat however many rows there are. A row with problems is
 * reported, written as an error row and counted; it never stops the run.
 * Node only.
 */
import { stringify, type Stringifier } from 'csv-stringify';
import { once } from 'node:events';
import { createReadStream } from 'node:fs';
import { opendir, readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { Transform, type Readable, type Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { CompiledRubric, MissingPolicy } from './compile.js';
import { csvRecords, CsvEvidenceReader, type RowIssue } from './csv-evidence.js';
import { Dec, scaledInteger } from './decimal.js';
import { scoreOneItem } from './evaluate.js';
import { safeParseEvidence, type EvidenceDocument } from './evidence.js';
import { codeHooks } from './kinds/fast.js';
import { evidenceFields, type EvidenceFields } from './evidence-fields.js';
import { formatPath } from './format-issues.js';
import { hintsOf } from './evidence-hints.js';
import { RubricError, describe, issue, type Issue } from './issues.js';
import { isRecord } from './is-record.js';
import { leftBlank } from './left-blank.js';
import { fsReason } from './fs-reason.js';
import { argumentIssue, assertCompiled, assertString, isStringList, notCompiled, optionIssue, optionsIssue, optionsProblem, throwProblems } from './api-guards.js';
import type { AnyRuleKind, Bilingual, FastScorer, ItemBase } from './kinds/define.js';
import type { CriteriaCount, ScoreTotals } from './result.js';
import { criteriaCounter, criteriaTotals, judgesCriteria } from './batch-criteria.js';
import { safeScoreTotals } from './totals.js';
import { thrownResult } from './load.js';
import type { Section } from './schema.js';
import { placeIssues, readYaml, withoutBom } from './source.js';

export type BatchInput = 'csv' | 'jsonl' | 'dir';

/** A problem of a row; `columns` for CSV rows. */
export type BatchIssue = Issue & { columns?: string[] };

/** One community's outcome. */
export interface BatchRow {
  /** The line where the row starts (CSV, JSONL), or the file name (directory). */
  row: number | string;
  /** The file the row was read from. */
  file: string;
  community?: Record<string, unknown> | undefined;
  /** The result, when the row scored. */
  result?: RowResult;
  /** Every problem of the row; empty when it scored. */
  issues: BatchIssue[];
  /** Advice on the row's evidence (see evidenceHints), placed like its problems; absent when there is none. */
  hints?: BatchIssue[];
}

/**
 * A row's result: the totals (sections flattened in rubric order) and, when
 * traced, each item's points and the criteria counts (overall and per
 * section, as `score` gives them), when the rubric judges any criteria.
 */
export interface RowResult extends ScoreTotals {
  criteria?: CriteriaCount;
  sections: { id: string; points: string; criteria?: CriteriaCount }[];
  items?: ItemPoints[];
}

export interface ItemPoints {
  id: string;
  /** The item's points as an integer count of 10^-places (the rubric's rounding places), rounded down when finer. */
  scaled: number;
  /** The exact points, when finer than 10^-places (a terminating value a rubric rounding only repeating ones keeps). */
  exact?: string;
  /** For items of a kind that judges a criterion (check, checklist …): whether it was met. */
  met?: boolean;
}

export interface BatchOptions {
  missing?: MissingPolicy;
  /**
   * Score with a full trace to get each item's points (default true; the
   * summary's weakest items and the item columns need them). Without,
   * rows are scored totals-only, which is faster.
   */
  trace?: boolean;
  /** How to read the input; default: by extension (.csv, .jsonl / .ndjson) or a directory. */
  input?: BatchInput;
  /** The input's character encoding (a WHATWG label: utf-8, gbk, gb18030, big5 …); default utf-8. */
  encoding?: string;
}

const isUtf8 = (encoding: string | undefined) => !encoding || /^utf-?8$/i.test(encoding);

/** Throws a RubricError for an encoding Node cannot decode. */
export function checkEncoding(encoding: string | undefined): void {
  if (isUtf8(encoding)) return;
  try {
    new TextDecoder(encoding);
  } catch {
    throw new RubricError([issue('invalid-value', [], `unknown character encoding "${encoding}"`, { expected: 'utf-8, gbk, gb18030, big5 …', found: String(encoding) })]);
  }
}

/** A file as a stream of UTF-8 bytes, decoded from its encoding. */
function openText(file: string, encoding: string | undefined): Readable {
  const raw = createReadStream(file);
  if (isUtf8(encoding)) return raw;
  const decoder = new TextDecoder(encoding);
  const t = new Transform({
    transform(chunk: Buffer, _enc, done) {
      done(null, decoder.decode(chunk, { stream: true }));
    },
    flush(done) {
      done(null, decoder.decode());
    },
  });
  raw.on('error', (e) => t.destroy(e));
  return raw.pipe(t);
}

/** What the input is: a directory, a .csv or a .jsonl / .ndjson file. Throws a RubricError when it is none of these. */
export async function inputKind(path: string, given?: BatchInput): Promise<BatchInput> {
  assertString('path', path);
  const s = await stat(path).catch(() => undefined);
  if (!s) throw new RubricError([issue('file-not-found', [], `no such file or directory: ${path}`, { file: path })]);
  if (given) return given;
  if (s.isDirectory()) return 'dir';
  const ext = extname(path).toLowerCase();
  if (ext === '.csv') return 'csv';
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl';
  throw new RubricError([issue('invalid-value', [], `cannot tell how to read ${path}: batch reads a .csv file, a .jsonl file or a directory of evidence files`, { file: path, expected: '.csv, .jsonl or a directory' })]);
}

/** Problems with batch options: how to read the input and in what encoding, the missing policy. */
function batchOptionIssues(options: unknown): (Issue | undefined)[] {
  const o = isRecord(options) ? options : {};
  return [
    optionsProblem(options),
    optionIssue('input', o.input, '"csv", "jsonl" or "dir"', o.input === undefined || o.input === 'csv' || o.input === 'jsonl' || o.input === 'dir'),
    optionIssue('encoding', o.encoding, 'an encoding name (a string)', o.encoding === undefined || typeof o.encoding === 'string'),
  ];
}

/**
 * Scores every row of the input, one at a time. Throws a RubricError for
 * problems that stop the whole run (the input is missing, a CSV header names
 * unknown columns); every other problem is a row's.
 */
export async function* scoreRows(compiled: CompiledRubric, path: string, options: BatchOptions = {}): AsyncGenerator<BatchRow> {
  throwProblems(...batchOptionIssues(options));
  options ??= {};
  const kind = await inputKind(path, options.input);
  checkEncoding(options.encoding);
  const missing = options.missing ?? 'error';
  const score = scorer(compiled, missing, options.trace ?? true);
  if (kind === 'csv') yield* csvRows(compiled, path, missing, score, openText(path, options.encoding));
  else if (kind === 'jsonl') yield* jsonlRows(compiled, path, score, openText(path, options.encoding));
  else yield* dirRows(compiled, path, score, options.encoding);
}

type Scorer = (evidence: Record<string, unknown>, community: unknown) => { success: true; data: RowResult } | { success: false; error: RubricError };

function scorer(compiled: CompiledRubric, missing: MissingPolicy, trace: boolean): Scorer {
  const items = trace ? itemScorer(compiled, missing) : undefined;
  const counter = trace ? criteriaCounter(compiled, [...compiled.items.keys()]) : undefined;
  return (evidence, community) => {
    const r = safeScoreTotals(compiled, evidence, { missing, ...(community !== undefined ? { community } : {}) });
    if (!r.success || !items) return r;
    let points: ItemPoints[];
    try {
      points = items(evidence);
    } catch (e) {
      // A user's kind breaking its contract on a path the totals did not take: the row's problem.
      return thrownResult(e);
    }
    if (!counter) return { success: true, data: { ...r.data, items: points } };
    // The row's sections are its own (scoreTotals makes them per call): each is given its count in place.
    const sections: RowResult['sections'] = r.data.sections;
    const criteria = counter(points, sections);
    return { success: true, data: { ...r.data, criteria, sections, items: points } };
  };
}

/**
 * Each item's points for valid evidence, as integers of 10^-places: the
 * kinds' fast scorers (the totals-only path), the exact scorer where they
 * decline. An item of a kind that judges a criterion also gets whether it
 * was met.
 */
export function itemScorer(compiled: CompiledRubric, missing: MissingPolicy = 'error'): (evidence: Record<string, unknown>) => ItemPoints[] {
  throwProblems(notCompiled(compiled), optionsProblem({ missing }));
  const { places } = compiled.rubric.rounding;
  const scale = 10 ** places;
  const scaleDec = Dec.int(scale);
  const scaled = (d: Dec): number | undefined => {
    const v = scaledInteger(d, places);
    return v !== undefined && v >= 0 ? v : undefined;
  };
  const exact = (item: ItemBase, raw: unknown): { scaled: number; exact?: string; met?: boolean } => {
    const parsed = compiled.evidenceSchema(item, missing).safeParse(raw);
    if (!parsed.success) return { scaled: 0 };
    const r = scoreOneItem(compiled, item, parsed.data);
    const counted = scaled(r.points);
    return {
      scaled: counted ?? Number(r.points.mul(scaleDec).floor().n),
      ...(counted === undefined ? { exact: r.points.toString() } : {}),
      ...(r.trace.met !== undefined ? { met: r.trace.met } : {}),
    };
  };
  const hooks = codeHooks(!compiled.jitless);
  // An item's points in 10^-places, by its kind's fast scorer or else exactly; undefined when finer than that
  // (then the item, or the item whose part it is, is scored exactly).
  const cache = new Map<ItemBase, FastScorer>();
  const countedExactly = (item: ItemBase, raw: unknown): number | undefined => {
    const x = exact(item, raw);
    return x.exact === undefined ? x.scaled : undefined;
  };
  const fastFor = (item: ItemBase): FastScorer => {
    let f = cache.get(item);
    if (!f) {
      const kind = compiled.kinds.get(item.kind) as AnyRuleKind;
      const fast = kind.fast?.(item, { scaled, fastFor, ...hooks });
      f = fast ? (raw) => fast(raw) ?? countedExactly(item, raw) : (raw) => countedExactly(item, raw);
      cache.set(item, f);
    }
    return f;
  };
  const entries = [...compiled.items.values()].map((item) => {
    const kind = compiled.kinds.get(item.kind) as AnyRuleKind;
    const judged = kind.judgesCriteria === true;
    // check and checklist give all their points or none: met when an item worth points scores;
    // one worth 0 is scored as if worth 1, so its points say whether it was met.
    const allOrNothing = judged && (item.kind === 'check' || item.kind === 'checklist');
    const worthPoints = (scaled(compiled.maxOf(item)) ?? 0) > 0;
    const metFast: FastScorer | undefined = allOrNothing && !worthPoints ? kind.fast?.({ ...item, points: Dec.ONE }, { scaled, fastFor, ...hooks }) : undefined;
    return { item, id: item.id, judged, metByPoints: allOrNothing && worthPoints, score: fastFor(item), metFast };
  });
  const exactly = (e: (typeof entries)[number], raw: unknown): ItemPoints => {
    const x = exact(e.item, raw);
    return { id: e.id, scaled: x.scaled, ...(x.exact !== undefined ? { exact: x.exact } : {}), ...(x.met !== undefined ? { met: x.met } : {}) };
  };
  return (evidence) => {
    if (!isRecord(evidence)) throwProblems(argumentIssue('evidence', evidence, 'a mapping from item id to value', false));
    return entries.map((e) => {
      const raw = evidence[e.id];
      if (leftBlank(raw)) return e.judged ? { id: e.id, scaled: 0, met: false } : { id: e.id, scaled: 0 };
      // A judged item of another kind says whether it was met only in its exact trace: no fast scoring first.
      if (e.judged && !e.metByPoints && !e.metFast) return exactly(e, raw);
      const m = e.metFast?.(raw);
      const points = e.metFast && m === undefined ? undefined : e.score(raw);
      if (points === undefined) return exactly(e, raw);
      if (!e.judged) return { id: e.id, scaled: points };
      return { id: e.id, scaled: points, met: e.metByPoints ? points > 0 : (m as number) > 0 };
    });
  };
}

/** An integer count of 10^-places as its exact decimal string ("93.5"). */
export function fromScaled(x: number, places: number): string {
  const placesOk = Number.isInteger(places) && places >= 0 && places <= 12;
  // Checked without allocating: the results writer calls it for every item of every row.
  if (!Number.isSafeInteger(x) || !placesOk) {
    throwProblems(argumentIssue('x', x, 'a safe integer', Number.isSafeInteger(x)), argumentIssue('places', places, 'a whole number of places, 0 to 12', placesOk));
  }
  return Dec.of(BigInt(x), 10n ** BigInt(places)).toString();
}

async function* csvRows(compiled: CompiledRubric, file: string, missing: MissingPolicy, score: Scorer, input: Readable, fields: EvidenceFields = evidenceFields(compiled)): AsyncGenerator<BatchRow> {
  let reader: CsvEvidenceReader | undefined;
  let second = true;
  for await (const rec of csvRecords(input)) {
    if ('error' in rec) {
      yield { row: rec.line, file, issues: [{ ...issue(rec.code, [], `the CSV record cannot be read: ${rec.error}`), file, line: rec.line, columns: [] }] };
      continue;
    }
    if (CsvEvidenceReader.isBlank(rec.cells)) continue;
    if (!reader) {
      reader = new CsvEvidenceReader(compiled, rec.cells, { missing, file, line: rec.line }, fields);
      continue;
    }
    if (second) {
      second = false;
      if (reader.isLabelRow(rec.cells)) continue;
    }
    const row = reader.read(rec.cells, rec.line);
    const scored = score(row.document.evidence, row.document.community);
    const issues: RowIssue[] = reader.merge(row, scored.success ? [] : scored.error.issues);
    // A cell written with its percent sign ("0.93%") says it is a percentage: no hint.
    const csv = reader;
    const found = hintsOf(compiled, row.document.evidence)
      .map((h) => csv.place(h, row))
      .filter((h) => !h.columns.some((key) => /[%％]$/.test(csv.cell(key, rec.cells) ?? '')));
    const hints = found.length ? { hints: found } : {};
    yield issues.length || !scored.success
      ? { row: rec.line, file, community: row.document.community, issues, ...hints }
      : { row: rec.line, file, community: row.document.community, result: scored.data, issues: [], ...hints };
  }
  if (!reader) throw new RubricError([issue('missing-key', [], `${file} has no header row: the first row names the columns (shequ-rubric template --format csv writes one)`, { file })]);
}

/** A JSON number with more digits than a double keeps is read through the YAML reader, which keeps it exact. */
const LOSSY = /\d[\d.]{16,}|[eE][+-]?\d{3,}/;

/** An evidence document's shape: { rubric?, community?, evidence }. */
function documentOf(value: unknown): { doc?: EvidenceDocument; issues: Issue[] } {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { issues: [issue('invalid-type', [], `a line is one evidence document { community, evidence }, found ${describe(value)}`, { expected: 'a mapping', found: describe(value) })] };
  }
  const v = value as Record<string, unknown>;
  const issues: Issue[] = [];
  for (const key of Object.keys(v)) {
    if (!['rubric', 'community', 'evidence'].includes(key)) issues.push(issue('unknown-key', [key], `unknown key "${key}": a line has rubric, community and evidence`, { found: key }));
  }
  if (v.evidence === undefined) issues.push(issue('missing-key', ['evidence'], '"evidence" is required', { expected: 'a mapping' }));
  else if (!isRecord(v.evidence)) issues.push(issue('invalid-type', ['evidence'], `expected a mapping, found ${describe(v.evidence)}`, { expected: 'a mapping', found: describe(v.evidence) }));
  if (v.community !== undefined && !isRecord(v.community)) issues.push(issue('invalid-type', ['community'], `expected a mapping, found ${describe(v.community)}`, { expected: 'a mapping', found: describe(v.community) }));
  if (v.rubric !== undefined && typeof v.rubric !== 'string') issues.push(issue('invalid-type', ['rubric'], `expected a string, found ${describe(v.rubric)}`, { expected: 'a string', found: describe(v.rubric) }));
  const doc: EvidenceDocument = {
    evidence: isRecord(v.evidence) ? v.evidence : {},
    ...(isRecord(v.community) ? { community: v.community } : {}),
    ...(typeof v.rubric === 'string' ? { rubric: v.rubric } : {}),
  };
  return { doc, issues };
}

function mismatch(compiled: CompiledRubric, doc: EvidenceDocument | undefined): Issue[] {
  if (doc?.rubric === undefined || doc.rubric === compiled.rubric.id) return [];
  return [issue('rubric-mismatch', ['rubric'], `the evidence is for the rubric "${doc.rubric}", not "${compiled.rubric.id}"`, { expected: compiled.rubric.id, found: doc.rubric })];
}

async function* jsonlRows(compiled: CompiledRubric, file: string, score: Scorer, input: Readable): AsyncGenerator<BatchRow> {
  const lines = createInterface({ input, crlfDelay: Infinity });
  let line = 0;
  for await (const raw of lines) {
    line++;
    const text = line === 1 ? withoutBom(raw) : raw;
    if (!text.trim()) continue;
    const at = { file, line };
    let value: unknown;
    const read: Issue[] = [];
    if (LOSSY.test(text)) {
      const r = readYaml(text, { file });
      read.push(...r.issues);
      value = r.value;
    } else {
      try {
        value = JSON.parse(text);
      } catch (e) {
        read.push(issue('yaml-syntax', [], `the line is not valid JSON: ${(e as Error).message}`));
      }
    }
    if (read.length) {
      yield { row: line, file, issues: read.map((i) => ({ ...i, ...at })) };
      continue;
    }
    const { doc, issues } = documentOf(value);
    issues.push(...mismatch(compiled, doc));
    const scored = doc ? score(doc.evidence, doc.community) : undefined;
    if (scored && !scored.success) issues.push(...scored.error.issues);
    const found = doc ? hintsOf(compiled, doc.evidence) : [];
    const hints = found.length ? { hints: found.map((h) => ({ ...h, ...at })) } : {};
    if (issues.length || !scored?.success) yield { row: line, file, community: doc?.community, issues: issues.map((i) => ({ ...i, ...at })), ...hints };
    else yield { row: line, file, community: doc?.community, result: scored.data, issues: [], ...hints };
  }
}

async function* dirRows(compiled: CompiledRubric, path: string, score: Scorer, encoding: string | undefined): AsyncGenerator<BatchRow> {
  const dir = await opendir(path);
  for await (const entry of dir) {
    if (!entry.isFile() || !/\.(ya?ml|json)$/i.test(entry.name)) continue;
    const file = join(path, entry.name);
    let text: string;
    try {
      text = isUtf8(encoding) ? await readFile(file, 'utf8') : new TextDecoder(encoding).decode(await readFile(file));
    } catch (e) {
      yield { row: entry.name, file, issues: [issue('file-not-found', [], `cannot read ${file}: ${fsReason(e)}`, { file })] };
      continue;
    }
    const parsed = safeParseEvidence(text, { file });
    if (!parsed.success) {
      yield { row: entry.name, file, issues: parsed.error.issues };
      continue;
    }
    const doc = parsed.data;
    const issues = mismatch(compiled, doc);
    const scored = score(doc.evidence, doc.community);
    if (!scored.success) issues.push(...scored.error.issues);
    const found = hintsOf(compiled, doc.evidence);
    const hints = found.length ? { hints: placeIssues(found, parsed.source) } : {};
    if (issues.length || !scored.success) yield { row: entry.name, file, community: doc.community, issues: placeIssues(issues, parsed.source), ...hints };
    else yield { row: entry.name, file, community: doc.community, result: scored.data, issues: [], ...hints };
  }
}

/* ------------------------------------------------------------------ results */

export type ResultFormat = 'csv' | 'jsonl';

export interface ResultColumn {
  key: string;
  label: string;
}

export interface ResultOptions {
  /**
   * One column per item with its points; an item worth 0 that judges a
   * criterion also gets item.<id>.met (CSV). JSONL gives `itemsMet` for every
   * item that judges a criterion, whatever it is worth.
   */
  items?: boolean;
  /**
   * The criteria counts (default true, for a rubric that judges criteria):
   * the criteria met by the row, and by each section worth 0 points (a
   * rubric without points: six-type, the KPIs). Rows scored without a trace
   * have none; leave them out then.
   */
  criteria?: boolean;
}

function sectionsOf(sections: readonly Section[]): Section[] {
  return sections.flatMap((s) => [s, ...sectionsOf(s.sections ?? [])]);
}

/** Flags of the results given as something other than true or false (a string "false" would read as true). */
function resultOptionIssues(options: unknown): (Issue | undefined)[] {
  const o = isRecord(options) ? options : {};
  return (['items', 'criteria', 'keysOnly', 'end'] as const).map((name) => optionIssue(name, o[name], 'true or false', o[name] === undefined || typeof o[name] === 'boolean'));
}

/** The results CSV's columns: keys (first header row) and Chinese labels (second). */
export function resultColumns(compiled: CompiledRubric, options: ResultOptions = {}): ResultColumn[] {
  throwProblems(notCompiled(compiled), optionsIssue(options), ...resultOptionIssues(options));
  options ??= {};
  const { rubric } = compiled;
  const counted = options.criteria === false ? new Map<string, number>() : criteriaTotals(compiled);
  const topCriteria = rubric.sections.reduce((n, s) => n + (counted.get(s.id) ?? 0), 0);
  return [
    { key: 'row', label: '行号／文件' },
    { key: 'status', label: '状态（ok 已评分／error 有问题）' },
    { key: 'community.id', label: '社区编号' },
    { key: 'community.name', label: '社区名称' },
    { key: 'total', label: '总分' },
    { key: 'base', label: '基础分' },
    { key: 'bonus', label: '加分' },
    { key: 'grade', label: '等级' },
    { key: 'grade.label', label: '等级名称' },
    { key: 'passing', label: '是否达标' },
    { key: 'rated', label: '是否予以评定' },
    ...(counted.size ? [{ key: 'criteria.met', label: `达标条目（共 ${topCriteria} 条）` }] : []),
    ...(rubric.gates ?? []).map((g) => ({ key: `gate.${g.id}`, label: `门槛：${g.title.zh}` })),
    ...sectionsOf(rubric.sections).flatMap((s) => [
      { key: `section.${s.id}`, label: `${s.id} ${s.title.zh}（${s.max.toString()} 分）` },
      // A section worth 0 says nothing by its points: its criteria met say what it scored.
      ...(s.max.isZero() && counted.has(s.id) ? [{ key: `section.${s.id}.met`, label: `${s.id} ${s.title.zh} 达标条目（共 ${counted.get(s.id)} 条）` }] : []),
    ]),
    ...(options.items
      ? [...compiled.items.values()].flatMap((i) => [
          { key: `item.${i.id}`, label: `${i.id} ${i.title.zh}（${compiled.maxOf(i).toString()} 分）` },
          ...(metColumn(compiled, i) ? [{ key: `item.${i.id}.met`, label: `${i.id} 是否达到` }] : []),
        ])
      : []),
    { key: 'problems', label: '问题' },
  ];
}

/** Whether an item's met gets a column of its own: it judges a criterion and is worth 0, so its points say nothing. */
const metColumn = (compiled: CompiledRubric, item: ItemBase) => judgesCriteria(compiled, item.kind) && compiled.maxOf(item).isZero();

function isRow(r: unknown): r is BatchRow {
  return isRecord(r) && (typeof r.row === 'number' || typeof r.row === 'string') && Array.isArray(r.issues) && (r.result === undefined || isRecord(r.result));
}

/** One problem in a line: where (columns or path), code, message. */
export function describeIssue(i: BatchIssue): string {
  const isIssue = isRecord(i) && typeof i.message === 'string' && typeof i.code === 'string' && Array.isArray(i.path) && (i.columns === undefined || isStringList(i.columns));
  throwProblems(argumentIssue('i', i, 'a row issue (code, path, message)', isIssue));
  const where = i.columns?.length ? i.columns.join(', ') : i.path.length ? formatPath(i.path) : '';
  const pos = i.columns === undefined && i.line !== undefined && i.column !== undefined ? `${i.line}:${i.column} ` : '';
  return `${pos}${where ? `${where}: ` : ''}${i.message} [${i.code}]`;
}

/** A row of the results as a flat object (JSONL) or cells (CSV). */
export function resultRecord(compiled: CompiledRubric, row: BatchRow, options: ResultOptions = {}): Record<string, unknown> {
  throwProblems(notCompiled(compiled), argumentIssue('row', row, 'a row (from scoreRows)', isRow(row)), optionsIssue(options), ...resultOptionIssues(options));
  options ??= {};
  const community = row.community ?? {};
  if (!row.result) {
    return {
      row: row.row,
      status: 'error',
      ...(row.community ? { community: row.community } : {}),
      problems: row.issues.map((i) => ({
        code: i.code,
        message: i.message,
        path: i.path,
        ...(i.columns ? { columns: i.columns } : {}),
        ...(i.line !== undefined ? { line: i.line } : {}),
        ...(i.column !== undefined ? { column: i.column } : {}),
        ...(i.expected !== undefined ? { expected: i.expected } : {}),
        ...(i.found !== undefined ? { found: i.found } : {}),
      })),
    };
  }
  const r = row.result;
  const sections = Object.fromEntries(r.sections.map((s) => [s.id, s.points]));
  const places = compiled.rubric.rounding.places;
  const items = Object.fromEntries((r.items ?? []).map((i) => [i.id, i.exact ?? fromScaled(i.scaled, places)]));
  const itemsMet = Object.fromEntries((r.items ?? []).filter((i) => i.met !== undefined).map((i) => [i.id, i.met]));
  const counts = ({ met, total }: CriteriaCount) => ({ met, total });
  const criteria =
    r.criteria && options.criteria !== false
      ? { met: r.criteria.met, total: r.criteria.total, sections: Object.fromEntries(r.sections.filter((s) => s.criteria).map((s) => [s.id, counts(s.criteria as CriteriaCount)])) }
      : undefined;
  return {
    row: row.row,
    status: 'ok',
    ...(Object.keys(community).length ? { community } : {}),
    total: r.total,
    base: r.base,
    bonus: r.bonus,
    max: r.max,
    ratio: r.ratio,
    grade: r.grade ? { id: r.grade.id, label: r.grade.label } : null,
    passing: r.grade ? r.grade.passing : null,
    rated: r.rated,
    gates: Object.fromEntries(r.gates.map((g) => [g.id, { passed: g.passed, value: g.value }])),
    ...(criteria ? { criteria } : {}),
    sections,
    ...(options.items ? { items, ...(Object.keys(itemsMet).length ? { itemsMet } : {}) } : {}),
  };
}

function resultCells(columns: readonly ResultColumn[], row: BatchRow, options: ResultOptions, places: number): string[] {
  const c = row.community ?? {};
  const text = (v: unknown) => (v === undefined || v === null ? '' : typeof v === 'string' ? v : JSON.stringify(v));
  const values = new Map<string, string>([
    ['row', String(row.row)],
    ['status', row.result ? 'ok' : 'error'],
    ['community.id', text(c.id)],
    ['community.name', text(c.name)],
  ]);
  const r = row.result;
  if (r) {
    values.set('total', r.total);
    values.set('base', r.base);
    values.set('bonus', r.bonus);
    values.set('grade', r.grade?.id ?? '');
    values.set('grade.label', r.grade?.label.zh ?? '');
    values.set('passing', r.grade ? String(r.grade.passing) : '');
    values.set('rated', String(r.rated));
    for (const g of r.gates) values.set(`gate.${g.id}`, String(g.passed));
    if (r.criteria) values.set('criteria.met', String(r.criteria.met));
    for (const s of r.sections) {
      values.set(`section.${s.id}`, s.points);
      if (s.criteria) values.set(`section.${s.id}.met`, String(s.criteria.met));
    }
    if (options.items) {
      for (const i of r.items ?? []) {
        values.set(`item.${i.id}`, i.exact ?? fromScaled(i.scaled, places));
        if (i.met !== undefined) values.set(`item.${i.id}.met`, String(i.met));
      }
    }
  } else {
    values.set('problems', row.issues.map(describeIssue).join('; '));
  }
  return columns.map((col) => values.get(col.key) ?? '');
}

/** Where results go: CSV (csv-stringify, UTF-8 BOM, CRLF) or JSONL, with backpressure. */
export interface ResultSink {
  write(row: BatchRow): Promise<void>;
  end(): Promise<void>;
}

export interface SinkOptions extends ResultOptions {
  /** CSV: one header row (keys) instead of two (keys, Chinese labels). */
  keysOnly?: boolean;
  /** End the destination when done (files: yes; stdout: no). */
  end?: boolean;
}

export async function resultSink(compiled: CompiledRubric, dest: Writable, format: ResultFormat, options: SinkOptions = {}): Promise<ResultSink> {
  const writable = isRecord(dest) && typeof dest.write === 'function' && typeof dest.end === 'function';
  throwProblems(notCompiled(compiled), argumentIssue('dest', dest, 'a writable stream', writable), optionsIssue(options), ...resultOptionIssues(options));
  options ??= {};
  const endDest = options.end ?? true;
  const done = async () => {
    if (endDest) {
      dest.end();
      await finished(dest);
    }
  };
  if (format === 'jsonl') {
    return {
      async write(row) {
        if (!dest.write(`${JSON.stringify(resultRecord(compiled, row, options))}\n`)) await once(dest, 'drain');
      },
      end: done,
    };
  }
  const columns = resultColumns(compiled, options);
  const stringifier: Stringifier = stringify({ bom: true, record_delimiter: 'windows' });
  stringifier.pipe(dest, { end: false });
  const put = async (cells: string[]) => {
    if (!stringifier.write(cells)) await once(stringifier, 'drain');
  };
  await put(columns.map((c) => c.key));
  if (!options.keysOnly) await put(columns.map((c) => c.label));
  return {
    write: (row) => put(resultCells(columns, row, options, compiled.rubric.rounding.places)),
    async end() {
      stringifier.end();
      await finished(stringifier);
      await done();
    },
  };
}

/* ------------------------------------------------------------------ summary */

export interface GradeCount {
  id: string | null;
  label: Bilingual | null;
  count: number;
}

export interface Distribution {
  /** Exact decimals. */
  min: string;
  q1: string;
  median: string;
  q3: string;
  max: string;
  /** Exact (a non-terminating mean ends in "…"). */
  mean: string;
  /** The mean rounded half-up to 2 places, for display. */
  mean2: string;
}

export interface WeakItem {
  id: string;
  title: Bilingual;
  /** Average points (exact; "…" when non-terminating) and the item's maximum. */
  average: string;
  max: string;
  /** Average share of the maximum (met share for items worth 0), exact. */
  share: string;
}

/** The distribution of values held as a histogram (value → rows), exact: quartiles as Excel's QUARTILE.INC. */
function distribution(histogram: Iterable<{ value: Dec; count: number }>): Distribution | null {
  const sorted = [...histogram].sort((a, b) => a.value.cmp(b.value));
  const n = sorted.reduce((k, t) => k + t.count, 0);
  if (n === 0) return null;
  const kth = (k: number): Dec => {
    let seen = 0;
    for (const t of sorted) {
      seen += t.count;
      if (k < seen) return t.value;
    }
    return (sorted[sorted.length - 1] as { value: Dec }).value;
  };
  // Linear interpolation between closest ranks (Excel QUARTILE.INC, R type 7).
  const quantile = (p: Dec): Dec => {
    const h = Dec.int(n - 1).mul(p);
    const lo = h.floor();
    const k = Number(lo.toString());
    const frac = h.sub(lo);
    const a = kth(k);
    return frac.isZero() ? a : a.add(kth(k + 1).sub(a).mul(frac));
  };
  let sum = Dec.ZERO;
  for (const t of sorted) sum = sum.add(t.value.mul(Dec.int(t.count)));
  const mean = sum.div(Dec.int(n));
  return {
    min: (sorted[0] as { value: Dec }).value.toString(),
    q1: quantile(Dec.of(1n, 4n)).toString(),
    median: quantile(Dec.of(1n, 2n)).toString(),
    q3: quantile(Dec.of(3n, 4n)).toString(),
    max: (sorted[sorted.length - 1] as { value: Dec }).value.toString(),
    mean: mean.toString(),
    mean2: mean.toFixed(2),
  };
}

export interface BatchSummaryData {
  rubric: string;
  rows: number;
  scored: number;
  failed: number;
  /** Rows with hints on their evidence (see evidenceHints), whether they scored or not. */
  hinted: number;
  grades: GradeCount[];
  totals: Distribution | null;
  /** Criteria met per row, of `total` (rows scored with criteria counts; see RowResult.criteria). */
  criteria?: Distribution & { total: number };
  weakest: WeakItem[];
}

interface ItemStat {
  id: string;
  title: Bilingual;
  max: Dec;
  /** Sum of points in 10^-places, kept exact: a double up to 2^52, then carried into a bigint. */
  sum: number;
  carry: bigint;
  /** Points finer than 10^-places (ItemPoints.exact) beyond their counted part, exact. */
  finer: Dec;
  met: number;
  judged: number;
  n: number;
}

const CARRY = 2 ** 52;

/**
 * A derived statistic (a quartile, a mean) as people read it: exact when it
 * has at most two places, else "≈" and two places; the JSON keeps it exact.
 * Totals kept to 12 places would otherwise give means of 18.
 */
function statistic(exact: string): string {
  const d = Dec.parse(exact.replace('…', '')) as Dec;
  const places = d.places();
  return !exact.endsWith('…') && places !== undefined && places <= 2 ? exact : `≈ ${d.toFixed(2)}`;
}

/**
 * Counts per grade, the distribution of totals and each item's average:
 * totals are kept as a histogram of distinct values, quartiles are read from
 * it exactly; sums are integers of 10^-places. Memory is bounded by the
 * distinct totals: few for a rubric keeping hundredths (DB36: at most
 * 10 501), up to one per row for one keeping 12 places (Zhoushan, Binjiang).
 */
export class BatchSummary {
  rows = 0;
  scored = 0;
  failed = 0;
  hinted = 0;
  private readonly grades = new Map<string, GradeCount>();
  private readonly totals = new Map<string, { value: Dec; count: number }>();
  /** Rows by the number of criteria they met (rows counted with criteria: traced rows of a rubric that judges any). */
  private readonly criteriaMet = new Map<number, { value: Dec; count: number }>();
  private criteriaTotal: number | undefined;
  private readonly items = new Map<string, ItemStat>();
  private readonly places: number;

  constructor(readonly compiled: CompiledRubric) {
    assertCompiled(compiled);
    this.places = compiled.rubric.rounding.places;
    for (const b of compiled.rubric.grades?.bands ?? []) this.grades.set(b.id, { id: b.id, label: b.label, count: 0 });
    for (const g of compiled.rubric.gates ?? []) if (g.otherwise && !this.grades.has(g.otherwise.id)) this.grades.set(g.otherwise.id, { id: g.otherwise.id, label: g.otherwise.label, count: 0 });
    for (const item of compiled.items.values()) this.items.set(item.id, { id: item.id, title: item.title, max: compiled.maxOf(item), sum: 0, carry: 0n, finer: Dec.ZERO, met: 0, judged: 0, n: 0 });
  }

  add(row: BatchRow): void {
    if (!isRecord(row)) throwProblems(argumentIssue('row', row, 'a batch row (from scoreRows)', false));
    this.rows++;
    if (row.hints?.length) this.hinted++;
    const r = row.result;
    if (!r) {
      this.failed++;
      return;
    }
    this.scored++;
    const key = r.grade?.id ?? '';
    const g = this.grades.get(key) ?? { id: r.grade?.id ?? null, label: r.grade?.label ?? null, count: 0 };
    g.count++;
    this.grades.set(key, g);
    const t = this.totals.get(r.total);
    if (t) t.count++;
    else this.totals.set(r.total, { value: Dec.parse(r.total) as Dec, count: 1 });
    if (r.criteria) {
      this.criteriaTotal = r.criteria.total;
      const c = this.criteriaMet.get(r.criteria.met);
      if (c) c.count++;
      else this.criteriaMet.set(r.criteria.met, { value: Dec.int(r.criteria.met), count: 1 });
    }
    for (const i of r.items ?? []) {
      const s = this.items.get(i.id);
      if (!s) continue;
      s.n++;
      s.sum += i.scaled;
      if (i.exact !== undefined) s.finer = s.finer.add((Dec.parse(i.exact) as Dec).sub(Dec.of(BigInt(i.scaled), 10n ** BigInt(this.places))));
      if (s.sum >= CARRY) {
        s.carry += BigInt(s.sum);
        s.sum = 0;
      }
      if (i.met !== undefined) {
        s.judged++;
        if (i.met) s.met++;
      }
    }
  }

  toJSON(weakest = 5): BatchSummaryData {
    const totals = distribution(this.totals.values());
    const criteria = distribution(this.criteriaMet.values());
    const shares = [...this.items.values()]
      .filter((s) => s.n > 0 && (s.max.gt(Dec.ZERO) || s.judged > 0))
      .map((s, order) => {
        const points = Dec.of(s.carry + BigInt(s.sum), 10n ** BigInt(this.places)).add(s.finer);
        const share = s.max.gt(Dec.ZERO) ? points.div(s.max.mul(Dec.int(s.n))) : Dec.of(BigInt(s.met), BigInt(s.judged));
        return { s, points, share, order };
      })
      .sort((a, b) => a.share.cmp(b.share) || a.order - b.order)
      .slice(0, Math.max(0, weakest));
    return {
      rubric: this.compiled.rubric.id,
      rows: this.rows,
      scored: this.scored,
      failed: this.failed,
      hinted: this.hinted,
      grades: [...this.grades.values()].filter((g) => g.id !== null || g.count > 0),
      totals,
      ...(criteria && this.criteriaTotal !== undefined ? { criteria: { ...criteria, total: this.criteriaTotal } } : {}),
      weakest: shares.map(({ s, points, share }) => ({ id: s.id, title: s.title, average: points.div(Dec.int(s.n)).toString(), max: s.max.toString(), share: share.toString() })),
    };
  }

  /** The summary as text, for people. */
  format(lang: 'zh' | 'en' = 'zh', weakest = 5): string {
    const d = this.toJSON(weakest);
    const zh = lang === 'zh';
    const out: string[] = [];
    out.push(zh ? `共 ${d.rows} 行：已评分 ${d.scored} 行，有问题 ${d.failed} 行` : `${d.rows} rows: ${d.scored} scored, ${d.failed} with problems`);
    if (d.hinted > 0) {
      out.push(
        zh
          ? `有提示 ${d.hinted} 行：证据可能不是本意（如百分数写成了小数）`
          : `${d.hinted} row${d.hinted === 1 ? '' : 's'} with hints: evidence that may not say what was meant (such as a percentage written as a fraction)`,
      );
    }
    if (d.grades.length) {
      out.push(zh ? '等级：' : 'Grades:');
      const names = d.grades.map((g) => (g.id === null ? (zh ? '（无等级）' : '(no grade)') : `${g.label?.[lang] ?? g.id}（${g.id}）`));
      const width = Math.max(...names.map(displayWidth));
      d.grades.forEach((g, i) => out.push(`  ${pad(names[i] as string, width)}  ${g.count}`));
    }
    const t = d.totals;
    // A rubric worth no points (six-type, the KPIs) says what it scored by its criteria alone.
    const pointless = this.compiled.rubric.max.isZero() && d.criteria !== undefined;
    if (t && !pointless) {
      const [q1, median, q3, mean] = [t.q1, t.median, t.q3, t.mean].map(statistic);
      out.push(
        zh
          ? `总分：最低 ${t.min} · 下四分位 ${q1} · 中位数 ${median} · 上四分位 ${q3} · 最高 ${t.max} · 平均 ${mean}`
          : `Totals: min ${t.min} · Q1 ${q1} · median ${median} · Q3 ${q3} · max ${t.max} · mean ${mean}`,
      );
    }
    const c = d.criteria;
    if (c) {
      const [q1, median, q3, mean] = [c.q1, c.median, c.q3, c.mean].map(statistic);
      out.push(
        zh
          ? `达标条目（共 ${c.total} 条）：最低 ${c.min} · 下四分位 ${q1} · 中位数 ${median} · 上四分位 ${q3} · 最高 ${c.max} · 平均 ${mean}`
          : `Criteria met (of ${c.total}): min ${c.min} · Q1 ${q1} · median ${median} · Q3 ${q3} · max ${c.max} · mean ${mean}`,
      );
    }
    if (d.weakest.length) {
      out.push(zh ? '得分率最低的条目：' : 'Weakest items (lowest average share of the maximum):');
      const rows = d.weakest.map((w) => {
        const share = `${(Dec.parse(w.share.replace('…', '')) as Dec).mul(Dec.int(100)).toFixed(2)}%`;
        const avg = statistic(w.average);
        const detail = w.max === '0' ? (zh ? '达到率' : 'met') : `${zh ? '平均' : 'average'} ${avg} / ${w.max}`;
        return [w.id, share, detail, clip(w.title[lang], 30)] as const;
      });
      const widths = [0, 1, 2].map((k) => Math.max(...rows.map((r) => displayWidth(r[k] as string))));
      for (const r of rows) out.push(`  ${pad(r[0], widths[0] as number)}  ${' '.repeat((widths[1] as number) - displayWidth(r[1]))}${r[1]}  ${pad(r[2], widths[2] as number)}  ${r[3]}`);
    }
    return out.join('\n');
  }
}

function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += /[\u1100-\uffff]/.test(ch) ? 2 : 1;
  return w;
}
const pad = (s: string, width: number) => s + ' '.repeat(Math.max(0, width - displayWidth(s)));
const clip = (s: string, n: number) => {
  const t = s.replace(/\s+/g, ' ').trim();
  return [...t].length > n ? `${[...t].slice(0, n).join('')}…` : t;
};

/* ------------------------------------------------------------------ a whole run */

export interface RunOptions extends BatchOptions, SinkOptions {
  /** Called for every row with problems (to report it). */
  onProblem?(row: BatchRow): void;
  /** Called for every row with hints (see BatchRow.hints), after onProblem. */
  onHint?(row: BatchRow): void;
  /** Called after every row (progress). */
  onRow?(summary: BatchSummary): void;
}

/**
 * Reads, scores and writes every row; returns the summary. The sink is made
 * once the input has been opened and its header checked, so a run that stops
 * at the header (a RubricError) writes nothing.
 */
export async function runBatch(compiled: CompiledRubric, input: string, makeSink: ResultSink | (() => Promise<ResultSink>), options: RunOptions = {}): Promise<BatchSummary> {
  const sinkGiven = typeof makeSink === 'function' || (isRecord(makeSink) && typeof makeSink.write === 'function' && typeof makeSink.end === 'function');
  throwProblems(
    notCompiled(compiled),
    argumentIssue('input', input, 'a path', typeof input === 'string'),
    argumentIssue('makeSink', makeSink, 'a result sink (write, end) or a function making one', sinkGiven),
    ...batchOptionIssues(options),
    ...(['onProblem', 'onHint', 'onRow'] as const).map((name) => {
      const f = isRecord(options) ? options[name] : undefined;
      return optionIssue(name, f, 'a function', f === undefined || typeof f === 'function');
    }),
  );
  options ??= {};
  const summary = new BatchSummary(compiled);
  const rows = scoreRows(compiled, input, options)[Symbol.asyncIterator]();
  let next = await rows.next();
  const made: unknown = typeof makeSink === 'function' ? await makeSink() : makeSink;
  if (!isRecord(made) || typeof made.write !== 'function' || typeof made.end !== 'function') {
    await rows.return?.(undefined);
    throwProblems(argumentIssue('makeSink', made, 'a function making a result sink (write, end)', false));
  }
  const sink = made as unknown as ResultSink;
  for (; !next.done; next = await rows.next()) {
    const row = next.value;
    summary.add(row);
    if (!row.result) options.onProblem?.(row);
    if (row.hints?.length) options.onHint?.(row);
    await sink.write(row);
    options.onRow?.(summary);
  }
  await sink.end();
  return summary;
}
