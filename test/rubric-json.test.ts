import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  Dec,
  RubricError,
  compile,
  exportRubric,
  parseRange,
  parseRubric,
  parseRubricJson,
  rubricDigest,
  safeExportRubric,
  safeParseRubric,
  safeParseRubricJson,
  score,
  type IssueCode,
} from '../src/index.js';
import { loadRubricFile } from '../src/node.js';
import { REFUSED_KEYS } from '../src/source.js';
import { scanJson } from '../src/json-text.js';
import { bundledRubricFiles, evidenceOf, repoRoot, rubricsDir } from './support/bundled.js';
import { runCli } from './support/cli.js';
import { THREE_MISTAKES, pos, rubricYaml } from './support/rubric-text.js';
import { tempDir } from './support/temp.js';

const jsonOf = (yaml: string) => JSON.stringify(exportRubric(yaml), null, 2);

function refusedCodes(text: string, options: Parameters<typeof safeParseRubricJson>[1] = {}): IssueCode[] {
  const r = safeParseRubricJson(text, options);
  expect(r.success, 'the rubric should be refused').toBe(false);
  return r.success ? [] : r.error.issues.map((i) => i.code);
}

/** Values and keys in a JSON value, as scanJson counts them. */
function countNodes(v: unknown): number {
  if (Array.isArray(v)) return 1 + v.reduce((n: number, x) => n + countNodes(x), 0);
  if (v !== null && typeof v === 'object') return 1 + Object.entries(v).reduce((n, [, x]) => n + 1 + countNodes(x), 0);
  return 1;
}

describe('the bundled rubrics as JSON (dist/rubrics, written by npm run build)', () => {
  it.each(bundledRubricFiles)('%s: the JSON validates to the same rubric, with the same digest, without the YAML parser', (file) => {
    const jsonFile = join(repoRoot, 'dist', 'rubrics', `${basename(file, '.yaml')}.json`);
    expect(existsSync(jsonFile), `${jsonFile} (run npm run build)`).toBe(true);
    const text = readFileSync(jsonFile, 'utf8');
    const fromYaml = parseRubric(readFileSync(`${rubricsDir}${file}`, 'utf8'));
    const fromJson = safeParseRubricJson(text);
    expect(fromJson.success).toBe(true);
    if (!fromJson.success) return;
    expect(fromJson.data).toEqual(fromYaml);
    expect(rubricDigest(fromJson.data)).toBe(rubricDigest(fromYaml));
    // The YAML reader records where every node is; the JSON path has no use for it.
    expect(fromJson.source.ranges.size).toBe(0);
    expect(text).toBe(`${JSON.stringify(exportRubric(readFileSync(`${rubricsDir}${file}`, 'utf8')), null, 2)}\n`);
  });

  it('a bundled example scores the same from either form', async () => {
    const evidence = evidenceOf('examples/jiangxi-strong.yaml').evidence;
    const yaml = compile(await loadRubricFile(`${rubricsDir}jiangxi-db36-t-1609-2022.yaml`));
    const json = compile(await loadRubricFile(join(repoRoot, 'dist', 'rubrics', 'jiangxi-db36-t-1609-2022.json')));
    expect(JSON.stringify(score(json, evidence))).toBe(JSON.stringify(score(yaml, evidence)));
  });
});

describe('exportRubric', () => {
  it('gives the plain value a rubric was read from; JSON.stringify of it reads back to the same rubric', () => {
    const text = rubricYaml();
    const value = exportRubric(text);
    expect(parseRubricJson(JSON.stringify(value))).toEqual(parseRubric(text));
  });

  it('follows extends:, so the JSON stands alone', () => {
    const parent = rubricYaml();
    const child = 'extends: parent.yaml\nid: child\nversion: "2"\n';
    const resolve = (ref: string) => (ref === 'parent.yaml' ? { file: 'parent.yaml', text: parent } : undefined);
    const value = exportRubric(child, { resolve, file: 'child.yaml' });
    expect(value.extends).toBeUndefined();
    expect(value.id).toBe('child');
    expect(rubricDigest(parseRubricJson(JSON.stringify(value)))).toBe(rubricDigest(parseRubric(child, { resolve, file: 'child.yaml' })));
  });

  it('refuses a rubric with problems, every one of them, placed in the YAML', () => {
    const r = safeExportRubric(THREE_MISTAKES, { file: 'three.yaml' });
    const parsed = safeParseRubric(THREE_MISTAKES, { file: 'three.yaml' });
    expect(r.success).toBe(false);
    if (r.success || parsed.success) return;
    expect(r.error.issues).toEqual(parsed.error.issues);
    expect(r.error.issues.length).toBe(3);
    for (const i of r.error.issues) expect(i.line).toBeGreaterThan(0);
  });
});

