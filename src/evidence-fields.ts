/**
 * A rubric's evidence as flat fields: one column for every value an
 * inspector records. Shared by the evidence templates (YAML and CSV), the
 * CSV reader and the batch scorer. Pure: no Node built-ins.
 *
 * Column keys:
 *   <item>                      a scalar (check, states, rate, a sole measure / count / condition, levels)
 *   <item>.<field>              a field of an object (a measure, a count, a deduction, a condition)
 *   <item>.<part>[.<field>]     a part of a sum item (at any depth)
 *   <item>.count, <item>.of     a rate given as counts (instead of <item>)
 *   <item>.year                 a bonus item's assessment year
 *   <item>.<n>.<field>          the n-th entry of a list (projects: name, category, score;
 *                               bonus honours: matter, level, year), n = 1, 2, …
 * A levels item is one cell with the level ids separated by ";" (`city;national`),
 * `无` for none. Any structured item may instead be given whole in one column
 * named by its id, as YAML / JSON flow text (`{ workers: 20, certified: 7 }`).
 */
import type { CompiledRubric } from './compile.js';
import { Dec } from './decimal.js';
import { RubricError, issue, type Issue, type IssueCode, type PathSegment } from './issues.js';
import { isRecord } from './is-record.js';
import { argumentIssue, assertCompiled, assertString, throwProblems } from './api-guards.js';
import type { BonusItem } from './kinds/bonus.js';
import type { ChecklistItem } from './kinds/checklist.js';
import type { CountItem } from './kinds/count.js';
import type { DeductItem } from './kinds/deduct.js';
import type { ItemBase } from './kinds/define.js';
import type { LevelsItem } from './kinds/levels.js';
import type { ProjectsItem } from './kinds/projects.js';
import type { RateItem } from './kinds/rate.js';
import type { StatesItem } from './kinds/states.js';
import type { SumItem } from './kinds/sum.js';
import type { TiersItem } from './kinds/tiers.js';
import { unitZh, type Unit } from './kinds/shared.js';
import { readYaml } from './source.js';

/* ------------------------------------------------------------------ cells */

export interface Choice {
  id: string;
  zh?: string | undefined;
  en?: string | undefined;
}

/** What one cell holds. */
export type Cell =
  | { type: 'boolean' }
  | { type: 'number'; integer?: boolean | undefined; unit?: string | undefined; max?: Dec | undefined; rate?: boolean }
  | { type: 'choice'; choices: Choice[] }
  | { type: 'list'; choices: Choice[] }
  | { type: 'text' }
  | { type: 'value' };

export interface Column {
  /** The machine key (first header row). */
  key: string;
  /** The Chinese label (second header row). */
  label: string;
  /** What to write, in Chinese (used in YAML comments and labels). */
  hint: string;
  cell: Cell;
}

/** Cells that mean "an empty list" in a list column. */
export const NONE_WORDS = new Set(['无', '没有', 'none', '[]', '-', '—']);
const TRUE_WORDS = new Set(['true', 'yes', 'y', '1', '是', '有', '√', '✓', '✔']);
const FALSE_WORDS = new Set(['false', 'no', 'n', '0', '否', '无', '×', '✗', '✘']);

/** true / false / 是 / 否 / 1 / 0 (also yes / no, 有 / 无, √ / ×); anything else is returned as written. */
export function toBoolean(s: string): boolean | string {
  assertString('s', s);
  const w = s.toLowerCase();
  if (TRUE_WORDS.has(w)) return true;
  if (FALSE_WORDS.has(w)) return false;
  return s;
}

/** A word for no (否, false, ✗ …) that is not a number: a rate of 0 stays a number. */
function judgedNo(s: string): boolean {
  const w = s.trim();
  return !/^[0-9０-９]/.test(w) && toBoolean(w) === false;
}

/**
 * A number as written (full-width digits accepted); a trailing "%" divides
 * by 100 for a rate and is dropped for a field whose unit is "%". A number
 * that a JS number holds exactly is returned as one, otherwise as its exact
 * decimal string; text that is not a number is returned as written, for the
 * evidence schema to report.
 */
export function toNumber(s: string, cell?: { rate?: boolean | undefined; unit?: string | undefined }): number | string {
  assertString('s', s);
  // At most 15 significant digits: a double holds the decimal exactly.
  if (s.length <= 16 && /^\d+(\.\d+)?$/.test(s)) return Number(s);
  let t = s.replace(/[０-９]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/．/g, '.').replace(/\s+/g, '');
  let percent = false;
  if (/[%％]$/.test(t) && (cell?.rate || cell?.unit === '%')) {
    t = t.slice(0, -1);
    percent = Boolean(cell.rate);
  }
  const d = Dec.parse(t);
  if (!d) return s;
  return exactNumber(percent ? d.div(Dec.int(100)) : d);
}

/** A decimal as a JS number when the number is exactly that decimal, else as its exact string. */
export function exactNumber(d: Dec): number | string {
  const text = d.toString();
  const n = Number(text);
  const back = Dec.fromNumber(n);
  return back && back.eq(d) ? n : text;
}

/** A choice by its id (any case), its Chinese or its English name; anything else as written. */
/** An issue unless `v` is what evidenceFields returns. */
export function evidenceFieldsIssue(v: unknown): Issue | undefined {
  return argumentIssue('fields', v, 'evidence fields (from evidenceFields)', isRecord(v) && Array.isArray(v.codecs) && typeof v.columns === 'function');
}

function isChoiceList(v: unknown): v is Choice[] {
  return Array.isArray(v) && v.every((c) => isRecord(c) && typeof c.id === 'string');
}

/** toChoice's and toList's arguments: a cell's text and the choices it may name. */
function checkChoiceArguments(s: unknown, choices: unknown): void {
  if (typeof s === 'string' && isChoiceList(choices)) return;
  throwProblems(argumentIssue('s', s, 'a string', typeof s === 'string'), argumentIssue('choices', choices, 'a list of choices (each with an id)', isChoiceList(choices)));
}

