/**
 * Reading a costs file from disk (Node only; the core's safeParseCosts reads text).
 */
import { readFile } from 'node:fs/promises';
import { safeParseCosts, type Costs } from './costs.js';
import { assertString } from './api-guards.js';
import { RubricError, issue, type Issue } from './issues.js';
import { placeIssues, type SourceText } from './source.js';

export interface CostsFile {
  costs: Costs;
  source: SourceText;
  /** Places issues about the costs (paths from the document's root) in the file. */
  place(issues: Issue[]): RubricError;
}

/** Reads and validates a costs file (YAML or JSON); throws a RubricError placed at file:line:col. */
export async function loadCostsFile(path: string): Promise<CostsFile> {
  assertString('path', path);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new RubricError([issue('file-not-found', [], `cannot read ${path}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`, { file: path })]);
  }
  const r = safeParseCosts(text, { file: path });
  if (!r.success) throw r.error;
  const source = r.source;
  return { costs: r.data, source, place: (issues) => new RubricError(placeIssues(issues, source), { [path]: source.text }) };
}
