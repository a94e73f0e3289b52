import { Dec } from './decimal.js';
import { issue, suggest, type Issue, type PathSegment } from './issues.js';
import type { AnyRuleKind, ItemBase } from './kinds/define.js';
import { formatPath } from './format-issues.js';
import type { Band } from './schema.js';
import { coverageProblems } from './range.js';
import { isUnparsed, type MeaningItem, type MeaningRubric, type MeaningSection } from './salvage.js';
import { requiresProblems, type Requiring } from './requires-problems.js';

/**
 * Checks of meaning: ids unique, declared maxima reachable, bonus sections
 * at the top, references that exist (a part's requires among them), grade
 * bands that neither overlap nor leave a gap. On a rubric whose shape is
 * wrong in places (see salvage.ts), what did not parse is left out: its id
 * still counts, a maximum that depends on it is not compared.
 */
export function validateMeaning(rubric: MeaningRubric, kinds: Map<string, AnyRuleKind>): Issue[] {
  const problems: Issue[] = [];
  const ids = new Map<string, PathSegment[]>();
  const sectionIds = new Set<string>();
  /** Items by id; undefined for one that did not parse. */
  const items = new Map<string, ItemBase | undefined>();
  const maxOf = (item: ItemBase): Dec => (kinds.get(item.kind) as AnyRuleKind).maxPoints(item, maxOf);

  const claim = (id: string | undefined, path: PathSegment[]) => {
    if (id === undefined) return;
    const first = ids.get(id);
    if (first) {
      problems.push(issue('duplicate-id', [...path, 'id'], `the id "${id}" is used twice (first at ${formatPath(first)})`, { expected: 'an id used nowhere else in the rubric', found: id }));
    }
    else ids.set(id, path);
  };
  /** Items that say requires, checked once every id is known. */
  const requiring: Requiring[] = [];
  const visitItem = (item: MeaningItem, path: PathSegment[], parent?: Requiring['parent']) => {
    claim(item.id, path);
    if (item.id !== undefined) items.set(item.id, isUnparsed(item) ? undefined : item);
    if (item.requires !== undefined) requiring.push({ item, requires: item.requires, path, parent });
    const parts = (item as { parts?: MeaningItem[] }).parts;
    // A kind not registered is reported for that: its parts' requires wait until it is fixed (requires-problems.ts).
    const kind = (item as { kind?: string }).kind;
    const holder = parts && { id: item.id, kind: kind !== undefined && kinds.has(kind) ? kind : undefined, parts };
    parts?.forEach((p, i) => visitItem(p, [...path, 'parts', i], holder));
  };
  // What a section can reach; undefined when some of it did not parse.
  const visitSection = (section: MeaningSection, path: PathSegment[], depth: number): Dec | undefined => {
    claim(section.id, path);
    if (section.id !== undefined) sectionIds.add(section.id);
    // A section whose id did not parse is named by where it is.
    const named = section.id !== undefined ? `the section "${section.id}"` : `the section at ${formatPath(path)}`;
    if (section.bonus && depth > 0) {
      problems.push(issue('invalid-value', [...path, 'bonus'], 'only a top-level section can be a bonus section', { expected: 'bonus on a top-level section', found: `bonus on a section at depth ${depth + 1}` }));
    }
    if (!section.unknownReach && !section.sections?.length && !section.items?.length) {
      problems.push(issue('missing-key', [...path, 'items'], `${named} has neither sections nor items`, { expected: 'items or sections' }));
    }
    let reach: Dec | undefined = section.unknownReach ? undefined : Dec.ZERO;
    section.sections?.forEach((s, i) => {
      const r = visitSection(s, [...path, 'sections', i], depth + 1);
      reach = reach && r ? reach.add(r) : undefined;
    });
    section.items?.forEach((item, i) => {
      visitItem(item, [...path, 'items', i]);
      reach = reach && !isUnparsed(item) ? reach.add(maxOf(item)) : undefined;
    });
    if (reach && section.cap) reach = Dec.min(reach, section.cap);
    if (reach && section.max && !reach.eq(section.max)) {
      problems.push(
        issue('max-mismatch', [...path, 'max'], `${named} declares a maximum of ${section.max.toString()} but its items can reach ${reach.toString()}`, {
          expected: reach.toString(),
          found: section.max.toString(),
        }),
      );
    }
    // What the section can reach, not what it declares: a changed item's points show at every level above it in one pass.
    return reach;
  };
  let base: Dec | undefined = Dec.ZERO;
  rubric.sections.forEach((s, i) => {
    const max = visitSection(s, ['sections', i], 0);
    if (!s.bonus) base = base && max ? base.add(max) : undefined;
  });
  if (base && rubric.max && !base.eq(rubric.max)) {
    problems.push(
      issue('max-mismatch', ['max'], `the rubric declares a maximum of ${rubric.max.toString()} but its sections (without bonus sections) reach ${base.toString()}`, {
        expected: base.toString(),
        found: rubric.max.toString(),
      }),
    );
  }

  // A part worth 0 whose kind judges no criteria has no met of its own to require.
  const unjudged = (part: MeaningItem): string | undefined =>
    isUnparsed(part) || kinds.get(part.kind)?.judgesCriteria === true || !maxOf(part).isZero() ? undefined : part.kind;
  problems.push(...requiresProblems(requiring, ids, unjudged));

  const gateIds = new Set<string>();
  rubric.gates?.forEach((gate, i) => {
    const path: PathSegment[] = ['gates', i];
    if (gateIds.has(gate.id)) problems.push(issue('duplicate-id', [...path, 'id'], `the gate id "${gate.id}" is used twice`, { expected: 'a gate id not used before', found: gate.id }));
    gateIds.add(gate.id);
    if (gate.effect === 'block' && !gate.otherwise) {
      problems.push(issue('missing-key', [...path, 'otherwise'], 'a blocking gate names the outcome when it fails (otherwise: { id, label })', { expected: 'otherwise' }));
    }
    problems.push(...checkSubject(gate.subject, [...path, 'subject'], sectionIds, items, kinds));
  });

  if (rubric.grades) {
    const bands = rubric.grades.bands;
    const bandIds = new Set<string>();
    bands.forEach((b, i) => {
      if (bandIds.has(b.id)) problems.push(issue('duplicate-id', ['grades', 'bands', i, 'id'], `the band id "${b.id}" is used twice`, { expected: 'a band id not used before', found: b.id }));
      bandIds.add(b.id);
      const next = bands[i + 1];
      if (next && (!b.range.min || (next.range.min && next.range.min.gt(b.range.min)))) {
        problems.push(
          issue('band-order', ['grades', 'bands', i + 1, 'range'], 'bands are listed best first: each band lies below the one before it', {
            expected: `a band below "${b.id}" (${b.range.text})`,
            found: `"${next.id}" (${next.range.text})`,
          }),
        );
      }
    });
    const shown = (b: Band | undefined) => `"${b?.id}" (${b?.range.text})`;
    for (const p of coverageProblems(bands.map((b) => b.range), Dec.ZERO)) {
      const at = p.b ?? p.a;
      problems.push(
        p.kind === 'overlap'
          ? issue('band-overlap', ['grades', 'bands', at, 'range'], `the bands "${bands[p.a]?.id}" and "${bands[at]?.id}" overlap at ${p.at}`, {
              expected: 'bands that share no value',
              found: `${shown(bands[p.a])} and ${shown(bands[at])}`,
            })
          : issue('band-gap', ['grades', 'bands', at, 'range'], `the bands leave a gap ${p.at}: every total from 0 up must fall in exactly one band`, {
              expected: 'bands that cover every value from 0 up',
              found: `no band ${p.at}`,
            }),
      );
    }
  }
  return problems;
}

