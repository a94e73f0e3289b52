import { issue, suggest, type Issue, type PathSegment } from './issues.js';
import { formatPath } from './format-issues.js';
import type { MeaningItem } from './salvage.js';

/**
 * The checks of `requires` (kinds/requires.ts), with the rubric's other
 * checks of meaning: a part of a sum may require another part of the same
 * sum, one that requires nothing itself. Anything else is a problem of the
 * rubric: a requires outside the parts of a sum, on the part itself, naming
 * no sibling, or naming a sibling that requires another (a chain, which
 * would make a part's points hang on parts it does not name, or a cycle,
 * whose parts could never score), or a sibling worth 0 points that judges
 * no criteria (a sum of checklists: met would mean nothing, so it was
 * always met).
 */

/** An item that says `requires`, where it stands. */
export interface Requiring {
  item: MeaningItem;
  requires: string;
  path: PathSegment[];
  /** The item it is a part of (its kind undefined where it did not parse or is no kind known); undefined for an item of a section. */
  parent?: { id: string | undefined; kind: string | undefined; parts: readonly MeaningItem[] } | undefined;
}

const ON_A_PART = 'requires on a part of a sum, naming a sibling part';

/**
 * The problems of every requires in the rubric; `ids` are the rubric's ids (sections and items) and where each is.
 * `unjudged` names the kind of a part worth 0 points whose kind judges no criteria (undefined for any other):
 * nothing says whether such a part is met, so it would count as met whatever its evidence.
 */
export function requiresProblems(requiring: readonly Requiring[], ids: ReadonlyMap<string, PathSegment[]>, unjudged: (part: MeaningItem) => string | undefined): Issue[] {
  return requiring.flatMap((r) => problemOf(r, ids, unjudged) ?? []);
}

function problemOf({ item, requires, path, parent }: Requiring, ids: ReadonlyMap<string, PathSegment[]>, unjudged: (part: MeaningItem) => string | undefined): Issue | undefined {
  const at = [...path, 'requires'];
  const id = item.id ?? formatPath(path);
  if (!parent) {
    return issue('invalid-value', at, `only a part of a sum can require a sibling: "${id}" is an item of its section`, { expected: ON_A_PART, found: 'requires on an item of a section' });
  }
  // A parent whose kind did not parse, or is no kind known, is reported for that; its parts' requires wait until it is fixed.
  if (parent.kind === undefined) return undefined;
  if (parent.kind !== 'sum') {
    return issue('invalid-value', at, `only a part of a sum can require a sibling: "${id}" is a part of the ${parent.kind} item "${parent.id ?? '?'}"`, {
      expected: ON_A_PART,
      found: `requires on a part of a ${parent.kind} item`,
    });
  }
  if (requires === item.id) return issue('invalid-value', at, `the part "${id}" requires itself`, { expected: 'the id of another part of the same sum', found: requires });
  const others = parent.parts.filter((p) => p !== item && p.id !== undefined).map((p) => p.id as string);
  const sibling = parent.parts.find((p) => p !== item && p.id === requires);
  if (!sibling) {
    const expected = `the id of another part of "${parent.id ?? '?'}"${others.length ? ` (${others.join(', ')})` : ''}`;
    const elsewhere = ids.get(requires);
    if (elsewhere) {
      return issue('unknown-reference', at, `"${requires}" is not a part of the same sum as "${id}" (it is at ${formatPath(elsewhere)}): a part can require only a sibling`, { expected, found: requires });
    }
    const hint = suggest(requires, others);
    return issue('unknown-reference', at, `the sum "${parent.id ?? '?'}" has no part "${requires}"${hint ? ` (did you mean "${hint}"?)` : ''}`, { expected, found: requires });
  }
  if (sibling.requires === undefined) {
    const kind = unjudged(sibling);
    if (kind === undefined) return undefined;
    return issue('invalid-value', at, `"${requires}", which "${id}" requires, is a ${kind} part worth 0 points: it judges no criteria, so nothing says whether it is met`, {
      expected: 'a sibling part worth points, or one worth 0 that judges criteria (check, checklist)',
      found: `"${requires}", a ${kind} part worth 0 points`,
    });
  }
  const cycle = cycleThrough(item, parent.parts);
  if (cycle) {
    // One problem for a cycle, at its first part in the list.
    const first = parent.parts.find((p) => p.id !== undefined && cycle.includes(p.id));
    if (first !== item) return undefined;
    return issue('invalid-value', at, `the parts ${cycle.join(' → ')} require one another in a circle: none of them could ever score`, {
      expected: 'requires that end at a part requiring nothing',
      found: cycle.join(' → '),
    });
  }
  return issue('invalid-value', at, `"${requires}", which "${id}" requires, itself requires "${sibling.requires}": a part can require only a part that requires nothing`, {
    expected: 'a sibling part that requires nothing',
    found: `"${requires}", which requires "${sibling.requires}"`,
  });
}

/** The ids from `item` along its requires back to it ("a → b → a"), or undefined when they do not come back. */
function cycleThrough(item: MeaningItem, parts: readonly MeaningItem[]): string[] | undefined {
  const path = [item.id as string];
  let at: MeaningItem | undefined = item;
  while (at?.requires !== undefined && path.length <= parts.length) {
    const next: string = at.requires;
    path.push(next);
    if (next === item.id) return path;
    if (path.indexOf(next) < path.length - 1) return undefined;
    at = parts.find((p) => p.id === next);
  }
  return undefined;
}