export function toChoice(s: string, choices: readonly Choice[]): string {
  checkChoiceArguments(s, choices);
  const exact = choices.find((c) => c.id === s);
  if (exact) return exact.id;
  const lower = s.toLowerCase();
  const matches = choices.filter((c) => c.id.toLowerCase() === lower || c.zh === s || c.en?.toLowerCase() === lower);
  return matches.length === 1 ? (matches[0] as Choice).id : s;
}

/** `city;national` (also "；", ",", "，", "、", "|" or spaces), `[city, national]`, or `无` for none. */
export function toList(s: string, choices: readonly Choice[]): string[] {
  checkChoiceArguments(s, choices);
  if (NONE_WORDS.has(s.toLowerCase())) return [];
  const inner = s.replace(/^\[/, '').replace(/\]$/, '');
  return inner
    .split(/[;；,，、|\s]+/)
    .filter(Boolean)
    .map((t) => toChoice(t, choices));
}

export function readCell(s: string, cell: Cell): unknown {
  switch (cell.type) {
    case 'boolean':
      return toBoolean(s);
    case 'number':
      return toNumber(s, cell);
    case 'choice':
      return toChoice(s, cell.choices);
    case 'list':
      return toList(s, cell.choices);
    case 'text':
      return s;
    case 'value':
      return s;
  }
}

