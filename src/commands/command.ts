import type { ParseArgsConfig } from 'node:util';
import type { Lang } from '../explain.js';

/** What a positional argument names: main checks the count, and says when a file given as a rubric looks like evidence or the other way round. */
export type ArgKind = 'rubric' | 'evidence' | 'path';

/** A command's positional arguments. */
export interface Args {
  /** The required arguments, in order. */
  fixed: ArgKind[];
  /** What any further arguments are (validate's rubrics, template's evidence files); absent: nothing may follow. */
  rest?: ArgKind;
  /** What the command takes, for "<command> needs …" and "unexpected argument …: <command> takes …". */
  takes: string;
}

/** One CLI command: its help text, its options for parseArgs, and what it does. */
export interface Command {
  /** One line for the command list: arguments and what it does. */
  summary: string;
  usage: string;
  options: NonNullable<ParseArgsConfig['options']>;
  /** Its positional arguments: main checks their count before run. */
  args: Args;
  /** Returns the exit code: 0 ok, 1 problems found. Throws UsageError for 2, OutputError (1) for an --out file it cannot write. */
  run(values: Record<string, unknown>, positionals: string[]): Promise<number>;
}

export const out = (s: string): void => {
  process.stdout.write(`${s}\n`);
};
export const err = (s: string): void => {
  process.stderr.write(`${s}\n`);
};
export const color = Boolean(process.stderr.isTTY) && !process.env.NO_COLOR;

/** Wrong words on the command line: exit 2 with the command's help. */
export class UsageError extends Error {}

/**
 * A file the command cannot write (--out): one line naming it and why, exit 1
 * as for other problems found (the command line itself was well formed).
 */
export class OutputError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`cannot write ${file}: ${reason}`);
  }
}

/** Too few or too many positional arguments is a usage error; one too many is named. */
export function checkArgs(name: string, args: Args, positionals: string[]): void {
  if (positionals.length < args.fixed.length) throw new UsageError(`${name} needs ${args.takes}`);
  const extra = args.rest ? [] : positionals.slice(args.fixed.length);
  if (extra.length) {
    const listed = extra.map((a) => JSON.stringify(a)).join(', ');
    throw new UsageError(`unexpected argument${extra.length === 1 ? '' : 's'} ${listed}: ${name} takes ${args.takes}`);
  }
}

/** What the positional argument at index is (undefined past the last a command takes). */
export function argKind(args: Args, index: number): ArgKind | undefined {
  return index < args.fixed.length ? args.fixed[index] : args.rest;
}

/** --lang: Chinese unless en is asked for, in every command. */
export function lang(value: unknown): Lang {
  if (value === undefined) return 'zh';
  if (value === 'zh' || value === 'en') return value;
  throw new UsageError(`--lang takes zh or en, not "${String(value)}"`);
}

export function missingPolicy(value: unknown): 'error' | 'zero' {
  if (value === undefined || value === 'error') return 'error';
  if (value === 'zero') return 'zero';
  throw new UsageError(`--missing takes zero or error, not "${String(value)}"`);
}
