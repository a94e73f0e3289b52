/**
 * What the YAML reader refuses in a JSON text that JSON.parse accepts:
 * JSON.parse keeps the last of a repeated key, and knows nothing of the
 * reader's node budget or forbidden keys. The JSON fast path (load.ts) takes
 * a text only when this finds none of them; otherwise the YAML reader reads
 * it and reports what it finds at line and column.
 *
 * The text must already be valid JSON (JSON.parse accepted it), so strings,
 * keys and values need no checking here, only finding.
 */
export interface JsonScan {
  /** A key repeated in one object, or a forbidden key (source.ts FORBIDDEN_KEYS). */
  refusedKey: boolean;
  /** Values and keys counted (at least as many as the YAML reader's nodes). */
  nodes: number;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;

const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
/** Ends a number or a literal (true, false, null). */
const endsToken = (c: number) => c === 0x2c || c === 0x5d || c === 0x7d || isSpace(c) || Number.isNaN(c);

export function scanJson(text: string, forbidden: ReadonlySet<string>, maxNodes: number): JsonScan {
  // One entry per open container: the keys seen so far for an object, null for an array.
  const open: (Set<string> | null)[] = [];
  let nodes = 0;
  let i = 0;
  const n = text.length;
  while (i < n && nodes <= maxNodes) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const start = i++;
      while (text.charCodeAt(i) !== QUOTE) i += text.charCodeAt(i) === BACKSLASH ? 2 : 1;
      i++;
      nodes++;
      const keys = open[open.length - 1];
      if (!keys) continue;
      let j = i;
      while (isSpace(text.charCodeAt(j))) j++;
      if (text.charCodeAt(j) !== COLON) continue;
      const raw = text.slice(start, i);
      const key = raw.includes('\\') ? (JSON.parse(raw) as string) : raw.slice(1, -1);
      if (keys.has(key) || forbidden.has(key)) return { refusedKey: true, nodes };
      keys.add(key);
      continue;
    }
    if (c === 0x7b) {
      open.push(new Set());
      nodes++;
    } else if (c === 0x5b) {
      open.push(null);
      nodes++;
    } else if (c === 0x7d || c === 0x5d) open.pop();
    else if (!isSpace(c) && c !== 0x2c && c !== COLON) {
      // A number or a literal: one node, read to its end.
      nodes++;
      while (i + 1 < n && !endsToken(text.charCodeAt(i + 1))) i++;
    }
    i++;
  }
  return { refusedKey: false, nodes };
}
