import type { Dec } from './decimal.js';
import type { ItemBase } from './kinds/define.js';
import { idSchema, nonNegative } from './kinds/shared.js';
import { isRecord } from './is-record.js';
import { bandSchema, gateSchema, type Band, type Gate, type RubricSchemas } from './schema.js';

/**
 * The parts of a rubric its meaning is checked on (validate.ts). A rubric
 * that parsed is one; so is what `salvage` keeps of one that did not.
 */
export interface MeaningRubric {
  /** Undefined where it did not parse: nothing is compared with it. */
  max?: Dec | undefined;
  sections: MeaningSection[];
  gates?: Gate[] | undefined;
  grades?: { bands: Band[] } | undefined;
}

export interface MeaningSection {
  id?: string | undefined;
  max?: Dec | undefined;
  cap?: Dec | undefined;
  bonus?: boolean | undefined;
  /** Set where some of the section did not parse: what it can reach is not known. */
  unknownReach?: true | undefined;
  sections?: MeaningSection[] | undefined;
  items?: MeaningItem[] | undefined;
}

/** An item that did not parse: the id it claims (ids stay unique and referable), its kind and requires as written, and its parts'. */
export interface UnparsedItem {
  unparsed: true;
  id?: string | undefined;
  kind?: string | undefined;
  requires?: string | undefined;
  parts?: MeaningItem[] | undefined;
}

export type MeaningItem = ItemBase | UnparsedItem;

export const isUnparsed = (item: MeaningItem): item is UnparsedItem => 'unparsed' in item;

/**
 * What of a rubric that failed its schemas can still be checked for
 * meaning, each section, item, gate and band parsed on its own: a typo in
 * one item must not hide a duplicate id, a band gap or an unknown gate
 * reference elsewhere until the next run. What does not parse keeps only
 * the id it claims; a maximum that cannot be worked out is not compared.
 */
export function salvage(value: unknown, schemas: RubricSchemas): MeaningRubric {
  const doc = isRecord(value) ? value : {};
  const gates = Array.isArray(doc.gates) ? doc.gates.flatMap((g) => parsed(gateSchema, g)) : undefined;
  const sections = Array.isArray(doc.sections) ? doc.sections : undefined;
  // Without a list of sections, or knowing which are bonus sections, there is nothing to compare the maximum with.
  const bonusKnown = (sections ?? []).every((s) => !isRecord(s) || s.bonus === undefined || typeof s.bonus === 'boolean');
  return {
    max: sections && bonusKnown ? parsed(nonNegative, doc.max)[0] : undefined,
    sections: (sections ?? []).map((s) => section(s, schemas)),
    gates,
    grades: grades(doc.grades),
  };
}

function section(raw: unknown, schemas: RubricSchemas): MeaningSection {
  if (!isRecord(raw)) return { unknownReach: true };
  const max = parsed(nonNegative, raw.max)[0];
  const cap = raw.cap === undefined ? [] : parsed(nonNegative, raw.cap);
  const items = list(raw.items, (i) => item(i, schemas));
  const sections = list(raw.sections, (s) => section(s, schemas));
  const unknown = cap.length === 0 && raw.cap !== undefined;
  return {
    id: claimedId(raw.id),
    max,
    cap: cap[0],
    bonus: raw.bonus === true,
    ...(unknown || items === 'unreadable' || sections === 'unreadable' ? { unknownReach: true as const } : {}),
    items: items === 'unreadable' ? undefined : items,
    sections: sections === 'unreadable' ? undefined : sections,
  };
}

function item(raw: unknown, schemas: RubricSchemas): MeaningItem {
  const ok = schemas.item.safeParse(raw);
  if (ok.success) return ok.data;
  if (!isRecord(raw)) return { unparsed: true };
  // Points that differ from what the rule gives are the only problem: the rule's maximum is what its section adds up.
  const ruled = ok.error.issues.every((i) => i.path.length === 1 && i.path[0] === 'points' && pointsMismatch(i));
  const expected = ruled ? pointsMismatch(ok.error.issues[0]) : undefined;
  const retried = expected === undefined ? undefined : schemas.item.safeParse({ ...raw, points: expected });
  if (retried?.success) return retried.data;
  const parts = list(raw.parts, (p) => item(p, schemas));
  // Kind and requires as written: a part's requires is checked against its siblings whatever else is wrong.
  return {
    unparsed: true,
    id: claimedId(raw.id),
    ...(typeof raw.kind === 'string' ? { kind: raw.kind } : {}),
    ...(claimedId(raw.requires) !== undefined ? { requires: raw.requires as string } : {}),
    ...(Array.isArray(parts) ? { parts } : {}),
  };
}

/** Bands are checked together or not at all: one missing would show as a gap. */
function grades(raw: unknown): MeaningRubric['grades'] {
  if (!isRecord(raw) || !Array.isArray(raw.bands)) return undefined;
  const bands = raw.bands.flatMap((b) => parsed(bandSchema, b));
  return bands.length === raw.bands.length ? { bands } : undefined;
}

/** The points a points-mismatch issue (from the item schema) says the rule gives. */
function pointsMismatch(i: { code: string; params?: unknown } | undefined): string | undefined {
  const params = i?.code === 'custom' && isRecord(i.params) ? i.params : undefined;
  return params?.code === 'points-mismatch' && typeof params.expected === 'string' ? params.expected : undefined;
}

function list<T>(raw: unknown, each: (v: unknown) => T): T[] | 'unreadable' | undefined {
  if (raw === undefined) return undefined;
  return Array.isArray(raw) ? raw.map(each) : 'unreadable';
}

function claimedId(raw: unknown): string | undefined {
  return idSchema.safeParse(raw).success ? (raw as string) : undefined;
}

function parsed<T>(schema: { safeParse(v: unknown): { success: boolean; data?: T } }, raw: unknown): T[] {
  const r = schema.safeParse(raw);
  return r.success ? [r.data as T] : [];
}
