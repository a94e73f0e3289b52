/**
 * A copy of a finished full result, one fixed-shape object literal per object
 * and no scoring at all: what building a fresh trace of this shape costs at
 * the least. The bench prints its rate as the floor under the full trace.
 */
import type { ItemTrace, ScoreResult, SectionTrace } from '../src/index.js';

const copyItem = (t: ItemTrace): ItemTrace => ({
  id: t.id,
  title: t.title,
  kind: t.kind,
  points: t.points,
  max: t.max,
  met: t.met,
  evidence: t.evidence !== null && typeof t.evidence === 'object' ? { ...t.evidence } : t.evidence,
  reason: { zh: t.reason.zh, en: t.reason.en },
  clause: t.clause,
  category: t.category,
  method: t.method,
  note: t.note,
  detail: t.detail === undefined ? undefined : { ...t.detail },
  rounded: t.rounded,
  parts: t.parts?.map(copyItem),
});

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
