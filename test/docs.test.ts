import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ISSUE_CODES } from '../src/index.js';
import { repoRoot } from './support/bundled.js';

const readme = readFileSync(`${repoRoot}README.md`, 'utf8');
const sources = (dir: string): string[] =>
  readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [readFileSync(p, 'utf8')] : [];
  });
const code = sources(`${repoRoot}src`).join('\n');

describe('error codes', () => {
  it.each([...ISSUE_CODES])('%s is documented in the README with an example and raised somewhere', (c) => {
    expect(readme).toMatch(new RegExp(`^\\| \`${c}\` \\| .+\\|$`, 'm'));
    // raised as a literal somewhere besides the list itself
    expect(code.split(`'${c}'`).length - 1, `'${c}' is never raised`).toBeGreaterThan(1);
  });
});

describe('README', () => {
  it('names the two commands a newcomer runs, and .ci/run runs the test one', () => {
    expect(readme).toContain('npm ci && npm run demo');
    expect(readme).toContain('```sh\nnpm test\n```');
    const ci = readFileSync(`${repoRoot}.ci/run`, 'utf8');
    expect(ci).toMatch(/^npm ci$/m);
    expect(ci).toMatch(/^npm test$/m);
  });
});
