/**
 * A copy of a finished full result, one fixed-shape object literal per object
 * and no scoring at all: what building a fresh trace of this shape costs at
 * the least. The bench prints its rate as the floor under the full trace.
 */
import type { ScoreResult, SectionTrace } from '../src/index.js';
// The library's own copy of an item trace (what a memo hit gives); DB36's items have no parts.
import { traceCopy as copyItem } from '../src/item-memo.js';

function copySection(s: SectionTrace): SectionTrace {
  return {
    id: s.id,
    title: s.title,
    points: s.points,
    max: s.max,
    bonus: s.bonus,
    uncapped: s.uncapped,
    clause: s.clause,
    criteria: s.criteria === undefined ? undefined : { met: s.criteria.met, total: s.criteria.total, share: s.criteria.share },
    sections: s.sections?.map(copySection),
    items: s.items?.map(copyItem),
  };
}

export function copyResult(r: ScoreResult): ScoreResult {
  return {
    rubric: r.rubric,
    total: r.total,
    base: r.base,
    bonus: r.bonus,
    max: r.max,
    maxWithBonus: r.maxWithBonus,
    ratio: r.ratio,
    rated: r.rated,
    grade: r.grade === null ? null : { ...r.grade },
    gates: r.gates.map((g) => ({ ...g })),
    criteria: r.criteria === undefined ? undefined : { met: r.criteria.met, total: r.criteria.total, share: r.criteria.share },
    sections: r.sections.map(copySection),
  };
}
