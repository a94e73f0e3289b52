/**
 * Deterministic evidence CSVs for batch benchmarks and tests, written with
 * csv-stringify (streaming, with backpressure) so a million rows never sit
 * in memory. Needs the built package (npm run build).
 *
 *   small  a six-item rubric (check, rate bands, tiers with a derived ratio,
 *          states, count, levels) with a gate and grades: fast to score.
 *   db36   DB36/T 1609—2022 (rubrics/jiangxi-db36-t-1609-2022.yaml), rows
 *          made from the bundled examples with yes/no answers and the
 *          satisfaction survey varied.
 */
import { stringify } from 'csv-stringify';
import { once } from 'node:events';
import { createWriteStream, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';

const repo = (p) => fileURLToPath(new URL(`../${p}`, import.meta.url));

export const SMALL_RUBRIC = `id: batch-small
version: "1"
title: { zh: 批量评分示例, en: Batch demo }
source: { name: 示例 }
max: 20
sections:
  - id: a
    title: { zh: 基础, en: Basics }
    max: 9
    items:
      - { id: org, title: { zh: 组织健全, en: Organisation }, points: 2, kind: check }
      - id: sat
        title: { zh: 满意度, en: Satisfaction }
        points: 4
        kind: rate
        mode: bands
        bands:
          - { range: "[0.9, 1]", points: 4 }
          - { range: "[0.8, 0.9)", points: 2 }
      - id: room
        title: { zh: 每百户用房面积, en: Floor area per 100 households }
        points: 3
        kind: tiers
        measures:
          area: { zh: 用房面积, en: Area, unit: m² }
          households: { zh: 户数, en: Households, unit: 户, integer: true }
        derived:
          per100: { zh: 每百户面积, en: Per 100 households, unit: m², ratio: [area, households], scale: 100 }
        tiers:
          - { points: 1.5, when: { area: ">= 300" } }
          - { points: 3, when: { per100: ">= 30" } }
  - id: b
    title: { zh: 成效, en: Results }
    max: 11
    items:
      - id: harmony
        title: { zh: 文明和谐, en: Harmony }
        points: 5
        kind: states
        states:
          - { id: A, fraction: 1 }
          - { id: B, fraction: 0.66 }
          - { id: C, fraction: 0.33 }
      - id: vol
        title: { zh: 志愿者, en: Volunteers }
        points: 3
        kind: count
        cap: 3
        counts:
          - { id: volunteers, zh: 在册志愿者, en: Volunteers, unit: 人, per: 0.5, step: 20 }
      - id: honours
        title: { zh: 荣誉, en: Honours }
        points: 3
        kind: levels
        levels:
          - { id: city, zh: 市级, en: City, points: 1 }
          - { id: national, zh: 国家级, en: National, points: 3 }
gates:
  - id: basics
    title: { zh: 基础须达6分, en: Basics at least 6 }
    subject: section:a
    range: ">= 6"
    effect: block
    otherwise: { id: not-rated, label: { zh: 不予评定, en: Not rated } }
grades:
  subject: total
  bands:
    - { id: good, label: { zh: 好, en: Good }, range: ">= 15" }
    - { id: fair, label: { zh: 中, en: Fair }, range: "[10, 15)" }
    - { id: poor, label: { zh: 差, en: Poor }, range: "< 10", passing: false }
`;

/** A deterministic pseudo-random sequence in [0, 1). */
export function lcg(seed = 1) {
  let x = seed >>> 0;
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 4294967296;
  };
}

async function writeRows(file, header, labels, rows, next) {
  const out = createWriteStream(file);
  const csv = stringify({ bom: true, record_delimiter: 'windows' });
  csv.pipe(out);
  const put = async (r) => {
    if (!csv.write(r)) await once(csv, 'drain');
  };
  await put(header);
  if (labels) await put(labels);
  for (let i = 0; i < rows; i++) await put(next(i));
  csv.end();
  await finished(out);
}

/** Writes the small rubric into dir and `rows` rows of evidence for it; returns both paths. */
export async function generateSmall(dir, rows, seed = 7) {
  const rubric = join(dir, 'batch-small.yaml');
  writeFileSync(rubric, SMALL_RUBRIC);
  const file = join(dir, `batch-small-${rows}.csv`);
  const rnd = lcg(seed);
  const header = ['community.id', 'community.name', 'org', 'sat', 'room.area', 'room.households', 'harmony', 'vol', 'honours'];
  const labels = ['社区编号', '社区名称', '组织健全（是／否）', '满意度', '用房面积（m²）', '户数（户）', '文明和谐（A／B／C）', '在册志愿者（人）', '荣誉'];
  await writeRows(file, header, labels, rows, (i) => [
    `S${String(i + 1).padStart(7, '0')}`,
    `示例社区${i + 1}`,
    rnd() < 0.85 ? '是' : '否',
    (0.7 + Math.floor(rnd() * 31) / 100).toFixed(2),
    String(200 + Math.floor(rnd() * 400)),
    String(800 + Math.floor(rnd() * 1200)),
    ['A', 'B', 'C'][Math.floor(rnd() * 3)],
    String(Math.floor(rnd() * 200)),
    ['无', 'city', 'city;national'][Math.floor(rnd() * 3)],
  ]);
  return { rubric, file };
}

/** Writes `rows` rows of DB36 evidence made from the bundled examples; returns the rubric and file paths. */
export async function generateDb36(dir, rows, seed = 11) {
  const node = await import('../dist/node.js');
  const rubric = repo('rubrics/jiangxi-db36-t-1609-2022.yaml');
  const compiled = node.compile(await node.loadRubricFile(rubric));
  const docs = [];
  for (const f of ['jiangxi-strong.yaml', 'jiangxi-middling.yaml']) docs.push(await node.loadEvidenceFile(repo(`examples/${f}`)));
  const t = node.csvTemplate(compiled, docs);
  const at = (k) => t.keys.indexOf(k);
  const sat = [at('4.5'), at('4.5.count'), at('4.5.of')];
  const yesNo = t.columns.map((c, i) => (c.cell.type === 'boolean' ? i : -1)).filter((i) => i >= 0);
  const rnd = lcg(seed);
  const file = join(dir, `batch-db36-${rows}.csv`);
  await writeRows(file, t.keys, t.labels, rows, (i) => {
    const row = [...t.rows[i % t.rows.length]];
    row[0] = `JX${String(i + 1).padStart(7, '0')}`;
    row[1] = `示例社区${i + 1}`;
    for (const k of yesNo) if (rnd() < 0.1) row[k] = row[k] === '是' ? '否' : '是';
    row[sat[0]] = '';
    row[sat[1]] = String(45 + Math.floor(rnd() * 16));
    row[sat[2]] = '60';
    return row;
  });
  return { rubric, file };
}
