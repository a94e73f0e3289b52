import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { stringify } from 'csv-stringify/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CsvEvidenceReader,
  RubricError,
  compile,
  csvRecords,
  csvTemplate,
  encodeEvidence,
  evidenceFields,
  loadEvidenceFile,
  loadRubricFile,
  parseRubric,
  safeParseEvidence,
  safeScore,
  score,
  toBoolean,
  toList,
  toNumber,
  yamlTemplate,
  type CompiledRubric,
  type EvidenceDocument,
  type ScoreResult,
} from '../src/node.js';
import { runCli } from './support/cli.js';

/* ------------------------------------------------------------------ helpers */

const repo = (p: string) => fileURLToPath(new URL(`../${p}`, import.meta.url));
const JIANGXI = repo('rubrics/jiangxi-db36-t-1609-2022.yaml');

const compiledCache = new Map<string, CompiledRubric>();
async function rubric(file: string): Promise<CompiledRubric> {
  let c = compiledCache.get(file);
  if (!c) {
    c = compile(await loadRubricFile(file));
    compiledCache.set(file, c);
  }
  return c;
}

const bundled = readdirSync(repo('rubrics'))
  .filter((f) => f.endsWith('.yaml'))
  .sort();

/** Every example evidence file with the bundled rubric it is for. */
async function examples(): Promise<{ file: string; rubricFile: string; doc: EvidenceDocument }[]> {
  const out: { file: string; rubricFile: string; doc: EvidenceDocument }[] = [];
  const byId = new Map<string, string>();
  for (const f of bundled) byId.set((await rubric(repo(`rubrics/${f}`))).rubric.id, repo(`rubrics/${f}`));
  for (const f of readdirSync(repo('examples')).sort()) {
    if (!f.endsWith('.yaml')) continue;
    const doc = await loadEvidenceFile(repo(`examples/${f}`)).catch(() => undefined);
    const rubricFile = doc?.rubric ? byId.get(doc.rubric) : undefined;
    if (doc && rubricFile) out.push({ file: f, rubricFile, doc });
  }
  return out;
}

/** The numbers a result is judged by. */
function outcome(r: ScoreResult) {
  const sections: Record<string, string> = {};
  const walk = (s: ScoreResult['sections'][number]) => {
    sections[s.id] = s.points;
    s.sections?.forEach(walk);
  };
  r.sections.forEach(walk);
  return { total: r.total, base: r.base, bonus: r.bonus, grade: r.grade?.id ?? null, rated: r.rated, gates: r.gates.map((g) => [g.id, g.passed]), sections };
}

/** Template values with the example's values put in: objects merged key by key, placeholders replaced. */
function fill(template: unknown, example: unknown): unknown {
  if (example === undefined) return template;
  if (template && typeof template === 'object' && !Array.isArray(template) && example && typeof example === 'object' && !Array.isArray(example)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(template)) out[k] = fill((template as Record<string, unknown>)[k], (example as Record<string, unknown>)[k]);
    return out;
  }
  return example;
}

/** Same keys, recursively, wherever both are mappings. */
function sameShape(template: unknown, example: unknown, at: string, problems: string[]): void {
  const isMap = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
  if (!isMap(template) || !isMap(example)) return;
  const a = Object.keys(template).sort();
  const b = Object.keys(example).sort();
  if (JSON.stringify(a) !== JSON.stringify(b)) problems.push(`${at}: template ${a.join(',')} / example ${b.join(',')}`);
  for (const k of a) sameShape(template[k], example[k], `${at}.${k}`, problems);
}

/** Reads CSV text back with the library's streaming reader. */
async function readCsv(text: string): Promise<{ cells: string[]; line: number }[]> {
  const out: { cells: string[]; line: number }[] = [];
  for await (const r of csvRecords(Readable.from([Buffer.from(text)]))) {
    if ('error' in r) throw new Error(r.error);
    out.push(r);
  }
  return out;
}

