import { stringify } from 'csv-stringify/sync';
import { compile } from '../compile.js';
import { issue, RubricError, type Issue } from '../issues.js';
import { evidenceProblems, loadEvidenceFile, loadRubricFile } from '../node.js';
import { MAX_SLOTS, csvTemplate, yamlTemplate } from '../template.js';
import { UsageError, type Command } from './command.js';
import { checkOutput, outPath, writeOutput } from './output-file.js';

export const template: Command = {
  summary: '<rubric.yaml> [evidence…]  write an evidence template to fill in (YAML or CSV)',
  usage: `Usage: shequ-rubric template <rubric.yaml> [evidence.yaml…] [options]

Writes an evidence template for a rubric.

--format yaml (default): one evidence document with every item's id, the
  placeholder ~ as its value, and comments giving the item's Chinese title,
  how it scores and what to record with its unit. Replace every ~.
--format csv: one row per community. Two header rows: the column keys
  (read by "shequ-rubric batch"), then their Chinese labels (skipped when
  read back). UTF-8 with a BOM, CRLF line ends, for Excel. Given evidence
  files, writes one filled row per file (a YAML → CSV conversion).

Column keys: community.id, community.name; <item> for a single value;
<item>.<field> for a field of an object; <item>.<part>[.<field>] for the parts
of a sum; <item>.count and <item>.of for a rate given as counts; levels as
"city;national" (无 for none); projects and honours in numbered columns
<item>.<n>.<field> (name, category, score / matter, level, year), add more
numbered columns as needed. Booleans: 是/否, true/false, 1/0.

Options:
--format yaml|csv   what to write (default yaml)
--out FILE          write to FILE instead of stdout (exit 1, with the reason,
                    when it cannot be written)
--slots N           numbered entries per list item (CSV; default: enough for the
                    rubric's limits, more when the evidence files need them)`,
  options: { format: { type: 'string' }, out: { type: 'string' }, slots: { type: 'string' } },
  args: { fixed: ['rubric'], rest: 'evidence', takes: 'a rubric file' },
  async run(values, files) {
    const [rubricFile, ...evidenceFiles] = files as [string, ...string[]];
    const format = (values.format as string | undefined) ?? 'yaml';
    if (format !== 'yaml' && format !== 'csv') throw new UsageError(`--format takes yaml or csv, not "${format}"`);
    let slots: number | undefined;
    if (values.slots !== undefined) {
      slots = Number(values.slots);
      if (!Number.isInteger(slots) || slots < 0 || slots > MAX_SLOTS) throw new UsageError(`--slots takes a whole number from 0 to ${MAX_SLOTS}, not "${String(values.slots)}"`);
    }
    if (format === 'yaml' && evidenceFiles.length) throw new UsageError('evidence files fill a CSV template only (--format csv)');
    const outFile = outPath(values.out);
    if (outFile !== undefined) await checkOutput(outFile);
    const compiled = compile(await loadRubricFile(rubricFile));
    // The whole template is made before the file is opened: evidence with problems leaves no empty file behind.
    let text: string;
    if (format === 'yaml') {
      text = yamlTemplate(compiled, { rubricFile });
    } else {
      const docs = [];
      const problems: Issue[] = [];
      const sources: Record<string, string> = {};
      for (const file of evidenceFiles) {
        const doc = await loadEvidenceFile(file);
        const bad = evidenceProblems(compiled, doc, doc.source.text, file, 'zero');
        if (bad) {
          problems.push(...bad.issues);
          Object.assign(sources, bad.sources);
        }
        docs.push(doc);
      }
      if (problems.length) throw new RubricError(problems, sources);
      const t = csvTemplate(compiled, docs, slots === undefined ? {} : { slots });
      if (t.problems.length) {
        throw new RubricError(t.problems.map((p) => issue('invalid-value', [], p.message, { file: evidenceFiles[p.index] ?? '' })));
      }
      text = stringify([t.keys, t.labels, ...t.rows], { bom: true, record_delimiter: 'windows' });
    }
    if (outFile !== undefined) await writeOutput(outFile, text);
    else process.stdout.write(text);
    return 0;
  },
};