describe('a rubric as parseRubric gives it, written with JSON.stringify', () => {
  it.each([...bundledRubricFiles.map((f) => `rubrics/${f}`), 'examples/six-type-district-weighted.yaml'])('%s reads back with parseRubricJson, to the same digest', async (file) => {
    const rubric = await loadRubricFile(`${repoRoot}${file}`);
    const again = parseRubricJson(JSON.stringify(rubric));
    expect(rubricDigest(again)).toBe(rubricDigest(rubric));
    expect(score(compile(again), {}, { missing: 'zero' })).toEqual(score(compile(rubric), {}, { missing: 'zero' }));
  });

  it('writes each range as its text; the range keeps its fields to read and copy', () => {
    const range = parseRange('[86, 92)');
    expect(JSON.stringify({ range })).toBe('{"range":"[86, 92)"}');
    expect(typeof range === 'string' ? range : { ...range }).toEqual({ min: Dec.int(86), max: Dec.int(92), minInclusive: true, maxInclusive: false, text: '[86, 92)' });
  });
});

describe('safeParseRubricJson: what the JSON path cannot take goes to the YAML reader, which places it', () => {
  const good = jsonOf(rubricYaml());

  it('a key given twice (JSON.parse would keep the last): duplicate-key at the second', () => {
    const text = good.replace('"version": "1",', '"version": "1",\n  "version": "2",');
    expect(JSON.parse(text).version).toBe('2');
    const r = safeParseRubricJson(text, { file: 'r.json' });
    expect(r.success).toBe(false);
    if (r.success) return;
    const dup = r.error.issues.find((i) => i.code === 'duplicate-key');
    expect(dup?.line).toBe(pos(text, '"version": "2"').line);
    expect(dup?.file).toBe('r.json');
  });

  it('a key given twice, once escaped, is the same key', () => {
    const text = good.replace('"version": "1",', '"version": "1",\n  "\\u0076ersion": "2",');
    expect(refusedCodes(text)).toContain('duplicate-key');
  });

  it.each([...REFUSED_KEYS])('the key %j: forbidden-key', (key) => {
    const text = good.replace('"version": "1",', `"version": "1",\n  ${JSON.stringify(key)}: {},`);
    expect(refusedCodes(text)).toContain('forbidden-key');
  });

  it('a problem in the rubric: the same issues as from YAML, at line and column of the JSON', () => {
    const text = good.replace('"kind": "check"', '"kind": "chek"');
    const r = safeParseRubricJson(text, { file: 'r.json' });
    expect(r.success).toBe(false);
    if (r.success) return;
    const viaYaml = safeParseRubric(text, { file: 'r.json' });
    expect(viaYaml.success ? [] : viaYaml.error.issues).toEqual(r.error.issues);
    const where = pos(text, '"chek"');
    expect(r.error.issues[0]).toMatchObject({ code: 'unknown-kind', file: 'r.json', line: where.line, column: where.column });
  });

  it('the node and size limits hold as for YAML', () => {
    expect(refusedCodes(good, { maxNodes: 10 })).toContain('alias-limit');
    expect(refusedCodes(good, { maxBytes: 100 })).toContain('too-large');
    expect(safeParseRubricJson(good, { maxNodes: countNodes(JSON.parse(good)) }).success).toBe(true);
  });

  it('text that is not JSON is read as YAML', () => {
    const yaml = rubricYaml();
    expect(parseRubricJson(yaml)).toEqual(parseRubric(yaml));
  });

  it('a byte-order mark is skipped', () => {
    expect(parseRubricJson(`\ufeff${good}`)).toEqual(parseRubricJson(good));
  });

  it('parseRubricJson throws the RubricError', () => {
    expect(() => parseRubricJson(good.replace('"kind": "check"', '"kind": "chek"'))).toThrow(RubricError);
  });
});

