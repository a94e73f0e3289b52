import { compile } from '../compile.js';
import { score as scoreEvidence } from '../score.js';
import { explain } from '../explain.js';
import { loadEvidenceFile, loadRubricFile } from '../node.js';
import { checkEvidenceFile } from './evidence-check.js';
import { checkItemIds } from './item-ids.js';
import { lang, missingPolicy, out, UsageError, type Command } from './command.js';

export const score: Command = {
  summary: '<rubric.yaml> <evidence.yaml|json>  score one community',
  usage: `Usage: shequ-rubric score <rubric.yaml> <evidence.yaml|json> [options]

Scores one community's evidence and prints the total, grade, gates and the
reason for every item's points.

Options:
--json            print the result as JSON
--lang zh|en      language of the explanation (default zh)
--missing zero    score items without evidence as 0 instead of failing
--summary         sections only, no item lines
--item <id,…>     only these items (and the sections that hold them); may be repeated
--unmet           only the items that lost points or were not met`,
  args: { fixed: ['rubric', 'evidence'], takes: 'a rubric file and an evidence file' },
  options: { json: { type: 'boolean' }, lang: { type: 'string' }, missing: { type: 'string' }, summary: { type: 'boolean' }, item: { type: 'string', multiple: true }, unmet: { type: 'boolean' } },
  async run(values, files) {
    const missing = missingPolicy(values.missing);
    const language = lang(values.lang);
    const [rubricFile, evidenceFile] = files as [string, string];
    const compiled = compile(await loadRubricFile(rubricFile));
    const ids = checkItemIds(compiled, values.item, '--item');
    if ((ids || values.unmet) && (values.json || values.summary)) throw new UsageError(`--item and --unmet choose the item lines shown: not with --${values.json ? 'json' : 'summary'}`);
    const doc = await loadEvidenceFile(evidenceFile);
    checkEvidenceFile(compiled, doc, missing);
    const result = scoreEvidence(compiled, doc.evidence, { missing: missing, community: doc.community });
    out(values.json ? JSON.stringify(result, null, 2) : explain(result, { lang: language, items: !values.summary, ...(ids ? { ids } : {}), unmet: Boolean(values.unmet) }));
    return 0;
  },
};
