import type { z } from 'zod';
import { describe, issue, suggest, type Issue, type IssueCode, type PathSegment } from './issues.js';
import { misplacedKeys } from './misplaced-keys.js';

type ZodIssue = z.core.$ZodIssue;

const WORDS: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  boolean: 'true or false',
  object: 'a mapping',
  record: 'a mapping',
  map: 'a mapping',
  array: 'a list',
  never: 'nothing here',
};

export interface MapOptions {
  /** Keys the format knows, for did-you-mean on unknown keys. */
  vocabulary?: Iterable<string>;
  /** Kinds known, for the unknown-kind message. */
  kinds?: string[];
  /** Reads the input at a path, for "found" when zod did not report it. */
  at?: (path: PathSegment[]) => unknown;
}

/**
 * schema.safeParse(value), with each issue's input when it fails. Asking zod
 * for inputs (reportInput) slows every parse, successful ones included (about
 * 3.5 × on an evidence object), so the value is parsed again with it only when
 * there are issues to report. Schemas are pure: the second parse finds the same issues.
 */
export function parseReporting<T>(schema: z.ZodType<T>, value: unknown): z.ZodSafeParseResult<T> {
  const first = schema.safeParse(value);
  return first.success ? first : schema.safeParse(value, { reportInput: true });
}

/** Turns zod's issues into the library's, one per problem, with codes and paths. */
export function fromZod(issues: readonly ZodIssue[], prefix: PathSegment[], options: MapOptions = {}): Issue[] {
  const out: Issue[] = [];
  for (const zi of issues) out.push(...convert(zi, prefix, options));
  // A misspelt required key is one mistake: keep "unknown key pionts (did you
  // mean points?)" and drop the "points is required" it causes.
  const suggested = new Set(
    out.filter((i) => i.code === 'unknown-key' && i.expected).map((i) => JSON.stringify([...i.path.slice(0, -1), i.expected])),
  );
  return misplacedKeys(
    out.filter((i) => !(i.code === 'missing-key' && suggested.has(JSON.stringify(i.path)))),
    prefix,
    options.at,
  );
}

