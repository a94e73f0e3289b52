import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import ts from 'typescript';
import * as library from '../src/index.js';
import { ISSUE_CODES, compile, parseRubric, safeParseEvidence, score } from '../src/index.js';
import { repoRoot } from './support/bundled.js';
import { runCli } from './support/cli.js';
import { readme, readmeKindExample } from './support/readme.js';
import { tempDir } from './support/temp.js';

const temp = tempDir('shequ-docs-');

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

describe('the README API example', () => {
  it('gives the total and grade its comments say, and the full example five stars', () => {
    const file = `${repoRoot}rubrics/jiangxi-db36-t-1609-2022.yaml`;
    const compiled = compile(parseRubric(readFileSync(file, 'utf8'), { file }));
    const result = score(compiled, { '1.1a': true, '3.2a': { workers: 20, certified: 5 }, '4.5': 0.93 }, { missing: 'zero' });
    expect(readme).toContain(`result.total;  // "${result.total}":`);
    expect(readme).toContain(`result.grade;  // { id: '${result.grade?.id}', label: { zh: '${result.grade?.label.zh}', en: '${result.grade?.label.en}' }, range: '${result.grade?.range}', passing: ${result.grade?.passing} }`);
    const strong = safeParseEvidence(readFileSync(`${repoRoot}examples/jiangxi-strong.yaml`, 'utf8'));
    if (!strong.success) throw strong.error;
    const full = score(compiled, strong.data.evidence);
    expect(readme).toContain(`gives \`"${full.total}"\`, five stars`);
    expect(full.grade?.id).toBe('five-star');
  });
});

describe('the fixture file example of docs/rubric-format.md', () => {
  it('passes when run as it is written', () => {
    const doc = readFileSync(`${repoRoot}docs/rubric-format.md`, 'utf8');
    const block = doc.match(/## Fixture files \(`shequ-rubric test`\)\n\n```yaml\n([\s\S]*?)```/)?.[1];
    expect(block).toBeDefined();
    // Its paths are relative to a fixture file two levels below the repository root.
    const file = temp.write('docs-fixture.yaml', (block as string).replaceAll('../../', repoRoot));
    const r = runCli(['test', file]);
    expect(r.stdout + r.stderr).not.toContain('✗');
    expect(r.status, r.stdout + r.stderr).toBe(0);
  });
});

describe('the README command-line example', () => {
  it('is what validate prints for docs/examples/bad.yaml', () => {
    const block = readme.match(/```\n\$ shequ-rubric validate docs\/examples\/bad\.yaml\n([\s\S]*?)```/)?.[1];
    expect(block).toBeDefined();
    const r = runCli(['validate', 'docs/examples/bad.yaml']);
    expect(r.status).toBe(1);
    expect(`${r.stdout}${r.stderr}`).toBe(block);
  });
});

describe("the README's example of a kind of one's own", () => {
  it('runs as written (with the library for "shequ-rubric") and gives the total its comment says', () => {
    const source = readmeKindExample();
    expect(source).toMatch(/^import \{[^}]*\bz\b[^}]*\} from 'shequ-rubric';$/m);
    const said = source.match(/^result\.total;\s+\/\/ "([^"]+)"/m)?.[1];
    expect(said).toBeDefined();
    // TypeScript to JavaScript (types dropped), then the import read from the library's sources.
    const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
    const body = js.replace(/^import \{([^}]*)\} from 'shequ-rubric';$/m, 'const {$1} = library;');
    expect(body).not.toMatch(/^import /m);
    const result = new Function('library', `${body}\nreturn result;`)(library) as { total: string };
    expect(result.total).toBe(said);
  });
});
