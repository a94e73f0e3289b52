import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateSmall, SMALL_RUBRIC } from '../scripts/batch-data.mjs';
import {
  BatchSummary,
  RubricError,
  compile,
  encodeEvidence,
  evidenceFields,
  itemScorer,
  loadEvidenceFile,
  loadRubricFile,
  parseRubric,
  resultColumns,
  resultSink,
  runBatch,
  score,
  scoreRows,
  type BatchRow,
  type CompiledRubric,
  type EvidenceDocument,
  type ScoreResult,
} from '../src/node.js';
import { arbitraryRubricEvidence } from './support/evidence.js';
import { tempDir } from './support/temp.js';
import { cliPath, runCli } from './support/cli.js';

/* ------------------------------------------------------------------ helpers */

const root = fileURLToPath(new URL('..', import.meta.url));
const JIANGXI = join(root, 'rubrics/jiangxi-db36-t-1609-2022.yaml');

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

const run = (...args: string[]): Run => runCli(args);

const temp = tempDir('shequ-batch-');
const write = temp.write;
beforeAll(() => {
  expect(existsSync(cliPath), 'dist/cli.js is built (npx tsup)').toBe(true);
});

const csvRows = (text: string): string[][] => parse(text, { bom: true, relax_column_count: true });
const small = () => write('small.yaml', SMALL_RUBRIC);
const smallCompiled = compile(parseRubric(SMALL_RUBRIC));

function sectionPoints(r: ScoreResult): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (s: ScoreResult['sections'][number]) => {
    out[s.id] = s.points;
    s.sections?.forEach(walk);
  };
  r.sections.forEach(walk);
  return out;
}

async function collect(compiled: CompiledRubric, path: string, missing: 'error' | 'zero' = 'error'): Promise<BatchRow[]> {
  const rows: BatchRow[] = [];
  for await (const r of scoreRows(compiled, path, { missing })) rows.push(r);
  return rows;
}

/* ------------------------------------------------------------------ the issue's demonstration */

