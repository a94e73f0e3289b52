import { z } from 'zod';
import { formatPath } from './format-issues.js';
import { issue, suggest, type Issue, type PathSegment } from './issues.js';
import { bilingual, idSchema } from './kinds/shared.js';
import { locate, placeIssues, readYaml, type ReadOptions, type SourceText } from './source.js';
import { fromZod, parseReporting } from './zod-issues.js';

/**
 * Rubrics that extend rubrics. A child names its parent (`extends:`) and
 * overrides items or sections by id, adds items or sections, removes ids,
 * and replaces grades, gates or notes. The merged document is validated like
 * any other; every node remembers the file and path it came from, so an
 * error points into the file that caused it.
 */

/** A rubric file's text, found by a resolver. */
export interface RubricFile {
  file: string;
  text: string;
}

/** Finds the parent named by `extends:` (a path relative to the child, or a bundled id). */
export type Resolver = (ref: string, fromFile: string) => RubricFile | undefined;

export interface Origin {
  source: SourceText;
  path: PathSegment[];
}

/** A document with the origin of each of its nodes. */
export interface Composed {
  value: unknown;
  sources: SourceText[];
  origins: WeakMap<object, Origin>;
  keyOrigins: WeakMap<object, Map<string, Origin>>;
  issues: Issue[];
  /**
   * Set when every issue is a change that could not be applied (an unknown
   * id to override or remove, a section to add to that is not there): the
   * rest was merged, and the merged rubric can still be checked.
   */
  merged?: true;
}

const addSpec = z.strictObject({
  into: idSchema,
  after: idSchema.optional(),
  items: z.array(z.unknown()).optional(),
  sections: z.array(z.unknown()).optional(),
});

export const childSchema = z.strictObject({
  extends: z.string().min(1),
  id: z.string(),
  version: z.string(),
  title: bilingual.optional(),
  source: z.unknown().optional(),
  effective: z.unknown().optional(),
  rounding: z.unknown().optional(),
  max: z.unknown().optional(),
  notes: z.array(z.unknown()).optional(),
  gates: z.array(z.unknown()).optional(),
  grades: z.unknown().optional(),
  override: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
  add: z.array(addSpec).optional(),
  remove: z.array(idSchema).optional(),
});

/** Keys a child may replace wholesale. */
const REPLACED = ['id', 'version', 'title', 'source', 'effective', 'rounding', 'max', 'notes', 'gates', 'grades'] as const;
/** Keys an override may not change: the id is how it was found. */
const FIXED = new Set(['id']);

function register(value: unknown, origin: Origin, origins: WeakMap<object, Origin>): void {
  if (value === null || typeof value !== 'object') return;
  origins.set(value, origin);
  if (Array.isArray(value)) value.forEach((v, i) => register(v, { source: origin.source, path: [...origin.path, i] }, origins));
  else for (const [k, v] of Object.entries(value)) register(v, { source: origin.source, path: [...origin.path, k] }, origins);
}

const clone = <T>(v: T): T => (v === null || typeof v !== 'object' ? v : (structuredClone(v) as T));

