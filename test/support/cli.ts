import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './bundled.js';

/** The built command line: npm test builds it before vitest runs. */
export const cliPath = join(repoRoot, 'dist', 'cli.js');

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `shequ-rubric …` from the built package in the repository root, colours off; fails loudly when it is not built. */
export function runCli(args: readonly string[], options: { cwd?: string; timeout?: number } = {}): CliRun {
  if (!existsSync(cliPath)) throw new Error('dist/cli.js is missing: run npm run build (npm test builds it first)');
  const r = spawnSync(process.execPath, [cliPath, ...args], {
    cwd: options.cwd ?? repoRoot,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
    timeout: options.timeout ?? 120_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Whether output holds a stack trace ("    at run (file:///…/cli.js:12:3)") or a crash report, which must never reach a user. */
export function hasStackTrace(text: string): boolean {
  return /^\s+at (?:async )?\S.*:\d+:\d+\)?$|internal error|Unhandled 'error' event|node:internal/m.test(text);
}
