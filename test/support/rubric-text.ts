/** Rubric texts for loader and command-line tests, and positions computed from them. */

/** A check item on one line, indented for a section's item list. */
export const CHECK = (id: string, points = '1') => `      - { id: ${id}, title: { zh: 甲, en: A }, points: ${points}, kind: check }`;

export interface RubricParts {
  /** Lines inserted after `source:` (top-level keys such as rounding). */
  top?: string[];
  /** The rubric's declared maximum (default '1'). */
  max?: string;
  /** The section's declared maximum (default: the rubric's). */
  sectionMax?: string;
  /** The section's item lines (default: one check item worth 1). */
  items?: string[];
  /** Lines after the section (gates, grades). */
  after?: string[];
}

/**
 * A minimal rubric as YAML text: id, version, title, source, max and one
 * section with max and items. Positions in the tests are computed from the
 * text this returns, never copied from the library's output.
 */
export function rubricYaml(parts: RubricParts = {}): string {
  return [
    'id: demo',
    'version: "1"',
    'title: { zh: 示例, en: Demo }',
    'source: { name: 示例来源 }',
    ...(parts.top ?? []),
    `max: ${parts.max ?? '1'}`,
    'sections:',
    '  - id: s1',
    '    title: { zh: 一, en: One }',
    `    max: ${parts.sectionMax ?? parts.max ?? '1'}`,
    '    items:',
    ...(parts.items ?? [CHECK('a')]),
    ...(parts.after ?? []),
    '',
  ].join('\n');
}

/**
 * The 1-based line and column of `token`, searched from the n-th occurrence
 * of `anchor` (so a token that occurs several times can be singled out).
 */
export function pos(text: string, anchor: string, token: string = anchor, occurrence = 1): { line: number; column: number } {
  let idx = -1;
  for (let k = 0; k < occurrence; k++) {
    idx = text.indexOf(anchor, idx + 1);
    if (idx < 0) throw new Error(`"${anchor}" occurs fewer than ${occurrence} times`);
  }
  const at = text.indexOf(token, idx);
  if (at < 0) throw new Error(`"${token}" not found after "${anchor}"`);
  const before = text.slice(0, at);
  const lineStart = before.lastIndexOf('\n') + 1;
  return { line: before.split('\n').length, column: at - lineStart + 1 };
}

/**
 * A rubric with three mistakes: a misspelt key (on a checklist item, whose
 * points are optional, so the misspelling is the only problem it causes), a
 * string where a number is expected, and a range that is not a range.
 */
export const THREE_MISTAKES = rubricYaml({
  top: ['rounding: { places: "two", mode: half-up }'],
  items: [
    '      - id: a',
    '        title: { zh: 甲, en: A }',
    '        kind: checklist',
    '        pionts: 1',
    '      - id: t',
    '        title: { zh: 乙, en: B }',
    '        points: 1',
    '        kind: tiers',
    '        measures: { n: { zh: 数, en: N } }',
    '        tiers:',
    '          - { points: 1, when: { n: "at least 3" } }',
  ],
});
