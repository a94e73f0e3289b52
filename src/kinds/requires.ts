import { Dec } from '../decimal.js';
import type { Bilingual, ItemBase, ItemTrace } from './define.js';

/**
 * A part of a sum may require a sibling (`requires: <id>`): it scores its
 * points only when that sibling is met, and 0 otherwise. The extras of a room
 * (a slip-resistant floor, warm walls) describe the room: without the room
 * they cannot be earned. Its evidence is read and validated all the same.
 *
 * The rubric's checks (requires-problems.ts) let a part require only another
 * part of the same sum that requires nothing itself: no chains, no cycles.
 * Scoring does not rely on them to stop: a sibling is judged on what its own
 * evidence gave, never on another requirement.
 */

/**
 * Whether a required part is met: scored in full. A part worth 0 points (a
 * premise with no points of its own) is met when it is not judged unmet.
 * The fast paths count points alone; they decline a required part worth 0.
 */
export function countsAsMet(points: Dec, max: Dec, met: boolean | undefined): boolean {
  return max.isZero() ? met !== false : points.eq(max);
}

/** Worked out once per list of parts: a sum is scored once per record. */
const siblings = new WeakMap<readonly ItemBase[], number[] | undefined>();

/** Each part's required sibling by position, -1 for none; undefined when no part requires one. */
export function requiredSiblings(parts: readonly ItemBase[]): number[] | undefined {
  if (siblings.has(parts)) return siblings.get(parts);
  const found = parts.some((p) => p.requires !== undefined)
    ? parts.map((p) => (p.requires === undefined || p.requires === p.id ? -1 : parts.findIndex((q) => q.id === p.requires)))
    : undefined;
  siblings.set(parts, found);
  return found;
}

/** Why a part scores 0: the part it requires is not met. */
export function notMetReason(required: ItemBase): Bilingual {
  return { zh: `需先满足「${required.title.zh}」（未满足），得 0 分`, en: `needs "${required.title.en}" (not met): 0` };
}

/**
 * The parts' traces with each part whose required sibling is not met scored
 * 0, saying why (and not met, for a kind that judges criteria); the others as
 * they are. Its evidence and detail stay as its own scoring read them.
 */
export function applyRequirements(parts: readonly ItemBase[], traces: readonly ItemTrace[], partMax: (part: ItemBase) => Dec): ItemTrace[] {
  const required = requiredSiblings(parts);
  if (!required) return traces as ItemTrace[];
  return traces.map((trace, i) => {
    const r = required[i] as number;
    const sibling = traces[r];
    const part = parts[r];
    if (!sibling || !part || countsAsMet(Dec.parse(sibling.points) ?? Dec.ZERO, partMax(part), sibling.met)) return trace;
    return { ...trace, points: '0', met: trace.met === undefined ? undefined : false, reason: notMetReason(part), rounded: undefined };
  });
}
