import { formatPath } from './format-issues.js';
import type { Issue, PathSegment } from './issues.js';
import { isRecord } from './is-record.js';

/**
 * A key indented too little or too far stands where it is unknown, and is
 * missing where it belongs; "unknown key states (did you mean states?)"
 * then says nothing. Each such issue is reworded to name the other place:
 * an unknown key whose own name the format knows is one given at the wrong
 * depth, and a missing key found one level down was indented too far.
 * `at` reads the value at a path of the document (as the issues' paths
 * run after `prefix`).
 */
export function misplacedKeys(issues: Issue[], prefix: readonly PathSegment[], at?: (path: PathSegment[]) => unknown): Issue[] {
  const misplaced = issues.filter((i) => i.code === 'unknown-key' && i.found !== undefined && i.expected === i.found);
  const keyOf = (i: Issue) => i.path[i.path.length - 1];
  const parentOf = (i: Issue) => i.path.slice(0, -1);
  const onBranch = (a: PathSegment[], b: PathSegment[]) => {
    const [short, long] = a.length <= b.length ? [a, b] : [b, a];
    return short.every((seg, k) => seg === long[k]);
  };
  return issues.map((i) => {
    if (misplaced.includes(i)) {
      const missing = issues.find((m) => m.code === 'missing-key' && keyOf(m) === keyOf(i) && onBranch(parentOf(m), parentOf(i)));
      const belongs = missing ? ` (it is missing at ${formatPath(missing.path)}: is it indented wrongly?)` : '';
      return { ...i, message: `the key "${String(keyOf(i))}" does not belong here${belongs}`, expected: missing ? `"${String(keyOf(i))}" at ${formatPath(missing.path)}` : 'a key this mapping takes' };
    }
    if (i.code !== 'missing-key') return i;
    const given = misplaced.find((u) => keyOf(u) === keyOf(i) && onBranch(parentOf(u), parentOf(i)));
    const deeper = given ? undefined : keyOneLevelDown(parentOf(i), keyOf(i) as PathSegment, prefix, at);
    const where = given?.path ?? deeper;
    if (!where) return i;
    return { ...i, message: `${i.message} (one is given at ${formatPath(where)}: is it indented ${given ? 'wrongly' : 'too far'}?)`, found: `"${String(keyOf(i))}" at ${formatPath(where)}` };
  });
}

/** The path of `key` in a mapping one level below `parent`, where it is. */
function keyOneLevelDown(parent: PathSegment[], key: PathSegment, prefix: readonly PathSegment[], at?: (path: PathSegment[]) => unknown): PathSegment[] | undefined {
  if (!at || !prefix.every((seg, k) => parent[k] === seg)) return undefined;
  const value = at(parent.slice(prefix.length));
  if (!isRecord(value)) return undefined;
  for (const [child, inner] of Object.entries(value)) {
    if (isRecord(inner) && Object.prototype.hasOwnProperty.call(inner, key)) return [...parent, child, key];
  }
  return undefined;
}
