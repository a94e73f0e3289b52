import { extname } from 'node:path';
import { compile } from '../compile.js';
import { BatchSummary, describeIssue, resultSink, runBatch, type BatchRow, type ResultFormat, type ResultSink } from '../batch.js';
import { loadRubricFile } from '../node.js';
import { color, err, lang, missingPolicy, out, UsageError, type Command } from './command.js';
import { checkOutput, openOutput, outPath, type OutputStream } from './output-file.js';

export const batch: Command = {
  summary: '<rubric.yaml> <evidence.csv|.jsonl|dir>  score many communities',
  usage: `Usage: shequ-rubric batch <rubric.yaml> <evidence.csv|evidence.jsonl|dir> [options]

Scores many communities, one at a time (memory stays flat):
  .csv     one row per community, columns as "shequ-rubric template --format csv"
           writes them (the row of Chinese labels under the keys is skipped);
  .jsonl   one evidence document per line: {"community": {…}, "evidence": {…}};
  dir      every .yaml / .yml / .json evidence file in it, in directory order.

A row with problems does not stop the run: it is reported on stderr with its
line (CSV / JSONL) or file name and every problem in it, written to the
results with status "error", and counted. Exit 1 when any row had problems.
A row with hints (a "%" field given 0.93, probably meant as 93 %) is scored
as given; its hints are listed on stderr and counted in the summary.

Results, one row per community: row, status, community.id / name, total,
base, bonus, grade (id and label), passing, rated, criteria.met (criteria met,
for a rubric that judges criteria), gate.<id>, section.<id> (every section's
subtotal; section.<id>.met beside a section worth 0 points), problems. CSV
results are UTF-8 with a BOM and CRLF line ends (Excel), with two header rows:
keys, then Chinese labels.

Without --out, results go to stdout and the summary to stderr; with --out,
the summary goes to stdout. An --out file that cannot be written (no such
directory, a directory, permission denied) is reported before any row is
read, exit 1; a write that fails later (a full disk) stops the run and removes
the unfinished file, exit 1. The summary counts rows per grade, gives the
distribution of totals (min, quartiles as Excel's QUARTILE.INC, max, mean) and
the items with the lowest average share of their maximum.

Options:
--out FILE          write results to FILE (.csv or .jsonl)
--format csv|jsonl  format of the results on stdout (default csv)
--missing zero      score items without evidence as 0 instead of failing the row
--items             add one column per item with its points (item.<id>.met beside
                    an item worth 0 that judges a criterion: true or false)
--weakest N         how many weakest items the summary lists (default 5); with 0
                    and no --items, items' points and criteria counts are not
                    computed (a little faster)
--keys-only         CSV results with one header row (keys), no Chinese labels
--encoding NAME     character encoding of the input (default utf-8; gbk or gb18030
                    for a CSV saved by Excel as plain "CSV" on Chinese Windows)
--lang zh|en        language of the summary (default zh)
--quiet             do not list each row's problems and hints (the summary still counts them)`,
  args: { fixed: ['rubric', 'evidence'], takes: 'a rubric file and an evidence file or directory' },
  options: {
    out: { type: 'string' },
    format: { type: 'string' },
    missing: { type: 'string' },
    items: { type: 'boolean' },
    weakest: { type: 'string' },
    'keys-only': { type: 'boolean' },
    lang: { type: 'string' },
    quiet: { type: 'boolean' },
    encoding: { type: 'string' },
    // Hidden: print the row count, time and peak RSS at the end (benchmarks, tests).
    stats: { type: 'boolean' },
  },
  async run(values, files) {
    const [rubricFile, input] = files as [string, string];
    const missing = missingPolicy(values.missing);
    const language = lang(values.lang);
    const weakest = values.weakest === undefined ? 5 : Number(values.weakest);
    if (!Number.isInteger(weakest) || weakest < 0) throw new UsageError(`--weakest takes a whole number, not "${String(values.weakest)}"`);
    const outFile = outPath(values.out);
    let format: ResultFormat;
    if (outFile !== undefined) {
      const ext = extname(outFile).toLowerCase();
      if (ext === '.csv') format = 'csv';
      else if (ext === '.jsonl' || ext === '.ndjson') format = 'jsonl';
      else throw new UsageError(`--out takes a .csv or .jsonl file, not "${outFile}"`);
      if (values.format !== undefined && values.format !== format) throw new UsageError(`--format ${String(values.format)} does not match --out ${outFile}`);
    } else {
      const f = (values.format as string | undefined) ?? 'csv';
      if (f !== 'csv' && f !== 'jsonl') throw new UsageError(`--format takes csv or jsonl, not "${f}"`);
      format = f;
    }
    if (outFile !== undefined) await checkOutput(outFile);
    const started = performance.now();
    const compiled = compile(await loadRubricFile(rubricFile));
    const tty = Boolean(process.stderr.isTTY);
    let lastProgress = 0;
    let progressShown = false;
    const clearProgress = () => {
      if (progressShown) process.stderr.write('\r\u001b[K');
      progressShown = false;
    };
    const red = (s: string) => (color ? `\u001b[31m${s}\u001b[39m` : s);
    /** The row's line (CSV, JSONL) or file, and its community. */
    const where = (row: BatchRow) => {
      const c = row.community ?? {};
      const who = [c.id, c.name].filter((v) => v !== undefined && v !== null).map(String).join(' ');
      return `${typeof row.row === 'number' ? `${row.file} line ${row.row}` : row.file}${who ? ` (${who.replace(/\s+/g, ' ')})` : ''}`;
    };
    const report = (row: BatchRow) => {
      if (values.quiet) return;
      clearProgress();
      const lines = [`${red('✗')} ${where(row)}: ${row.issues.length} problem${row.issues.length === 1 ? '' : 's'}`];
      for (const i of row.issues) lines.push(`    ${describeIssue(i)}`);
      err(lines.join('\n'));
    };
    const yellow = (s: string) => (color ? `\u001b[33m${s}\u001b[39m` : s);
    const hint = (row: BatchRow) => {
      if (values.quiet) return;
      clearProgress();
      const hints = row.hints ?? [];
      const lines = [`${yellow('!')} ${where(row)}: ${hints.length} hint${hints.length === 1 ? '' : 's'}`];
      for (const i of hints) lines.push(`    ${describeIssue(i)}`);
      err(lines.join('\n'));
    };
    const progress = (s: BatchSummary) => {
      if (!tty) return;
      const now = performance.now();
      if (now - lastProgress < 250) return;
      lastProgress = now;
      progressShown = true;
      process.stderr.write(`\r\u001b[K${s.rows} rows · ${s.scored} scored · ${s.failed} with problems`);
    };
    // Items' points (and criteria counts) are computed for the summary's weakest items and the item columns.
    const trace = weakest > 0 || Boolean(values.items);
    const sinkOptions = { items: Boolean(values.items), criteria: trace, keysOnly: Boolean(values['keys-only']) };
    let output: OutputStream | undefined;
    // Made once the first row is read (runBatch): an input that cannot be read leaves no empty --out file.
    const sink = async (): Promise<ResultSink> => {
      if (outFile === undefined) return resultSink(compiled, process.stdout, format, { ...sinkOptions, end: false });
      const o = (output = await openOutput(outFile));
      const results = await o.guard(resultSink(compiled, o.stream, format, { ...sinkOptions, end: true }));
      return { write: (row) => o.guard(results.write(row)), end: () => o.guard(results.end()) };
    };
    const encoding = values.encoding as string | undefined;
    let summary: BatchSummary;
    try {
      summary = await runBatch(compiled, input, sink, { missing, ...(encoding ? { encoding } : {}), trace, onProblem: report, onHint: hint, onRow: progress });
    } catch (e) {
      clearProgress();
      await output?.discard();
      throw e;
    }
    clearProgress();
    const text = summary.format(language, weakest);
    if (outFile !== undefined) out(text);
    else err(text);
    if (values.stats) {
      const peak = process.resourceUsage().maxRSS / 1024;
      err(`stats: ${summary.rows} rows in ${((performance.now() - started) / 1000).toFixed(1)} s, peak RSS ${peak.toFixed(1)} MiB`);
    }
    return summary.failed > 0 ? 1 : 0;
  },
};
