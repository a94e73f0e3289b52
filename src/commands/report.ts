import { score as scoreEvidence } from '../score.js';
import { report, type ReportFormat } from '../report.js';
import { lang, out, UsageError, type Command } from './command.js';
import { checkOutput, outPath, writeOutput } from './output-file.js';
import { planFromFiles } from './plan.js';

function format(value: unknown): ReportFormat {
  if (value === undefined || value === 'md' || value === 'markdown') return 'md';
  if (value === 'html') return 'html';
  throw new UsageError(`--format takes md or html, not "${String(value)}"`);
}

export const reportCommand: Command = {
  summary: '<rubric.yaml> <evidence.yaml|json>  a report for one community (Markdown or HTML)',
  usage: `Usage: shequ-rubric report <rubric.yaml> <evidence.yaml|json> [options]

Writes a report for one community: total, grade and gates; hints on the
evidence (a "%" field given 0.93, say), if any; the sections as a bar
chart; every item with its points, maximum, evidence and reason; the unmet
items; and the plan to the next grade (as \`shequ-rubric plan\`).
HTML is one self-contained file: inline CSS and SVG, no scripts, nothing
fetched from the network.

Options:
--format md|html      Markdown (default) or HTML
--lang zh|en          language (default zh)
--out <file>          write to a file instead of standard output (exit 1, with
                      the reason, when it cannot be written)
--target <grade id>   plan towards this grade (default: the next grade up)
--costs <costs.yaml>  plan the cheapest improvements (see plan --help)
--fixed <id,…>        items the plan must not change (see plan --help)
--missing zero        score items without evidence as 0 instead of failing`,
  args: { fixed: ['rubric', 'evidence'], takes: 'a rubric file and an evidence file' },
  options: { format: { type: 'string' }, lang: { type: 'string' }, out: { type: 'string' }, target: { type: 'string' }, costs: { type: 'string' }, fixed: { type: 'string', multiple: true }, missing: { type: 'string' } },
  async run(values, files) {
    const fmt = format(values.format);
    const language = lang(values.lang);
    const outFile = outPath(values.out);
    if (outFile !== undefined) await checkOutput(outFile);
    const { plan, compiled, doc, missing, hints } = await planFromFiles(values, files);
    const result = scoreEvidence(compiled, doc.evidence, { missing, ...(doc.community !== undefined ? { community: doc.community } : {}) });
    const text = report(result, plan, { format: fmt, lang: language, hints });
    if (outFile !== undefined) await writeOutput(outFile, text);
    else out(text.endsWith('\n') ? text.slice(0, -1) : text);
    return 0;
  },
};
