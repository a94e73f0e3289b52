import { compile, type CompiledRubric } from '../compile.js';
import { diffImpact, diffRubrics, formatDiff, formatImpact } from '../diff.js';
import { loadEvidenceSet } from '../evidence-set.js';
import { formatIssues } from '../format-issues.js';
import { RubricError } from '../issues.js';
import { loadRubricFile } from '../node.js';
import { color, err, lang, missingPolicy, out, UsageError, type Command } from './command.js';
import { fileKindHint } from './file-kind.js';

export const diff: Command = {
  summary: '<old.yaml> <new.yaml> [--evidence <dir|file.jsonl>]  what changed between two rubric versions, and what it does to scores',
  usage: `Usage: shequ-rubric diff <old.yaml> <new.yaml> [options]

Lists what changed between two versions of a rubric, in the rubric's terms:
items added, removed and renamed; points, kinds and rule parameters (tiers,
states, bands, caps, levels, deductions, conditions) old → new; sections,
gates and grade bands; and every section's maximum before and after.

With --evidence, scores each community under both rubrics and lists old and
new total and grade, how many communities change grade (up and down), the
largest movements and the changed items behind them. Evidence that fails
under one rubric is reported, not fatal.

Options:
--evidence <path>   a directory of evidence files (YAML / JSON, each
                    { community, evidence }), a JSONL file with one such
                    object per line, one evidence file, or fixture files
                    (each case a community); may be repeated
--json              print the difference (and impact) as JSON
--lang zh|en        language of titles and grade labels (default zh)
--missing zero      score items without evidence as 0 under both rubrics
--top <n>           how many of the largest movements to list (default 5)

Exit codes: 0 done (whatever changed), 1 a rubric is invalid, 2 usage.`,
  args: { fixed: ['rubric', 'rubric'], takes: 'two rubric files: the old and the new' },
  options: { evidence: { type: 'string', multiple: true }, json: { type: 'boolean' }, lang: { type: 'string' }, missing: { type: 'string' }, top: { type: 'string' } },
  async run(values, files) {
    const language = lang(values.lang);
    const missing = missingPolicy(values.missing);
    let top = 5;
    if (values.top !== undefined) {
      if (!/^\d+$/.test(String(values.top))) throw new UsageError(`--top takes a whole number, not "${String(values.top)}"`);
      top = Number(values.top);
    }
    const evidencePaths = (values.evidence as string[] | undefined) ?? [];
    const [oldFile, newFile] = files as [string, string];

    // Both rubrics are read and every problem of both is printed before giving up.
    const compiled: (CompiledRubric | undefined)[] = [];
    let invalid = false;
    for (const file of [oldFile, newFile]) {
      try {
        compiled.push(compile(await loadRubricFile(file)));
      } catch (e) {
        if (!(e instanceof RubricError)) throw e;
        invalid = true;
        compiled.push(undefined);
        err(formatIssues(e.issues, { sources: e.sources, color }));
        err(`✗ ${file}: ${e.issues.length} problem${e.issues.length === 1 ? '' : 's'}`);
        const hint = fileKindHint(file, e, 'rubric', { evidence: ' (evidence goes after --evidence)' });
        if (hint) err(hint);
      }
    }
    if (invalid) return 1;
    const [oldC, newC] = compiled as [CompiledRubric, CompiledRubric];

    const structure = diffRubrics(oldC, newC);
    const impact = evidencePaths.length ? diffImpact(oldC, newC, await loadEvidenceSet(evidencePaths), { missing, top }, structure) : undefined;
    if (values.json) {
      out(JSON.stringify({ old: { file: oldFile }, new: { file: newFile }, diff: structure, ...(impact ? { impact } : {}) }, null, 2));
      return 0;
    }
    out(formatDiff(structure, { lang: language, oldLabel: oldFile, newLabel: newFile }));
    if (impact) out(`\n${formatImpact(impact, { lang: language })}`);
    return 0;
  },
};
