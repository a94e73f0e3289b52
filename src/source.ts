import { Composer, isAlias, isMap, isScalar, isSeq, LineCounter, Parser, visit, YAMLParseError, type Document, type Node } from 'yaml';
import { readPlainYaml } from './plain-yaml.js';
import { scalarValue } from './yaml-scalar.js';
import { describe, issue, type Issue, type PathSegment } from './issues.js';
import { isCount, optionIssue, optionsIssue } from './api-guards.js';
import { unquotedRangeIssue } from './unquoted-range.js';

/**
 * Reads one YAML document into plain data while keeping, for every path,
 * where it was written. Never throws on bad input: every problem becomes an
 * Issue. Refuses what a rubric never needs and an attacker would use: custom
 * tags, merge keys, prototype keys, alias expansion beyond a budget, and
 * documents above a size limit.
 */
export interface ReadOptions {
  /** File name used in messages. */
  file?: string;
  /** Largest accepted document, in bytes of UTF-8. Default 1 MiB. */
  maxBytes?: number;
  /** Largest number of nodes after expanding aliases. Default 100 000. */
  maxNodes?: number;
  /**
   * Read plain block-style YAML with the library's own reader (plain-yaml.ts),
   * about ten times faster, and yaml's parser only for other text and to
   * place an issue. The value is the same either way. Default true.
   */
  plainReader?: boolean;
}

export interface SourceText {
  file: string;
  text: string;
  /** Start and end offsets of the node at each path (JSON-encoded path). */
  ranges: Map<string, [number, number]>;
  lineCounter: LineCounter;
}

export interface ReadResult {
  value: unknown;
  source: SourceText;
  issues: Issue[];
}

export const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
/** The keys the reader refuses: the forbidden ones, and YAML's merge key. */
export const REFUSED_KEYS: ReadonlySet<string> = new Set([...FORBIDDEN_KEYS, '<<']);
export const DEFAULT_MAX_BYTES = 1024 * 1024;
export const DEFAULT_MAX_NODES = 100_000;
/** The deepest nesting a document may have (load.ts's MAX_DEPTH for values in memory is the same). */
export const MAX_NESTING = 200;

type CstToken = ReturnType<Parser['parse']> extends Generator<infer T> ? T : never;

/**
 * The offset of a collection nested deeper than `max` in the parser's tokens,
 * walked with a stack of its own (no recursion, whatever the depth).
 */
function tooDeepToken(tokens: readonly CstToken[], max: number): number | undefined {
  const stack: [unknown, number][] = tokens.map((t) => [t, 0]);
  while (stack.length > 0) {
    const [token, depth] = stack.pop() as [unknown, number];
    if (token === null || typeof token !== 'object') continue;
    const t = token as { type?: string; value?: unknown; items?: { key?: unknown; value?: unknown }[]; offset?: number };
    if (t.type === 'document') stack.push([t.value, depth]);
    else if (Array.isArray(t.items)) {
      if (depth + 1 > max) return t.offset ?? 0;
      for (const item of t.items) stack.push([item.key, depth + 1], [item.value, depth + 1]);
    }
  }
  return undefined;
}
const STANDARD_TAGS = new Set([
  'tag:yaml.org,2002:str',
  'tag:yaml.org,2002:int',
  'tag:yaml.org,2002:float',
  'tag:yaml.org,2002:bool',
  'tag:yaml.org,2002:null',
  'tag:yaml.org,2002:map',
  'tag:yaml.org,2002:seq',
]);

/** A path as a map key: cheap to extend one segment at a time, unambiguous. */
const segKey = (seg: PathSegment): string => (typeof seg === 'number' ? `\u0000n${seg}` : `\u0000s${seg}`);
export const pathKey = (path: readonly PathSegment[]): string => path.map(segKey).join('');

/** The text without a leading byte-order mark (editors on Windows write one). */
export const withoutBom = (text: string): string => (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);

