import { Dec } from '../decimal.js';
import { defineRuleKind, type ItemBase } from './define.js';
import { fastCases } from './fast.js';
import { evidenceBoolean, fmt } from './shared.js';

/** check — a condition met gives the item's points, otherwise 0. */
export const check = defineRuleKind<ItemBase, boolean>({
  name: 'check',
  doc: {
    summary: { zh: '条件满足得全部分值，否则 0 分。', en: 'Met → the item’s points, otherwise 0.' },
    example: 'id: "1.1a"\ntitle: { zh: 组织机构健全, en: Organisations complete }\npoints: 1\nkind: check',
    evidenceExample: 'true',
  },
  judgesCriteria: true,
  params: () => ({}),
  maxPoints: (item) => item.points,
  evidence: () => evidenceBoolean,
  fast(item, ctx) {
    const points = ctx.scaled(item.points);
    if (points === undefined) return undefined;
    return fastCases(new Map([[true, points], [false, 0]]));
  },
  score(item, met) {
    return met
      ? { points: item.points, met, reason: { zh: `满足，得 ${fmt(item.points)} 分`, en: `met: ${fmt(item.points)}` } }
      : { points: Dec.ZERO, met, reason: { zh: '未满足，得 0 分', en: 'not met: 0' } };
  },
});
