/**
 * Evidence from CSV: one row per community, one column per evidence field
 * (see evidence-fields.ts for the column keys). The first record is the
 * header of machine keys; a second record that is the template's row of
 * Chinese labels is recognised and skipped. Node only (streams).
 */
import { parse } from 'csv-parse';
import type { Readable } from 'node:stream';
import type { CompiledRubric, MissingPolicy } from './compile.js';
import type { EvidenceDocument } from './evidence.js';
import { checkEvidence } from './evaluate.js';
import { COMMUNITY_COLUMNS, evidenceFields, evidenceFieldsIssue, type EvidenceFields, type FieldCodec, type RowCells } from './evidence-fields.js';
import { argumentIssue, isStringList, notCompiled, optionsIssue, throwProblems } from './api-guards.js';
import { RubricError, issue, suggest, type Issue, type IssueCode, type PathSegment } from './issues.js';

/** A problem with one row, with the columns it concerns. */
export interface RowIssue extends Issue {
  /** Column keys (first header row) the problem is about; empty for the row as a whole. */
  columns: string[];
}

export interface CsvRow {
  /** The CSV line where the record starts (1-based, header lines counted). */
  line: number;
  cells: string[];
  document: EvidenceDocument;
  /** Problems found reading the row (cells of the wrong count, two columns for one value, unreadable YAML). */
  issues: RowIssue[];
}

export interface CsvEvidenceOptions {
  /** 'error' (default): a header without a column for an item is an error. */
  missing?: MissingPolicy;
  /** File name for messages. */
  file?: string;
  /** The header's line in the file (default 1). */
  line?: number;
}

const IGNORED = (key: string) => key === '' || key.startsWith('#');

/**
 * Reads rows of one CSV file against a rubric. The constructor checks the
 * header and throws a RubricError listing every problem in it (unknown or
 * repeated columns; with missing 'error', items without any column).
 */
export class CsvEvidenceReader {
  readonly fields: EvidenceFields;
  readonly header: string[];
  private readonly file: string;
  private readonly index = new Map<string, number>();
  private readonly slotNumbers = new Map<string, number[]>();
  private readonly communityKeys: [string, number][] = [];
  private readonly rubricColumn: number | undefined;

  constructor(
    readonly compiled: CompiledRubric,
    header: readonly string[],
    options: CsvEvidenceOptions = {},
    fields?: EvidenceFields,
  ) {
    throwProblems(
      notCompiled(compiled),
      argumentIssue('header', header, 'a list of column names', isStringList(header)),
      optionsIssue(options),
      fields === undefined ? undefined : evidenceFieldsIssue(fields),
    );
    options ??= {};
    this.fields = fields ?? evidenceFields(compiled);
    this.file = options.file ?? '<csv>';
    this.header = header.map((h) => h.trim());
    const problems: Issue[] = [];
    const known = this.fields.keys();
    const owned = new Set<FieldCodec>();
    this.header.forEach((key, i) => {
      if (IGNORED(key)) return;
      const at = { file: this.file, line: options.line ?? 1, column: i + 1 };
      if (this.index.has(key)) {
        problems.push(issue('duplicate-id', [key], `the column "${key}" appears twice (columns ${(this.index.get(key) ?? 0) + 1} and ${i + 1})`, { found: key, ...at }));
        return;
      }
      this.index.set(key, i);
      if (key === 'rubric') {
        return;
      }
      if (key.startsWith('community.')) {
        this.communityKeys.push([key.slice('community.'.length), i]);
        return;
      }
      const column = this.fields.column(key);
      if (!column) {
        const hint = suggest(key, known);
        problems.push(issue('unknown-item', [key], `the rubric has no evidence column "${key}"${hint ? ` (did you mean "${hint}"?)` : ''}`, { found: key, ...(hint ? { expected: hint } : {}), ...at }));
        return;
      }
      const slot = this.fields.slot(key);
      if (slot) {
        const list = this.slotNumbers.get(slot.prefix) ?? [];
        if (!list.includes(slot.n)) list.push(slot.n);
        this.slotNumbers.set(slot.prefix, list);
      }
      const owner = this.fields.owner(key);
      if (owner) owned.add(owner);
    });
    for (const list of this.slotNumbers.values()) list.sort((a, b) => a - b);
    this.rubricColumn = this.index.get('rubric');
    if ((options.missing ?? 'error') === 'error') {
      for (const codec of this.fields.codecs) {
        if (owned.has(codec)) continue;
        const expected = codec
          .columns((_p, n) => Math.min(n, 1))
          .map((c) => c.key)
          .join(', ');
        problems.push(issue('missing-evidence', [codec.item.id], `no column for the item "${codec.item.id}" (${codec.item.title.zh}): add ${expected}, or score with missing: zero`, { expected, file: this.file, line: options.line ?? 1 }));
      }
    }
    if (problems.length) throw new RubricError(problems);
  }