function checkSubject(subject: string, path: PathSegment[], sections: Set<string>, items: Map<string, ItemBase | undefined>, kinds: Map<string, AnyRuleKind>): Issue[] {
  const [kind, ref] = subject.split(/:(.*)/s) as [string, string | undefined];
  if (!ref) return [];
  if (kind === 'section' && !sections.has(ref)) return [unknownRef('section', ref, path, sections)];
  if (kind === 'item' && !items.has(ref)) return [unknownRef('item', ref, path, items.keys())];
  if (kind === 'evidence') {
    const [itemId] = ref.split('/') as [string];
    if (!items.has(itemId)) return [unknownRef('item', itemId, path, items.keys())];
    const item = items.get(itemId);
    // An item that did not parse has had its problems reported already.
    if (!item) return [];
    if (!kinds.get(item.kind)?.measure) {
      const measured = [...kinds.values()].filter((k) => k.measure).map((k) => k.name);
      return [
        issue('unknown-reference', path, `the item "${itemId}" (kind ${item.kind}) has no measured value a condition can read`, {
          expected: `an item of a kind with a measured value (${measured.join(', ')})`,
          found: `${itemId}, of kind ${item.kind}`,
        }),
      ];
    }
  }
  return [];
}

function unknownRef(what: string, ref: string, path: PathSegment[], known: Iterable<string>): Issue {
  const hint = suggest(ref, known);
  return issue('unknown-reference', path, `there is no ${what} "${ref}"${hint ? ` (did you mean "${hint}"?)` : ''}`, { expected: `the id of an existing ${what}`, found: ref });
}
