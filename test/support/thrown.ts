import { expect } from 'vitest';
import { RubricError, type Issue } from '../../src/index.js';

/** What f throws, or undefined when it returns. */
export function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  return undefined;
}

/** The code and path of each issue of the RubricError f throws (and a failure if it throws anything else, or nothing). */
export function thrownIssues(f: () => unknown): Pick<Issue, 'code' | 'path'>[] {
  const e = thrown(f);
  expect(e).toBeInstanceOf(RubricError);
  return (e as RubricError).issues.map((i) => ({ code: i.code, path: i.path }));
}
