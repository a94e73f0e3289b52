import type { ParseArgsConfig } from 'node:util';
import type { Lang } from '../explain.js';

/** One CLI command: its help text, its options for parseArgs, and what it does. */
export interface Command {
  /** One line for the command list: arguments and what it does. */
  summary: string;
  usage: string;
  options: NonNullable<ParseArgsConfig['options']>;
  /** Returns the exit code: 0 ok, 1 problems found. Throws UsageError for 2. */
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