/** A tiny rubric with one item of each kind the CSV reader types. */
const MIXED = parseRubric(
  [
    'id: mixed',
    'version: "1"',
    'title: { zh: 混合示例, en: Mixed }',
    'source: { name: 示例 }',
    'max: 18',
    'sections:',
    '  - id: s',
    '    title: { zh: 一, en: One }',
    '    max: 18',
    '    items:',
    '      - { id: ok, title: { zh: 组织健全, en: OK }, points: 1, kind: check }',
    '      - id: sat',
    '        title: { zh: 满意度, en: Satisfaction }',
    '        points: 4',
    '        kind: rate',
    '        mode: linear',
    '      - id: state',
    '        title: { zh: 文明和谐, en: Harmony }',
    '        points: 3',
    '        kind: states',
    '        states:',
    '          - { id: A, fraction: 1, zh: 完全达到 }',
    '          - { id: B, fraction: 0.5, zh: 基本达到 }',
    '          - { id: C, fraction: 0, zh: 未达到 }',
    '      - id: honours',
    '        title: { zh: 荣誉, en: Honours }',
    '        points: 3',
    '        kind: levels',
    '        levels:',
    '          - { id: city, zh: 市级, en: City, points: 1 }',
    '          - { id: national, zh: 国家级, en: National, points: 3 }',
    '      - id: room',
    '        title: { zh: 用房, en: Rooms }',
    '        points: 2',
    '        kind: tiers',
    '        measures:',
    '          area: { zh: 面积, en: Area, unit: m² }',
    '        tiers:',
    '          - { points: 2, when: { area: ">= 300" } }',
    '      - id: share',
    '        title: { zh: 持证占比, en: Share }',
    '        points: 2',
    '        kind: tiers',
    '        measures:',
    '          workers: { zh: 工作者, en: Workers, unit: 人, integer: true }',
    '          certified: { zh: 持证, en: Certified, unit: 人, integer: true, atMost: workers }',
    '        derived:',
    '          pct: { zh: 占比, en: Share, unit: "%", ratio: [certified, workers], scale: 100 }',
    '        tiers:',
    '          - { points: 2, when: { pct: ">= 30" } }',
    '      - id: light',
    '        title: { zh: 亮灯率, en: Lighting }',
    '        points: 1',
    '        kind: checklist',
    '        conditions:',
    '          - { id: rate, zh: 楼道亮灯率, en: Lighting rate, unit: "%", range: ">= 90", max: 100 }',
    '      - id: projects',
    '        title: { zh: 项目, en: Projects }',
    '        points: 2',
    '        kind: projects',
    '        perCategory: 1',
    '        scoreMax: 100',
    '        categories:',
    '          - { id: elderly, zh: 养老服务类, en: Elderly }',
    '          - { id: safety, zh: 平安综治类, en: Safety }',
    '',
  ].join('\n'),
);
const mixed = compile(MIXED);

function readRow(compiled: CompiledRubric, header: string[], row: string[], missing: 'error' | 'zero' = 'zero') {
  const reader = new CsvEvidenceReader(compiled, header, { missing, file: 'x.csv' });
  const r = reader.read(row, 3);
  return { reader, row: r, issues: reader.check(r, missing) };
}

/* ------------------------------------------------------------------ YAML */

