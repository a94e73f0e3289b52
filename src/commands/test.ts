import { formatCaseResults } from '../fixtures.js';
import { formatIssues } from '../format-issues.js';
import { findFixtureFiles, runFixtureFile } from '../node.js';
import { color, err, lang, out, type Command } from './command.js';

export const test: Command = {
  summary: '[paths…]  run fixture files (default: test/fixtures)',
  usage: `Usage: shequ-rubric test [paths…] [options]

Runs fixture files (YAML: a rubric and cases with expected totals, grades,
gates, subtotals and item points). Prints pass / fail per case and, for a
failure, the expected and actual values and the trace of the items that differ.
Exit 1 on any failure. Default path: test/fixtures.

Options:
--lang zh|en      language of the traces (default en)
--quiet           print failures and the summary only`,
  options: { lang: { type: 'string' }, quiet: { type: 'boolean' } },
  async run(values, paths) {
    const language = lang(values.lang, 'en');
    const files = await findFixtureFiles(paths.length ? paths : ['test/fixtures']);
    let passed = 0;
    let failed = 0;
    for (const file of files) {
      const r = await runFixtureFile(file);
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
    out(`\nfixtures: ${passed} passed, ${failed} failed`);
    return failed > 0 ? 1 : 0;
  },
};
