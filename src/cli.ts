import { parseArgs } from 'node:util';
import { checkArgs, color, err, OutputError, out, UsageError, type Command } from './commands/command.js';
import { misplacedFileHint } from './commands/file-kind.js';
import { extraCommands } from './commands/index.js';
import { score } from './commands/score.js';
import { test } from './commands/test.js';
import { validate } from './commands/validate.js';
import { formatIssues } from './format-issues.js';
import { RubricError } from './issues.js';

/**
 * The shequ-rubric command. Exit codes: 0 ok, 1 rubric / evidence / fixture
 * problems (all printed) or an --out file that cannot be written, 2 usage.
 */
const commands: Record<string, Command> = { validate, score, test, ...extraCommands };

const USAGE = [
  'shequ-rubric — community-service quality rubrics as data (社区服务质量评价)',
  '',
  'Usage:',
  ...Object.entries(commands).map(([name, c]) => `  shequ-rubric ${name} ${c.summary}`),
  '',
  'Run "shequ-rubric <command> --help" for a command\'s options.',
  'Exit codes: 0 ok, 1 problems found (all printed) or an --out file that cannot be written, 2 usage.',
].join('\n');

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
  // The positional arguments, once checked: a file that fails to load may be one given in the wrong place.
  let files: string[] = [];
  try {
    const { values, positionals } = parseArgs({ args: rest, options: { ...command.options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
    if (values.help) {
      out(command.usage);
      return 0;
    }
    checkArgs(name, command.args, positionals);
    files = positionals;
    return await command.run(values, positionals);
  } catch (e) {
    if (e instanceof RubricError) {
      err(formatIssues(e.issues, { sources: e.sources, color }));
      err(`${e.issues.length} problem${e.issues.length === 1 ? '' : 's'}`);
      const hint = misplacedFileHint(command, files, e);
      if (hint) err(hint);
      return 1;
    }
    if (e instanceof OutputError) {
      err(e.message);
      return 1;
    }
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      err(`${(e as Error).message}\n\n${command.usage}`);
      return 2;
    }
    throw e;
  }
}

// A reader that stops early (`shequ-rubric export … | head`) closes the pipe: stop quietly, as Unix tools
// do, with the command's own status if it has finished, else 141 (killed by SIGPIPE): a run cut short
// must not look like one that passed (a batch with failed rows exits 1).
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code !== 'EPIPE') throw e;
  process.exit(typeof process.exitCode === 'number' ? process.exitCode : 141);
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    err(`internal error: ${(e as Error)?.stack ?? String(e)}`);
    process.exitCode = 70;
  },
);
