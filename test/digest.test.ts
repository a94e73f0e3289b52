import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, compile, Dec, parseRange, parseRubric, rubricDigest, score, sha256 } from '../src/index.js';
import { bundledRubricFiles, rubricsDir } from './support/bundled.js';

const nodeSha = (input: string | Uint8Array): string => createHash('sha256').update(input).digest('hex');

describe('sha256 (pure TypeScript) agrees with node:crypto', () => {
  it('the empty string has the well-known digest', () => {
    expect(sha256('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha256('')).toBe(nodeSha(''));
  });

  it('"abc" (FIPS 180-4 example) has the well-known digest', () => {
    expect(sha256('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('the two-block FIPS example (448 bits)', () => {
    const s = 'abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq';
    expect(sha256(s)).toBe('248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1');
    expect(sha256(s)).toBe(nodeSha(s));
  });

  // Lengths around the padding boundaries: 55 bytes fits one block with its length, 56 needs two.
  it.each([1, 55, 56, 57, 63, 64, 65, 119, 120, 128, 1000, 100_000])('%i bytes', (n) => {
    const s = 'a'.repeat(n);
    expect(sha256(s)).toBe(nodeSha(s));
  });

  it('multi-byte UTF-8 text (Chinese, emoji) is hashed as its UTF-8 bytes', () => {
    for (const s of ['社区服务质量评价', '五星 ★ 🏘️', '“幸福社区”'.repeat(50)]) expect(sha256(s)).toBe(nodeSha(s));
  });

  it('bytes, including every byte value', () => {
    const bytes = Uint8Array.from({ length: 256 * 3 }, (_, i) => i % 256);
    expect(sha256(bytes)).toBe(nodeSha(bytes));
  });

  it('random strings and byte arrays', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), (s) => sha256(s) === nodeSha(s)),
      { numRuns: 200 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 500 }), (b) => sha256(b) === nodeSha(b)),
      { numRuns: 200 },
    );
  });
});

describe('canonicalJson', () => {
  it('sorts keys at every depth and leaves out undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: true, y: null }], c: 'x' }, e: undefined })).toBe('{"a":{"c":"x","d":[3,{"y":null,"z":true}]},"b":1}');
  });

  it('writes decimals as exact strings and ranges in canonical interval notation', () => {
    expect(canonicalJson({ points: Dec.parse('1.50'), r: parseRange('>= 92') })).toBe('{"points":"1.5","r":"[92, inf)"}');
    expect(canonicalJson(parseRange('≥ 92'))).toBe(canonicalJson(parseRange('[92, inf)')));
    expect(canonicalJson(parseRange('< 80'))).toBe('"(-inf, 80)"');
  });
});

const JIANGXI = `${rubricsDir}jiangxi-db36-t-1609-2022.yaml`;
const jiangxiText = readFileSync(JIANGXI, 'utf8');

describe('rubricDigest', () => {
  it('is "sha256:" and the SHA-256 of the canonical JSON', () => {
    const rubric = parseRubric(jiangxiText);
    expect(rubricDigest(rubric)).toBe(`sha256:${nodeSha(canonicalJson(rubric))}`);
    expect(rubricDigest(rubric)).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it.each(bundledRubricFiles)('%s: the digest does not depend on comments, key order or how decimals and ranges are written', (file) => {
    const text = readFileSync(`${rubricsDir}${file}`, 'utf8');
    const a = rubricDigest(parseRubric(text));
    const noComments = text
      .split('\n')
      .filter((l) => !/^\s*#/.test(l))
      .join('\n');
    expect(rubricDigest(parseRubric(noComments))).toBe(a);
  });

  it.each(bundledRubricFiles)('%s: the canonical form is itself a valid rubric (JSON), with the same digest', (file) => {
    const rubric = parseRubric(readFileSync(`${rubricsDir}${file}`, 'utf8'));
    const json = canonicalJson(rubric);
    expect(json).not.toContain('"text"'); // ranges are written as text, not as parsed objects
    expect(rubricDigest(parseRubric(json, { file: `${file}.json` }))).toBe(rubricDigest(rubric));
  });

  it('does not change when a decimal is written differently or a range in another notation', () => {
    const rubric = parseRubric(jiangxiText);
    const rewritten = parseRubric(jiangxiText.replace('range: ">= 92"', 'range: "[92, inf)"').replace(/^max: 100$/m, 'max: 100.00'));
    expect(rewritten.grades?.bands[0]?.range.text).toBe('[92, inf)');
    expect(rubricDigest(rewritten)).toBe(rubricDigest(rubric));
  });

  it('changes when the content changes: a band edge, a title, a point value', () => {
    const base = rubricDigest(parseRubric(jiangxiText));
    const edits = [
      jiangxiText.replace('range: ">= 92"', 'range: ">= 92.5"').replace('range: "[86, 92)"', 'range: "[86, 92.5)"'),
      jiangxiText.replace('zh: 组织领导\n', 'zh: 组织领导(改)\n'),
      jiangxiText.replace('version: "2022"', 'version: "2022-a"'),
    ];
    const digests = edits.map((t) => rubricDigest(parseRubric(t)));
    for (const d of digests) expect(d).not.toBe(base);
    expect(new Set(digests).size).toBe(digests.length);
  });
});

describe('compile and score record the digest', () => {
  it('compile() gives the digest (memoised); every result names the rubric by id, version and digest', () => {
    const rubric = parseRubric(jiangxiText);
    const compiled = compile(rubric);
    expect(compiled.digest).toBe(rubricDigest(rubric));
    expect(compiled.digest).toBe(compiled.digest);
    const r = score(compiled, { '4.5': 0.9 }, { missing: 'zero' });
    expect(r.rubric).toMatchObject({ id: 'jiangxi-db36-t-1609-2022', version: '2022', digest: rubricDigest(rubric) });
  });

  it('two rubrics that differ only in a band edge give results with different digests', () => {
    const a = compile(parseRubric(jiangxiText));
    const b = compile(parseRubric(jiangxiText.replace('range: ">= 92"', 'range: ">= 93"').replace('range: "[86, 92)"', 'range: "[86, 93)"')));
    const ra = score(a, {}, { missing: 'zero' });
    const rb = score(b, {}, { missing: 'zero' });
    expect(ra.total).toBe(rb.total);
    expect(ra.rubric.digest).not.toBe(rb.rubric.digest);
  });
});
