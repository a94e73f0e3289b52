/**
 * Evidence templates: a YAML evidence document to fill in, and a CSV
 * header (machine keys, then Chinese labels) for one row per community,
 * optionally filled from evidence documents. Pure: the CSV text itself is
 * written by the caller (csv-stringify in the CLI).
 */
import type { CompiledRubric } from './compile.js';
import { Dec } from './decimal.js';
import { argumentIssue, optionIssue, optionsIssue, throwProblems } from './api-guards.js';
import { isRecord } from './is-record.js';
import { evidenceFields, evidenceFieldsIssue, oneLine, type Column, type EvidenceFields, type SlotCounts } from './evidence-fields.js';
import type { Section } from './schema.js';

export { evidenceFields, type Column, type EvidenceFields, type SlotCounts } from './evidence-fields.js';

const fmt = (d: Dec): string => d.toString();

export interface YamlTemplateOptions {
  /** The rubric file, named in the instructions at the top. */
  rubricFile?: string;
}

/**
 * An evidence document to fill in: every item's id (quoted), the value `~`
 * as a placeholder, and comments with the item's Chinese title, how it
 * scores, and what to record with its unit.
 */
export function yamlTemplate(compiled: CompiledRubric, options: YamlTemplateOptions = {}, fields: EvidenceFields = evidenceFields(compiled)): string {
  const rubricFile: unknown = isRecord(options) ? options.rubricFile : undefined;
  throwProblems(evidenceFieldsIssue(fields), optionsIssue(options), optionIssue('rubricFile', rubricFile, 'a file name (a string)', rubricFile === undefined || typeof rubricFile === 'string'));
  options ??= {};
  const { rubric } = compiled;
  const byId = new Map(fields.codecs.map((c) => [c.item.id, c]));
  const out: string[] = [
    `# 证据模板 · ${oneLine(rubric.title.zh)}（${rubric.id}，版本 ${rubric.version}）`,
    '# 由 shequ-rubric template 生成。',
    '#',
    '# 怎么填：',
    '#   · 每个 ~ 都是占位值，须换成核验结果；行尾“# ←”说明填什么、单位是什么。',
    '#   · 是／否填 true 或 false；数值只填数字（不带单位）。标“比率”的填 0～1 的小数（0.93）；',
    '#     单位为 % 的填百分数（93 即 93%），不是小数。',
    '#   · 尚未核验的项目：整项的值留作 ~ 即视为缺少证据（评分时报错；加 --missing zero 按 0 分计）。',
    '#     { … } 里的字段不能单独留 ~（注明“可留空”的除外）：要么都填，要么把整项改回 ~。',
    '#   · 项目编号带引号（"1.1a"），不要改动。',
    rubric.rounding.only === 'repeating'
      ? `#   · 得分按精确值计算，不作舍入；只有除不尽的（无限循环小数）${rubric.rounding.mode === 'half-even' ? '四舍六入五成双' : '四舍五入'}保留 ${rubric.rounding.places} 位。`
      : `#   · 得分按精确值计算；某项得分超过 ${rubric.rounding.places} 位小数时，${rubric.rounding.mode === 'half-even' ? '四舍六入五成双' : '四舍五入'}保留 ${rubric.rounding.places} 位。`,
    `# 评分：shequ-rubric score ${options.rubricFile ?? `<${rubric.id}.yaml>`} <本文件>`,
    `rubric: ${rubric.id}`,
    'community:',
    '  id: ~     # ← 社区编号',
    '  name: ~   # ← 社区名称',
    'evidence:',
  ];
  const walk = (s: Section, depth: number) => {
    out.push('');
    out.push(
      depth === 0
        ? `  # ══ ${s.id} ${oneLine(s.title.zh)}（${fmt(s.max)} 分${s.bonus ? '，加分项' : ''}${s.cap ? `，封顶 ${fmt(s.cap)}` : ''}）══`
        : `  # ── ${s.id} ${oneLine(s.title.zh)}（${fmt(s.max)} 分）`,
    );
    for (const sub of s.sections ?? []) walk(sub, depth + 1);
    for (const item of s.items ?? []) byId.get(item.id)?.yaml('  ', out);
  };
  for (const s of rubric.sections) walk(s, 0);
  return `${out.join('\n')}\n`;
}