describe('template --format yaml', () => {
  it.each(bundled)('%s: an evidence document with every item id, placeholders and Chinese comments', async (f) => {
    const compiled = await rubric(repo(`rubrics/${f}`));
    const text = yamlTemplate(compiled, { rubricFile: `rubrics/${f}` });
    const parsed = safeParseEvidence(text, { file: 'template.yaml' });
    expect(parsed.success, parsed.success ? '' : parsed.error.message).toBe(true);
    if (!parsed.success) return;
    expect(parsed.data.rubric).toBe(compiled.rubric.id);
    expect(Object.keys(parsed.data.evidence)).toEqual([...compiled.items.keys()]);
    for (const item of compiled.items.values()) {
      expect(text).toContain(`${JSON.stringify(item.id)}:`);
      expect(text).toContain(`# ${item.id} ${item.title.zh.replace(/\s+/g, ' ').trim()}`);
    }
    // Every value is a placeholder (~), at the item or inside it.
    const leaves: unknown[] = [];
    const walk = (v: unknown) => (v && typeof v === 'object' ? Object.values(v).forEach(walk) : leaves.push(v));
    walk(parsed.data.evidence);
    expect(leaves.length).toBeGreaterThanOrEqual(compiled.items.size);
    expect(leaves.every((v) => v === null)).toBe(true);
    expect(text).toContain('每个 ~ 都是占位值');
    expect(text).toContain(`shequ-rubric score rubrics/${f}`);
    // Left blank, every item is missing evidence: 0 under missing: zero, one missing-evidence issue per item otherwise
    // (not one per blank field of an item such as { area: ~, households: ~ }).
    const blank = score(compiled, parsed.data.evidence, { missing: 'zero' });
    expect([blank.total, blank.bonus]).toEqual(['0', '0']);
    expect(JSON.stringify(blank)).toBe(JSON.stringify(score(compiled, {}, { missing: 'zero' })));
    const unfilled = safeScore(compiled, parsed.data.evidence);
    expect(unfilled.success ? [] : unfilled.error.issues.map((i) => [i.code, i.path.join('.')])).toEqual([...compiled.items.keys()].map((id) => ['missing-evidence', `evidence.${id}`]));
  });

  it('filled with each example, the template scores as the example does', async () => {
    const list = await examples();
    expect(list.length).toBeGreaterThanOrEqual(6);
    for (const { file, rubricFile, doc } of list) {
      const compiled = await rubric(rubricFile);
      const parsed = safeParseEvidence(yamlTemplate(compiled));
      if (!parsed.success) throw parsed.error;
      const problems: string[] = [];
      for (const [id, v] of Object.entries(doc.evidence)) sameShape(parsed.data.evidence[id], v, `${file} ${id}`, problems);
      expect(problems).toEqual([]);
      const filled = fill(parsed.data.evidence, doc.evidence) as Record<string, unknown>;
      for (const [k, v] of Object.entries(filled)) if (v === null) delete filled[k];
      expect(outcome(score(compiled, filled, { missing: 'zero' })), file).toEqual(outcome(score(compiled, doc.evidence, { missing: 'zero' })));
    }
  });

  it('says what to record, with units, for each kind', async () => {
    const jx = yamlTemplate(await rubric(JIANGXI));
    expect(jx).toMatch(/"4\.5": ~ {3}# ← 比率：0～1 的小数（如 0\.93），或 \{ count: 符合人数, of: 调查总数 \}/);
    expect(jx).toMatch(/"3\.2a":\n {4}workers: ~ {3}# ← 社区工作者人数：数值（人，整数）\n {4}certified: ~ {3}# ← .*（人，整数），不超过 workers/);
    expect(jx).toMatch(/"2\.3b": ~ {3}# ← 养老服务场所面积：数值（m²）/);
    expect(jx).toMatch(/"bonus-honours":\n {4}year: ~ +# ← 评定（申报）年度/);
    expect(jx).toContain('level：provincial 省级（2 分）／national 国家级（3 分）');
    expect(jx).toContain('"1.1a": ~   # ← true（是）或 false（否）');
    expect(jx).toMatch(/每百户办公服务用房面积 >= 30 m² → 1\.5 分/);
    const zs = yamlTemplate(await rubric(repo('rubrics/zhoushan-2017.yaml')));
    expect(zs).toMatch(/"II-1": ~ {3}# ← 其一：A.*／B.*／C/);
    expect(zs).toMatch(/"II-11": ~ {3}# ← 项目列表，没有写 \[\]/);
    expect(zs).toContain('elderly-care 养老服务类／livelihood 民生底线类');
    const bj = yamlTemplate(await rubric(repo('rubrics/binjiang-2023-draft.yaml')));
    expect(bj).toMatch(/"C2-activity":\n(.*\n)*? {4}"C2-activity-elderly":\n(.*\n)*? {6}"C2-activity-elderly-room": ~/);
    expect(bj).toMatch(/"C3-safety-patrol":\n {6}hazards_unfixed: ~ {3}# ← .*（处，整数）\n {6}records_incomplete: ~ {3}# ← .*true（是）或 false（否）\n {6}regular_patrol: ~/);
    expect(bj).toMatch(/"C6-media-coverage": ~ {3}# ← 列表，如 \[/);
    expect(bj).toMatch(/每 20 人得 0\.5 分/);
    const six = yamlTemplate(await rubric(repo('rubrics/six-type.yaml')));
    expect(six).toMatch(/"g2-5": ~ {3}# ← 楼道亮灯率：数值（%.*），标准 >= 90%/);
  });

  it('says in its header how rates and percentages are written, and how points are rounded', async () => {
    // A percentage field takes 93 for 93 %, a rate 0.93: the header must not say every rate is 0–1.
    const kpis = yamlTemplate(await rubric(repo('rubrics/service-quality-kpis.yaml')));
    expect(kpis).toContain('单位为 % 的填百分数（93 即 93%），不是小数');
    expect(kpis).toContain('标“比率”的填 0～1 的小数（0.93）');
    expect(kpis).toContain('得分按精确值计算；某项得分超过 2 位小数时，四舍五入保留 2 位。');
    const zs = yamlTemplate(await rubric(repo('rubrics/zhoushan-2017.yaml')));
    expect(zs).toContain('得分按精确值计算，不作舍入；只有除不尽的（无限循环小数）四舍五入保留 12 位。');
    const halfEven = compile({ ...parseRubric(readFileSync(JIANGXI, 'utf8')), rounding: { places: 3, mode: 'half-even' } });
    expect(halfEven.rubric.rounding).toEqual({ places: 3, mode: 'half-even' });
    expect(yamlTemplate(halfEven)).toContain('某项得分超过 3 位小数时，四舍六入五成双保留 3 位。');
  });
});

/* ------------------------------------------------------------------ CSV */

describe('template --format csv', () => {
  it('has two header rows: machine keys, then Chinese labels', async () => {
    const t = csvTemplate(await rubric(JIANGXI));
    expect(t.keys.slice(0, 2)).toEqual(['community.id', 'community.name']);
    expect(t.labels.slice(0, 2)).toEqual(['社区编号', '社区名称']);
    expect(new Set(t.keys).size).toBe(t.keys.length);
    expect(t.labels.every((l) => /[\u4e00-\u9fff]/.test(l))).toBe(true);
    for (const k of ['1.1a', '2.1a.area', '2.1a.households', '2.3b', '3.2a.workers', '3.2a.certified', '4.5', '4.5.count', '4.5.of', 'bonus-honours.year']) expect(t.keys).toContain(k);
    // cap 5 / 2 points per provincial honour → 3 can count, plus 2 for duplicates or old ones
    expect(t.keys.filter((k) => k.startsWith('bonus-honours.') && k !== 'bonus-honours.year')).toEqual(
      [1, 2, 3, 4, 5].flatMap((n) => ['matter', 'level', 'year'].map((f) => `bonus-honours.${n}.${f}`)),
    );
    expect(t.labels[t.keys.indexOf('3.2a.workers')]).toMatch(/^社区工作者人数（人，整数）｜社区工作者中取得社会工作职业资格水平证书人数占比/);
    expect(t.labels[t.keys.indexOf('1.1a')]).toBe('社区党组织、居委会、居务监督委员会组织机构健全（是／否）');
    expect(t.rows).toEqual([]);
  });

  it('flattens sums, lists and levels into columns', async () => {
    const zs = csvTemplate(await rubric(repo('rubrics/zhoushan-2017.yaml')));
    const slots = zs.keys.filter((k) => k.startsWith('II-11.'));
    expect(slots).toHaveLength(2 * 9 * 3); // perCategory × categories, three fields each
    expect(slots.slice(0, 3)).toEqual(['II-11.1.name', 'II-11.1.category', 'II-11.1.score']);
    expect(slots.at(-1)).toBe('II-11.18.score');
    const bj = csvTemplate(await rubric(repo('rubrics/binjiang-2023-draft.yaml')));
    for (const k of ['C1-layout.C1-layout-zoning', 'C1-hygiene.C1-hygiene-cleanliness', 'C2-activity.C2-activity-elderly.C2-activity-elderly-room', 'C3-safety.C3-safety-patrol.regular_patrol', 'C5-opening.C5-opening-hours.hours_per_day', 'C6-media.C6-media-coverage', 'C6-satisfaction.count']) {
      expect(bj.keys).toContain(k);
    }
    expect(bj.labels[bj.keys.indexOf('C6-media.C6-media-coverage')]).toMatch(/；多个用 ; 分隔，没有写 无/);
    expect(csvTemplate(await rubric(repo('rubrics/zhoushan-2017.yaml')), [], { slots: 20 }).keys.filter((k) => k.startsWith('II-11.'))).toHaveLength(60);
  });

  it('a template filled from each example reads back and scores as the example does', async () => {
    const list = await examples();
    for (const { file, rubricFile, doc } of list) {
      const compiled = await rubric(rubricFile);
      const t = csvTemplate(compiled, [doc]);
      expect(t.problems).toEqual([]);
      // Through CSV text (csv-stringify, BOM, CRLF) and the streaming reader.
      const text = `\ufeff${stringify([t.keys, t.labels, ...t.rows], { record_delimiter: 'windows' })}`;
      const records = await readCsv(text);
      expect(records.map((r) => r.line)).toEqual([1, 2, 3]);
      const reader = new CsvEvidenceReader(compiled, records[0]?.cells ?? [], { file });
      expect(reader.isLabelRow(records[1]?.cells ?? [])).toBe(true);
      expect(reader.isLabelRow(records[2]?.cells ?? [])).toBe(false);
      const row = reader.read(records[2]?.cells ?? [], 3);
      expect(reader.check(row, 'zero'), file).toEqual([]);
      expect(row.document.community).toEqual(doc.community);
      expect(outcome(score(compiled, row.document.evidence, { missing: 'zero', community: row.document.community })), file).toEqual(
        outcome(score(compiled, doc.evidence, { missing: 'zero', community: doc.community })),
      );
    }
  });

  it('adds numbered columns when the evidence has more entries than the default', async () => {
    const compiled = await rubric(JIANGXI);
    const honours = Array.from({ length: 7 }, (_, i) => ({ matter: `表彰${i + 1}`, level: 'provincial', year: 2024 }));
    const t = csvTemplate(compiled, [{ evidence: { 'bonus-honours': { year: 2024, honours } } }]);
    expect(t.keys).toContain('bonus-honours.7.level');
    expect(t.keys).not.toContain('bonus-honours.8.level');
    const reader = new CsvEvidenceReader(compiled, t.keys, { missing: 'zero' });
    const row = reader.read(t.rows[0] ?? [], 3);
    expect(row.document.evidence['bonus-honours']).toEqual({ year: 2024, honours });
  });
});

/* ------------------------------------------------------------------ reader */

describe('CSV evidence reader', () => {
  it('types cells back: booleans, numbers, percentages, states, levels, lists', () => {
    expect(['true', 'TRUE', '是', '1', 'yes', '√'].map(toBoolean)).toEqual([true, true, true, true, true, true]);
    expect(['false', 'FALSE', '否', '0', 'no', '×'].map(toBoolean)).toEqual([false, false, false, false, false, false]);
    expect(toBoolean('也许')).toBe('也许');
    expect(toNumber('93%', { rate: true })).toBe(0.93);
    expect(toNumber('93.5%', { unit: '%' })).toBe(93.5);
    expect(toNumber('１２０')).toBe(120);
    expect(toNumber('0.1000000000000000055511151231257827')).toBe('0.1000000000000000055511151231257827');
    expect(toNumber('二十')).toBe('二十');
    const levels = [
      { id: 'city', zh: '市级' },
      { id: 'national', zh: '国家级' },
    ];
    expect(toList('city;national', levels)).toEqual(['city', 'national']);
    expect(toList('市级；国家级', levels)).toEqual(['city', 'national']);
    expect(toList('[city, national]', levels)).toEqual(['city', 'national']);
    expect(toList('无', levels)).toEqual([]);

    const header = ['community.id', 'community.name', 'ok', 'sat', 'state', 'honours', 'room', 'share.workers', 'share.certified', 'light', 'projects.1.name', 'projects.1.category', 'projects.1.score', 'projects.2.name', 'projects.2.category', 'projects.2.score'];
    const { row, issues } = readRow(mixed, header, ['C1', '一社区', '是', '96%', '基本达到', 'city;national', '320', '20', '7', '95', '助餐', '养老服务类', '90', '', '', '']);
    expect(issues).toEqual([]);
    expect(row.document).toEqual({
      community: { id: 'C1', name: '一社区' },
      evidence: { ok: true, sat: 0.96, state: 'B', honours: ['city', 'national'], room: 320, share: { workers: 20, certified: 7 }, light: 95, projects: [{ name: '助餐', category: 'elderly', score: 90 }] },
    });
    const r = score(mixed, row.document.evidence);
    expect(r.total).toBe('16.14'); // 1 + 4 × 0.96 + 1.5 + 3 + 2 + 2 (35 %) + 1 (95 ≥ 90) + 2 × 90 / 100
  });

  it('reads a rate as counts, a sole field by its own name, and a whole item as YAML', () => {
    const { row, issues } = readRow(mixed, ['sat.count', 'sat.of', 'room.area', 'share'], ['56', '60', '300', '{ workers: 10, certified: 3 }']);
    expect(issues).toEqual([]);
    expect(row.document.evidence).toEqual({ sat: { count: 56, of: 60 }, room: 300, share: { workers: 10, certified: 3 } });
  });

  it('reports each problem of a row with its column', () => {
    const header = ['community.id', 'ok', 'sat', 'share.workers', 'share.certified', 'projects.1.name', 'projects.1.category', 'projects.1.score', 'projects.2.name', 'projects.2.category', 'projects.2.score', 'projects.3.name', 'projects.3.category', 'projects.3.score'];
    const cells = ['C9', '也许', '1.3', '二十', '7', '甲', 'elderly', '80', '', '', '', '乙', '文化类', '70'];
    const { issues } = readRow(mixed, header, cells);
    const by = Object.fromEntries(issues.map((i) => [i.columns.join(','), i]));
    expect(Object.keys(by).sort()).toEqual(['ok', 'projects.3.category', 'sat', 'share.workers']);
    expect(by.ok).toMatchObject({ code: 'invalid-type', line: 3, file: 'x.csv', path: ['evidence', 'ok'] });
    expect(by.sat).toMatchObject({ code: 'out-of-range', message: 'expected a fraction from 0 to 1 (0.93 for 93 %), found 1.3' });
    expect(by['share.workers']).toMatchObject({ code: 'invalid-type', message: 'expected a number, found "二十"', path: ['evidence', 'share', 'workers'] });
    // the third numbered slot is the second entry given: its path is [1], its column slot 3
    expect(by['projects.3.category']).toMatchObject({ code: 'invalid-value', path: ['evidence', 'projects', 1, 'category'] });
  });

  it('reports two columns given for one value, and unreadable YAML', () => {
    const both = readRow(mixed, ['sat', 'sat.count', 'sat.of', 'room', 'room.area', 'share', 'share.workers'], ['0.9', '5', '6', '300', '310', '{ workers: [', '3']);
    const codes = both.issues.map((i) => [i.code, i.columns.join(',')]);
    expect(codes).toContainEqual(['invalid-value', 'sat,sat.count,sat.of']);
    expect(codes).toContainEqual(['invalid-value', 'room,room.area']);
    expect(codes).toContainEqual(['yaml-syntax', 'share']);
    // the schema does not report those values again
    expect(both.issues.filter((i) => i.path[1] === 'sat')).toHaveLength(1);
  });

  it('checks the header: unknown and repeated columns, items without a column', () => {
    const unknown = (() => {
      try {
        new CsvEvidenceReader(mixed, ['ok', 'share.worker', 'ok', '#note', '', 'community.phone'], { missing: 'zero', file: 'h.csv' });
      } catch (e) {
        return e;
      }
    })() as RubricError;
    expect(unknown).toBeInstanceOf(RubricError);
    expect(unknown.issues.map((i) => [i.code, i.column])).toEqual([
      ['unknown-item', 2],
      ['duplicate-id', 3],
    ]);
    expect(unknown.issues[0]?.message).toContain('did you mean "share.workers"?');
    expect(unknown.issues[0]).toMatchObject({ file: 'h.csv', line: 1 });
    // One column of an item is enough for the header; ignored columns: "", "#…"; community.* is kept.
    const reader = new CsvEvidenceReader(mixed, ['ok', 'sat', 'state', 'honours', 'room', 'share.workers', 'light', 'projects.1.name', '#note', 'community.phone'], { missing: 'error' });
    expect(reader.read(['1', '1', 'A', '无', '1', '1', '1', '无', 'x', '123'], 3).document.community).toEqual({ phone: '123' });
  });

  it('with missing: error, an item without any column stops the run; with zero it is scored 0', () => {
    let caught: unknown;
    try {
      new CsvEvidenceReader(mixed, ['ok', 'sat'], { missing: 'error' });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(RubricError);
    expect((caught as RubricError).issues.map((i) => i.path[0])).toEqual(['state', 'honours', 'room', 'share', 'light', 'projects']);
    expect((caught as RubricError).issues[0]?.message).toContain('no column for the item "state" (文明和谐)');
    const { row, issues } = readRow(mixed, ['ok', 'sat'], ['1', '0.5'], 'zero');
    expect(issues).toEqual([]);
    expect(score(mixed, row.document.evidence, { missing: 'zero' }).total).toBe('3');
  });

  it('an empty cell is missing evidence; "无" is an empty list', () => {
    const header = ['ok', 'sat', 'state', 'honours', 'room', 'share.workers', 'share.certified', 'light', 'projects.1.name', 'projects.1.category', 'projects.1.score'];
    const { issues } = readRow(mixed, header, ['1', '', 'A', '', '300', '10', '', '90', '', '', ''], 'error');
    expect(issues.map((i) => [i.code, i.columns.join(',')])).toEqual([
      ['missing-evidence', 'sat'],
      ['missing-evidence', 'honours'],
      ['missing-key', 'share.certified'],
      ['missing-evidence', 'projects.1.name'],
    ]);
    const none = readRow(mixed, header, ['1', '0.5', 'A', '无', '300', '10', '3', '90', '无', '', ''], 'error');
    expect(none.issues).toEqual([]);
    expect(none.row.document.evidence.honours).toEqual([]);
    expect(none.row.document.evidence.projects).toEqual([]);
  });

  it('counts cells against the header', () => {
    const { issues } = readRow(mixed, ['ok', 'sat'], ['1', '0.5', 'extra'], 'zero');
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ code: 'invalid-value', columns: [], message: expect.stringContaining('3 cells but the header has 2 columns') });
  });

  it('reads 否 in a checklist cell as judged not met on the wording, and 0 as a rate of 0', () => {
    const no = readRow(mixed, ['light'], ['否']);
    expect(no.issues).toEqual([]);
    expect(no.row.document.evidence).toEqual({ light: false });
    const zero = readRow(mixed, ['light'], ['0']);
    expect(zero.row.document.evidence).toEqual({ light: 0 });
    const judged = score(mixed, no.row.document.evidence, { missing: 'zero' });
    const light = judged.sections.flatMap((s) => s.items ?? []).find((i) => i.id === 'light');
    expect(light).toMatchObject({ met: false, points: '0', evidence: false });
    expect(light?.reason.zh).toContain('经评定未达到条文要求');
  });

  it('the encoder writes what the reader reads', () => {
    const fields = evidenceFields(mixed);
    const doc = { evidence: { ok: false, sat: { count: 5, of: 8 }, state: 'C', honours: [], room: 12.5, share: { workers: 3, certified: 0 }, light: 80, projects: [] } };
    const { cells, problems } = encodeEvidence(fields, doc);
    expect(problems).toEqual([]);
    expect(cells.get('ok')).toBe('否');
    expect(cells.get('honours')).toBe('无');
    expect(cells.get('projects.1.name')).toBe('无');
    const header = [...cells.keys()];
    const { row, issues } = readRow(mixed, header, header.map((k) => cells.get(k) ?? ''), 'error');
    expect(issues).toEqual([]);
    expect(row.document.evidence).toEqual(doc.evidence);
    // A checklist judged not met on its wording goes out as 否 and comes back as false.
    const judged = encodeEvidence(fields, { evidence: { ...doc.evidence, light: false } });
    expect(judged.cells.get('light')).toBe('否');
    const back = readRow(mixed, header, header.map((k) => judged.cells.get(k) ?? ''), 'error');
    expect(back.issues).toEqual([]);
    expect(back.row.document.evidence).toEqual({ ...doc.evidence, light: false });
  });
});

/* ------------------------------------------------------------------ the command */

describe('shequ-rubric template', () => {
  const run = (...args: string[]) => runCli(args);
  let tmp: string;
  beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), 'shequ-template-'));
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('writes the YAML template to stdout, and the CSV template to a file', async () => {
    const y = run('template', 'rubrics/zhoushan-2017.yaml');
    expect(y.status, y.stderr).toBe(0);
    expect(y.stdout).toBe(yamlTemplate(await rubric(repo('rubrics/zhoushan-2017.yaml')), { rubricFile: 'rubrics/zhoushan-2017.yaml' }));
    const out = join(tmp, 't.csv');
    const c = run('template', 'rubrics/zhoushan-2017.yaml', '--format', 'csv', '--out', out, '--slots', '3');
    expect(c.status, c.stderr).toBe(0);
    expect(c.stdout).toBe('');
    const records = await readCsv(readFileSync(out, 'utf8'));
    expect(records).toHaveLength(2);
    expect(records[0]?.cells.filter((k) => k.startsWith('II-11.'))).toHaveLength(3 * 3);
    expect(readFileSync(out, 'utf8').startsWith('\ufeffcommunity.id,community.name,II-1,')).toBe(true);
  });

  it('fills one row per evidence file, and refuses bad evidence or wrong words', () => {
    const out = join(tmp, 'filled.csv');
    const ok = run('template', 'rubrics/jiangxi-db36-t-1609-2022.yaml', 'examples/jiangxi-strong.yaml', 'examples/jiangxi-middling.yaml', '--format', 'csv', '--out', out);
    expect(ok.status, ok.stderr).toBe(0);
    const b = run('batch', 'rubrics/jiangxi-db36-t-1609-2022.yaml', out, '--format', 'jsonl');
    expect(b.status, b.stderr).toBe(0);
    const totals = b.stdout.trim().split('\n').map((l) => JSON.parse(l).total);
    const expected = [
      run('score', 'rubrics/jiangxi-db36-t-1609-2022.yaml', 'examples/jiangxi-strong.yaml', '--json'),
      run('score', 'rubrics/jiangxi-db36-t-1609-2022.yaml', 'examples/jiangxi-middling.yaml', '--json'),
    ].map((r) => JSON.parse(r.stdout).total);
    expect(totals).toEqual(expected);
    const bad = join(tmp, 'bad.yaml');
    writeFileSync(bad, 'evidence:\n  "4.5": 1.4\n');
    const r = run('template', 'rubrics/jiangxi-db36-t-1609-2022.yaml', bad, '--format', 'csv');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${bad}:2:10: error[out-of-range]`);
    expect(run('template', 'rubrics/jiangxi-db36-t-1609-2022.yaml', '--format', 'xml').status).toBe(2);
    expect(run('template', 'rubrics/jiangxi-db36-t-1609-2022.yaml', 'examples/jiangxi-strong.yaml').status).toBe(2);
    expect(run('template').status).toBe(2);
  });
});