describe('the JSON path agrees with the YAML reader', () => {
  /** Every path to a value in a JSON value. */
  const pathsOf = (v: unknown, at: (string | number)[] = []): (string | number)[][] =>
    v !== null && typeof v === 'object' ? [at, ...Object.entries(v).flatMap(([k, x]) => pathsOf(x, [...at, Array.isArray(v) ? Number(k) : k]))] : [at];
  const base = exportRubric(rubricYaml());
  const paths = pathsOf(base).filter((p) => p.length > 0);

  it('on any rubric with one value replaced: accepted by both or refused by both, with the same rubric or the same issues', () => {
    fc.assert(
      fc.property(fc.constantFrom(...paths), fc.jsonValue({ maxDepth: 2 }), fc.boolean(), (path, replacement, pretty) => {
        const value = structuredClone(base) as Record<string | number, unknown>;
        let parent = value;
        for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
        parent[path[path.length - 1] as string | number] = replacement;
        const text = JSON.stringify(value, null, pretty ? 2 : undefined);
        const viaJson = safeParseRubricJson(text, { file: 'r.json' });
        const viaYaml = safeParseRubric(text, { file: 'r.json' });
        expect(viaJson.success).toBe(viaYaml.success);
        if (viaJson.success && viaYaml.success) expect(viaJson.data).toEqual(viaYaml.data);
        if (!viaJson.success && !viaYaml.success) expect(viaJson.error.issues).toEqual(viaYaml.error.issues);
      }),
      { numRuns: 300 },
    );
  });
});

describe('scanJson', () => {
  it('counts every value and key of any JSON text, and finds no repeated key where there is none', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.boolean(), (v, pretty) => {
        const text = JSON.stringify(v, null, pretty ? 2 : undefined);
        const scan = scanJson(text, new Set(), Infinity);
        expect(scan).toEqual({ refusedKey: false, nodes: countNodes(v) });
      }),
    );
  });

  it('finds a key repeated in any object, however deep', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 3 }), fc.string({ maxLength: 5 }), fc.nat(4), (inner, key, depth) => {
        let text = `{${JSON.stringify(key)}:1,"other":${JSON.stringify(inner)},${JSON.stringify(key)}:2}`;
        for (let d = 0; d < depth; d++) text = `{"k":[${text}]}`;
        expect(scanJson(text, new Set(), Infinity).refusedKey).toBe(true);
      }),
    );
  });

  it('stops counting past the limit', () => {
    expect(scanJson('[1,2,3,4,5,6]', new Set(), 3).nodes).toBe(4);
  });
});

describe('shequ-rubric export', () => {
  const tmp = tempDir('shequ-export-');

  it('prints the rubric as JSON, or writes it with --out; a .json rubric scores like its YAML', () => {
    const printed = runCli(['export', 'rubrics/zhoushan-2017.yaml']);
    expect(printed.status).toBe(0);
    expect(JSON.parse(printed.stdout)).toEqual(exportRubric(readFileSync(`${rubricsDir}zhoushan-2017.yaml`, 'utf8')));
    const out = join(tmp.dir, 'zhoushan.json');
    expect(runCli(['export', 'rubrics/zhoushan-2017.yaml', '--out', out]).status).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(printed.stdout);
    const fromYaml = runCli(['score', 'rubrics/zhoushan-2017.yaml', 'examples/zhoushan-good.yaml', '--json']);
    const fromJson = runCli(['score', out, 'examples/zhoushan-good.yaml', '--json']);
    expect(fromJson.status).toBe(0);
    expect(fromJson.stdout).toBe(fromYaml.stdout);
  });

  it('reports a bad rubric at file:line:col and exits 1; a wrong call exits 2', () => {
    const bad = runCli(['export', tmp.write('three.yaml', THREE_MISTAKES)]);
    expect(bad.status).toBe(1);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toMatch(/three\.yaml:\d+:\d+/);
    expect(runCli(['export']).status).toBe(2);
    expect(runCli(['export', 'a.yaml', 'b.yaml']).status).toBe(2);
  });
});