/** Reads a rubric file, following `extends:` through the resolver. */
export function compose(text: string, options: ReadOptions & { resolve?: Resolver | undefined }, chain: string[] = []): Composed {
  const read = readYaml(text, options);
  const origins = new WeakMap<object, Origin>();
  const keyOrigins = new WeakMap<object, Map<string, Origin>>();
  const own: Composed = { value: read.value, sources: [read.source], origins, keyOrigins, issues: placeIssues(read.issues, read.source) };
  if (read.issues.length) return own;
  register(read.value, { source: read.source, path: [] }, origins);
  const doc = read.value as Record<string, unknown> | null;
  if (!doc || typeof doc !== 'object' || Array.isArray(doc) || !('extends' in doc)) return own;

  const child = parseReporting(childSchema, doc);
  const fail = (issues: Issue[]): Composed => ({ ...own, issues: placeIssues(issues, read.source) });
  if (!child.success) return fail(fromZod(child.error.issues, [], { vocabulary: Object.keys(childSchema.shape) }));
  const ref = child.data.extends;
  const file = read.source.file;
  const parentFile = options.resolve?.(ref, file);
  if (!parentFile) {
    return fail([issue('extends-not-found', ['extends'], `cannot find the rubric "${ref}" that this rubric extends${options.resolve ? '' : ' (no resolver was given: load it with loadRubricFile, or pass resolve)'}`, { expected: 'a rubric file, relative to this one', found: ref })]);
  }
  if (chain.includes(parentFile.file) || parentFile.file === file) {
    return fail([issue('extends-cycle', ['extends'], `the rubrics extend each other in a cycle: ${[...chain, file, parentFile.file].join(' → ')}`, { expected: 'a rubric that does not extend this one', found: ref })]);
  }
  const parent = compose(parentFile.text, { ...options, file: parentFile.file }, [...chain, file]);
  if (parent.issues.length && !parent.merged) return { ...parent, sources: [...parent.sources, read.source] };

  // Merge: the parent's nodes keep their origins; what the child brings gets the child's.
  const merged = parent.value as Record<string, unknown>;
  const merge: Composed = { value: merged, sources: [...parent.sources, read.source], origins: parent.origins, keyOrigins: parent.keyOrigins, issues: [] };
  const fromChild = (path: PathSegment[]): Origin => ({ source: read.source, path });
  const parentId = typeof merged.id === 'string' ? merged.id : undefined;
  const setKey = (target: object, key: string, origin: Origin) => {
    const map = merge.keyOrigins.get(target) ?? new Map<string, Origin>();
    map.set(key, origin);
    merge.keyOrigins.set(target, map);
  };
  for (const key of REPLACED) {
    if (child.data[key] === undefined) continue;
    merged[key] = clone(doc[key]);
    register(merged[key], fromChild([key]), merge.origins);
    setKey(merged, key, fromChild([key]));
  }

  // The ids this rubric descends from: evidence written for a parent fits the child.
  const parentLineage = Array.isArray(merged.lineage) ? (merged.lineage as string[]) : [];
  merged.lineage = parentId ? [parentId, ...parentLineage] : parentLineage;
  setKey(merged, 'lineage', fromChild(['extends']));

  const index = indexTree(merged);
  for (const [id, changes] of Object.entries(child.data.override ?? {})) {
    const node = index.get(id);
    if (!node) {
      const hint = suggest(id, index.keys());
      merge.issues.push(issue('override-unknown-id', ['override', id], `there is no item or section "${id}" in ${parentFile.file} to override${hint ? ` (did you mean "${hint}"?)` : ''}`, { expected: `an item or section of ${parentFile.file}`, found: id }));
      continue;
    }
    for (const [key, value] of Object.entries(changes)) {
      if (FIXED.has(key)) {
        merge.issues.push(issue('invalid-value', ['override', id, key], 'an override cannot change the id; remove the item and add a new one instead', { expected: 'keys other than id', found: key }));
        continue;
      }
      node.target[key] = clone(value);
      register(node.target[key], fromChild(['override', id, key]), merge.origins);
      setKey(node.target, key, fromChild(['override', id, key]));
    }
  }

  child.data.add?.forEach((add, i) => {
    const into = index.get(add.into);
    if (!into || !into.isSection) {
      const hint = suggest(add.into, [...index].filter(([, n]) => n.isSection).map(([id]) => id));
      merge.issues.push(issue('unknown-reference', ['add', i, 'into'], `there is no section "${add.into}" to add to${hint ? ` (did you mean "${hint}"?)` : ''}`, { expected: 'a section of the rubric extended', found: add.into }));
      return;
    }
    for (const key of ['items', 'sections'] as const) {
      const entries = (doc.add as Record<string, unknown>[])[i]?.[key] as unknown[] | undefined;
      if (!entries) continue;
      const list = ((into.target[key] as unknown[] | undefined) ?? []) as unknown[];
      into.target[key] = list;
      let at = list.length;
      if (add.after) {
        const anchor = list.findIndex((x) => (x as { id?: unknown })?.id === add.after);
        if (anchor < 0) {
          const ids = list.map((x) => (x as { id?: unknown })?.id).filter((id): id is string => typeof id === 'string');
          const hint = suggest(add.after, ids);
          merge.issues.push(issue('unknown-reference', ['add', i, 'after'], `the section "${add.into}" has no ${key === 'items' ? 'item' : 'section'} "${add.after}"${hint ? ` (did you mean "${hint}"?)` : ''}`, {
            expected: `one of its ${key}${ids.length ? `: ${ids.join(', ')}` : ''}`,
            found: add.after,
          }));
          continue;
        }
        at = anchor + 1;
      }
      const copies = entries.map((e, j) => {
        const c = clone(e);
        register(c, fromChild(['add', i, key, j]), merge.origins);
        return c;
      });
      list.splice(at, 0, ...copies);
    }
  });
  // Removal comes last, so an addition may be placed after an item that is then removed.
  for (const id of child.data.remove ?? []) {
    const node = index.get(id);
    const i = child.data.remove?.indexOf(id) ?? 0;
    if (!node || !node.list) {
      const hint = suggest(id, index.keys());
      merge.issues.push(issue('override-unknown-id', ['remove', i], `there is no item or section "${id}" to remove${hint ? ` (did you mean "${hint}"?)` : ''}`, { expected: 'an item or section of the rubric extended', found: id }));
      continue;
    }
    const at = node.list.indexOf(node.target);
    if (at >= 0) node.list.splice(at, 1);
  }

  merge.issues = [...parent.issues, ...placeIssues(merge.issues, read.source)];
  return merge.issues.length ? { ...merge, merged: true } : merge;
}

