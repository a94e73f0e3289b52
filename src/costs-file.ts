/**
 * Reading a costs file from disk (Node only; the core's safeParseCosts reads text).
 */
import { safeParseCosts, type Costs } from './costs.js';
import { RubricError, type Issue } from './issues.js';
import { placeIssues, type SourceText } from './source.js';
import { readText } from './read-text.js';

export interface CostsFile {
  costs: Costs;
  source: SourceText;
  /** Places issues about the costs (paths from the document's root) in the file. */
  place(issues: Issue[]): RubricError;
}

/** Reads and validates a costs file (YAML or JSON); throws a RubricError placed at file:line:col. */
export async function loadCostsFile(path: string): Promise<CostsFile> {
  const text = await readText(path);
  const r = safeParseCosts(text, { file: path });
  if (!r.success) throw r.error;
  const source = r.source;
  return { costs: r.data, source, place: (issues) => new RubricError(placeIssues(issues, source), { [path]: source.text }) };
}
