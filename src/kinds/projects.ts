import { z } from 'zod';
import { Dec } from '../decimal.js';
import { defineRuleKind, type ItemBase, type Outcome } from './define.js';
import { bilingual, fmt, idSchema, positive, quantity, duplicateIds } from './shared.js';

const categorySpec = z.strictObject({ id: idSchema, zh: z.string().min(1), en: z.string().min(1) });

export interface ProjectsItem extends ItemBase {
  categories: z.output<typeof categorySpec>[];
  perCategory?: number;
  scoreMax: Dec;
  aspects?: z.output<typeof bilingual>[];
}

interface Project {
  name: string;
  category: string;
  score: Dec;
}

/** projects — scored entries, limited per category, averaged and scaled to the item's points. */
export const projects = defineRuleKind<ProjectsItem, Project[]>({
  name: 'projects',
  doc: {
    summary: {
      zh: '项目测评：逐项评分（如 0–100），每类限报若干项，取平均分按比例折算为本项分值；无项目得 0 分。',
      en: 'Scored entries (e.g. 0–100), at most N per category, averaged and scaled: points × mean ÷ scoreMax; none → 0.',
    },
    example: [
      'id: II-11',
      'title: { zh: “家门口”项目, en: Doorstep projects }',
      'points: 40',
      'kind: projects',
      'perCategory: 2',
      'scoreMax: 100',
      'categories:',
      '  - { id: elderly-care, zh: 养老服务类, en: Elderly care }',
    ].join('\n'),
    evidenceExample: '[ { name: 邻里食堂, category: elderly-care, score: 88 } ]',
  },
  params: () => ({
    categories: z.array(categorySpec).min(1),
    perCategory: z.number().int().min(1).optional(),
    scoreMax: positive,
    aspects: z.array(bilingual).optional(),
  }),
  check: (item) => duplicateIds(item.categories, 'categories', 'category'),
  maxPoints: (item) => item.points,
  evidence(item) {
    const ids = item.categories.map((c) => c.id);
    const project = z.strictObject({
      name: z.string().min(1),
      category: z.string().refine((c) => ids.includes(c), { message: `expected one of the categories ${ids.join(', ')}`, params: { code: 'invalid-value', expected: ids.join(', ') } }),
      score: quantity({ max: item.scoreMax }),
    });
    return z
      .array(project)
      .max(10_000)
      .superRefine((list, ctx) => {
        if (!item.perCategory) return;
        const byCategory = new Map<string, number[]>();
        list.forEach((p, i) => byCategory.set(p.category, [...(byCategory.get(p.category) ?? []), i]));
        for (const [cat, indices] of byCategory) {
          if (indices.length > item.perCategory) {
            const spec = item.categories.find((c) => c.id === cat);
            ctx.addIssue({
              code: 'custom',
              path: [indices[item.perCategory] as number, 'category'],
              message: `${indices.length} project${indices.length === 1 ? '' : 's'} in the category ${cat}${spec ? ` (${spec.zh})` : ''}: at most ${item.perCategory} per category`,
              params: { code: 'too-many-in-category', expected: `at most ${item.perCategory}`, found: String(indices.length) },
            });
          }
        }
      }) as unknown as z.ZodType<Project[]>;
  },
  score(item, list): Outcome {
    if (list.length === 0) return { points: Dec.ZERO, reason: { zh: '无项目，得 0 分', en: 'no projects: 0' }, detail: { projects: '0' } };
    const sum = Dec.sum(list.map((p) => p.score));
    const mean = sum.div(Dec.int(list.length));
    const points = item.points.mul(mean).div(item.scoreMax);
    return {
      points,
      reason: {
        zh: `${list.length} 个项目，平均分 ${fmt(mean)}；${fmt(item.points)} × ${fmt(mean)} ÷ ${fmt(item.scoreMax)} = ${fmt(points)} 分`,
        en: `${list.length} project${list.length === 1 ? '' : 's'}, mean score ${fmt(mean)}: ${fmt(item.points)} × ${fmt(mean)} ÷ ${fmt(item.scoreMax)} = ${fmt(points)}`,
      },
      detail: { projects: String(list.length), mean: mean.toString() },
    };
  },
});