interface Located {
  target: Record<string, unknown>;
  list?: unknown[];
  isSection: boolean;
}

/** Every item, part and section of a raw rubric by id. */
function indexTree(doc: Record<string, unknown>): Map<string, Located> {
  const index = new Map<string, Located>();
  const visit = (list: unknown, isSection: boolean) => {
    if (!Array.isArray(list)) return;
    for (const node of list) {
      if (!node || typeof node !== 'object') continue;
      const n = node as Record<string, unknown>;
      if (typeof n.id === 'string') index.set(n.id, { target: n, list, isSection });
      if (isSection) {
        visit(n.sections, true);
        visit(n.items, false);
      } else visit(n.parts, false);
    }
  };
  visit(doc.sections, true);
  return index;
}

/** Where a path of the merged document was written: the deepest node with a known origin. */
export function originOf(composed: Composed, path: readonly PathSegment[]): Origin | undefined {
  let cur: unknown = composed.value;
  let best: { origin: Origin; consumed: number } | undefined;
  const root = cur && typeof cur === 'object' ? composed.origins.get(cur) : undefined;
  if (root) best = { origin: root, consumed: 0 };
  for (let i = 0; i < path.length; i++) {
    if (!cur || typeof cur !== 'object') break;
    const seg = path[i] as PathSegment;
    const keyed = composed.keyOrigins.get(cur)?.get(String(seg));
    if (keyed) best = { origin: keyed, consumed: i + 1 };
    cur = (cur as Record<string | number, unknown>)[seg];
    const o = cur && typeof cur === 'object' ? composed.origins.get(cur) : undefined;
    if (o) best = { origin: o, consumed: i + 1 };
  }
  if (!best) return undefined;
  return { source: best.origin.source, path: [...best.origin.path, ...path.slice(best.consumed)] };
}

/**
 * Places issues of the merged document in the files that caused them, each
 * with its path in that file (`override.b.points` in the child; in the
 * parent, the index an item has there, before the child's additions and
 * removals moved it).
 */
