import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../support/bundled.js';
import { rubricTree } from '../support/rubric-tree.js';
import { Dec, safeParseEvidence, score, type ItemBase } from '../../src/index.js';

/**
 * The bundled rubric of 江西省地方标准 DB36/T 1609—2022《“幸福社区”服务质量星级评价指标》
 * against the numbers printed in the source (Table A.1, §4.1, §5 表1).
 */
const { rubric, compiled, reachable, itemsOf, top } = rubricTree('jiangxi-db36-t-1609-2022.yaml');

// Table A.1: first-level indicators, their points and the number of scored rows encoded as items
// (tiered rows of one measured quantity are one item).
const FIRST_LEVEL: [id: string, zh: string, points: string, items: number][] = [
  ['1', '组织领导', '7', 6],
  ['2', '综合平台', '11', 10],
  ['3', '人才队伍', '19', 14],
  ['4', '服务供给', '33', 23],
  ['5', '治理机制', '16', 14],
  ['6', '居民自治', '14', 12],
];

// Table A.1 second-level indicators and their points (sum of their rows, highest tier only).
const SECOND_LEVEL: Record<string, string> = {
  '1.1': '2', '1.2': '1', '1.3': '1.5', '1.4': '2.5',
  '2.1': '2.5', '2.2': '1', '2.3': '2', '2.4': '2.5', '2.5': '3',
  '3.1': '2.5', '3.2': '4', '3.3': '4', '3.4': '2', '3.5': '1', '3.6': '2.5', '3.7': '3',
  '4.1': '5', '4.2': '11.5', '4.3': '4', '4.4': '2.5', '4.5': '10',
  '5.1': '5.5', '5.2': '1.5', '5.3': '5', '5.4': '2', '5.5': '2',
  '6.1': '1', '6.2': '2.5', '6.3': '2.5', '6.4': '3.5', '6.5': '2.5', '6.6': '2',
};

const CATEGORY_POINTS: Record<string, string> = { 基础项: '1', 加强项: '1.5', 优选项: '2' };
const METHODS = new Set(['实地考察', '查阅资料', '问卷调查']);

