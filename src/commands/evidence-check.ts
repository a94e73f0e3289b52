import type { CompiledRubric } from '../compile.js';
import { formatIssues } from '../format-issues.js';
import type { Issue } from '../issues.js';
import { evidenceFileHints, evidenceProblems, type loadEvidenceFile } from '../node.js';
import { color, err } from './command.js';

/** Prints the evidence file's hints on stderr, then throws its problems, if any (score, plan, report); returns the hints. */
export function checkEvidenceFile(compiled: CompiledRubric, doc: Awaited<ReturnType<typeof loadEvidenceFile>>, missing: 'error' | 'zero'): Issue[] {
  const { file, text } = doc.source;
  const hints = evidenceFileHints(compiled, doc, text, file);
  if (hints.length) err(formatIssues(hints, { sources: { [file]: text }, color }));
  const problems = evidenceProblems(compiled, doc, text, file, missing);
  if (problems) throw problems;
  return hints;
}
