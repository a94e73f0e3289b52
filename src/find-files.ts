import { readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { fsReason } from './fs-reason.js';
import { RubricError, issue } from './issues.js';

/**
 * The files under a path: the path itself when it is a file, else the files
 * of the directory and its subdirectories whose extension is one of
 * `extensions` (lower case), sorted. A path that cannot be read is a
 * RubricError. An entry that cannot be (a dangling symbolic link) is listed
 * when its name fits, so that its reader reports it beside the others: it
 * stopped the whole walk with the system's error.
 */
export async function filesUnder(path: string, extensions: readonly string[], walked = new Set<string>()): Promise<string[]> {
  const s = await stat(path).catch(() => undefined);
  if (!s) throw new RubricError([issue('file-not-found', [], `no such file or directory: ${path}`, { file: path })]);
  if (!s.isDirectory()) return [path];
  // A symbolic link back up the tree would walk it without end: each directory is walked once.
  const id = `${s.dev}:${s.ino}`;
  if (walked.has(id)) return [];
  walked.add(id);
  let entries: string[];
  try {
    entries = (await readdir(path)).sort();
  } catch (e) {
    throw new RubricError([issue('file-not-found', [], `cannot read ${path}: ${fsReason(e)}`, { file: path })]);
  }
  const found: string[] = [];
  for (const entry of entries) {
    const child = join(path, entry);
    const cs = await stat(child).catch(() => undefined);
    if (cs?.isDirectory()) found.push(...(await filesUnder(child, extensions, walked)));
    else if (extensions.includes(extname(entry).toLowerCase())) found.push(child);
  }
  return found;
}