export function placeComposed(issues: Issue[], composed: Composed): Issue[] {
  const own = composed.sources[composed.sources.length - 1];
  return issues.map((i) => {
    if (i.file && i.line) return i;
    const origin = originOf(composed, i.path);
    const source = origin?.source ?? own;
    if (!source) return i;
    const path = origin?.path ?? i.path;
    const pos = locate(source, path, i.code === 'unknown-key' || i.code === 'forbidden-key');
    // A value the rubric inherits is placed where it is written, which its author may not edit: say how to change it from the rubric itself.
    const fix = own && source !== own ? overrideHint(composed.value, i, own.file) : undefined;
    const message = i.code === 'duplicate-id' ? firstUseInFile(composed, i, source.file) : i.message;
    return { ...i, message: fix ? `${message} (${fix})` : message, path, file: source.file, ...(pos ?? {}) };
  });
}

/**
 * A duplicate id's message names its first use by its path in the merged
 * rubric, which in the file shown can be another item (an item the child's
 * removals moved, or one in the parent): it is named by its path in the
 * file that holds it, and that file when it is not the one shown.
 */
function firstUseInFile(composed: Composed, i: Issue, shownFile: string): string {
  if (typeof i.found !== 'string') return i.message;
  for (const at of pathsOfId(composed.value, i.found)) {
    const written = `(first at ${formatPath(at)})`;
    if (!i.message.includes(written)) continue;
    const origin = originOf(composed, at);
    if (!origin) return i.message;
    const file = origin.source.file === shownFile ? '' : ` in ${origin.source.file}`;
    return i.message.replace(written, `(first at ${formatPath(origin.path)}${file})`);
  }
  return i.message;
}

/** The paths of the sections, items and parts of a merged rubric whose id is `id`. */
function pathsOfId(doc: unknown, id: string): PathSegment[][] {
  const found: PathSegment[][] = [];
  const visit = (node: unknown, path: PathSegment[]) => {
    if (!node || typeof node !== 'object' || Array.isArray(node)) return;
    const n = node as Record<string, unknown>;
    if (n.id === id) found.push(path);
    for (const key of ['sections', 'items', 'parts']) {
      const list = n[key];
      if (Array.isArray(list)) list.forEach((child, k) => visit(child, [...path, key, k]));
    }
  };
  const sections = (doc as { sections?: unknown } | null)?.sections;
  if (Array.isArray(sections)) sections.forEach((s, k) => visit(s, ['sections', k]));
  return found;
}

/**
 * How a rubric that extends another changes an inherited value at a path:
 * by replacing the top-level key that holds it, or by overriding the key of
 * the deepest item or section that holds it (both replace the key whole).
 */
function overrideHint(doc: unknown, { path, code, expected }: Issue, ownFile: string): string | undefined {
  const inherited = `inherited: change it in ${ownFile} with`;
  // A maximum's right value is known; anything else the author decides.
  const value = code === 'max-mismatch' && expected !== undefined ? expected : '…';
  const top = path[0];
  if (typeof top === 'string' && (REPLACED as readonly string[]).includes(top)) return `${inherited} ${top}: ${path.length === 1 ? value : '…'}`;
  // The deepest item or section on the path, and the one key below it.
  let cur: unknown = doc;
  let owner: string | undefined;
  let rest = path.length;
  for (let k = 0; k < path.length; k++) {
    if (!cur || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[path[k] as PathSegment];
    const listed = typeof path[k] === 'number' && ['sections', 'items', 'parts'].includes(String(path[k - 1]));
    const id = cur && typeof cur === 'object' ? (cur as { id?: unknown }).id : undefined;
    if (listed && typeof id === 'string') {
      owner = id;
      rest = k + 1;
    }
  }
  const key = path[rest];
  if (owner === undefined || typeof key !== 'string' || FIXED.has(key)) return undefined;
  return `${inherited} override: { ${JSON.stringify(owner)}: { ${key}: ${path.length === rest + 1 ? value : '…'} } }`;
}
