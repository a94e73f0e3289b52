import { compile } from '../compile.js';
import { formatCaseResults } from '../fixtures.js';
import { formatIssues } from '../format-issues.js';
import { findFixtureFiles, loadRubricFile, runFixtureFile } from '../node.js';
import { color, err, lang, out, type Command } from './command.js';

export const test: Command = {
  summary: '[paths…]  run fixture files (default: test/fixtures)',
  usage: `Usage: shequ-rubric test [paths…] [options]

Runs fixture files (YAML: a rubric and cases with expected totals, grades,
gates, subtotals and item points). Prints pass / fail per case and, for a
failure, the expected and actual values and the trace of the items that differ.
Exit 1 on any failure. Default path: test/fixtures.

To test a change to a rubric before it is adopted, score the fixtures against
the edited copy: --rubric edited.yaml (fixture files for a rubric of another
id are skipped and counted). "shequ-rubric diff old.yaml edited.yaml
--evidence test/fixtures" lists which cases' totals and grades move.

Options:
--rubric FILE     score every case against FILE instead of the rubric its file names
--lang zh|en      language of the traces (default zh)
--quiet           print failures and the summary only`,
  args: { fixed: [], rest: 'path', takes: 'fixture files and directories' },
  options: { lang: { type: 'string' }, quiet: { type: 'boolean' }, rubric: { type: 'string' } },
  async run(values, paths) {
    const language = lang(values.lang);
    const files = await findFixtureFiles(paths.length ? paths : ['test/fixtures']);
    const instead = values.rubric as string | undefined;
    // The edited rubric is read once first: its problems are printed once, not once per fixture file.
    const edited = instead === undefined ? undefined : compile(await loadRubricFile(instead));
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const file of files) {
      const r = await runFixtureFile(file, instead === undefined ? {} : { rubric: instead });
      if (r.skipped !== undefined) {
        skipped++;
        if (!values.quiet) out(`- ${file}: skipped (its cases are for the rubric "${r.skipped}")`);
        continue;
      }
      if (r.error) {
        failed++;
        err(formatIssues(r.error.issues, { sources: r.error.sources, color }));
        err(`✗ ${file}: could not run`);
        continue;
      }
      passed += r.cases.filter((c) => c.passed).length;
      failed += r.cases.filter((c) => !c.passed).length;
      const shown = values.quiet ? r.cases.filter((c) => !c.passed) : r.cases;
      if (shown.length) out(formatCaseResults(file, shown, language));
    }
    out(`\nfixtures: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} file${skipped === 1 ? '' : 's'} skipped` : ''}`);
    if (edited && passed + failed === 0) {
      // Nothing was tested: a wrong --rubric must not pass.
      err(`no fixture file here is for the rubric "${edited.rubric.id}" (${instead}): nothing was tested`);
      return 1;
    }
    return failed > 0 ? 1 : 0;
  },
};