describe('jiangxi-db36-t-1609-2022', () => {
  it('carries the source metadata', () => {
    expect(rubric.id).toBe('jiangxi-db36-t-1609-2022');
    expect(rubric.version).toBe('2022');
    expect(rubric.source.number).toBe('DB36/T 1609—2022');
    expect(rubric.source.issuer).toBe('江西省市场监督管理局');
    expect(rubric.source.issued).toBe('2022-06-23');
    expect(rubric.source.effective).toBe('2022-06-23');
    expect(rubric.source.status).toBe('in-force');
  });

  it('has six first-level indicators worth 7/11/19/33/16/14 = 100, plus a bonus of at most 5', () => {
    expect(rubric.sections.map((s) => s.id)).toEqual(['1', '2', '3', '4', '5', '6', 'bonus']);
    for (const [id, zh, points] of FIRST_LEVEL) {
      const s = top(id);
      expect(s.title.zh).toBe(zh);
      expect(s.max.toString(), `declared max of ${id}`).toBe(points);
      expect(reachable(s).toString(), `reachable max of ${id}`).toBe(points);
    }
    expect(rubric.max.toString()).toBe('100');
    expect(compiled.max.toString()).toBe('100');
    const bonus = top('bonus');
    expect(bonus.bonus).toBe(true);
    expect(bonus.max.toString()).toBe('5');
    expect(reachable(bonus).toString()).toBe('5');
    expect(compiled.maxWithBonus.toString()).toBe('105');
  });

  it('has one sub-section per second-level indicator, each worth what its rows give', () => {
    for (const [id] of FIRST_LEVEL) {
      const subs = top(id).sections ?? [];
      const expected = Object.keys(SECOND_LEVEL).filter((k) => k.startsWith(`${id}.`));
      expect(subs.map((s) => s.id)).toEqual(expected.map((k) => `I-${k}`));
      for (const s of subs) {
        const n = s.id.slice(2);
        expect(s.max.toString(), s.id).toBe(SECOND_LEVEL[n]);
        expect(reachable(s).toString(), s.id).toBe(SECOND_LEVEL[n]);
        expect(s.clause).toBe(`表A.1 ${n}`);
      }
    }
  });

  it('encodes every scored row: 79 items in the base, one bonus item', () => {
    for (const [id, , , count] of FIRST_LEVEL) expect(itemsOf(top(id)).length, `items of ${id}`).toBe(count);
    expect(FIRST_LEVEL.reduce((n, [id]) => n + itemsOf(top(id)).length, 0)).toBe(79);
    expect(itemsOf(top('bonus')).map((i) => i.kind)).toEqual(['bonus']);
    expect(compiled.items.size).toBe(80);
  });

  it('names items after their second-level indicator (bare number for one row, a, b, c … for several)', () => {
    for (const [id] of FIRST_LEVEL) {
      for (const s of top(id).sections ?? []) {
        const n = s.id.slice(2);
        const ids = (s.items ?? []).map((i) => i.id);
        if (ids.length === 1) expect(ids).toEqual([n]);
        else expect(ids).toEqual(ids.map((_, k) => `${n}${String.fromCharCode(97 + k)}`));
      }
    }
  });

  it('gives every item a clause, a method and a category', () => {
    for (const item of compiled.items.values()) {
      expect(item.clause, item.id).toMatch(/^表A\.1 /);
      expect(METHODS.has(item.method ?? ''), `${item.id} method ${item.method}`).toBe(true);
      expect(item.category, item.id).toBeTruthy();
      expect(item.title.zh, item.id).toBeTruthy();
      expect(item.title.en, item.id).toBeTruthy();
    }
    const bonus = compiled.items.get('bonus-honours');
    expect(bonus?.category).toBe('加分项');
    expect(bonus?.method).toBe('查阅资料');
  });

  it('scores categories as the standard says: 基础项 1, 加强项 1.5, 优选项 2; satisfaction 6 / 8 / 10', () => {
    for (const item of compiled.items.values()) {
      const any = item as ItemBase & {
        tiers?: { points: Dec; category?: string }[];
        bands?: { points: Dec; category?: string }[];
      };
      if (item.kind === 'check') {
        expect(item.points.toString(), item.id).toBe(CATEGORY_POINTS[item.category ?? '']);
      } else if (item.kind === 'tiers') {
        for (const t of any.tiers ?? []) expect(t.points.toString(), item.id).toBe(CATEGORY_POINTS[t.category ?? '']);
        expect(item.category, item.id).toBe(any.tiers?.[0]?.category);
      } else if (item.kind === 'rate') {
        expect(item.id).toBe('4.5');
        expect((any.bands ?? []).map((b) => [b.category, b.points.toString()])).toEqual([
          ['优选项', '10'],
          ['加强项', '8'],
          ['基础项', '6'],
        ]);
      } else {
        expect(item.kind, item.id).toBe('bonus');
      }
    }
  });

  it('measures the thresholds of 2.1, 2.3, 3.1, 3.2, 3.7 and 5.1 rather than asking yes/no', () => {
    const tiered = [...compiled.items.values()].filter((i) => i.kind === 'tiers').map((i) => i.id);
    expect(tiered).toEqual(['2.1a', '2.3b', '3.1a', '3.2a', '3.2b', '3.7a', '5.1b']);
  });

  it('grades on the total, bonus included: ≥ 92 五星, [86, 92) 四星, [80, 86) 三星, < 80 不定星级', () => {
    expect(rubric.grades?.subject).toBe('total');
    expect(rubric.grades?.bands.map((b) => [b.id, b.label.zh, b.range.text, b.passing ?? true])).toEqual([
      ['five-star', '五星', '>= 92', true],
      ['four-star', '四星', '[86, 92)', true],
      ['three-star', '三星', '[80, 86)', true],
      ['no-star', '不定星级', '< 80', false],
    ]);
  });

  it('scores the bundled examples: strong five stars, middling three stars', () => {
    const run = (name: string) => {
      const path = `${repoRoot}examples/${name}`;
      const doc = safeParseEvidence(readFileSync(path, 'utf8'), { file: path });
      if (!doc.success) throw doc.error;
      return score(compiled, doc.data.evidence);
    };
    const strong = run('jiangxi-strong.yaml');
    expect([strong.base, strong.bonus, strong.total, strong.grade?.id]).toEqual(['97.5', '3', '100.5', 'five-star']);
    const middling = run('jiangxi-middling.yaml');
    expect([middling.base, middling.bonus, middling.total, middling.grade?.id]).toEqual(['81.5', '0', '81.5', 'three-star']);
  });
});