/** A value as the writer puts it in a cell. */
export function writeCell(value: unknown, cell: Cell): string {
  if (value === undefined || value === null) return '';
  if (cell.type === 'boolean' && typeof value === 'boolean') return value ? '是' : '否';
  if (cell.type === 'list') {
    const list = Array.isArray(value) ? value : [value];
    return list.length ? list.map(String).join(';') : '无';
  }
  if (cell.type === 'value') return typeof value === 'string' ? value : JSON.stringify(value);
  if (value instanceof Dec) return value.toString();
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/* ------------------------------------------------------------------ codecs */

/** One row of cells, as a codec sees it. */
export interface RowCells {
  /** The trimmed cell under the column key; undefined when there is no such column or the cell is empty. */
  get(key: string): string | undefined;
  /** The slot numbers present in the header under a list prefix (`II-11` → 1, 2, …), ascending. */
  slots(prefix: string): readonly number[];
  /** A problem found while reading the row (two columns giving one value, unreadable YAML). */
  problem(code: IssueCode, columns: string[], path: PathSegment[], message: string, extra?: { expected?: string; found?: string }): void;
}

/** Number of entry slots of each list item in a CSV template. */
export type SlotCounts = (prefix: string, defaultCount: number) => number;

export interface SlotGroup {
  prefix: string;
  fields: string[];
  column(n: number, field: string): Column | undefined;
}

/**
 * How one item's evidence maps to columns and back. `path` arguments are
 * paths in the evidence document (['evidence', '3.2a']).
 */
export interface FieldCodec {
  readonly item: ItemBase;
  readonly prefix: string;
  /** The CSV template's columns. */
  columns(slots: SlotCounts): Column[];
  /** Keys read besides the template's (a sole field as `<item>.<field>`, a whole item as YAML). */
  aliases(): Column[];
  /** Lists read from numbered columns `<prefix>.<n>.<field>`. */
  slotGroups(): SlotGroup[];
  /** The evidence value of a row; undefined when the row gives nothing for the item. */
  decode(row: RowCells, path: PathSegment[]): unknown;
  /** Cells for an evidence value; problems for what does not fit. */
  encode(value: unknown, out: Map<string, string>, problems: string[]): void;
  /** The columns that hold the value at a path below the item ([] = the whole item). */
  columnsAt(rest: readonly PathSegment[], row: RowCells): string[];
  /** Slots an evidence value needs (list items), for a template filled from evidence. */
  slotsNeeded(value: unknown, need: Map<string, number>): void;
  /** The YAML template's lines for the item. */
  yaml(indent: string, out: string[]): void;
}

export const oneLine = (s: string): string => s.replace(/\s+/g, ' ').trim();
const fmt = (d: Dec): string => d.toString();
const yamlId = (id: string): string => JSON.stringify(id);
const yamlKey = (k: string): string => (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(k) && !/^(true|false|null|yes|no|on|off|y|n)$/i.test(k) ? k : JSON.stringify(k));
const choiceText = (choices: readonly Choice[]): string => choices.map((c) => (c.zh ? `${c.id} ${c.zh}` : c.id)).join('／');

function numberHint(cell: Extract<Cell, { type: 'number' }>): string {
  const parts: string[] = [];
  if (cell.unit) parts.push(cell.unit);
  if (cell.integer) parts.push('整数');
  if (cell.max) parts.push(`≤ ${fmt(cell.max)}`);
  return parts.join('，') || '数值';
}

function cellHint(cell: Cell): string {
  switch (cell.type) {
    case 'boolean':
      return '是／否';
    case 'number':
      return numberHint(cell);
    case 'choice':
      return choiceText(cell.choices);
    case 'list':
      return `${choiceText(cell.choices)}；多个用 ; 分隔，没有写 无`;
    case 'text':
      return '文字';
    case 'value':
      return 'YAML／JSON';
  }
}

function yamlHint(cell: Cell): string {
  switch (cell.type) {
    case 'boolean':
      return 'true（是）或 false（否）';
    case 'number':
      return `数值（${numberHint(cell)}）`;
    case 'choice':
      return `其一：${choiceText(cell.choices)}`;
    case 'list':
      return `列表，如 [${cell.choices
        .slice(0, 2)
        .map((c) => c.id)
        .join(', ')}]，没有写 []；可选：${choiceText(cell.choices)}`;
    case 'text':
      return '文字';
    case 'value':
      return '见该规则类型的说明';
  }
}

/** The item's heading in the YAML template: id, title, points, category, method, how it scores, and the part it requires. */
function yamlHeading(item: ItemBase, max: Dec, rule: string, indent: string, out: string[], requirement?: ItemBase): void {
  const tags = [`${fmt(max)} 分`, item.category, item.method, item.clause].filter(Boolean).join(' · ');
  out.push(`${indent}# ${item.id} ${oneLine(item.title.zh)} —— ${tags}`);
  rule.split('\n').forEach((line, i) => out.push(`${indent}#   ${i === 0 ? '计分：' : '      '}${line}`));
  // Recorded as found all the same: the value is validated, and counts once the required part is met.
  if (requirement) out.push(`${indent}#   前提：仅在「${oneLine(requirement.title.zh)}」（${requirement.id}）满足时计分，否则计 0 分；仍照实填写`);
}

interface Ctx {
  compiled: CompiledRubric;
  /** Chinese titles from the top-level item down. */
  titles: string[];
  /** The sibling part this part requires (kinds/requires.ts), if any. */
  requirement?: ItemBase | undefined;
}

abstract class Base implements FieldCodec {
  constructor(
    readonly item: ItemBase,
    readonly prefix: string,
    protected readonly ctx: Ctx,
  ) {}
  protected get title(): string {
    return this.ctx.titles.map(oneLine).join('／');
  }
  protected get max(): Dec {
    return this.ctx.compiled.maxOf(this.item);
  }
  abstract columns(slots: SlotCounts): Column[];
  aliases(): Column[] {
    return [];
  }
  slotGroups(): SlotGroup[] {
    return [];
  }
  abstract decode(row: RowCells, path: PathSegment[]): unknown;
  abstract encode(value: unknown, out: Map<string, string>, problems: string[]): void;
  abstract columnsAt(rest: readonly PathSegment[], row: RowCells): string[];
  slotsNeeded(_value: unknown, _need: Map<string, number>): void {}
  abstract yaml(indent: string, out: string[]): void;
  /** The rule in a few words, for the YAML template. */
  protected abstract rule(): string;
  protected heading(indent: string, out: string[]): void {
    yamlHeading(this.item, this.max, this.rule(), indent, out, this.ctx.requirement);
  }
  protected keyLine(): string {
    return yamlId(this.item.id);
  }
  /** The whole item as YAML / JSON flow text in the column named by the prefix. */
  protected wholeColumn(): Column {
    return { key: this.prefix, label: `整项（YAML／JSON）｜${this.title}`, hint: 'YAML／JSON', cell: { type: 'value' } };
  }
  protected decodeWhole(row: RowCells, path: PathSegment[]): { given: boolean; value?: unknown } {
    const text = row.get(this.prefix);
    if (text === undefined) return { given: false };
    const read = readYaml(text, { file: this.prefix, maxBytes: 64 * 1024 });
    if (read.issues.length) {
      row.problem('yaml-syntax', [this.prefix], path, `the cell is not readable YAML / JSON: ${read.issues[0]?.message ?? ''}`, { found: text.length > 40 ? `${text.slice(0, 40)}…` : text });
      return { given: true };
    }
    return { given: true, value: read.value };
  }
}

/** A single cell: check, states, levels, a checklist without conditions, and kinds this module does not know. */
class ScalarCodec extends Base {
  constructor(
    item: ItemBase,
    prefix: string,
    ctx: Ctx,
    private readonly cell: Cell,
    private readonly ruleText: string,
    private readonly labelHint?: string,
  ) {
    super(item, prefix, ctx);
  }
  private column(): Column {
    return { key: this.prefix, label: `${this.title}（${this.labelHint ?? cellHint(this.cell)}）`, hint: this.labelHint ?? cellHint(this.cell), cell: this.cell };
  }
  columns(): Column[] {
    return [this.column()];
  }
  decode(row: RowCells, path: PathSegment[]): unknown {
    const s = row.get(this.prefix);
    if (s === undefined) return undefined;
    if (this.cell.type === 'value') return this.decodeWhole(row, path).value;
    return readCell(s, this.cell);
  }
  encode(value: unknown, out: Map<string, string>): void {
    out.set(this.prefix, writeCell(value, this.cell));
  }
  columnsAt(): string[] {
    return [this.prefix];
  }
  protected rule(): string {
    return this.ruleText;
  }
  yaml(indent: string, out: string[]): void {
    this.heading(indent, out);
    out.push(`${indent}${this.keyLine()}: ~   # ← ${this.cell.type === 'value' ? `例：${this.ruleText}` : yamlHint(this.cell)}`);
  }
}

interface ObjectField {
  id: string;
  zh: string;
  cell: Cell;
  /** Extra words for the hint (≤ another field). */
  note?: string;
}

/**
 * An object of named fields (tiers measures, counts, deductions, checklist
 * conditions). With `sole`, the item also takes the bare value of its one
 * field, and the template uses one column named by the item.
 */
class ObjectCodec extends Base {
  constructor(
    item: ItemBase,
    prefix: string,
    ctx: Ctx,
    private readonly fields: ObjectField[],
    private readonly sole: boolean,
    private readonly ruleText: string,
    /** A checklist's: the sole field's cell may say 否 / false, judged not met on the criterion's wording. */
    private readonly judgedFalse = false,
  ) {
    super(item, prefix, ctx);
  }
  private hint(f: ObjectField): string {
    return [cellHint(f.cell), f.note].filter(Boolean).join('，');
  }
  private fieldColumn(f: ObjectField, key: string): Column {
    return { key, label: `${oneLine(f.zh)}（${this.hint(f)}）｜${this.title}`, hint: this.hint(f), cell: f.cell };
  }
  columns(): Column[] {
    const only = this.fields[0];
    if (this.sole && only) return [this.fieldColumn(only, this.prefix)];
    return this.fields.map((f) => this.fieldColumn(f, `${this.prefix}.${f.id}`));
  }
  override aliases(): Column[] {
    const only = this.fields[0];
    if (this.sole && only) return [this.fieldColumn(only, `${this.prefix}.${only.id}`)];
    return [this.wholeColumn()];
  }
  decode(row: RowCells, path: PathSegment[]): unknown {
    const only = this.fields[0];
    if (this.sole && only) {
      const bare = row.get(this.prefix);
      const named = row.get(`${this.prefix}.${only.id}`);
      if (bare !== undefined && named !== undefined) {
        row.problem('invalid-value', [this.prefix, `${this.prefix}.${only.id}`], path, `two columns give the value of "${this.item.id}": fill one of them`);
      }
      const s = bare ?? named;
      if (s === undefined) return undefined;
      if (this.judgedFalse && only.cell.type !== 'boolean' && judgedNo(s)) return false;
      return readCell(s, only.cell);
    }
    const whole = this.decodeWhole(row, path);
    const value: Record<string, unknown> = {};
    let any = false;
    let allNo = true;
    for (const f of this.fields) {
      const s = row.get(`${this.prefix}.${f.id}`);
      if (s === undefined) continue;
      any = true;
      allNo &&= judgedNo(s);
      value[f.id] = readCell(s, f.cell);
    }
    // 否 in every field given: the checklist is judged not met on its wording.
    if (this.judgedFalse && any && allNo && !whole.given) return false;
    if (whole.given && any) {
      row.problem('invalid-value', this.columnsAt([], row), path, `"${this.item.id}" is given both whole (column ${this.prefix}) and by its fields: fill one or the other`);
      return undefined;
    }
    if (whole.given) return whole.value;
    return any ? value : undefined;
  }
  encode(value: unknown, out: Map<string, string>, problems: string[]): void {
    const only = this.fields[0];
    if (this.judgedFalse && value === false) {
      for (const key of this.sole ? [this.prefix] : this.fields.map((f) => `${this.prefix}.${f.id}`)) out.set(key, '否');
      return;
    }
    if (this.sole && only) {
      const v = isRecord(value) ? value[only.id] : value;
      out.set(this.prefix, writeCell(v, only.cell));
      return;
    }
    if (!isRecord(value)) {
      problems.push(`${this.item.id}: expected a mapping of ${this.fields.map((f) => f.id).join(', ')}`);
      return;
    }
    for (const f of this.fields) out.set(`${this.prefix}.${f.id}`, writeCell(value[f.id], f.cell));
  }
  columnsAt(rest: readonly PathSegment[], row: RowCells): string[] {
    const only = this.fields[0];
    if (this.sole && only) return [row.get(`${this.prefix}.${only.id}`) !== undefined && row.get(this.prefix) === undefined ? `${this.prefix}.${only.id}` : this.prefix];
    if (row.get(this.prefix) !== undefined) return [this.prefix];
    const field = rest[0];
    if (typeof field === 'string' && this.fields.some((f) => f.id === field)) return [`${this.prefix}.${field}`];
    return this.fields.map((f) => `${this.prefix}.${f.id}`);
  }
  protected rule(): string {
    return this.ruleText;
  }
  yaml(indent: string, out: string[]): void {
    this.heading(indent, out);
    const only = this.fields[0];
    if (this.sole && only) {
      out.push(`${indent}${this.keyLine()}: ~   # ← ${oneLine(only.zh)}：${yamlHint(only.cell)}${only.note ? `，${only.note}` : ''}`);
      return;
    }
    out.push(`${indent}${this.keyLine()}:`);
    for (const f of this.fields) out.push(`${indent}  ${yamlKey(f.id)}: ~   # ← ${oneLine(f.zh)}：${yamlHint(f.cell)}${f.note ? `，${f.note}` : ''}`);
  }
}

/** rate: the rate itself, or the counts it is computed from. */
class RateCodec extends Base {
  private readonly rateCell: Cell = { type: 'number', rate: true, max: Dec.ONE };
  private readonly countCell: Cell = { type: 'number', integer: true };
  constructor(
    item: ItemBase,
    prefix: string,
    ctx: Ctx,
    private readonly ruleText: string,
  ) {
    super(item, prefix, ctx);
  }
  columns(): Column[] {
    return [
      { key: this.prefix, label: `比率（0～1 的小数或百分数，如 0.93 或 93%；或填 count 和 of 两列）｜${this.title}`, hint: '0～1 或百分数', cell: this.rateCell },
      { key: `${this.prefix}.count`, label: `符合人数（count，整数）｜${this.title}`, hint: '整数', cell: this.countCell },
      { key: `${this.prefix}.of`, label: `调查总数（of，整数）｜${this.title}`, hint: '整数', cell: this.countCell },
    ];
  }
  decode(row: RowCells, path: PathSegment[]): unknown {
    const r = row.get(this.prefix);
    const c = row.get(`${this.prefix}.count`);
    const o = row.get(`${this.prefix}.of`);
    if (r !== undefined && (c !== undefined || o !== undefined)) {
      row.problem('invalid-value', this.columnsAt([], row), path, `"${this.item.id}" is given both as a rate and as counts: fill the rate, or count and of`);
      return undefined;
    }
    if (r !== undefined) return toNumber(r, { rate: true });
    if (c === undefined && o === undefined) return undefined;
    const value: Record<string, unknown> = {};
    if (c !== undefined) value.count = toNumber(c);
    if (o !== undefined) value.of = toNumber(o);
    return value;
  }
  encode(value: unknown, out: Map<string, string>): void {
    if (isRecord(value)) {
      out.set(`${this.prefix}.count`, writeCell(value.count, this.countCell));
      out.set(`${this.prefix}.of`, writeCell(value.of, this.countCell));
    } else out.set(this.prefix, writeCell(value, this.rateCell));
  }
  columnsAt(rest: readonly PathSegment[], row: RowCells): string[] {
    if (rest[0] === 'count' || rest[0] === 'of') return [`${this.prefix}.${rest[0]}`];
    const given = [this.prefix, `${this.prefix}.count`, `${this.prefix}.of`].filter((k) => row.get(k) !== undefined);
    return given.length ? given : [this.prefix];
  }
  protected rule(): string {
    return this.ruleText;
  }
  yaml(indent: string, out: string[]): void {
    this.heading(indent, out);
    out.push(`${indent}${this.keyLine()}: ~   # ← 比率：0～1 的小数（如 0.93），或 { count: 符合人数, of: 调查总数 }`);
  }
}

interface ListSpec {
  /** Field names of one entry, in column order; the first is the entry's name. */
  fields: ObjectField[];
  defaultSlots: number;
  /** The word for an entry ("项目", "项表彰"). */
  noun: string;
}

/** Entries in numbered columns `<prefix>.<n>.<field>`; an entry whose cells are all empty is skipped. */
class ListCells {
  constructor(
    readonly prefix: string,
    readonly spec: ListSpec,
    private readonly title: string,
  ) {}
  column(n: number, field: string): Column | undefined {
    const f = this.spec.fields.find((x) => x.id === field);
    if (!f || n < 1) return undefined;
    return { key: `${this.prefix}.${n}.${f.id}`, label: `第 ${n} ${this.spec.noun}：${oneLine(f.zh)}（${cellHint(f.cell)}）｜${this.title}`, hint: cellHint(f.cell), cell: f.cell };
  }
  columns(count: number): Column[] {
    const out: Column[] = [];
    for (let n = 1; n <= count; n++) for (const f of this.spec.fields) out.push(this.column(n, f.id) as Column);
    return out;
  }
  group(): SlotGroup {
    return { prefix: this.prefix, fields: this.spec.fields.map((f) => f.id), column: (n, field) => this.column(n, field) };
  }
  /** The filled slots of a row, in order; `none` when the only cell is a "none" word in the first slot's first field. */
  filled(row: RowCells): { slots: number[]; none: boolean } {
    const slots: number[] = [];
    for (const n of row.slots(this.prefix)) {
      if (this.spec.fields.some((f) => row.get(`${this.prefix}.${n}.${f.id}`) !== undefined)) slots.push(n);
    }
    const first = slots[0];
    if (slots.length === 1 && first !== undefined) {
      const given = this.spec.fields.map((f) => row.get(`${this.prefix}.${first}.${f.id}`)).filter((s) => s !== undefined);
      const name = row.get(`${this.prefix}.${first}.${this.spec.fields[0]?.id}`);
      if (given.length === 1 && name !== undefined && NONE_WORDS.has(name.toLowerCase())) return { slots: [], none: true };
    }
    return { slots, none: false };
  }
  /** The entries, or undefined when no slot is filled. */
  decode(row: RowCells): Record<string, unknown>[] | undefined {
    const { slots, none } = this.filled(row);
    if (none) return [];
    if (!slots.length) return undefined;
    return slots.map((n) => {
      const entry: Record<string, unknown> = {};
      for (const f of this.spec.fields) {
        const s = row.get(`${this.prefix}.${n}.${f.id}`);
        if (s !== undefined) entry[f.id] = readCell(s, f.cell);
      }
      return entry;
    });
  }
  encode(list: unknown, out: Map<string, string>, problems: string[], what: string): void {
    if (!Array.isArray(list)) {
      problems.push(`${what}: expected a list`);
      return;
    }
    if (list.length === 0) {
      out.set(`${this.prefix}.1.${this.spec.fields[0]?.id}`, '无');
      return;
    }
    list.forEach((entry, i) => {
      if (!isRecord(entry)) {
        problems.push(`${what}[${i}]: expected a mapping`);
        return;
      }
      for (const f of this.spec.fields) out.set(`${this.prefix}.${i + 1}.${f.id}`, writeCell(entry[f.id], f.cell));
    });
  }
  /** Columns of the k-th entry of a row (k counts filled slots from 0). */
  columnsAt(rest: readonly PathSegment[], row: RowCells): string[] {
    const { slots } = this.filled(row);
    const k = rest[0];
    const n = typeof k === 'number' ? slots[k] : undefined;
    if (n === undefined) {
      const all = slots.flatMap((s) => this.spec.fields.map((f) => `${this.prefix}.${s}.${f.id}`).filter((key) => row.get(key) !== undefined));
      return all.length ? all : [`${this.prefix}.1.${this.spec.fields[0]?.id}`];
    }
    const field = rest[1];
    if (typeof field === 'string' && this.spec.fields.some((f) => f.id === field)) return [`${this.prefix}.${n}.${field}`];
    return this.spec.fields.map((f) => `${this.prefix}.${n}.${f.id}`);
  }
}

/** projects: a list of { name, category, score } in numbered columns. */
class ProjectsCodec extends Base {
  private readonly list: ListCells;
  constructor(
    item: ProjectsItem,
    prefix: string,
    ctx: Ctx,
  ) {
    super(item, prefix, ctx);
    const categories: Choice[] = item.categories;
    this.list = new ListCells(
      prefix,
      {
        fields: [
          { id: 'name', zh: '项目名称', cell: { type: 'text' } },
          { id: 'category', zh: '类别', cell: { type: 'choice', choices: categories } },
          { id: 'score', zh: '得分', cell: { type: 'number', unit: `0～${fmt(item.scoreMax)}`, max: item.scoreMax } },
        ],
        defaultSlots: (item.perCategory ?? 2) * item.categories.length,
        noun: '个项目',
      },
      this.title,
    );
  }
  private get projects(): ProjectsItem {
    return this.item as ProjectsItem;
  }
  columns(slots: SlotCounts): Column[] {
    return this.list.columns(slots(this.prefix, this.list.spec.defaultSlots));
  }
  override aliases(): Column[] {
    return [this.wholeColumn()];
  }
  override slotGroups(): SlotGroup[] {
    return [this.list.group()];
  }
  decode(row: RowCells, path: PathSegment[]): unknown {
    const whole = this.decodeWhole(row, path);
    const list = this.list.decode(row);
    if (whole.given && list !== undefined) {
      row.problem('invalid-value', [this.prefix], path, `"${this.item.id}" is given both whole (column ${this.prefix}) and in numbered columns: fill one or the other`);
      return undefined;
    }
    return whole.given ? whole.value : list;
  }
  encode(value: unknown, out: Map<string, string>, problems: string[]): void {
    this.list.encode(value, out, problems, this.item.id);
  }
  override slotsNeeded(value: unknown, need: Map<string, number>): void {
    if (Array.isArray(value)) need.set(this.prefix, Math.max(need.get(this.prefix) ?? 0, value.length));
  }
  columnsAt(rest: readonly PathSegment[], row: RowCells): string[] {
    if (row.get(this.prefix) !== undefined) return [this.prefix];
    return this.list.columnsAt(rest, row);
  }
  protected rule(): string {
    const p = this.projects;
    return `${p.perCategory ? `每类最多 ${p.perCategory} 项；` : ''}得分 = ${fmt(p.points)} × 平均分 ÷ ${fmt(p.scoreMax)}；没有项目得 0 分`;
  }
  yaml(indent: string, out: string[]): void {
    const p = this.projects;
    this.heading(indent, out);
    out.push(`${indent}${this.keyLine()}: ~   # ← 项目列表，没有写 []；每个项目一行：`);
    out.push(`${indent}#   - { name: 项目名称, category: ${p.categories[0]?.id ?? '类别'}, score: 得分（0～${fmt(p.scoreMax)}） }`);
    out.push(`${indent}#   category：${choiceText(p.categories)}`);
  }
}

/** bonus: the assessment year and a list of honours in numbered columns. */
class BonusCodec extends Base {
  private readonly list: ListCells;
  private readonly yearCell: Cell = { type: 'number', integer: true };
  constructor(item: BonusItem, prefix: string, ctx: Ctx) {
    super(item, prefix, ctx);
    const positive = item.levels.map((l) => l.points).filter((p) => p.gt(Dec.ZERO));
    const least = positive.reduce<Dec | undefined>((m, p) => (m === undefined || p.lt(m) ? p : m), undefined);
    const fit = least ? Number(item.cap.div(least).floor().toString()) + (item.cap.div(least).isInteger() ? 0 : 1) : 3;
    this.list = new ListCells(
      prefix,
      {
        fields: [
          { id: 'matter', zh: '表彰事项', cell: { type: 'text' } },
          { id: 'level', zh: '级别', cell: { type: 'choice', choices: item.levels } },
          { id: 'year', zh: '获得年度', cell: { type: 'number', integer: true } },
        ],
        defaultSlots: Math.min(20, Math.max(3, fit + 2)),
        noun: '项表彰',
      },
      this.title,
    );
  }
  private get bonus(): BonusItem {
    return this.item as BonusItem;
  }
  private yearColumn(): Column {
    const w = this.bonus.window;
    return { key: `${this.prefix}.year`, label: `评定（申报）年度（年份${w ? `；只计该年及前 ${w.years - 1} 年的表彰` : ''}）｜${this.title}`, hint: '年份', cell: this.yearCell };
  }
  columns(slots: SlotCounts): Column[] {
    return [this.yearColumn(), ...this.list.columns(slots(this.prefix, this.list.spec.defaultSlots))];
  }
  override aliases(): Column[] {
    return [this.wholeColumn()];
  }
  override slotGroups(): SlotGroup[] {
    return [this.list.group()];
  }
  decode(row: RowCells, path: PathSegment[]): unknown {
    const whole = this.decodeWhole(row, path);
    const year = row.get(`${this.prefix}.year`);
    const honours = this.list.decode(row);
    if (whole.given && (year !== undefined || honours !== undefined)) {
      row.problem('invalid-value', [this.prefix], path, `"${this.item.id}" is given both whole (column ${this.prefix}) and in its own columns: fill one or the other`);
      return undefined;
    }
    if (whole.given) return whole.value;
    if (year === undefined && honours === undefined) return undefined;
    const value: Record<string, unknown> = { honours: honours ?? [] };
    if (year !== undefined) value.year = toNumber(year);
    return value;
  }
  encode(value: unknown, out: Map<string, string>, problems: string[]): void {
    if (!isRecord(value)) {
      problems.push(`${this.item.id}: expected { year, honours }`);
      return;
    }
    out.set(`${this.prefix}.year`, writeCell(value.year, this.yearCell));
    const honours = value.honours ?? [];
    if (Array.isArray(honours) && honours.length === 0) return;
    this.list.encode(honours, out, problems, `${this.item.id}.honours`);
  }
  override slotsNeeded(value: unknown, need: Map<string, number>): void {
    if (isRecord(value) && Array.isArray(value.honours)) need.set(this.prefix, Math.max(need.get(this.prefix) ?? 0, value.honours.length));
  }
  columnsAt(rest: readonly PathSegment[], row: RowCells): string[] {
    if (row.get(this.prefix) !== undefined) return [this.prefix];
    if (rest[0] === 'year') return [`${this.prefix}.year`];
    if (rest[0] === 'honours') return this.list.columnsAt(rest.slice(1), row);
    return [`${this.prefix}.year`, ...this.list.columnsAt([], row)];
  }
  protected rule(): string {
    const b = this.bonus;
    return `${b.levels.map((l) => `${l.zh} ${fmt(l.points)} 分`).join('，')}；同一事项只计最高一级${b.window ? `；只计近 ${b.window.years} 年` : ''}；累计封顶 ${fmt(b.cap)}`;
  }
  yaml(indent: string, out: string[]): void {
    const b = this.bonus;
    this.heading(indent, out);
    out.push(`${indent}${this.keyLine()}:`);
    out.push(`${indent}  year: ~      # ← 评定（申报）年度，如 2024${b.window ? `（必填）` : ''}`);
    out.push(`${indent}  honours: ~   # ← 表彰列表，没有写 []；每项一行：`);
    out.push(`${indent}  #   - { matter: 表彰事项, level: ${b.levels[0]?.id ?? '级别'}, year: 获得年度 }`);
    out.push(`${indent}  #   level：${b.levels.map((l) => `${l.id} ${l.zh}（${fmt(l.points)} 分）`).join('／')}`);
  }
}

/** sum: the parts, each by its own codec, under `<item>.<part>`. */
class SumCodec extends Base {
  readonly parts: FieldCodec[];
  constructor(item: SumItem, prefix: string, ctx: Ctx) {
    super(item, prefix, ctx);
    const requirementOf = (p: ItemBase) => (p.requires === undefined ? undefined : item.parts.find((q) => q.id === p.requires));
    this.parts = item.parts.map((p) => codecFor(p, `${prefix}.${p.id}`, { ...ctx, titles: [...ctx.titles, p.title.zh], requirement: requirementOf(p) }));
  }
  columns(slots: SlotCounts): Column[] {
    return this.parts.flatMap((p) => p.columns(slots));
  }
  override aliases(): Column[] {
    return [this.wholeColumn(), ...this.parts.flatMap((p) => p.aliases())];
  }
  override slotGroups(): SlotGroup[] {
    return this.parts.flatMap((p) => p.slotGroups());
  }
  decode(row: RowCells, path: PathSegment[]): unknown {
    const whole = this.decodeWhole(row, path);
    const value: Record<string, unknown> = {};
    let any = false;
    for (const p of this.parts) {
      const v = p.decode(row, [...path, p.item.id]);
      if (v === undefined) continue;
      any = true;
      value[p.item.id] = v;
    }
    if (whole.given && any) {
      row.problem('invalid-value', [this.prefix], path, `"${this.item.id}" is given both whole (column ${this.prefix}) and by its parts: fill one or the other`);
      return undefined;
    }
    if (whole.given) return whole.value;
    return any ? value : undefined;
  }
  encode(value: unknown, out: Map<string, string>, problems: string[]): void {
    if (!isRecord(value)) {
      problems.push(`${this.item.id}: expected a mapping of its parts`);
      return;
    }
    for (const p of this.parts) if (value[p.item.id] !== undefined) p.encode(value[p.item.id], out, problems);
  }
  override slotsNeeded(value: unknown, need: Map<string, number>): void {
    if (isRecord(value)) for (const p of this.parts) p.slotsNeeded(value[p.item.id], need);
  }
  columnsAt(rest: readonly PathSegment[], row: RowCells): string[] {
    if (row.get(this.prefix) !== undefined) return [this.prefix];
    const part = this.parts.find((p) => p.item.id === rest[0]);
    if (part) return part.columnsAt(rest.slice(1), row);
    return this.parts.flatMap((p) => p.columnsAt([], row));
  }
  protected rule(): string {
    const cap = (this.item as SumItem).cap;
    return `子项得分相加${cap ? `，封顶 ${fmt(cap)}` : ''}`;
  }
  yaml(indent: string, out: string[]): void {
    this.heading(indent, out);
    out.push(`${indent}${this.keyLine()}:`);
    for (const p of this.parts) p.yaml(`${indent}  `, out);
  }
}

/* ------------------------------------------------------------------ per kind */

function tiersCodec(item: TiersItem, prefix: string, ctx: Ctx): FieldCodec {
  const ids = Object.keys(item.measures);
  const fields: ObjectField[] = ids.map((id) => {
    const m = item.measures[id] as TiersItem['measures'][string];
    return { id, zh: m.zh, cell: { type: 'number', integer: m.integer, unit: unitZh(m.unit) || undefined, max: m.max }, ...(m.atMost ? { note: `不超过 ${m.atMost}` } : {}) };
  });
  const names: Record<string, { zh: string; unit?: Unit | undefined }> = { ...item.measures, ...(item.derived ?? {}) };
  const rule = item.tiers
    .map((t) => `${Object.entries(t.when).map(([q, r]) => `${names[q]?.zh ?? q} ${r.text}${names[q]?.unit ? ` ${unitZh(names[q]?.unit)}` : ''}`).join(' 且 ')} → ${fmt(t.points)} 分`)
    .join('；');
  const derived = Object.values(item.derived ?? {}).map(
    (d) => `${d.zh} = ${names[d.ratio[0]]?.zh ?? d.ratio[0]} ÷ ${names[d.ratio[1]]?.zh ?? d.ratio[1]}${d.scale ? ` × ${fmt(d.scale)}` : ''}（由填写的数算出，不必填）`,
  );
  const sole = ids.length === 1 && Object.keys(item.derived ?? {}).length === 0;
  return new ObjectCodec(item, prefix, ctx, fields, sole, [`${rule}；取达到的最高档`, ...derived].join('\n'));
}

/** "每处" for a step of 1, "每 20 人" otherwise. */
const per = (step: Dec | undefined, unit: Unit | undefined): string => (step && !step.eq(Dec.ONE) ? `每 ${fmt(step)} ${unitZh(unit)}` : `每${unitZh(unit) || '个'}`);

function countCodec(item: CountItem, prefix: string, ctx: Ctx): FieldCodec {
  const fields: ObjectField[] = item.counts.map((c) => ({ id: c.id, zh: c.zh, cell: { type: 'number', integer: c.integer ?? true, unit: unitZh(c.unit) || undefined } }));
  const rule = item.counts.map((c) => `${c.zh}${per(c.step, c.unit)}得 ${fmt(c.per)} 分`).join('；');
  return new ObjectCodec(item, prefix, ctx, fields, item.counts.length === 1, `${rule}；封顶 ${fmt(item.cap)}`);
}

function deductCodec(item: DeductItem, prefix: string, ctx: Ctx): FieldCodec {
  const fields: ObjectField[] = item.deductions.map((d) => ({
    id: d.id,
    zh: d.zh,
    cell: d.flag ? { type: 'boolean' } : { type: 'number', integer: d.integer ?? !d.shortOf, unit: unitZh(d.unit) || undefined },
  }));
  // Without the precondition the deductions say nothing, so they may be left blank.
  if (item.precondition) fields.push({ id: item.precondition.id, zh: item.precondition.zh, cell: { type: 'boolean' }, note: '填 false（否）时，扣分字段可留空' });
  const rule = [
    `满分 ${fmt(item.points)}`,
    ...item.deductions.map((d) =>
      d.flag
        ? `${d.zh}扣 ${fmt(d.per)}`
        : d.shortOf
          ? `${d.zh}低于 ${fmt(d.shortOf)} ${unitZh(d.unit)} 时，每少 ${d.step ? fmt(d.step) : '1'} ${unitZh(d.unit)} 扣 ${fmt(d.per)}`
          : `${d.zh}${per(d.step, d.unit)}扣 ${fmt(d.per)}`,
    ),
    ...(item.precondition ? [`未做到“${item.precondition.zh}”得 ${fmt(item.precondition.otherwise)} 分`] : []),
    '扣完为止',
  ].join('；');
  const sole = item.deductions.length === 1 && !item.deductions[0]?.flag && !item.precondition;
  return new ObjectCodec(item, prefix, ctx, fields, sole, rule);
}

function checklistCodec(item: ChecklistItem, prefix: string, ctx: Ctx): FieldCodec {
  const conditions = item.conditions ?? [];
  const points = item.points.isZero() ? '达到／未达到（不计分）' : `达到得 ${fmt(item.points)} 分`;
  if (conditions.length === 0) return new ScalarCodec(item, prefix, ctx, { type: 'boolean' }, points);
  const fields: ObjectField[] = conditions.map((c) => ({
    id: c.id,
    zh: c.zh,
    cell: c.flag ? { type: 'boolean' } : { type: 'number', integer: c.integer, unit: unitZh(c.unit) || undefined, max: c.max },
    ...(c.range ? { note: `标准 ${c.range.text}${unitZh(c.unit)}` } : {}),
  }));
  const rule = `${conditions.map((c) => (c.range ? `${c.zh} ${c.range.text}${unitZh(c.unit)}` : `${c.zh}（是）`)).join(' 且 ')}；${points}；条文的定性要求未达到的，整条填 false（否）`;
  return new ObjectCodec(item, prefix, ctx, fields, conditions.length === 1, rule, true);
}

function codecFor(item: ItemBase, prefix: string, ctx: Ctx): FieldCodec {
  switch (item.kind) {
    case 'check':
      return new ScalarCodec(item, prefix, ctx, { type: 'boolean' }, `满足得 ${fmt(item.points)} 分，否则 0 分`);
    case 'states': {
      const s = item as StatesItem;
      const rule = s.states.map((x) => `${x.id}${x.zh ? ` ${x.zh}` : ''} ${fmt(item.points.mul(x.fraction))} 分`).join('；');
      return new ScalarCodec(item, prefix, ctx, { type: 'choice', choices: s.states }, rule);
    }
    case 'rate': {
      const r = item as RateItem;
      const rule =
        r.mode === 'linear'
          ? `得分 = ${fmt(item.points)} × 比率`
          : `${(r.bands ?? []).map((b) => `${b.range.text} → ${fmt(b.points)} 分`).join('；')}；其余 0 分`;
      return new RateCodec(item, prefix, ctx, rule);
    }
    case 'tiers':
      return tiersCodec(item as TiersItem, prefix, ctx);
    case 'count':
      return countCodec(item as CountItem, prefix, ctx);
    case 'deduct':
      return deductCodec(item as DeductItem, prefix, ctx);
    case 'levels': {
      const l = item as LevelsItem;
      const rule = `${l.levels.map((x) => `${x.zh} ${fmt(x.points)} 分`).join('，')}；取最高一级，不重复加分`;
      return new ScalarCodec(item, prefix, ctx, { type: 'list', choices: l.levels }, rule, `达到的级别：${choiceText(l.levels)}；多个用 ; 分隔，没有写 无`);
    }
    case 'bonus':
      return new BonusCodec(item as BonusItem, prefix, ctx);
    case 'projects':
      return new ProjectsCodec(item as ProjectsItem, prefix, ctx);
    case 'checklist':
      return checklistCodec(item as ChecklistItem, prefix, ctx);
    case 'sum':
      return new SumCodec(item as SumItem, prefix, ctx);
    default: {
      const kind = ctx.compiled.kinds.get(item.kind);
      return new ScalarCodec(item, prefix, ctx, { type: 'value' }, kind?.doc.evidenceExample ?? '', 'YAML／JSON');
    }
  }
}

/* ------------------------------------------------------------------ the rubric's fields */

export const COMMUNITY_COLUMNS: Column[] = [
  { key: 'community.id', label: '社区编号', hint: '文字', cell: { type: 'text' } },
  { key: 'community.name', label: '社区名称', hint: '文字', cell: { type: 'text' } },
];

const SLOT_KEY = /^(.+)\.(\d+)\.([^.]+)$/;

/** Every item's codec, and the lookups a CSV reader needs. */
export interface EvidenceFields {
  compiled: CompiledRubric;
  /** One codec per item that takes evidence, in rubric order. */
  codecs: FieldCodec[];
  /** The CSV template's columns (community columns first). */
  columns(slots?: SlotCounts): Column[];
  /** The column a header key names, numbered list columns included; undefined for an unknown key. */
  column(key: string): Column | undefined;
  /** Every key this rubric reads without numbered columns (for did-you-mean). */
  keys(): string[];
  /** The numbered-list group a key belongs to, with its slot number. */
  slot(key: string): { prefix: string; n: number; field: string } | undefined;
  /** The top-level codec a key belongs to. */
  owner(key: string): FieldCodec | undefined;
}

const defaultSlots: SlotCounts = (_prefix, n) => n;

/** The fields of a compiled rubric. Throws a RubricError when two columns would share a key. */
export function evidenceFields(compiled: CompiledRubric): EvidenceFields {
  assertCompiled(compiled);
  const codecs = [...compiled.items.values()].map((item) => codecFor(item, item.id, { compiled, titles: [item.title.zh] }));
  const exact = new Map<string, { column: Column; codec: FieldCodec }>();
  const groups = new Map<string, { group: SlotGroup; codec: FieldCodec }>();
  const clashes: string[] = [];
  for (const c of COMMUNITY_COLUMNS) exact.set(c.key, { column: c, codec: undefined as never });
  for (const codec of codecs) {
    for (const column of [...codec.columns(() => 0), ...codec.aliases()]) {
      if (exact.has(column.key)) clashes.push(column.key);
      else exact.set(column.key, { column, codec });
    }
    for (const group of codec.slotGroups()) groups.set(group.prefix, { group, codec });
  }
  if (clashes.length) {
    throw new RubricError(clashes.map((k) => issue('duplicate-id', [], `two evidence fields of the rubric would both be the column "${k}": rename an item, part or field`, { found: k })));
  }
  const slot = (key: string) => {
    const m = SLOT_KEY.exec(key);
    if (!m) return undefined;
    const [, prefix, n, field] = m as unknown as [string, string, string, string];
    const g = groups.get(prefix);
    if (!g || !g.group.fields.includes(field) || Number(n) < 1) return undefined;
    return { prefix, n: Number(n), field, g };
  };
  return {
    compiled,
    codecs,
    columns: (slots = defaultSlots) => [...COMMUNITY_COLUMNS, ...codecs.flatMap((c) => c.columns(slots))],
    column(key) {
      const e = exact.get(key);
      if (e) return e.column;
      const s = slot(key);
      return s ? s.g.group.column(s.n, s.field) : undefined;
    },
    keys: () => [...exact.keys()],
    slot(key) {
      if (exact.has(key)) return undefined;
      const s = slot(key);
      return s ? { prefix: s.prefix, n: s.n, field: s.field } : undefined;
    },
    owner(key) {
      const e = exact.get(key);
      if (e) return e.codec;
      return slot(key)?.g.codec;
    },
  };
}

