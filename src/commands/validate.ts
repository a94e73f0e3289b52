import { compile } from '../compile.js';
import { formatIssues } from '../format-issues.js';
import { RubricError } from '../issues.js';
import { loadRubricFile } from '../node.js';
import { color, err, out, type Command } from './command.js';
import { fileKindHint } from './file-kind.js';

export const validate: Command = {
  summary: '<rubric.yaml…>  check rubric files',
  usage: `Usage: shequ-rubric validate <rubric.yaml…>

Checks each rubric file: its shape, its meaning (ids, maxima, bands, references),
and prints every problem with file:line:col. Exit 1 when any file has problems.`,
  options: {},
  args: { fixed: ['rubric'], rest: 'rubric', takes: 'at least one rubric file' },
  async run(_values, files) {
    let failed = false;
    for (const file of files) {
      try {
        const rubric = await loadRubricFile(file);
        const compiled = compile(rubric);
        const parts = compiled.allItems.size > compiled.items.size ? ` (${compiled.allItems.size} with their parts)` : '';
        // A rubric of criteria alone (six-type) has no points: "maximum 0" read as a rubric that scores nothing.
        const worth = compiled.maxWithBonus.isZero()
          ? 'criteria met or not, no points'
          : `maximum ${compiled.max.toString()}${compiled.maxWithBonus.gt(compiled.max) ? ` (+ bonus ${compiled.maxWithBonus.sub(compiled.max).toString()})` : ''}`;
        out(`✓ ${file}: ${rubric.id} ${rubric.version}, ${compiled.items.size} items${parts}, ${worth}`);
      } catch (e) {
        if (!(e instanceof RubricError)) throw e;
        failed = true;
        err(formatIssues(e.issues, { sources: e.sources, color }));
        err(`✗ ${file}: ${e.issues.length} problem${e.issues.length === 1 ? '' : 's'}`);
        const hint = fileKindHint(file, e, 'rubric');
        if (hint) err(hint);
      }
    }
    return failed ? 1 : 0;
  },
};
