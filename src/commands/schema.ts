import { compile } from '../compile.js';
import { evidenceJsonSchema, rubricJsonSchema } from '../json-schema.js';
import { loadRubricFile } from '../node.js';
import { missingPolicy, out, UsageError, type Command } from './command.js';

export const schema: Command = {
  summary: '[--evidence <rubric.yaml>]  print the JSON Schema of the rubric format (or of a rubric\'s evidence)',
  usage: `Usage: shequ-rubric schema [--evidence <rubric.yaml>] [options]

Prints a JSON Schema (draft-07) made from the library's own zod schemas:
without options, the schema of the rubric format, for editors
(yaml-language-server, VS Code); the package ships it as
schema/rubric.schema.json. With --evidence, the schema of an evidence
document for that rubric: { rubric?, community?, evidence: { <item id>: … } }.

Options:
--evidence <rubric.yaml>   the evidence schema of this rubric
--missing zero             with --evidence: items may be left out (scored 0)`,
  options: { evidence: { type: 'string' }, missing: { type: 'string' } },
  args: { fixed: [], takes: 'no arguments (give a rubric with --evidence <rubric.yaml>)' },
  async run(values) {
    const missing = missingPolicy(values.missing);
    if (values.missing !== undefined && values.evidence === undefined) throw new UsageError('--missing applies to --evidence only');
    if (values.evidence === undefined) {
      out(JSON.stringify(rubricJsonSchema(), null, 2));
      return 0;
    }
    const compiled = compile(await loadRubricFile(values.evidence as string));
    out(JSON.stringify(evidenceJsonSchema(compiled, { missing }), null, 2));
    return 0;
  },
};
