import { isRecord } from '../is-record.js';
import type { RubricError } from '../issues.js';
import { readYaml } from '../source.js';
import { argKind, type Command } from './command.js';

type FileKind = 'rubric' | 'evidence';

/** What a document is at its top level: evidence has evidence: and no sections:; a rubric has sections: (or extends: one) and no evidence:. */
export function looksLike(text: string): FileKind | undefined {
  const { value } = readYaml(text);
  if (!isRecord(value)) return undefined;
  const has = (key: string) => Object.hasOwn(value, key);
  if (has('evidence') && !has('sections')) return 'evidence';
  if ((has('sections') || has('extends')) && !has('evidence')) return 'rubric';
  return undefined;
}

/**
 * One line for a file that failed to load as a rubric but reads as evidence,
 * or the other way round: without it, arguments in the wrong order show only
 * the schema errors of reading one kind of file as the other. `advice` ends
 * the line, by the kind the file turned out to be.
 */
export function fileKindHint(file: string, error: RubricError, expected: FileKind, advice: Partial<Record<FileKind, string>> = {}): string | undefined {
  const text = error.sources[file];
  if (typeof text !== 'string' || !error.issues.some((i) => i.file === file)) return undefined;
  const found = looksLike(text);
  if (!found || found === expected) return undefined;
  const what = found === 'evidence' ? 'an evidence file, not a rubric' : 'a rubric, not an evidence file';
  return `hint: ${file} looks like ${what}${advice[found] ?? ''}`;
}

/** The hint for the first rubric or evidence argument that failed to load as what the command takes there. */
export function misplacedFileHint(command: Command, positionals: string[], error: RubricError): string | undefined {
  const usage = `(${command.usage.split('\n')[0]?.replace(/^Usage: /, '').replace(/ \[options\]$/, '')})`;
  const takesEvidence = [...command.args.fixed, command.args.rest].includes('evidence');
  const advice = { evidence: takesEvidence ? `: the rubric comes first ${usage}` : '', rubric: ` ${usage}` };
  for (const [index, file] of positionals.entries()) {
    const kind = argKind(command.args, index);
    if (kind !== 'rubric' && kind !== 'evidence') continue;
    const hint = fileKindHint(file, error, kind, advice);
    if (hint) return hint;
  }
  return undefined;
}
