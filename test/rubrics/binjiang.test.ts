import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../support/bundled.js';
import { rubricTree } from '../support/rubric-tree.js';
import { Dec, safeParseEvidence, score, type Section } from '../../src/index.js';

/**
 * The bundled rubric of 杭州高新区(滨江)《社区美好生活共同体运营与管理规范》(征求意见稿, 2023)
 * against the numbers printed in the source (Table C.1, Table A.1, §7.1.1).
 */
const { rubric, compiled, reachable, itemsOf } = rubricTree('binjiang-2023-draft.yaml');

// Table C.1: 评价内容 → 序号 / sub-group → 评价指标 rows and their 分值, in table order.
// 服务功能 lost its points column in the source; it is 2 (four sub-items of 0.5), see READING-NOTES.
const TABLE: [group: string, groupZh: string, groupMax: string, subs: [id: string, zh: string, max: string, rows: [zh: string, points: string][]][]][] = [
  ['setup', '基本设置', '25', [
    ['C1', '环境设施', '10', [['选址科学', '2'], ['标识醒目', '2'], ['布局合理', '2'], ['环境卫生', '4']]],
    ['C2', '功能设置', '15', [['活动功能', '10'], ['议事功能', '3'], ['服务功能', '2']]],
  ]],
  ['operation', '运营管理', '25', [
    ['C3', '制度建设', '5', [['管理制度', '1'], ['运营制度', '1'], ['安全制度', '3']]],
    ['C4', '队伍建设', '20', [['社工人才', '7'], ['社会组织', '7'], ['志愿者', '6']]],
  ]],
  ['outcome', '成效评价', '50', [
    ['C5', '服务开展', '9', [['常态开放', '2'], ['主题活动', '2'], ['专业服务', '2'], ['民主协商', '3']]],
    ['C6', '服务成效', '41', [['居民满意度', '25'], ['品牌成效', '7'], ['媒体报道', '6'], ['荣誉表彰', '3']]],
  ]],
];

const ROWS = TABLE.flatMap(([, , , subs]) => subs.flatMap(([id, , , rows]) => rows.map(([zh, points]) => ({ sub: id, zh, points }))));

const evidenceOf = (name: string) => {
  const path = `${repoRoot}examples/${name}`;
  const doc = safeParseEvidence(readFileSync(path, 'utf8'), { file: path });
  if (!doc.success) throw doc.error;
  return doc.data.evidence as Record<string, unknown>;
};