  /** The label of a header key (second header row). */
  label(key: string): string | undefined {
    return this.fields.column(key)?.label;
  }

  /**
   * True for a second header row of labels: it has 社区编号 under
   * community.id or 社区名称 under community.name (as the template writes),
   * or most of its non-empty cells are the template's labels of their columns.
   */
  isLabelRow(cells: readonly string[]): boolean {
    let filled = 0;
    let labels = 0;
    let marked = false;
    this.header.forEach((key, i) => {
      const cell = cells[i]?.trim();
      if (!cell || IGNORED(key)) return;
      filled++;
      if ((key === 'community.id' && cell === '社区编号') || (key === 'community.name' && cell === '社区名称')) marked = true;
      const label = key === 'rubric' ? '评价表' : this.label(key);
      if (label !== undefined && label === cell) labels++;
    });
    return marked || (filled > 0 && labels * 2 > filled);
  }

  /** True when every cell is empty (such rows are skipped). */
  static isBlank(cells: readonly string[]): boolean {
    return cells.every((c) => c.trim() === '');
  }

  /** One row as an evidence document, with the problems found reading it. */
  read(cells: readonly string[], line: number): CsvRow {
    const issues: RowIssue[] = [];
    const at = { file: this.file, line };
    if (cells.length !== this.header.length) {
      issues.push({
        ...issue('invalid-value', [], `the row has ${cells.length} cells but the header has ${this.header.length} columns: a separator is missing or extra`, {
          expected: `${this.header.length} cells`,
          found: `${cells.length} cells`,
        }),
        ...at,
        columns: [],
      });
    }
    const garbled = this.header.filter((_k, i) => cells[i]?.includes('\ufffd'));
    if (garbled.length) {
      issues.push({
        ...issue('invalid-value', [], 'the row has characters that are not UTF-8: save the file as UTF-8 (Excel: "CSV UTF-8"), or read it with --encoding gbk'),
        ...at,
        columns: garbled,
      });
    }
    const row = this.cells(cells, (code, columns, path, message, extra) => {
      issues.push({ ...issue(code, path, message, extra), ...at, columns });
    });
    const evidence: Record<string, unknown> = {};
    for (const codec of this.fields.codecs) {
      const v = codec.decode(row, ['evidence', codec.item.id]);
      if (v !== undefined) evidence[codec.item.id] = v;
    }
    const community: Record<string, unknown> = {};
    let anyCommunity = false;
    for (const [k, i] of this.communityKeys) {
      const v = cells[i]?.trim();
      if (!v) continue;
      community[k] = v;
      anyCommunity = true;
    }
    const document: EvidenceDocument = { evidence };
    if (anyCommunity) document.community = community;
    if (this.rubricColumn !== undefined) {
      const r = cells[this.rubricColumn]?.trim();
      if (r) document.rubric = r;
    }
    return { line, cells: [...cells], document, issues };
  }

  /**
   * Every problem of a row: those found reading it, then the rubric's checks
   * of its evidence (wrong types, out of range, missing), each with its columns.
   */
  check(row: CsvRow, missing: MissingPolicy = 'error'): RowIssue[] {
    return this.merge(row, checkEvidence(this.compiled, row.document.evidence, missing).issues);
  }

  /**
   * The row's own problems and the evidence issues found by scoring it
   * (`safeScore(...).error.issues`), placed at the row's line and columns.
   * An issue about a value the reader already reported is dropped.
   */
  merge(row: CsvRow, found: readonly Issue[]): RowIssue[] {
    const out = [...row.issues];
    if (row.document.rubric !== undefined && row.document.rubric !== this.compiled.rubric.id) {
      out.push({
        ...issue('rubric-mismatch', ['rubric'], `the row is for the rubric "${row.document.rubric}", not "${this.compiled.rubric.id}"`, { expected: this.compiled.rubric.id, found: row.document.rubric }),
        file: this.file,
        line: row.line,
        columns: ['rubric'],
      });
    }
    const own = row.issues.map((i) => i.path).filter((p) => p.length >= 2);
    for (const i of found) {
      if (own.some((p) => related(p, i.path))) continue;
      out.push(this.place(i, row));
    }
    return out;
  }