describe('batch: a DB36 CSV template filled for three communities, one of them bad', () => {
  let compiled: CompiledRubric;
  let strong: EvidenceDocument;
  let middling: EvidenceDocument;
  let templateText: string;
  let filled: string;

  beforeAll(async () => {
    compiled = compile(await loadRubricFile(JIANGXI));
    strong = await loadEvidenceFile(join(root, 'examples/jiangxi-strong.yaml'));
    middling = await loadEvidenceFile(join(root, 'examples/jiangxi-middling.yaml'));
    const t = run('template', JIANGXI, '--format', 'csv', '--out', join(temp.dir, 'db36-template.csv'));
    expect(t.status, t.stderr).toBe(0);
    templateText = readFileSync(join(temp.dir, 'db36-template.csv'), 'utf8');
    const [keys, labels, ...rest] = csvRows(templateText);
    expect(rest).toEqual([]);
    const fields = evidenceFields(compiled);
    const row = (doc: EvidenceDocument, edit: Record<string, string> = {}) => {
      const { cells, problems } = encodeEvidence(fields, doc);
      expect(problems).toEqual([]);
      for (const [k, v] of Object.entries(edit)) cells.set(k, v);
      return (keys ?? []).map((k) => cells.get(k) ?? '');
    };
    const bad = { ...strong, community: { id: 'JX-BAD', name: '坏行社区' } };
    filled = write(
      'db36-filled.csv',
      `\ufeff${stringify(
        [
          keys ?? [],
          labels ?? [],
          row(strong),
          // satisfaction 1.3 (a rate above 1) and a word in a number column
          row(bad, { '4.5': '1.3', '4.5.count': '', '4.5.of': '', '3.2a.workers': '二十' }),
          row(middling),
        ],
        { record_delimiter: 'windows' },
      )}`,
    );
  });

  it('the filled file keeps the template header unedited', () => {
    const lines = (t: string) => t.split('\r\n').slice(0, 2);
    expect(lines(readFileSync(filled, 'utf8'))).toEqual(lines(templateText));
    expect(templateText.charCodeAt(0)).toBe(0xfeff);
  });

  it('scores the two good rows, reports the bad row with its line and both problems, exits 1', () => {
    const out = join(temp.dir, 'db36-results.csv');
    const r = run('batch', JIANGXI, filled, '--out', out);
    expect(r.status).toBe(1);
    // the report: stderr, the bad row by its CSV line with every problem and its column
    expect(r.stderr).toContain(`${filled} line 4 (JX-BAD 坏行社区): 2 problems`);
    expect(r.stderr).toContain('    4.5: expected a fraction from 0 to 1 (0.93 for 93 %), found 1.3 [out-of-range]');
    expect(r.stderr).toContain('    3.2a.workers: expected a number, found "二十" [invalid-type]');
    expect(r.stderr).not.toContain('line 3');
    expect(r.stderr).not.toContain('line 5');
    // the summary: stdout with --out
    expect(r.stdout).toContain('共 3 行：已评分 2 行，有问题 1 行');
    expect(r.stdout).toMatch(/五星（five-star） +1\n/);
    expect(r.stdout).toMatch(/三星（three-star） +1\n/);
    expect(r.stdout).toMatch(/四星（four-star） +0\n/);
    const a = score(compiled, strong.evidence);
    const b = score(compiled, middling.evidence);
    expect(r.stdout).toContain(`最低 ${b.total} ·`);
    expect(r.stdout).toContain(`最高 ${a.total} ·`);
    // the results: BOM, two header rows, one row per community, the bad one kept with its problems
    const text = readFileSync(out, 'utf8');
    expect(text.charCodeAt(0)).toBe(0xfeff);
    expect(text).toContain('\r\n');
    const [keys, labels, ...rows] = csvRows(text);
    expect(keys?.slice(0, 11)).toEqual(['row', 'status', 'community.id', 'community.name', 'total', 'base', 'bonus', 'grade', 'grade.label', 'passing', 'rated']);
    expect(labels?.slice(0, 5)).toEqual(['行号／文件', '状态（ok 已评分／error 有问题）', '社区编号', '社区名称', '总分']);
    expect(rows).toHaveLength(3);
    const col = (row: string[] | undefined, key: string) => row?.[(keys ?? []).indexOf(key)];
    expect(rows.map((x) => [col(x, 'row'), col(x, 'status'), col(x, 'community.id')])).toEqual([
      ['3', 'ok', strong.community?.id],
      ['4', 'error', 'JX-BAD'],
      ['5', 'ok', middling.community?.id],
    ]);
    for (const [x, res] of [
      [rows[0], a],
      [rows[2], b],
    ] as const) {
      expect(col(x, 'total')).toBe(res.total);
      expect(col(x, 'base')).toBe(res.base);
      expect(col(x, 'bonus')).toBe(res.bonus);
      expect(col(x, 'grade')).toBe(res.grade?.id);
      expect(col(x, 'grade.label')).toBe(res.grade?.label.zh);
      for (const [id, points] of Object.entries(sectionPoints(res))) expect(col(x, `section.${id}`), id).toBe(points);
    }
    expect(col(rows[1], 'total')).toBe('');
    expect(col(rows[1], 'problems')).toBe('3.2a.workers: expected a number, found "二十" [invalid-type]; 4.5: expected a fraction from 0 to 1 (0.93 for 93 %), found 1.3 [out-of-range]');
  });

  it('writes JSONL results, and with no --out writes results to stdout and the summary to stderr', () => {
    const out = join(temp.dir, 'db36-results.jsonl');
    const r = run('batch', JIANGXI, filled, '--out', out, '--items');
    expect(r.status).toBe(1);
    const lines = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.row, l.status])).toEqual([
      [3, 'ok'],
      [4, 'error'],
      [5, 'ok'],
    ]);
    const a = score(compiled, strong.evidence, { community: strong.community });
    expect(lines[0]).toMatchObject({ total: a.total, base: a.base, bonus: a.bonus, grade: { id: a.grade?.id }, rated: true, passing: true, sections: sectionPoints(a) });
    expect(lines[0].items['3.2a']).toBe('2');
    expect(lines[0].items['bonus-honours']).toBe('3');
    expect(lines[1].problems.map((p: { columns: string[]; code: string }) => [p.columns, p.code])).toEqual([
      [['3.2a.workers'], 'invalid-type'],
      [['4.5'], 'out-of-range'],
    ]);
    const s = run('batch', JIANGXI, filled, '--format', 'jsonl', '--quiet', '--lang', 'en');
    expect(s.status).toBe(1);
    expect(s.stdout.trim().split('\n')).toHaveLength(3);
    expect(s.stderr).toContain('3 rows: 2 scored, 1 with problems');
    expect(s.stderr).not.toContain('line 4');
  });
});

