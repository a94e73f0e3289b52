import { coreValue, plainScalar } from './yaml-scalar.js';

/**
 * A reader for the plain block-style YAML that rubrics, evidence and fixtures
 * are written in: block mappings and sequences, plain and quoted scalars on
 * one line, flow collections (over lines too, each scalar on one line; so
 * indented JSON too), `|` and `>` block scalars, comments, and anchors on a
 * value with aliases to them. It gives the value that the
 * yaml-based reader (source.ts) gives for the same text, about ten times
 * faster, and keeps no positions.
 *
 * It never guesses: at anything outside that subset, or anything yaml would
 * report (a repeated or refused key, a tab, odd indentation, a node or depth
 * limit reached), it gives up and the caller reads the text with yaml, which
 * reports every problem at line and column. A property test and the fuzz
 * harness check that whatever it accepts, yaml reads to the same value.
 */

/** Thrown inside the reader when the text is not plainly in the subset; never escapes readPlainYaml. */
const OUTSIDE: unique symbol = Symbol('outside the plain subset');

export interface PlainLimits {
  maxNodes: number;
  maxNesting: number;
  refusedKeys: ReadonlySet<string>;
}

/** Control characters, tabs, carriage returns, C1 controls, byte-order marks and non-characters. */
const UNUSUAL_CHARACTER = /[\x00-\x09\x0b-\x1f\x7f-\x9f\ufeff\ufffe\uffff]/;

/** The value of the text, or undefined when yaml must read it. */
export function readPlainYaml(text: string, limits: PlainLimits): { value: unknown } | undefined {
  if (UNUSUAL_CHARACTER.test(text)) return undefined;
  try {
    return { value: new PlainReader(text, limits).document() };
  } catch (e) {
    if (e === OUTSIDE) return undefined;
    throw e;
  }
}

const outside = (): never => {
  throw OUTSIDE;
};