function convert(zi: ZodIssue, prefix: PathSegment[], options: MapOptions): Issue[] {
  const path = [...prefix, ...(zi.path as PathSegment[])];
  const input = 'input' in zi ? zi.input : options.at?.(zi.path as PathSegment[]);
  switch (zi.code) {
    case 'unrecognized_keys':
      return zi.keys.map((key) => {
        const hint = options.vocabulary ? suggest(key, options.vocabulary) : undefined;
        return issue('unknown-key', [...path, key], `unknown key "${key}"${hint ? ` (did you mean "${hint}"?)` : ''}`, {
          found: key,
          ...(hint ? { expected: hint } : {}),
        });
      });
    case 'invalid_type': {
      const expected = WORDS[zi.expected] ?? zi.expected;
      // Nothing at a key is a missing key; nothing at all (the whole value) is the wrong type.
      if (input === undefined && path.length > 0) {
        const last = path[path.length - 1];
        return [issue('missing-key', path, `"${String(last)}" is required`, { expected })];
      }
      // 是 / 否 are what a spreadsheet holds (CSV evidence reads them); YAML and JSON take true / false.
      const yesNo = zi.expected === 'boolean' && (input === '是' || input === '否') ? ` (write ${input === '是' ? 'true' : 'false'} for ${input})` : '';
      return [issue('invalid-type', path, `expected ${expected}, found ${describe(input)}${yesNo}`, { expected, found: describe(input) })];
    }
    case 'invalid_union': {
      const discriminator = (zi as { discriminator?: string }).discriminator;
      if (discriminator && zi.errors.length === 0) {
        // zod reports this either at the object or at its discriminator key.
        const atKey = path[path.length - 1] === discriminator;
        const found = input && typeof input === 'object' ? (input as Record<string, unknown>)[discriminator] : atKey ? input : undefined;
        const keyPath = atKey ? path : [...path, discriminator];
        const known = options.kinds ?? [];
        if (found === undefined) return [issue('missing-key', keyPath, `"${discriminator}" is required`, { expected: `one of ${known.join(', ')}` })];
        const hint = typeof found === 'string' ? suggest(found, known) : undefined;
        return [
          issue('unknown-kind', keyPath, `unknown rule kind ${describe(found)}${hint ? ` (did you mean "${hint}"?)` : ''}; the known kinds are ${known.join(', ')}`, {
            expected: `one of ${known.join(', ')}`,
            found: describe(found),
          }),
        ];
      }
      const branches = zi.errors.map((branch) => branch.map((b) => ({ ...b, path: [...(zi.path as PathSegment[]), ...(b.path as PathSegment[])] })));
      // The branch that tells the user something: one whose problems are not
      // merely "this is the wrong type here" (e.g. the object form of evidence
      // when a mapping was given).
      const typeMismatch = (b: ZodIssue): boolean =>
        b.path.length === 0 &&
        (b.code === 'invalid_type' ||
          (b.code === 'custom' && (b.params as { code?: string } | undefined)?.code === 'invalid-type') ||
          (b.code === 'invalid_union' && b.errors.every((branch) => branch.every((x) => typeMismatch(x as ZodIssue)))));
      const telling = zi.errors.findIndex((branch) => branch.some((b) => !typeMismatch(b as ZodIssue)));
      if (telling >= 0) return (branches[telling] ?? []).flatMap((b) => convert(b as ZodIssue, prefix, options));
      const expectedOf = (b: ZodIssue): string =>
        b.code === 'invalid_type'
          ? (WORDS[b.expected] ?? b.expected)
          : b.code === 'invalid_union'
            ? b.errors.flat().map((x) => expectedOf(x as ZodIssue)).join(' or ')
            : ((b as { params?: { expected?: string } }).params?.expected ?? b.message);
      if (typeof input === 'number' && !Number.isFinite(input)) {
        return [issue('invalid-value', path, `expected a finite number, found ${describe(input)}`, { expected: 'a finite number', found: describe(input) })];
      }
      const expected = [...new Set(branches.flat().map((b) => expectedOf(b as ZodIssue)))].join(' or ');
      if (input === undefined) return [issue('missing-key', path, `"${String(path[path.length - 1])}" is required`, { expected })];
      return [issue('invalid-type', path, `expected ${expected}, found ${describe(input)}`, { expected, found: describe(input) })];
    }
    case 'invalid_value':
      if (input === undefined && path.length > 0) {
        const expected = `one of ${zi.values.map((v) => JSON.stringify(v)).join(', ')}`;
        return [issue('missing-key', path, `"${String(path[path.length - 1])}" is required`, { expected })];
      }
      return [
        issue('invalid-value', path, `expected one of ${zi.values.map((v) => JSON.stringify(v)).join(', ')}, found ${describe(input)}`, {
          expected: zi.values.map(String).join(', '),
          found: describe(input),
        }),
      ];
    case 'too_small':
    case 'too_big': {
      const numeric = zi.origin === 'number' || zi.origin === 'bigint';
      const code: IssueCode = numeric ? 'out-of-range' : 'invalid-value';
      const found = describe(input);
      const bound = zi.code === 'too_small' ? zi.minimum : zi.maximum;
      const sign = zi.code === 'too_small' ? (zi.inclusive ? '≥' : '>') : zi.inclusive ? '≤' : '<';
      const most = zi.code === 'too_small' ? 'at least' : 'at most';
      // zod's own words ("Too small: expected number to be >=0") rewritten in the library's.
      const expected = numeric
        ? `a number ${sign} ${String(bound)}`
        : zi.origin === 'array' || zi.origin === 'set'
          ? `${most} ${String(bound)} ${Number(bound) === 1 ? 'entry' : 'entries'}`
          : zi.origin === 'string'
            ? `${most} ${String(bound)} ${Number(bound) === 1 ? 'character' : 'characters'}`
            : undefined;
      return [issue(code, path, expected ? `expected ${expected}, found ${found}` : zi.message, { ...(expected ? { expected } : {}), found })];
    }
    case 'custom': {
      const params = (zi.params ?? {}) as { code?: IssueCode; expected?: string; found?: string };
      const extra: Partial<Issue> = {};
      if (params.expected) extra.expected = params.expected;
      if (params.found) extra.found = params.found;
      return [issue(params.code ?? 'invalid-value', path, zi.message, extra)];
    }
    default:
      return [issue('invalid-value', path, zi.message, { found: describe(input) })];
  }
}
