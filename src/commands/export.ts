import { exportRubricFile } from '../node.js';
import { out, type Command } from './command.js';
import { checkOutput, outPath, writeOutput } from './output-file.js';

export const exportCommand: Command = {
  summary: '<rubric.yaml> [--out rubric.json]  write a rubric as JSON, to load without a YAML parser',
  usage: `Usage: shequ-rubric export <rubric.yaml> [--out <rubric.json>]

Reads and validates a rubric (following extends:) and prints it as JSON, or
writes it to --out. The JSON validates to the same rubric with the same
digest; parseRubricJson and every command read a .json rubric with
JSON.parse, with no YAML reader (for browsers and services that load
rubrics often); a text JSON.parse cannot take as it is (a key given twice,
say) goes through the YAML reader, for problems with line and column. Source comments are not kept: each
item's clause, method and note are.

Options:
--out <file.json>   write here instead of standard output (exit 1, with the
                    reason, when it cannot be written)`,
  options: { out: { type: 'string' } },
  args: { fixed: ['rubric'], takes: 'one rubric file' },
  async run(values, files) {
    const outFile = outPath(values.out);
    if (outFile !== undefined) await checkOutput(outFile);
    const text = `${JSON.stringify(await exportRubricFile(files[0] as string), null, 2)}\n`;
    if (outFile === undefined) out(text.trimEnd());
    else await writeOutput(outFile, text);
    return 0;
  },
};