/** Characters that may not start a plain scalar or key (quotes, flow and block starts are read apart). */
const NOT_PLAIN_START = new Set([',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '%', '@', '`', "'", '"']);
/** Characters that end a plain scalar inside a flow collection. */
const FLOW_STOP = new Set([',', '[', ']', '{', '}']);

/** Whether no plain scalar starts at `p`: - ? and : start one only before a character that can go on it. */
function cannotStartPlain(line: string, p: number, inFlow: boolean): boolean {
  const c = line[p];
  if (c === undefined) return true;
  if (c === '-' || c === '?' || c === ':') {
    const next = line[p + 1];
    return next === undefined || next === ' ' || (inFlow && FLOW_STOP.has(next));
  }
  return NOT_PLAIN_START.has(c);
}

const indentOf = (line: string): number => {
  let i = 0;
  while (line.charCodeAt(i) === 32) i++;
  return i;
};
/** A line holding only spaces, or a comment. */
const isQuiet = (line: string): boolean => {
  const i = indentOf(line);
  return i === line.length || line.charCodeAt(i) === 35; /* # */
};
/** A block sequence entry starts at `at`: a dash followed by a space or the line's end. */
const isEntry = (line: string, at: number): boolean => line.charCodeAt(at) === 45 /* - */ && (at + 1 === line.length || line.charCodeAt(at + 1) === 32);

/**
 * The keys of one mapping. yaml refuses a key equal to an earlier one by value
 * (`1` and `1.0`, `null` and `~`); a quoted "1" and a plain 1 differ there but
 * are one property here: both are left to yaml, as are refused keys.
 */
class KeySet {
  private readonly names = new Set<string>();
  private readonly values = new Set<unknown>();
  constructor(private readonly refused: ReadonlySet<string>) {}

  add(name: string, quoted: boolean): void {
    const core = quoted ? { value: name } : coreValue(name);
    if (!core || this.refused.has(name) || this.names.has(name) || this.values.has(core.value)) outside();
    this.names.add(name);
    this.values.add((core as { value: unknown }).value);
  }
}

interface Anchored {
  value: unknown;
  /** Nodes in the value, and how many levels it nests below itself: an alias repeats both. */
  nodes: number;
  depth: number;
}

class PlainReader {
  private readonly lines: string[];
  private li = 0;
  private nodes = 0;
  /** The deepest depth a node was read at since the last mark (for anchors). */
  private deepest = 0;
  private readonly anchors = new Map<string, Anchored>();
  /** Anchors whose value is being read: an alias to one would need the value it is inside. */
  private readonly open = new Set<string>();

  constructor(
    text: string,
    private readonly limits: PlainLimits,
  ) {
    this.lines = text.split('\n');
  }

  document(): unknown {
    if (!this.nextContent()) outside();
    const line = this.lines[this.li] as string;
    if (indentOf(line) !== 0) outside();
    // A flow collection at the top (JSON written with spaces after its colons, as JSON.stringify(v, null, 2)
    // writes it) has no parent to indent its lines past: -1.
    const value = line[0] === '{' || line[0] === '[' ? this.flowLines(0, -1, 0) : isEntry(line, 0) ? this.sequence(0, 0) : this.mapping(0, 0, 0);
    if (this.nextContent()) outside();
    return value;
  }

  /** Moves past blank and comment lines; false at the end of the text. */
  private nextContent(): boolean {
    const { lines } = this;
    while (this.li < lines.length && isQuiet(lines[this.li] as string)) this.li++;
    return this.li < lines.length;
  }

  private count(depth: number): void {
    if (++this.nodes > this.limits.maxNodes || depth > this.limits.maxNesting) outside();
    if (depth > this.deepest) this.deepest = depth;
  }

  /** After a value that ends its line: the next content line may not be more indented than its collection. */
  private endLine(line: string, end: number, indent: number): void {
    let p = end;
    while (line.charCodeAt(p) === 32) p++;
    if (p < line.length && !(line.charCodeAt(p) === 35 && line.charCodeAt(p - 1) === 32)) outside();
    this.li++;
    if (this.nextContent() && indentOf(this.lines[this.li] as string) > indent) outside();
  }

  /** A block mapping whose keys sit at column `indent`; its first key starts at `col` on the current line. */
  private mapping(indent: number, col: number, depth: number): Record<string, unknown> {
    this.count(depth);
    const out: Record<string, unknown> = {};
    const keys = new KeySet(this.limits.refusedKeys);
    for (;;) {
      const line = this.lines[this.li] as string;
      const { key, after, quoted } = this.key(line, col);
      keys.add(key, quoted);
      out[key] = this.value(line, after, indent, depth + 1, true);
      if (!this.nextContent()) break;
      const next = this.lines[this.li] as string;
      const at = indentOf(next);
      if (at < indent) break;
      if (at > indent || isEntry(next, at)) outside();
      col = at;
    }
    return out;
  }

  /** A block sequence whose dashes sit at column `indent`. */
  private sequence(indent: number, depth: number): unknown[] {
    this.count(depth);
    const out: unknown[] = [];
    for (;;) {
      const line = this.lines[this.li] as string;
      let q = indent + 1;
      while (line.charCodeAt(q) === 32) q++;
      if (q < line.length && line.charCodeAt(q) !== 35 && this.startsKey(line, q)) out.push(this.mapping(q, q, depth + 1));
      else if (isEntry(line, q)) out.push(this.sequence(q, depth + 1));
      else out.push(this.value(line, indent + 1, indent, depth + 1, false));
      if (!this.nextContent()) break;
      const next = this.lines[this.li] as string;
      const at = indentOf(next);
      if (at < indent) break;
      if (at > indent) outside();
      // A key at the dashes' column: the mapping holding this sequence goes on (or yaml reports it).
      if (!isEntry(next, at)) break;
    }
    return out;
  }

  /** Whether a mapping key starts at `at` (so a sequence entry holds a mapping). */
  private startsKey(line: string, at: number): boolean {
    const c = line[at] as string;
    if (c === '"' || c === "'") {
      let p = this.quoted(line, at).end;
      while (line.charCodeAt(p) === 32) p++;
      return line.charCodeAt(p) === 58 /* : */ && (p + 1 === line.length || line.charCodeAt(p + 1) === 32);
    }
    if (cannotStartPlain(line, at, false)) return false;
    return this.keyColon(line, at) >= 0;
  }

  /** The column of the colon ending a plain key that starts at `at`, or -1; a comment first is outside. */
  private keyColon(line: string, at: number): number {
    for (let i = at; i < line.length; i++) {
      const c = line.charCodeAt(i);
      if (c === 58 && (i + 1 === line.length || line.charCodeAt(i + 1) === 32)) return i;
      if (c === 35 && line.charCodeAt(i - 1) === 32) return -1;
    }
    return -1;
  }

  private key(line: string, col: number): { key: string; after: number; quoted: boolean } {
    const c = line[col] as string;
    const quoted = c === '"' || c === "'";
    let key: string;
    let colon: number;
    if (quoted) {
      const q = this.quoted(line, col);
      key = q.value;
      colon = q.end;
      while (line.charCodeAt(colon) === 32) colon++;
      if (line.charCodeAt(colon) !== 58 || (colon + 1 < line.length && line.charCodeAt(colon + 1) !== 32)) outside();
    } else {
      if (cannotStartPlain(line, col, false)) outside();
      colon = this.keyColon(line, col);
      if (colon < 0) outside();
      key = sliceTrimmed(line, col, colon);
    }
    // At the line's start, --- and ... mark documents.
    if (col === 0 && (line.startsWith('---') || line.startsWith('...'))) outside();
    // yaml refuses implicit keys over 1 024 characters.
    if ((key.length === 0 && !quoted) || colon - col > 1000) outside();
    return { key, after: colon + 1, quoted };
  }

  /**
   * The value after a key's colon or a sequence entry's dash, at `pos` on the
   * current line, in a collection at column `indent`. Leaves the reader on the
   * line after it.
   */
  private value(line: string, pos: number, indent: number, depth: number, inMapping: boolean): unknown {
    let p = pos;
    while (line.charCodeAt(p) === 32) p++;
    const c = line[p];
    if (c === '&') return this.anchored(line, p, indent, depth, inMapping);
    if (c === '*') {
      const end = this.nameEnd(line, p + 1);
      const target = this.anchors.get(line.slice(p + 1, end));
      if (!target || this.open.has(line.slice(p + 1, end))) outside();
      const { value, nodes, depth: below } = target as Anchored;
      // yaml counts the alias and then its target again, one level down.
      this.count(depth);
      this.nodes += nodes;
      if (this.nodes > this.limits.maxNodes || depth + 1 + below > this.limits.maxNesting) outside();
      if (depth + 1 + below > this.deepest) this.deepest = depth + 1 + below;
      this.endLine(line, end, indent);
      return copy(value);
    }
    if (c === undefined || c === '#') {
      // Nothing on this line: the value is the block below, or null.
      this.li++;
      if (this.nextContent()) {
        const next = this.lines[this.li] as string;
        const at = indentOf(next);
        if (at > indent && (next[at] === '{' || next[at] === '[')) return this.flowLines(at, indent, depth);
        if (at > indent) return isEntry(next, at) ? this.sequence(at, depth) : this.mapping(at, at, depth);
        if (at === indent && inMapping && isEntry(next, at)) return this.sequence(at, depth);
      }
      this.count(depth);
      return null;
    }
    if (c === '"' || c === "'") {
      const { value, end } = this.quoted(line, p);
      this.count(depth);
      this.endLine(line, end, indent);
      return value;
    }
    if (c === '{' || c === '[') return this.flowLines(p, indent, depth);
    if (c === '|' || c === '>') return this.blockScalar(line, p, indent, depth);
    if (cannotStartPlain(line, p, false)) outside();
    // A plain scalar: to the end of the line or a comment; a colon and space in it would be a mapping.
    let end = line.length;
    for (let i = p; i < line.length; i++) {
      const ch = line.charCodeAt(i);
      if (ch === 35 && line.charCodeAt(i - 1) === 32) {
        end = i;
        break;
      }
      if (ch === 58 && (i + 1 === line.length || line.charCodeAt(i + 1) === 32)) outside();
    }
    const scalar = plainScalar(sliceTrimmed(line, p, end));
    if (!scalar) outside();
    this.count(depth);
    this.endLine(line, end, indent);
    return (scalar as { value: unknown }).value;
  }

  /** `&name` and the value it names: on the same line, or the block below. */
  private anchored(line: string, p: number, indent: number, depth: number, inMapping: boolean): unknown {
    const end = this.nameEnd(line, p + 1);
    const name = line.slice(p + 1, end);
    if (this.open.has(name)) outside();
    this.open.add(name);
    const nodesBefore = this.nodes;
    const deepestBefore = this.deepest;
    this.deepest = depth;
    let next = end;
    while (line.charCodeAt(next) === 32) next++;
    if (line[next] === '&' || line[next] === '*' || line[next] === '!') outside();
    const value = this.value(line, end, indent, depth, inMapping);
    this.anchors.set(name, { value, nodes: this.nodes - nodesBefore, depth: this.deepest - depth });
    this.deepest = Math.max(this.deepest, deepestBefore);
    this.open.delete(name);
    return value;
  }

  /** The end of an anchor or alias name (letters, digits, - and _ only; yaml allows more, which it reads). */
  private nameEnd(line: string, from: number): number {
    let i = from;
    while (i < line.length && /[A-Za-z0-9_-]/.test(line[i] as string)) i++;
    if (i === from || (i < line.length && line.charCodeAt(i) !== 32)) outside();
    return i;
  }

  /** A quoted scalar closed on its own line. */
  private quoted(line: string, at: number): { value: string; end: number } {
    const quote = line.charCodeAt(at);
    let out = '';
    let from = at + 1;
    for (let i = at + 1; i < line.length; i++) {
      const c = line.charCodeAt(i);
      if (quote === 39 /* ' */) {
        if (c !== 39) continue;
        out += line.slice(from, i);
        if (line.charCodeAt(i + 1) === 39) {
          out += "'";
          from = ++i + 1;
          continue;
        }
        return { value: out, end: i + 1 };
      }
      if (c === 34 /* " */) return { value: out + line.slice(from, i), end: i + 1 };
      if (c !== 92 /* \ */) continue;
      out += line.slice(from, i);
      const e = line[i + 1];
      if (e === '\\' || e === '"' || e === '/') out += e;
      else if (e === 'n') out += '\n';
      else if (e === 't') out += '\t';
      else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(line.slice(i + 2, i + 6))) {
        out += String.fromCharCode(parseInt(line.slice(i + 2, i + 6), 16));
        i += 4;
      } else outside();
      i++;
      from = i + 1;
    }
    // Not closed on this line: a multi-line quoted scalar, left to yaml.
    return outside();
  }

  /** A flow collection starting at `at` on the current line, its lines more indented than its collection's `indent`. */
  private flowLines(at: number, indent: number, depth: number): unknown {
    const { value, end } = this.flow(at, indent, depth);
    this.endLine(this.lines[this.li] as string, end, indent);
    return value;
  }

  /** A flow collection: `{ a: 1, b: [x, y] }`, over one line or several; each scalar on one line. */
  private flow(at: number, indent: number, depth: number): { value: unknown; end: number } {
    this.count(depth);
    let line = this.lines[this.li] as string;
    const isMap = line[at] === '{';
    const close = isMap ? '}' : ']';
    const out: unknown[] | Record<string, unknown> = isMap ? {} : [];
    const keys = new KeySet(this.limits.refusedKeys);
    let p = at + 1;
    // Past spaces, comments and line breaks: a line going on must be more indented than the collection's.
    const skip = () => {
      for (;;) {
        while (line.charCodeAt(p) === 32) p++;
        if (p < line.length && !(line.charCodeAt(p) === 35 && line.charCodeAt(p - 1) === 32)) return;
        if (++this.li >= this.lines.length) outside();
        line = this.lines[this.li] as string;
        p = 0;
        if (!isQuiet(line) && indentOf(line) <= indent) outside();
      }
    };
    skip();
    if (line[p] === close) return { value: out, end: p + 1 };
    for (;;) {
      skip();
      if (isMap) {
        let key: string;
        const quoted = line[p] === '"' || line[p] === "'";
        if (quoted) {
          const q = this.quoted(line, p);
          key = q.value;
          p = q.end;
          while (line.charCodeAt(p) === 32) p++;
        } else {
          const start = p;
          if (cannotStartPlain(line, start, true)) outside();
          while (p < line.length && !FLOW_STOP.has(line[p] as string) && !(line[p] === ':' && line[p + 1] === ' ') && !(line[p] === '#' && line[p - 1] === ' ')) p++;
          key = sliceTrimmed(line, start, p);
        }
        if (line[p] !== ':' || line[p + 1] !== ' ' || (key.length === 0 && !quoted)) outside();
        p += 2;
        keys.add(key, quoted);
        skip();
        const v = this.flowValue(line, p, indent, depth + 1);
        line = this.lines[this.li] as string;
        (out as Record<string, unknown>)[key] = v.value;
        p = v.end;
      } else {
        const v = this.flowValue(line, p, indent, depth + 1);
        line = this.lines[this.li] as string;
        (out as unknown[]).push(v.value);
        p = v.end;
      }
      skip();
      if (line[p] === close) return { value: out, end: p + 1 };
      if (line[p] !== ',') outside();
      p++;
      skip();
      // A trailing comma, or an empty entry, is left to yaml.
      if (line[p] === close || line[p] === ',') outside();
    }
  }

  private flowValue(line: string, p: number, indent: number, depth: number): { value: unknown; end: number } {
    const c = line[p];
    if (c === '{' || c === '[') return this.flow(p, indent, depth);
    if (c === '"' || c === "'") {
      const q = this.quoted(line, p);
      this.count(depth);
      return q;
    }
    if (cannotStartPlain(line, p, true)) outside();
    let end = p;
    while (end < line.length && !FLOW_STOP.has(line[end] as string)) {
      const ch = line[end];
      // A colon before a space or the end would make a pair, a space and # a comment: both left to yaml.
      if (ch === ':' && (end + 1 === line.length || line[end + 1] === ' ' || FLOW_STOP.has(line[end + 1] as string))) outside();
      if (ch === '#' && line[end - 1] === ' ') outside();
      end++;
    }
    const scalar = plainScalar(sliceTrimmed(line, p, end));
    if (!scalar) outside();
    this.count(depth);
    return { value: (scalar as { value: unknown }).value, end };
  }

  /**
   * A `|` or `>` block scalar with `-` or no chomping indicator, its lines all
   * at one indentation (more-indented lines fold differently: left to yaml).
   */
  private blockScalar(line: string, p: number, indent: number, depth: number): string {
    const header = /^([|>])(-?)(?: +#.*| *)$/.exec(line.slice(p));
    if (!header) return outside();
    const folded = header[1] === '>';
    const strip = header[2] === '-';
    const { lines } = this;
    this.li++;
    const first = lines[this.li];
    if (first === undefined || isBlank(first)) return outside();
    const at = indentOf(first);
    if (at <= indent) return outside();
    const content: string[] = [];
    let blanks = 0;
    let last = this.li;
    for (; this.li < lines.length; this.li++) {
      const l = lines[this.li] as string;
      if (isBlank(l)) {
        if (l.length > at) return outside();
        blanks++;
        continue;
      }
      const i = indentOf(l);
      if (i < at) break;
      if (i > at || l.endsWith(' ')) return outside();
      for (; blanks > 0; blanks--) content.push('');
      content.push(l.slice(at));
      last = this.li;
    }
    // Clipping keeps the last line break, which the text's last line does not have.
    if (!strip && last === lines.length - 1) return outside();
    let text: string;
    if (folded) {
      text = content[0] as string;
      for (let k = 1; k < content.length; k++) {
        const l = content[k] as string;
        text += l === '' ? '\n' : content[k - 1] === '' ? l : ` ${l}`;
      }
    } else text = content.join('\n');
    this.count(depth);
    if (this.nextContent() && indentOf(lines[this.li] as string) > indent) outside();
    return strip ? text : `${text}\n`;
  }
}

const isBlank = (line: string): boolean => indentOf(line) === line.length;

/**
 * line.slice(from, to) without its trailing spaces. YAML trims spaces (and
 * tabs, which never reach this reader) only: String.prototype.trimEnd would
 * also take U+3000, U+00A0, U+2028 and U+2029, which are text in YAML.
 */
function sliceTrimmed(line: string, from: number, to: number): string {
  let end = to;
  while (end > from && line.charCodeAt(end - 1) === 32) end--;
  return line.slice(from, end);
}

/** A fresh copy of an anchored value, as yaml's reader builds one for each alias. */
function copy(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(copy);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) out[key] = copy((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}