export interface EvidenceLike {
  community?: Record<string, unknown> | undefined;
  evidence: Record<string, unknown>;
}

function isEvidenceLike(d: unknown): d is EvidenceLike {
  return isRecord(d) && isRecord(d.evidence) && (d.community === undefined || isRecord(d.community));
}

export interface CsvTemplate {
  /** The template's columns, in order. */
  columns: Column[];
  /** First header row: machine keys. */
  keys: string[];
  /** Second header row: Chinese labels. */
  labels: string[];
  /** One row per evidence document given, cells in column order. */
  rows: string[][];
  /** Values that did not fit a column, per document (index into the documents). */
  problems: { index: number; message: string }[];
}

export interface CsvTemplateOptions {
  /** Numbered entries per list item (projects, honours) instead of the default; more when the documents need more. */
  slots?: number;
}

/** The most numbered entries per list item a CSV template has. */
export const MAX_SLOTS = 1000;

/**
 * The CSV template: two header rows (keys; Chinese labels) and, for each
 * evidence document given, a filled row. Columns for community fields other
 * than id and name are added when the documents have them.
 */
export function csvTemplate(compiled: CompiledRubric, documents: readonly EvidenceLike[] = [], options: CsvTemplateOptions = {}, fields: EvidenceFields = evidenceFields(compiled)): CsvTemplate {
  const slotsGiven: unknown = isRecord(options) ? options.slots : undefined;
  throwProblems(
    evidenceFieldsIssue(fields),
    argumentIssue('documents', documents, 'a list of evidence documents', documents === undefined || (Array.isArray(documents) && documents.every(isEvidenceLike))),
    optionsIssue(options),
    // Bounded as the command line bounds it: each slot is a column per field of every list item.
    optionIssue('slots', slotsGiven, `a whole number from 0 to ${MAX_SLOTS}`, slotsGiven === undefined || (typeof slotsGiven === 'number' && Number.isInteger(slotsGiven) && slotsGiven >= 0 && slotsGiven <= MAX_SLOTS)),
  );
  documents ??= [];
  options ??= {};
  const need = new Map<string, number>();
  for (const d of documents) for (const c of fields.codecs) c.slotsNeeded(d.evidence[c.item.id], need);
  const slots: SlotCounts = (prefix, n) => Math.max(options.slots ?? n, need.get(prefix) ?? 0);
  const columns = fields.columns(slots);
  const extra = new Set<string>();
  for (const d of documents) for (const k of Object.keys(d.community ?? {})) if (k !== 'id' && k !== 'name') extra.add(k);
  const all: Column[] = [
    ...columns.slice(0, 2),
    ...[...extra].map((k): Column => ({ key: `community.${k}`, label: `社区信息：${k}`, hint: '文字', cell: { type: 'text' } })),
    ...columns.slice(2),
  ];
  const problems: CsvTemplate['problems'] = [];
  const rows = documents.map((d, index) => {
    const { cells, problems: p } = encodeEvidence(fields, d);
    for (const message of p) problems.push({ index, message });
    return all.map((c) => cells.get(c.key) ?? '');
  });
  return { columns: all, keys: all.map((c) => c.key), labels: all.map((c) => c.label), rows, problems };
}

/** The cells (by column key) of one evidence document; problems for values that do not fit the rubric's shape. */
export function encodeEvidence(fields: EvidenceFields, doc: EvidenceLike): { cells: Map<string, string>; problems: string[] } {
  throwProblems(evidenceFieldsIssue(fields), argumentIssue('doc', doc, 'an evidence document ({ evidence, community? })', isEvidenceLike(doc)));
  const cells = new Map<string, string>();
  const problems: string[] = [];
  for (const [k, v] of Object.entries(doc.community ?? {})) {
    if (v !== undefined && v !== null) cells.set(`community.${k}`, typeof v === 'string' ? v : JSON.stringify(v));
  }
  for (const c of fields.codecs) {
    const v = doc.evidence[c.item.id];
    if (v !== undefined && v !== null) c.encode(v, cells, problems);
  }
  return { cells, problems };
}
