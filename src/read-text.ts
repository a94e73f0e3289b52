import { readFile } from 'node:fs/promises';
import { assertString } from './api-guards.js';
import { fsReason } from './fs-reason.js';
import { RubricError, issue } from './issues.js';

/**
 * Reads a rubric, evidence, fixture or costs file as UTF-8. A path that
 * cannot be read is a RubricError: a directory is the wrong kind of thing
 * (invalid-type), anything else file-not-found with the reason.
 */
export async function readText(path: string): Promise<string> {
  assertString('path', path);
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EISDIR') {
      throw new RubricError([issue('invalid-type', [], `${path} is a directory, not a file`, { file: path })]);
    }
    throw new RubricError([issue('file-not-found', [], `cannot read ${path}: ${fsReason(e)}`, { file: path })]);
  }
}
