import { z } from 'zod';
import { Dec } from '../decimal.js';
import { describe, issue, suggest, type Issue } from '../issues.js';
import { defineRuleKind, type ItemBase } from './define.js';
import { fastCases } from './fast.js';
import { fmt, fraction, idSchema, uniqueIds } from './shared.js';

const stateSpec = z.strictObject({
  id: idSchema,
  fraction,
  zh: z.string().optional(),
  en: z.string().optional(),
});

export interface StatesItem extends ItemBase {
  states: z.output<typeof stateSpec>[];
}

/** states — a judged state (A/B/C or any named set) gives a fraction of the points. */
export const states = defineRuleKind<StatesItem, string>({
  name: 'states',
  doc: {
    summary: {
      zh: '按评定状态（如 A/B/C）取分值的一定比例：A 100%、B 66%、C 33%。',
      en: 'A judged state (A/B/C, or any named set) → a fraction of the points: A 100 %, B 66 %, C 33 %.',
    },
    example: [
      'id: II-4',
      'title: { zh: 文明和谐, en: Civility and harmony }',
      'points: 8',
      'kind: states',
      'states:',
      '  - { id: A, fraction: 1 }',
      '  - { id: B, fraction: 0.66 }',
      '  - { id: C, fraction: 0.33 }',
    ].join('\n'),
    evidenceExample: 'B',
  },
  params: () => ({ states: z.array(stateSpec).min(1) }),
  check(item) {
    const problems: Issue[] = [];
    const unique = uniqueIds('states', 'state');
    item.states.forEach((s, i) => {
      const duplicate = unique(s.id, i);
      if (duplicate) problems.push(duplicate);
      const prev = item.states[i - 1];
      if (prev && s.fraction.gt(prev.fraction)) {
        problems.push(issue('invalid-value', ['states', i, 'fraction'], 'states are listed best first: a fraction may not exceed the one before it', { expected: `at most ${fmt(prev.fraction)}`, found: fmt(s.fraction) }));
      }
    });
    if (item.states[0] && !item.states[0].fraction.eq(Dec.ONE)) {
      problems.push(issue('invalid-value', ['states', 0, 'fraction'], 'the best state gives the full points', { expected: '1', found: fmt(item.states[0].fraction) }));
    }
    return problems;
  },
  maxPoints: (item) => item.points,
  evidence(item) {
    const ids = item.states.map((s) => s.id);
    return z.string({ error: (iss) => `expected one of the states ${ids.join(', ')}, found ${describe(iss.input)}` }).superRefine((v, ctx) => {
      if (!ids.includes(v)) {
        const hint = suggest(v, ids);
        ctx.addIssue({
          code: 'custom',
          message: `"${v}" is not a state of this item${hint ? ` (did you mean "${hint}"?)` : ''}`,
          params: { code: 'invalid-value', expected: `one of ${ids.join(', ')}`, found: JSON.stringify(v) },
        });
      }
    });
  },
  fast(item, ctx) {
    const byState = new Map<string, number>();
    for (const s of item.states) {
      const p = ctx.scaled(item.points.mul(s.fraction));
      if (p === undefined) return undefined;
      byState.set(s.id, p);
    }
    return fastCases(byState);
  },
  score(item, state) {
    const spec = item.states.find((s) => s.id === state) as StatesItem['states'][number];
    const points = item.points.mul(spec.fraction);
    const label = spec.zh ? `（${spec.zh}）` : '';
    return {
      points,
      reason: {
        zh: `状态 ${state}${label}：${fmt(item.points)} × ${fmt(spec.fraction)} = ${fmt(points)} 分`,
        en: `state ${state}${spec.en ? ` (${spec.en})` : ''}: ${fmt(item.points)} × ${fmt(spec.fraction)} = ${fmt(points)}`,
      },
    };
  },
});