  /** Adds the file, the row's line and the columns an issue's path points to. */
  place(i: Issue, row: Pick<CsvRow, 'cells' | 'line'>): RowIssue {
    return { ...i, file: this.file, line: row.line, columns: this.columnsFor(i.path, row.cells) };
  }

  /** The columns holding the value at an evidence path (['evidence', '3.2a', 'workers'] → 3.2a.workers). */
  columnsFor(path: readonly PathSegment[], cells: readonly string[]): string[] {
    if (path[0] === 'community') return COMMUNITY_COLUMNS.map((c) => c.key).filter((k) => this.index.has(k));
    if (path[0] !== 'evidence' || typeof path[1] !== 'string') return [];
    const codec = this.fields.codecs.find((c) => c.item.id === path[1]);
    if (!codec) return [];
    const row = this.cells(cells, () => {});
    const columns = codec.columnsAt(path.slice(2), row);
    const present = columns.filter((k) => this.index.has(k));
    return present.length ? present : columns;
  }

  /** The trimmed text of a row's cell under a column key; undefined when there is no such column or the cell is empty. */
  cell(key: string, cells: readonly string[]): string | undefined {
    return this.cells(cells, () => {}).get(key);
  }

  private cells(cells: readonly string[], problem: RowCells['problem']): RowCells {
    return {
      get: (key) => {
        const i = this.index.get(key);
        if (i === undefined) return undefined;
        const v = cells[i]?.trim();
        return v ? v : undefined;
      },
      slots: (prefix) => this.slotNumbers.get(prefix) ?? [],
      problem,
    };
  }
}

/** True when one path is a prefix of the other. */
function related(a: readonly PathSegment[], b: readonly PathSegment[]): boolean {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}

/* ------------------------------------------------------------------ streaming records */

export interface CsvRecord {
  cells: string[];
  /** The line where the record starts (1-based). */
  line: number;
}

export interface CsvRecordError {
  error: string;
  code: IssueCode;
  line: number;
}

/**
 * The records of a CSV stream, one at a time (csv-parse; a UTF-8 BOM, CRLF
 * or LF line ends, quoted fields with separators, quotes and line breaks).
 * Lines are counted from the raw text, so a record's line is where it starts
 * even after quoted line breaks. A malformed record (an unclosed quote) is
 * yielded as an error and reading goes on where csv-parse can.
 */
export async function* csvRecords(input: Readable, options: { delimiter?: string } = {}): AsyncGenerator<CsvRecord | CsvRecordError> {
  const stream = input as Partial<Readable> | null | undefined;
  throwProblems(argumentIssue('input', input, 'a readable stream', typeof stream?.on === 'function' && typeof stream.pipe === 'function'), optionsIssue(options));
  options ??= {};
  const parser = parse({
    bom: true,
    raw: true,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    ...(options.delimiter ? { delimiter: options.delimiter } : {}),
  });
  // Records csv-parse skipped (an unclosed quote), each with the number of
  // records parsed before it, so it is reported in its place.
  const skipped: { message: string; before: number }[] = [];
  let lines = 0;
  let afterCR = false;
  let emitted = 0;
  parser.on('skip', (err: Error & { records?: number }) => {
    skipped.push({ message: err.message, before: err.records ?? Number.MAX_SAFE_INTEGER });
  });
  input.on('error', (err) => parser.destroy(err));
  input.pipe(parser);
  const flush = function* (all: boolean): Generator<CsvRecordError> {
    while (skipped.length && (all || (skipped[0] as { before: number }).before <= emitted)) {
      const s = skipped.shift() as { message: string };
      yield { error: s.message, code: 'invalid-value', line: lines + 1 };
    }
  };
  for await (const out of parser as AsyncIterable<{ record: string[]; raw: string }>) {
    yield* flush(false);
    // Count line breaks in the raw text (CRLF once, even across records).
    const raw = out.raw;
    let leading = 0;
    let inLeading = true;
    let breaks = 0;
    for (let i = 0; i < raw.length; i++) {
      const ch = raw.charCodeAt(i);
      if (ch === 10) {
        if (!afterCR) {
          breaks++;
          if (inLeading) leading++;
        }
        afterCR = false;
      } else if (ch === 13) {
        breaks++;
        if (inLeading) leading++;
        afterCR = true;
      } else {
        afterCR = false;
        inLeading = false;
      }
    }
    const line = lines + leading + 1;
    lines += breaks;
    emitted++;
    yield { cells: out.record, line };
  }
  yield* flush(true);
}