/** A text to place issues in; its line counter is filled as the YAML parser reads it. */
export function sourceText(text: string, file: string): SourceText {
  return { file, text, ranges: new Map(), lineCounter: new LineCounter() };
}

/** What a reader gives for a value that is not text (plain JavaScript callers, a file read as bytes). */
function notText(value: unknown, options: ReadOptions): ReadResult {
  const found = describe(value);
  const problem = issue('invalid-type', [], `expected YAML or JSON text (a string), found ${found}`, { expected: 'a string', found });
  return { value: undefined, source: sourceText('', options.file ?? '<input>'), issues: [problem] };
}

/** Problems with reading options, at options.<name>: a wrong limit would silently read without one, or refuse everything. */
export function readOptionsIssues(options: ReadOptions): Issue[] {
  const notMapping = optionsIssue(options);
  if (notMapping) return [notMapping];
  const o = options as Record<string, unknown>;
  return [
    optionIssue('file', o.file, 'a file name (a string)', o.file === undefined || typeof o.file === 'string'),
    optionIssue('maxBytes', o.maxBytes, 'a whole number ≥ 0 (or Infinity)', o.maxBytes === undefined || isCount(o.maxBytes)),
    optionIssue('maxNodes', o.maxNodes, 'a whole number ≥ 0 (or Infinity)', o.maxNodes === undefined || isCount(o.maxNodes)),
    optionIssue('plainReader', o.plainReader, 'true or false', o.plainReader === undefined || typeof o.plainReader === 'boolean'),
  ].filter((i): i is Issue => i !== undefined);
}

export function readYaml(rawText: string, options: ReadOptions = {}): ReadResult {
  options ??= {};
  const wrong = readOptionsIssues(options);
  if (wrong.length) return { value: undefined, source: sourceText('', typeof options.file === 'string' ? options.file : '<input>'), issues: wrong };
  if (typeof rawText !== 'string') return notText(rawText, options);
  const text = withoutBom(rawText);
  // Plain block-style text (nearly every rubric and evidence file) is read without yaml's parser; its
  // positions are needed only to place an issue, and are found then (see placedLater).
  if (options.plainReader !== false && bytesOver(text, options.maxBytes ?? DEFAULT_MAX_BYTES) === undefined) {
    const plain = readPlainYaml(text, { maxNodes: options.maxNodes ?? DEFAULT_MAX_NODES, maxNesting: MAX_NESTING, refusedKeys: REFUSED_KEYS });
    if (plain) return { value: plain.value, source: placedLater(text, options), issues: [] };
  }
  return readYamlFully(text, options);
}

/** A source whose positions are found when first asked for, by reading its text with yaml. */
function placedLater(text: string, options: ReadOptions): SourceText {
  let read: SourceText | undefined;
  const placed = () => (read ??= readYamlFully(text, options).source);
  return {
    file: options.file ?? '<input>',
    text,
    get ranges() {
      return placed().ranges;
    },
    get lineCounter() {
      return placed().lineCounter;
    },
  };
}