describe('binjiang-2023-draft', () => {
  it('carries the source metadata of the 2023 draft (dates unknown, left out)', () => {
    expect(rubric.id).toBe('binjiang-2023-draft');
    expect(rubric.version).toBe('2023-draft');
    expect(rubric.source.issuer).toBe('杭州高新技术产业开发区(滨江)市场监督管理局');
    expect(rubric.source.proposer).toBe('杭州市滨江区民政局');
    expect(rubric.source.status).toBe('draft');
    expect(rubric.source.issued).toBeUndefined();
    expect(rubric.source.effective).toBeUndefined();
  });

  it('has a maximum of exactly 100, declared and reachable', () => {
    expect(rubric.max.toString()).toBe('100');
    expect(compiled.max.toString()).toBe('100');
    expect(compiled.maxWithBonus.toString()).toBe('100');
    const sum = rubric.sections.reduce((acc, s) => acc.add(reachable(s)), Dec.ZERO);
    expect(sum.toString()).toBe('100');
    expect(rubric.sections.some((s) => s.bonus)).toBe(false);
  });

  it('groups the rows as Table C.1 does: 基本设置 25 / 运营管理 25 / 成效评价 50, 序号1–6', () => {
    expect(rubric.sections.map((s) => s.id)).toEqual(TABLE.map(([id]) => id));
    TABLE.forEach(([id, zh, max, subs], i) => {
      const s = rubric.sections[i] as Section;
      expect(s.title.zh).toBe(zh);
      expect(s.max.toString(), id).toBe(max);
      expect(reachable(s).toString(), id).toBe(max);
      expect((s.sections ?? []).map((c) => c.id)).toEqual(subs.map(([sid]) => sid));
      for (const [sid, szh, smax] of subs) {
        const sub = compiled.sections.get(sid) as Section;
        expect(sub.title.zh).toBe(szh);
        expect(sub.max.toString(), sid).toBe(smax);
        expect(reachable(sub).toString(), sid).toBe(smax);
        expect(sub.clause).toBe(`表C.1 序号${sid.slice(1)}`);
      }
    });
  });

  it('encodes the 21 rows of Table C.1, in order, each worth its 分值', () => {
    expect(ROWS).toHaveLength(21);
    expect(compiled.items.size).toBe(21);
    const items = rubric.sections.flatMap(itemsOf);
    expect(items.map((i) => i.title.zh)).toEqual(ROWS.map((r) => r.zh));
    items.forEach((item, k) => {
      const row = ROWS[k]!;
      expect(item.points.toString(), row.zh).toBe(row.points);
      expect(compiled.maxOf(item).toString(), row.zh).toBe(row.points);
      expect(item.clause, item.id).toBe(`表C.1 序号${row.sub.slice(1)} ${row.zh}`);
      expect(item.id.startsWith(`${row.sub}-`), item.id).toBe(true);
    });
    const total = Dec.sum(ROWS.map((r) => Dec.parse(r.points) as Dec));
    expect(total.toString()).toBe('100');
  });

  it('keeps numbered sub-items as parts with their own kinds, not yes/no', () => {
    const kinds = Object.fromEntries([...compiled.items.values()].map((i) => [i.id, i.kind]));
    expect(kinds).toMatchObject({
      'C1-hygiene': 'sum',
      'C2-activity': 'sum',
      'C3-safety': 'sum',
      'C4-social-workers': 'sum',
      'C4-organisations': 'sum',
      'C4-volunteers': 'sum',
      'C5-themed-events': 'deduct',
      'C5-professional': 'count',
      'C5-consultation': 'count',
      'C6-satisfaction': 'rate',
      'C6-brand': 'sum',
      'C6-media': 'sum',
      'C6-honours': 'levels',
    });
    const part = (id: string) => compiled.allItems.get(id);
    expect(part('C1-hygiene-cleanliness')?.kind).toBe('deduct');
    expect(part('C3-management-executed')?.kind).toBe('states');
    expect(part('C3-operation-executed')?.kind).toBe('states');
    expect(part('C3-safety-rules')?.kind).toBe('states');
    expect(part('C3-safety-training')?.kind).toBe('states');
    expect(part('C3-safety-patrol')?.kind).toBe('deduct');
    expect(part('C4-social-workers-certificates')?.kind).toBe('count');
    expect(part('C4-social-workers-training')?.kind).toBe('deduct');
    expect(part('C4-volunteers-hours')?.kind).toBe('count');
    expect(part('C6-brand-projects')?.kind).toBe('count');
    expect(part('C6-media-exchange')?.kind).toBe('levels');
    expect(part('C6-media-coverage')?.kind).toBe('levels');
    // the draft's oddities carry a note citing READING-NOTES
    for (const id of ['C3-management-executed', 'C3-operation-executed', 'C3-safety-patrol', 'C2-service']) {
      expect(part(id)?.note, id).toMatch(/READING-NOTES/);
    }
  });

  it('types by score ratio (Table A.1): ≥ 0.9 示范型, [0.8, 0.9) 标准型, < 0.8 基础型, none of them a failure', () => {
    expect(rubric.grades?.subject).toBe('ratio');
    expect(rubric.grades?.bands.map((b) => [b.id, b.label.zh, b.range.text, b.passing ?? true])).toEqual([
      ['demonstration', '示范型', '>= 0.9', true],
      ['standard', '标准型', '[0.8, 0.9)', true],
      ['basic', '基础型', '< 0.8', true],
    ]);
  });

  it('reports §7.1.1 (satisfaction ≥ 90 %) beside the type', () => {
    expect(rubric.gates?.map((g) => [g.id, g.subject, g.range.text, g.effect])).toEqual([
      ['satisfaction-90', 'evidence:C6-satisfaction', '>= 0.9', 'report'],
    ]);
  });

  it('scores the bundled examples: demonstration 90.75 示范型, basic 56.25 基础型', () => {
    const demo = score(compiled, evidenceOf('binjiang-demonstration.yaml'));
    expect([demo.total, demo.ratio, demo.grade?.id]).toEqual(['90.75', '0.9075', 'demonstration']);
    expect(demo.gates.map((g) => [g.id, g.passed])).toEqual([['satisfaction-90', true]]);
    const basic = score(compiled, evidenceOf('binjiang-basic.yaml'));
    expect([basic.total, basic.ratio, basic.grade?.id]).toEqual(['56.25', '0.5625', 'basic']);
    expect(basic.gates.map((g) => [g.id, g.passed])).toEqual([['satisfaction-90', false]]);
  });

  it('puts the type boundaries where Table A.1 does (90 / 89.5, 80 / 79.5)', () => {
    const base = evidenceOf('binjiang-demonstration.yaml');
    // demonstration example = 67 + 25 × satisfaction
    const at = (rate: string) => score(compiled, { ...base, 'C6-satisfaction': Number(rate) });
    expect([at('0.92').total, at('0.92').grade?.id]).toEqual(['90', 'demonstration']);
    expect([at('0.9').total, at('0.9').grade?.id]).toEqual(['89.5', 'standard']);
    expect([at('0.52').total, at('0.52').grade?.id]).toEqual(['80', 'standard']);
    expect([at('0.5').total, at('0.5').grade?.id]).toEqual(['79.5', 'basic']);
    // Not rounded: 25 × 0.91999999999999 = 22.99999999999975, so 89.99999999999975 is 标准型, not 90.
    expect([at('0.91999999999999').total, at('0.91999999999999').grade?.id]).toEqual(['89.99999999999975', 'standard']);
    // A survey count that repeats (55 of 60: 22.9166…) is written to 12 places.
    const counted = score(compiled, { ...base, 'C6-satisfaction': { count: 55, of: 60 } });
    expect([counted.total, counted.grade?.id]).toEqual(['89.916666666667', 'standard']);
  });
});