/* ------------------------------------------------------------------ CSV details */

describe('batch: CSV as people and spreadsheets write it', () => {
  it('reads quoted fields, a line break in a name, a UTF-8 BOM and CRLF line ends; lines count from the file', async () => {
    const text = [
      '\ufeffcommunity.id,community.name,org,sat,room.area,room.households,harmony,vol,honours',
      '社区编号,社区名称,组织健全,满意度,面积,户数,文明和谐,志愿者,荣誉',
      'S1,"滨江\r\n示例社区, 一期",是,0.95,"320",1000,A,40,"city;national"',
      'S2,"He said ""hi""",否,"85%",300,1000,B,"20",无',
      '',
      'S3,第三社区,也许,0.9,300,1000,A,10,city',
      ',,,,,,,,',
      'S4,第四社区,1,0.9,300,abc,A,10,city',
      '',
    ].join('\r\n');
    const file = write('people.csv', text);
    const rows = await collect(smallCompiled, file);
    expect(rows.map((r) => [r.row, r.community?.id, r.result ? 'ok' : 'error'])).toEqual([
      [3, 'S1', 'ok'],
      [5, 'S2', 'ok'],
      [7, 'S3', 'error'],
      [9, 'S4', 'error'],
    ]);
    expect(rows[0]?.community?.name).toBe('滨江\r\n示例社区, 一期');
    expect(rows[1]?.community?.name).toBe('He said "hi"');
    // S1: org 2, sat 0.95 → 4, 32 m² per 100 households → 3; harmony A 5, 40 volunteers → 1, national → 3
    expect(rows[0]?.result).toMatchObject({ total: '18', grade: { id: 'good' }, rated: true });
    // S2: section a = 0 + 2 + 3 = 5 < 6 blocks the grade; total 5 + 3.3 + 0.5 + 0 = 8.8
    expect(rows[1]?.result).toMatchObject({ total: '8.8', grade: { id: 'not-rated' }, rated: false });
    expect(rows[2]?.issues.map((i) => [i.columns, i.code, i.line])).toEqual([[['org'], 'invalid-type', 7]]);
    expect(rows[3]?.issues.map((i) => [i.columns, i.message])).toEqual([[['room.households'], 'expected a number, found "abc"']]);
    // Through the CLI as well
    const r = run('batch', small(), file, '--out', join(temp.dir, 'people.jsonl'));
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${file} line 7 (S3 第三社区): 1 problem\n    org: expected true or false, found "也许" [invalid-type]`);
    expect(r.stderr).toContain(`${file} line 9 (S4 第四社区): 1 problem`);
  });

  it('an unknown column stops the run before any row, with did-you-mean; a broken quote is one bad row', () => {
    const file = write('typo.csv', 'community.id,org,sat,room.area,room.househols,harmony,vol,honours\r\nS1,1,0.9,300,1000,A,10,city\r\n');
    const r = run('batch', small(), file);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('the rubric has no evidence column "room.househols" (did you mean "room.households"?)');
    expect(r.stdout).toBe('');
    const broken = write('broken.csv', 'community.id,org,sat,room.area,room.households,harmony,vol,honours\nS1,1,0.9,300,1000,A,10,city\nS2,1,"0.9,300,1000,A,10,city\n');
    const b = run('batch', small(), broken, '--format', 'jsonl');
    expect(b.status).toBe(1);
    expect(b.stdout.trim().split('\n').map((l) => JSON.parse(l).status)).toEqual(['ok', 'error']);
    expect(b.stderr).toContain('line 3');
    expect(b.stderr).toContain('Quote Not Closed');
  });

  it('--missing zero scores empty cells as 0; --keys-only writes one header row', () => {
    const file = write('gaps.csv', 'community.id,org,sat\r\nS1,是,0.9\r\n');
    const strict = run('batch', small(), file);
    expect(strict.status).toBe(1);
    expect(strict.stderr).toContain('no column for the item "room"');
    const out = join(temp.dir, 'gaps.csv.out.csv');
    const zero = run('batch', small(), file, '--missing', 'zero', '--out', out, '--keys-only');
    expect(zero.status, zero.stderr).toBe(0);
    const [keys, ...rows] = csvRows(readFileSync(out, 'utf8'));
    expect(keys?.[0]).toBe('row');
    expect(rows).toHaveLength(1);
    expect(rows[0]?.[keys?.indexOf('total') ?? -1]).toBe('6');
    expect(rows[0]?.[keys?.indexOf('grade') ?? -1]).toBe('poor');
  });
});

/* ------------------------------------------------------------------ JSONL and directories */

describe('batch: options of the wrong kind', () => {
  it('scoreRows and runBatch answer with a RubricError at the option, never a TypeError mid-run', async () => {
    const file = write('one.jsonl', `${JSON.stringify({ evidence: { a: true } })}\n`);
    const sink = () => resultSink(smallCompiled, new Writable({ write: (_c, _e, done) => done() }), 'csv');
    const pathsOf = async (run: () => Promise<unknown>) => {
      try {
        await run();
      } catch (e) {
        expect(e).toBeInstanceOf(RubricError);
        return (e as RubricError).issues.map((i) => i.path.join('.'));
      }
      return [];
    };
    expect(await pathsOf(() => runBatch(smallCompiled, file, sink, { onRow: 5 } as never))).toEqual(['options.onRow']);
    expect(await pathsOf(() => runBatch(smallCompiled, file, sink, { input: 'xml', encoding: Symbol('s'), onHint: null } as never))).toEqual(['options.input', 'options.encoding', 'options.onHint']);
    expect(await pathsOf(() => scoreRows(smallCompiled, file, { input: 5 } as never).next())).toEqual(['options.input']);
    expect(await pathsOf(() => runBatch(smallCompiled, file, sink, { onRow: () => {} }))).toEqual([]);
    // Flags of the results: "false" as a string would read as true.
    const devNull = new Writable({ write: (_c, _e, done) => done() });
    expect(await pathsOf(() => resultSink(smallCompiled, devNull, 'csv', { items: 'false', criteria: 1 } as never))).toEqual(['options.items', 'options.criteria']);
    expect(await pathsOf(async () => resultColumns(smallCompiled, { keysOnly: 'yes' } as never))).toEqual(['options.keysOnly']);
  });
});

describe('batch: JSONL and directories', () => {
  it('JSONL: one document per line, blank lines skipped, every bad line reported by its line', async () => {
    const good = { community: { id: 'J1', name: '一' }, evidence: { org: true, sat: 0.95, room: { area: 320, households: 1000 }, harmony: 'A', vol: 40, honours: ['national'] } };
    const lines = [
      JSON.stringify(good),
      '',
      '{"community": {"id": "J2"}, "evidence": {"org": tru',
      JSON.stringify({ ...good, community: { id: 'J3' }, evidence: { ...good.evidence, sat: 1.5, harmony: 'D' } }),
      JSON.stringify({ rubric: 'other', evidence: good.evidence }),
      JSON.stringify({ evidence: { ...good.evidence, sat: '0.95000000000000000001' } }),
    ];
    const file = write('rows.jsonl', `\ufeff${lines.join('\n')}\n`);
    const rows = await collect(smallCompiled, file);
    expect(rows.map((r) => [r.row, r.result ? r.result.total : r.issues.map((i) => i.code).join(',')])).toEqual([
      [1, '18'],
      [3, 'yaml-syntax'],
      [4, 'out-of-range,invalid-value'],
      [5, 'rubric-mismatch'],
      [6, '18'],
    ]);
    expect(rows[2]?.issues.map((i) => i.path)).toEqual([
      ['evidence', 'sat'],
      ['evidence', 'harmony'],
    ]);
    const r = run('batch', small(), file, '--format', 'jsonl');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${file} line 4 (J3): 2 problems`);
    expect(r.stderr).toContain('evidence.sat: expected a fraction from 0 to 1 (0.93 for 93 %), found 1.5 [out-of-range]');
  });

  it('a directory: each evidence file by name, problems with line:column', async () => {
    const dir = join(temp.dir, 'evidence-dir');
    mkdirSync(dir);
    writeFileSync(join(dir, 'a.yaml'), 'community: { id: D1 }\nevidence:\n  org: true\n  sat: 0.95\n  room: { area: 320, households: 1000 }\n  harmony: A\n  vol: 40\n  honours: [national]\n');
    writeFileSync(join(dir, 'b.yaml'), 'community: { id: D2 }\nevidence:\n  org: true\n  sat: 1.2\n  room: { area: 320, households: 1000 }\n  harmony: A\n  vol: 40\n  honours: [national]\n');
    writeFileSync(join(dir, 'notes.txt'), 'not evidence');
    const rows = await collect(smallCompiled, dir);
    const byName = Object.fromEntries(rows.map((r) => [r.row, r]));
    expect(Object.keys(byName).sort()).toEqual(['a.yaml', 'b.yaml']);
    expect(byName['a.yaml']?.result?.total).toBe('18');
    expect(byName['b.yaml']?.issues.map((i) => [i.code, i.line, i.column])).toEqual([['out-of-range', 4, 8]]);
    const r = run('batch', small(), dir, '--format', 'jsonl');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${join(dir, 'b.yaml')} (D2): 1 problem\n    4:8 evidence.sat: expected a fraction from 0 to 1 (0.93 for 93 %), found 1.2 [out-of-range]`);
  });
});

/* ------------------------------------------------------------------ criteria */

describe('batch: criteria counts, for rubrics without points too', () => {
  it('every row counts the criteria met overall and per section as score does, for every bundled rubric', async () => {
    const { readdirSync } = await import('node:fs');
    for (const f of readdirSync(join(root, 'rubrics')).filter((x) => x.endsWith('.yaml'))) {
      const compiled = compile(await loadRubricFile(join(root, 'rubrics', f)));
      const samples = fc.sample(arbitraryRubricEvidence(compiled), { numRuns: 30, seed: 20261207 });
      const file = write(`criteria-${f}.jsonl`, samples.map((evidence) => JSON.stringify({ evidence })).join('\n'));
      const rows = await collect(compiled, file);
      expect(rows.length, f).toBe(samples.length);
      rows.forEach((row, i) => {
        const full = score(compiled, samples[i]);
        const bySection = new Map<string, unknown>();
        const walk = (s: ScoreResult['sections'][number]) => {
          if (s.criteria) bySection.set(s.id, s.criteria);
          s.sections?.forEach(walk);
        };
        full.sections.forEach(walk);
        expect(row.result?.criteria, `${f} row ${i}`).toEqual(full.criteria);
        for (const s of row.result?.sections ?? []) expect(s.criteria, `${f} row ${i} section ${s.id}`).toEqual(bySection.get(s.id));
      });
    }
  });

  it('CSV: criteria.met, section.<id>.met beside sections worth 0, item.<id>.met with --items; none when items are not computed', () => {
    const sixType = join(root, 'rubrics/six-type.yaml');
    const dir = join(temp.dir, 'six-type-dir');
    mkdirSync(dir);
    writeFileSync(join(dir, 'a.yaml'), readFileSync(join(root, 'examples/six-type-community.yaml'), 'utf8'));
    const r = run('batch', sixType, dir);
    expect(r.status, r.stderr).toBe(0);
    const [keys, labels, row] = csvRows(r.stdout) as [string[], string[], string[]];
    const cell = (key: string) => row[keys.indexOf(key)];
    // The same counts as score gives for the example: 95 of 103, 13 of 14 in the first group.
    const scored = run('score', sixType, join(root, 'examples/six-type-community.yaml'), '--json');
    const full = JSON.parse(scored.stdout) as ScoreResult;
    expect(cell('criteria.met')).toBe(String(full.criteria?.met));
    expect(labels[keys.indexOf('criteria.met')]).toBe(`达标条目（共 ${full.criteria?.total} 条）`);
    expect(cell('section.g1.met')).toBe(String(full.sections[0]?.criteria?.met));
    expect(keys.indexOf('section.g1.met')).toBe(keys.indexOf('section.g1') + 1);
    // The summary of a rubric worth no points gives the criteria met, not a distribution of zero totals.
    expect(r.stderr).toContain(`达标条目（共 ${full.criteria?.total} 条）：最低 ${full.criteria?.met} · 下四分位 ${full.criteria?.met}`);
    expect(r.stderr).not.toContain('总分：');
    const kpis = join(root, 'rubrics/service-quality-kpis.yaml');
    const kpiDir = join(temp.dir, 'kpi-dir');
    mkdirSync(kpiDir);
    writeFileSync(join(kpiDir, 'a.yaml'), readFileSync(join(root, 'examples/service-quality-kpis.yaml'), 'utf8'));
    const k = run('batch', kpis, kpiDir, '--items');
    const [kKeys, , kRow] = csvRows(k.stdout) as [string[], string[], string[]];
    expect(['coverage', 'utilisation'].map((id) => kRow[kKeys.indexOf(`item.${id}.met`)])).toEqual(['true', 'false']);
    expect(kRow[kKeys.indexOf('criteria.met')]).toBe('4');
    // --weakest 0 without --items scores totals only: no counts, and no columns for them.
    const lean = run('batch', kpis, kpiDir, '--weakest', '0');
    expect((csvRows(lean.stdout)[0] as string[]).filter((key) => key.includes('met'))).toEqual([]);
    // DB36 sections carry points: only the overall count is added (70 of 71 for the strong example, as score says).
    const db36Dir = join(temp.dir, 'db36-dir');
    mkdirSync(db36Dir);
    writeFileSync(join(db36Dir, 'a.yaml'), readFileSync(join(root, 'examples/jiangxi-strong.yaml'), 'utf8'));
    const db36 = run('batch', JIANGXI, db36Dir);
    const [dKeys, , dRow] = csvRows(db36.stdout) as [string[], string[], string[]];
    expect(dKeys.filter((key) => key.includes('met'))).toEqual(['criteria.met']);
    expect(dRow[dKeys.indexOf('criteria.met')]).toBe('70');
    expect(db36.stderr).toContain('总分：最低 100.5');
    expect(db36.stderr).toContain('达标条目（共 71 条）：最低 70 · 下四分位 70 · 中位数 70 · 上四分位 70 · 最高 70 · 平均 70');
  });
});

/* ------------------------------------------------------------------ summary */

describe('batch summary', () => {
  const rowOf = (total: string, grade: string, items: [string, number, boolean?][] = []): BatchRow => ({
    row: 1,
    file: 'x',
    issues: [],
    result: {
      rubric: { id: 'batch-small', version: '1', title: { zh: '', en: '' } },
      total,
      base: total,
      bonus: '0',
      max: '20',
      maxWithBonus: '20',
      ratio: null,
      rated: true,
      grade: { id: grade, label: { zh: grade, en: grade }, passing: true },
      gates: [],
      sections: [],
      items: items.map(([id, scaled, met]) => (met === undefined ? { id, scaled } : { id, scaled, met })),
    },
  });

  it('counts grades, gives exact quartiles (QUARTILE.INC), min, max and mean, and the weakest items', () => {
    const s = new BatchSummary(smallCompiled);
    // totals 1, 2, 3, 4 and 10: Q1 = 2, median 3, Q3 = 4 (interpolated at exact ranks)
    for (const [t, g] of [
      ['1', 'poor'],
      ['2', 'poor'],
      ['3', 'fair'],
      ['4', 'fair'],
      ['10', 'good'],
    ] as const)
      s.add(rowOf(t, g, [['org', 200], ['sat', 0], ['vol', 150]]));
    s.add({ row: 9, file: 'x', issues: [{ code: 'invalid-type', path: [], message: 'x' }] });
    const d = s.toJSON(2);
    expect([d.rows, d.scored, d.failed]).toEqual([6, 5, 1]);
    expect(d.grades.map((g) => [g.id, g.count])).toEqual([
      ['good', 1],
      ['fair', 2],
      ['poor', 2],
      ['not-rated', 0],
    ]);
    expect(d.totals).toEqual({ min: '1', q1: '2', median: '3', q3: '4', max: '10', mean: '4', mean2: '4.00' });
    expect(d.weakest.map((w) => [w.id, w.average, w.share])).toEqual([
      ['sat', '0', '0'],
      ['vol', '1.5', '0.5'],
    ]);
    const four = new BatchSummary(smallCompiled);
    for (const t of ['1', '2', '3', '4']) four.add(rowOf(t, 'poor'));
    expect(four.toJSON().totals).toMatchObject({ q1: '1.75', median: '2.5', q3: '3.25', mean: '2.5' });
    const thirds = new BatchSummary(smallCompiled);
    for (const t of ['1', '1', '2']) thirds.add(rowOf(t, 'poor'));
    expect(thirds.toJSON().totals).toMatchObject({ mean: '1.333333333333…', mean2: '1.33' });
    expect(thirds.format('zh')).toContain('平均 ≈ 1.33');
    // Quartiles with more than two places (totals kept to many places) read as "≈" and two places; the JSON keeps them exact.
    const fine = new BatchSummary(smallCompiled);
    for (const t of ['1.125', '2', '3', '4.375']) fine.add(rowOf(t, 'poor'));
    expect(fine.toJSON().totals).toMatchObject({ q1: '1.78125', median: '2.5', q3: '3.34375' });
    expect(fine.format('en')).toContain('Totals: min 1.125 · Q1 ≈ 1.78 · median 2.5 · Q3 ≈ 3.34 · max 4.375 · mean ≈ 2.63');
    expect(s.format('en', 2)).toMatch(/Weakest items.*\n {2}sat {2}0\.00% {2}average 0 \/ 4 +满意度|Satisfaction/);
  });

  it('item points from the fast scorers equal the full trace, for every bundled rubric', async () => {
    const { readdirSync } = await import('node:fs');
    for (const f of readdirSync(join(root, 'rubrics')).filter((x) => x.endsWith('.yaml'))) {
      const compiled = compile(await loadRubricFile(join(root, 'rubrics', f)));
      const items = itemScorer(compiled);
      const scale = 10 ** compiled.rubric.rounding.places;
      fc.assert(
        fc.property(arbitraryRubricEvidence(compiled), (evidence) => {
          const full = score(compiled, evidence);
          const traced = new Map<string, { points: string; met?: boolean }>();
          const walk = (s: ScoreResult['sections'][number]) => {
            s.sections?.forEach(walk);
            for (const i of s.items ?? []) traced.set(i.id, { points: i.points, ...(i.met !== undefined ? { met: i.met } : {}) });
          };
          full.sections.forEach(walk);
          for (const p of items(evidence)) {
            const t = traced.get(p.id);
            expect(String(p.scaled / scale), `${f} ${p.id}`).toBe(String(Number(t?.points)));
            // Every item that judges a criterion says whether it was met, whatever it is worth.
            expect(p.met, `${f} ${p.id} met`).toBe(t?.met);
          }
        }),
        { numRuns: 25 },
      );
    }
  });
});

/* ------------------------------------------------------------------ memory */

describe('batch: memory stays flat', () => {
  it('100 000 rows in a child process: peak RSS about that of 10 000 rows', async () => {
    // The old-space heap is capped at 64 MiB: rows kept in memory (even a few
    // hundred bytes each) would exhaust it at 100 000 rows and crash the run.
    // Under the cap the heap cannot just grow lazily, so the RSS compares.
    const stats = async (rows: number) => {
      const { rubric, file } = await generateSmall(temp.dir, rows);
      const r = spawnSync(process.execPath, ['--max-old-space-size=64', cliPath, 'batch', rubric, file, '--out', join(temp.dir, `big-${rows}.csv`), '--stats'], {
        cwd: root,
        encoding: 'utf8',
        env: { ...process.env, NO_COLOR: '1' },
        timeout: 120_000,
      });
      expect(r.status, r.stderr.slice(0, 2000)).toBe(0);
      expect(r.stdout).toContain(`共 ${rows} 行：已评分 ${rows} 行，有问题 0 行`);
      const m = /stats: (\d+) rows in [\d.]+ s, peak RSS ([\d.]+) MiB/.exec(r.stderr);
      expect(m, r.stderr).not.toBeNull();
      expect(Number(m?.[1])).toBe(rows);
      return Number(m?.[2]);
    };
    const tenK = await stats(10_000);
    const hundredK = await stats(100_000);
    const lines = readFileSync(join(temp.dir, 'big-100000.csv'), 'utf8').split('\r\n').filter(Boolean);
    expect(lines).toHaveLength(100_000 + 2);
    expect(hundredK - tenK, `10k: ${tenK} MiB, 100k: ${hundredK} MiB`).toBeLessThan(25);
    expect(hundredK).toBeLessThan(160);
  }, 120_000);
});

describe('batch: encodings', () => {
  it('reads a CSV saved in GBK with --encoding gbk, and says what is wrong without it', () => {
    const gbk = (hex: string) => Buffer.from(hex.replace(/\s+/g, ''), 'hex');
    const file = join(temp.dir, 'gbk.csv');
    writeFileSync(
      file,
      Buffer.concat([
        Buffer.from('community.id,community.name,org,sat,room.area,room.households,harmony,vol,honours\r\n'),
        gbk('c9e7c7f8b1e0bac5 2c c9e7c7f8c3fbb3c6'), // 社区编号,社区名称
        Buffer.from(',,,,,,,\r\nG1,'),
        gbk('c9e7c7f8'), // 社区
        Buffer.from(','),
        gbk('cac7'), // 是
        Buffer.from(',0.95,320,1000,A,40,national\r\n'),
      ]),
    );
    const ok = run('batch', small(), file, '--encoding', 'gbk', '--format', 'jsonl');
    expect(ok.status, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ row: 3, community: { id: 'G1', name: '社区' }, total: '18' });
    const wrong = run('batch', small(), file, '--format', 'jsonl');
    expect(wrong.status).toBe(1);
    expect(wrong.stderr).toContain('not UTF-8: save the file as UTF-8 (Excel: "CSV UTF-8"), or read it with --encoding gbk');
    expect(run('batch', small(), file, '--encoding', 'klingon').stderr).toContain('unknown character encoding "klingon"');
  });
});