/** readYaml with yaml's parser alone: the value and, for every path, where it was written. */
export function readYamlFully(rawText: string, options: ReadOptions = {}): ReadResult {
  options ??= {};
  const wrong = readOptionsIssues(options);
  if (wrong.length) return { value: undefined, source: sourceText('', typeof options.file === 'string' ? options.file : '<input>'), issues: wrong };
  if (typeof rawText !== 'string') return notText(rawText, options);
  const file = options.file ?? '<input>';
  const text = withoutBom(rawText);
  const source = sourceText(text, file);
  const { lineCounter } = source;
  const issues: Issue[] = [];
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const bytes = bytesOver(text, maxBytes);
  if (bytes !== undefined) {
    issues.push(
      issue('too-large', [], `the document is larger than the limit of ${maxBytes} bytes`, {
        expected: `at most ${maxBytes} bytes (UTF-8)`,
        found: `${bytes} bytes`,
      }),
    );
    return { value: undefined, source, issues };
  }
  let doc: Document.Parsed | undefined;
  const restoreStacks = withoutStackTraces();
  try {
    // parseDocument's two stages, with a look between them: yaml composes nested collections
    // recursively, so text nested thousands deep would overflow the stack (at a depth that depends
    // on the caller's stack). The parser's tokens are read without recursion and refused first.
    const tokens = Array.from(new Parser(lineCounter.addNewLine).parse(text));
    const deep = tooDeepToken(tokens, MAX_NESTING + 2);
    if (deep !== undefined) {
      const { line, col } = lineCounter.linePos(deep);
      issues.push(issue('alias-limit', [], `the document nests deeper than ${MAX_NESTING} levels`, { expected: `at most ${MAX_NESTING} levels`, line, column: col }));
      return { value: undefined, source, issues };
    }
    const composer = new Composer({ prettyErrors: false, uniqueKeys: true, merge: false, schema: 'core', strict: true, keepSourceTokens: false });
    for (const next of composer.compose(tokens, true, text.length)) {
      if (!doc) doc = next as Document.Parsed;
      else {
        doc.errors.push(new YAMLParseError([next.range[0], next.range[1]], 'MULTIPLE_DOCS', 'Source contains multiple documents; please use YAML.parseAllDocuments()'));
        break;
      }
    }
  } catch (e) {
    issues.push(issue('yaml-syntax', [], `the YAML could not be read: ${(e as Error).message}`));
    return { value: undefined, source, issues };
  } finally {
    restoreStacks();
  }
  if (!doc) {
    issues.push(issue('yaml-syntax', [], 'the YAML could not be read'));
    return { value: undefined, source, issues };
  }
  // A broken document can yield an error per token: the first hundred lines with one say enough.
  // Whether a line holds an unquoted range, by line, once looked at: a long line can hold thousands of errors, and reading it for each was quadratic.
  const rangeOnLine = new Map<number, boolean>();
  const syntaxLines = new Set<number>();
  for (const err of doc.errors) {
    if (issues.length >= MAX_SYNTAX_ISSUES) break;
    const [start] = err.pos;
    const { line, col } = lineCounter.linePos(start);
    if (rangeOnLine.get(line)) continue;
    const range = err.code === 'DUPLICATE_KEY' || rangeOnLine.has(line) ? undefined : unquotedRangeIssue(text, start - col + 1, line);
    if (err.code !== 'DUPLICATE_KEY') rangeOnLine.set(line, range !== undefined);
    if (range) {
      // One issue for the line, in place of what YAML says about each of its tokens.
      issues.push(range);
    } else if (err.code === 'DUPLICATE_KEY') {
      // yaml's "Map keys must be unique" names neither the key nor where it was first given.
      const key = /^("(?:[^"\\]|\\.)*"|'[^']*'|[^:\n]+?)\s*:/.exec(text.slice(start, start + 400))?.[1] ?? text.slice(err.pos[0], err.pos[1]);
      const shown = /^["']/.test(key) ? key : `"${key}"`;
      issues.push(issue('duplicate-key', [], `the key ${shown} is given twice in one mapping`, { line, column: col, found: key }));
    } else if (!syntaxLines.has(line)) {
      // YAML reports a line indented wrongly once per token it then misreads: the first says it, at the line's first character.
      syntaxLines.add(line);
      const lineStart = start - col + 1;
      const blank = /^[ \t]*/.exec(text.slice(lineStart, lineStart + 400))?.[0].length ?? 0;
      const hint = fromIndentation(err) ? ' (is the line indented as the others of its mapping or list are?)' : '';
      issues.push(issue('yaml-syntax', [], `${firstLine(err.message)}${hint}`, { line, column: col <= blank ? blank + 1 : col }));
    }
  }
  if (doc.errors.length > 0) return { value: undefined, source, issues };

  // Aliases resolve to the nearest anchor of that name before them. Indexing
  // anchors once keeps many aliases linear (yaml's own lookup walks the document).
  const anchors = new Map<string, { start: number; node: Node }[]>();
  if (text.includes('&')) visit(doc, {
    Node(_key, node) {
      const anchor = (node as { anchor?: string }).anchor;
      if (anchor && node.range) {
        const list = anchors.get(anchor) ?? [];
        list.push({ start: node.range[0], node });
        anchors.set(anchor, list);
      }
    },
  });
  const resolveAlias = (name: string, at: number): Node | undefined => {
    const list = anchors.get(name);
    if (!list) return undefined;
    let lo = 0;
    let hi = list.length - 1;
    let found: Node | undefined;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const entry = list[mid] as { start: number; node: Node };
      if (entry.start < at) {
        found = entry.node;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  };

  const budget = { nodes: options.maxNodes ?? DEFAULT_MAX_NODES, exceeded: false };
  const convert = (node: unknown, path: PathSegment[], key: string, depth: number): unknown => {
    if (budget.exceeded) return undefined;
    if (--budget.nodes < 0 || depth > MAX_NESTING) {
      budget.exceeded = true;
      issues.push(
        issue('alias-limit', path, 'the document expands to too many nodes (an alias bomb?) or nests too deeply', {
          expected: `at most ${options.maxNodes ?? DEFAULT_MAX_NODES} nodes and depth ${MAX_NESTING}`,
        }),
      );
      return undefined;
    }
    if (node === null || node === undefined) return null;
    const n = node as Node;
    if (n.range) source.ranges.set(key, [n.range[0], n.range[1]]);
    if (isAlias(n)) {
      const target = resolveAlias(n.source, n.range?.[0] ?? 0);
      if (!target) {
        issues.push(issue('yaml-syntax', path, `the alias *${n.source} has no anchor`));
        return null;
      }
      return convert(target, path, key, depth + 1);
    }
    const resolved = (n as { tag?: string }).tag;
    if (resolved && !STANDARD_TAGS.has(resolved)) {
      // As the author wrote it: yaml resolves !!x to tag:yaml.org,2002:x.
      const tag = resolved.startsWith(YAML_TAG_PREFIX) ? `!!${resolved.slice(YAML_TAG_PREFIX.length)}` : resolved;
      issues.push(
        issue('forbidden-tag', path, `the tag ${tag} is not allowed: a rubric holds plain data only`, {
          expected: 'plain YAML values',
          found: tag,
        }),
      );
      return null;
    }
    if (isScalar(n)) return scalarValue(n.value, n.source);
    if (isSeq(n)) return n.items.map((item, i) => convert(item, [...path, i], key + segKey(i), depth + 1));
    if (isMap(n)) {
      const out: Record<string, unknown> = {};
      for (const pair of n.items) {
        const keyNode = pair.key as Node | null;
        let name: string;
        if (isScalar(keyNode)) {
          name = typeof keyNode.source === 'string' && keyNode.type === 'PLAIN' ? keyNode.source : String(keyNode.value);
        } else {
          const where = keyNode?.range ? keyNode.range[0] : (n.range?.[0] ?? 0);
          source.ranges.set(key + segKey('<key>'), [where, where + 1]);
          issues.push(issue('invalid-type', path, 'a key must be a plain string', { expected: 'a string key', found: 'a complex key' }));
          continue;
        }
        const childPath = [...path, name];
        const childKey = key + segKey(name);
        if (keyNode?.range) source.ranges.set(childKey + segKey('<key>'), [keyNode.range[0], keyNode.range[1]]);
        if (REFUSED_KEYS.has(name)) {
          if (keyNode?.range) source.ranges.set(childKey, [keyNode.range[0], keyNode.range[1]]);
          issues.push(
            issue(
              'forbidden-key',
              childPath,
              name === '<<' ? 'merge keys (<<) are not supported: write the keys out' : `the key "${name}" is not allowed`,
              { found: name },
            ),
          );
          continue;
        }
        const valueNode = pair.value as Node | null;
        if (valueNode === null && keyNode?.range) source.ranges.set(childKey, [keyNode.range[0], keyNode.range[1]]);
        out[name] = convert(valueNode, childPath, childKey, depth + 1);
      }
      return out;
    }
    return null;
  };
  const value = convert(doc.contents, [], '', 0);
  return { value, source, issues };
}

/**
 * The text's size in UTF-8 bytes when it is over `maxBytes`, else undefined.
 * A UTF-16 unit is at most three bytes, so a text under a third of the limit
 * is not counted.
 */
export function bytesOver(text: string, maxBytes: number): number | undefined {
  if (text.length * 3 <= maxBytes) return undefined;
  const bytes = utf8Length(text);
  return bytes > maxBytes ? bytes : undefined;
}

/** Bytes of the text in UTF-8, counted without encoding it. */
function utf8Length(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

const MAX_SYNTAX_ISSUES = 100;

/** Whether a yaml error is what a line indented too little or too far gives (MISSING_CHAR also names an unclosed quote or bracket). */
function fromIndentation(err: { code: string; message: string }): boolean {
  return ['BAD_INDENT', 'BLOCK_AS_IMPLICIT_KEY', 'MULTILINE_IMPLICIT_KEY'].includes(err.code) || (err.code === 'MISSING_CHAR' && err.message.startsWith('Sequence item without'));
}

function firstLine(message: string): string {
  return message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '') ?? message;
}

/**
 * The position of a path: the deepest prefix of it that was written. For a
 * key that should not be there, the key itself rather than its value.
 */
export function locate(source: SourceText, path: readonly PathSegment[], atKey = false): { line: number; column: number; endColumn?: number } | undefined {
  const keyRange = atKey ? source.ranges.get(pathKey([...path, '<key>'])) : undefined;
  for (let k = path.length; k >= 0; k--) {
    // What is not in the text (a missing key) is placed at the key of the mapping that lacks it, where there is one:
    // the mapping's own range starts at its first key, which a caret would seem to blame.
    const range = keyRange ?? (k < path.length ? source.ranges.get(pathKey([...path.slice(0, k), '<key>'])) : undefined) ?? source.ranges.get(pathKey(path.slice(0, k)));
    if (range) {
      const start = source.lineCounter.linePos(range[0]);
      const end = source.lineCounter.linePos(range[1]);
      return { line: start.line, column: start.col, ...(end.line === start.line && end.col > start.col ? { endColumn: end.col } : {}) };
    }
  }
  return undefined;
}

const YAML_TAG_PREFIX = 'tag:yaml.org,2002:';

// Issues about a key itself (a misspelt key, an override of an id that is not there), placed at the key, not its value.
const KEY_CODES = new Set(['unknown-key', 'forbidden-key', 'unknown-item', 'override-unknown-id']);

/** Adds file, line and column to issues that lack them. */
export function placeIssues(issues: Issue[], source: SourceText): Issue[] {
  return issues.map((i) => {
    if (i.file && i.line) return i;
    const pos = i.line ? { line: i.line, column: i.column ?? 1 } : locate(source, i.path, KEY_CODES.has(i.code));
    return { ...i, file: i.file ?? source.file, ...(pos ?? {}) };
  });
}

/**
 * Turns off stack traces while yaml reads a text, and returns what turns
 * them back on. yaml makes an error object for every problem it finds, and a
 * broken document can have one per token: capturing each one's stack was
 * half the time on a 660 KB broken text (1.8 s → 0.9 s without). Nothing
 * here shows a stack: errors become issues, and an exception's message only.
 * Where Error cannot be changed (a frozen realm) or has no such setting
 * (engines other than V8), nothing changes.
 */
function withoutStackTraces(): () => void {
  const E = Error as { stackTraceLimit?: unknown };
  const saved = E.stackTraceLimit;
  if (typeof saved !== 'number') return () => {};
  try {
    E.stackTraceLimit = 0;
  } catch {
    return () => {};
  }
  return () => {
    E.stackTraceLimit = saved;
  };
}
