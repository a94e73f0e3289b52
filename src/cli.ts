import { parseArgs, type ParseArgsConfig } from 'node:util';
import { compile } from './compile.js';
import { score } from './evaluate.js';
import { explain, type Lang } from './explain.js';
import { formatIssues } from './format-issues.js';
import { RubricError } from './issues.js';
import { evidenceProblems, findFixtureFiles, loadEvidenceFile, loadRubricFile, runFixtureFile } from './node.js';
import { formatCaseResults } from './fixtures.js';

/**
 * The shequ-rubric command. Exit codes: 0 ok, 1 rubric / evidence / fixture
 * problems (all printed), 2 usage.
 */
const USAGE = `shequ-rubric — community-service quality rubrics as data

Usage:
  shequ-rubric validate <rubric.yaml…>                 check rubric files
  shequ-rubric score <rubric.yaml> <evidence.yaml|json>  score one community
  shequ-rubric test [paths…]                            run fixture files (default: test/fixtures)

Run "shequ-rubric <command> --help" for a command's options.
Exit codes: 0 ok, 1 problems found (all printed), 2 usage.`;

interface Command {
  usage: string;
  options: NonNullable<ParseArgsConfig['options']>;
  run(values: Record<string, unknown>, positionals: string[]): Promise<number>;
}

const out = (s: string) => process.stdout.write(`${s}\n`);
const err = (s: string) => process.stderr.write(`${s}\n`);
const color = Boolean(process.stderr.isTTY) && !process.env.NO_COLOR;

class UsageError extends Error {}

function lang(value: unknown): Lang {
  if (value === undefined || value === 'zh' || value === 'en') return (value as Lang | undefined) ?? 'zh';
  throw new UsageError(`--lang takes zh or en, not "${String(value)}"`);
}

const commands: Record<string, Command> = {
  validate: {
    usage: `Usage: shequ-rubric validate <rubric.yaml…>

Checks each rubric file: its shape, its meaning (ids, maxima, bands, references),
and prints every problem with file:line:col. Exit 1 when any file has problems.`,
    options: {},
    async run(_values, files) {
      if (files.length === 0) throw new UsageError('validate needs at least one rubric file');
      let failed = false;
      for (const file of files) {
        try {
          const rubric = await loadRubricFile(file);
          const compiled = compile(rubric);
          out(`✓ ${file}: ${rubric.id} ${rubric.version}, ${compiled.allItems.size} items, maximum ${compiled.max.toString()}${compiled.maxWithBonus.gt(compiled.max) ? ` (+ bonus ${compiled.maxWithBonus.sub(compiled.max).toString()})` : ''}`);
        } catch (e) {
          if (!(e instanceof RubricError)) throw e;
          failed = true;
          err(formatIssues(e.issues, { sources: e.sources, color }));
          err(`✗ ${file}: ${e.issues.length} problem${e.issues.length === 1 ? '' : 's'}`);
        }
      }
      return failed ? 1 : 0;
    },
  },
  score: {
    usage: `Usage: shequ-rubric score <rubric.yaml> <evidence.yaml|json> [options]

Scores one community's evidence and prints the total, grade, gates and the
reason for every item's points.

Options:
  --json            print the result as JSON
  --lang zh|en      language of the explanation (default zh)
  --missing zero    score items without evidence as 0 instead of failing
  --summary         sections only, no item lines`,
    options: { json: { type: 'boolean' }, lang: { type: 'string' }, missing: { type: 'string' }, summary: { type: 'boolean' } },
    async run(values, files) {
      if (files.length !== 2) throw new UsageError('score needs a rubric file and an evidence file');
      const missing = values.missing ?? 'error';
      if (missing !== 'error' && missing !== 'zero') throw new UsageError(`--missing takes zero or error, not "${String(missing)}"`);
      const language = lang(values.lang);
      const [rubricFile, evidenceFile] = files as [string, string];
      const compiled = compile(await loadRubricFile(rubricFile));
      const doc = await loadEvidenceFile(evidenceFile);
      const problems = evidenceProblems(compiled, doc, doc.source.text, evidenceFile, missing as 'error' | 'zero');
      if (problems) throw problems;
      const result = score(compiled, doc.evidence, { missing: missing as 'error' | 'zero', community: doc.community });
      out(values.json ? JSON.stringify(result, null, 2) : explain(result, { lang: language, items: !values.summary }));
      return 0;
    },
  },
  test: {
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
      const language = values.lang === undefined ? 'en' : lang(values.lang);
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
  },
};

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    out(USAGE);
    return name ? 0 : 2;
  }
  if (name === '--version') {
    out('shequ-rubric 0.1.0');
    return 0;
  }
  const command = commands[name];
  if (!command) {
    err(`unknown command "${name}"\n\n${USAGE}`);
    return 2;
  }
  try {
    const { values, positionals } = parseArgs({ args: rest, options: { ...command.options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
    if (values.help) {
      out(command.usage);
      return 0;
    }
    return await command.run(values, positionals);
  } catch (e) {
    if (e instanceof RubricError) {
      err(formatIssues(e.issues, { sources: e.sources, color }));
      err(`${e.issues.length} problem${e.issues.length === 1 ? '' : 's'}`);
      return 1;
    }
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      err(`${(e as Error).message}\n\n${command.usage}`);
      return 2;
    }
    throw e;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    err(`internal error: ${(e as Error)?.stack ?? String(e)}`);
    process.exitCode = 70;
  },
);
