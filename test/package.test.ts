import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile, parseRubric, readYaml, score } from '../src/index.js';
import { repoRoot } from './support/bundled.js';
import { readmeKindExample } from './support/readme.js';

/**
 * The package as a user gets it: `npm pack` (of the dist/ that `npm test`
 * built), checked by publint and by attw (@arethetypeswrong/cli), then
 * unpacked into a temporary project (its dependencies zod and yaml linked
 * from this repo: no network) and used from ESM, from CommonJS, from the
 * command line and from TypeScript (this repo's tsc, node16 and bundler
 * resolution).
 */
const run = promisify(execFile);
const node = process.execPath;
const tsc = join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
const attw = join(repoRoot, 'node_modules', '@arethetypeswrong', 'cli', 'dist', 'index.js');

let work: string;
let tarball: string;
let packed: { filename: string; files: { path: string }[] };
let project: string;

/** Runs a command; on failure the error carries its output. */
async function sh(file: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<{ stdout: string; stderr: string }> {
  try {
    return await run(file, args, { cwd, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', ...env }, maxBuffer: 64 * 1024 * 1024 });
  } catch (e) {
    const err = e as Error & { stdout?: string; stderr?: string; code?: number };
    const cut = (t = '') => (t.length > 4_000 ? `${t.slice(0, 4_000)}…` : t);
    throw new Error(`${file} ${args.join(' ')} failed (exit ${err.code}):\n${cut(err.stdout)}\n${cut(err.stderr)}`);
  }
}

const rubricFile = 'jiangxi-db36-t-1609-2022.yaml';
const example = readYaml(readFileSync(join(repoRoot, 'examples', 'jiangxi-strong.yaml'), 'utf8')).value as { evidence: Record<string, unknown> };
const expected = score(compile(parseRubric(readFileSync(join(repoRoot, 'rubrics', rubricFile), 'utf8'), { file: rubricFile })), example.evidence);

beforeAll(async () => {
  expect(existsSync(join(repoRoot, 'dist', 'index.js')), 'dist/ is missing: run npm run build').toBe(true);
  work = mkdtempSync(join(tmpdir(), 'shequ-pack-'));
  // --ignore-scripts: pack what is built, build nothing.
  const { stdout } = await sh('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], repoRoot, { npm_config_loglevel: 'error', npm_config_update_notifier: 'false' });
  packed = (JSON.parse(stdout.slice(stdout.indexOf('['))) as (typeof packed)[])[0] as typeof packed;
  tarball = join(work, packed.filename);

  // A project that installed the tarball: package/ unpacked as node_modules/shequ-rubric,
  // the runtime dependencies (and Node's types, for tsc) linked from this repo.
  project = join(work, 'project');
  const modules = join(project, 'node_modules');
  mkdirSync(join(modules, '@types'), { recursive: true });
  await sh('tar', ['-xzf', tarball, '-C', work], work);
  cpSync(join(work, 'package'), join(modules, 'shequ-rubric'), { recursive: true });
  for (const dep of ['zod', 'yaml', '@types/node']) symlinkSync(realpathSync(join(repoRoot, 'node_modules', dep)), join(modules, dep), 'dir');
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'uses-shequ-rubric', private: true, type: 'module' }, null, 2));
  // An evidence document, as the command line reads it.
  writeFileSync(join(project, 'evidence.json'), JSON.stringify({ rubric: expected.rubric.id, evidence: example.evidence }));
}, 60_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the packed package', () => {
  it('holds the build, the rubrics, the schema and the docs, and no sources or tests', () => {
    const files = packed.files.map((f) => f.path).sort();
    for (const f of ['package.json', 'README.md', 'CHANGELOG.md', 'dist/index.js', 'dist/index.cjs', 'dist/index.d.ts', 'dist/index.d.cts', 'dist/node.js', 'dist/node.cjs', 'dist/node.d.ts', 'dist/node.d.cts', 'dist/cli.js', `rubrics/${rubricFile}`, `dist/rubrics/${rubricFile.replace(/\.yaml$/, '.json')}`, 'schema/rubric.schema.json']) {
      expect(files).toContain(f);
    }
    expect(files.filter((f) => /^(src|test|scripts|bench|examples|node_modules)\//.test(f) || f.endsWith('.tgz'))).toEqual([]);
    // Every file the README links to ships with it (docs/rubric-format.md …).
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    const linked = [...readme.matchAll(/\]\(((?!https?:|#)[^)#\s]+)(#[^)]*)?\)/g)].map((m) => m[1] as string);
    expect(linked).toContain('docs/rubric-format.md');
    expect(linked.filter((f) => !files.includes(f))).toEqual([]);
  });

  it('publint reports nothing: no error, warning or suggestion', async () => {
    const data = readFileSync(tarball);
    const { messages, pkg } = await publint({ pack: { tarball: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) }, level: 'suggestion', strict: true });
    expect(messages.map((m) => `${m.type}: ${formatMessage(m, pkg, { color: false }) ?? m.code}`)).toEqual([]);
  });

  it('attw (are the types wrong) reports no problem for any entry under node10, node16 (ESM and CJS) and bundler', async () => {
    const { stdout } = await sh(node, [attw, tarball, '--format', 'json'], work);
    const report = JSON.parse(stdout) as { analysis: { problems?: unknown[]; entrypoints: Record<string, unknown> }; problems?: Record<string, unknown> };
    expect(Object.keys(report.analysis.entrypoints).sort()).toEqual(['.', './node', './package.json', './rubrics/*.json', './rubrics/*.yaml']);
    expect(report.analysis.problems ?? []).toEqual([]);
    expect(report.problems ?? {}).toEqual({});
  });

  it('works from ESM: import { parseRubric, compile, score } from "shequ-rubric", "shequ-rubric/node", and the bundled rubrics by name', async () => {
    writeFileSync(
      join(project, 'esm.mjs'),
      `import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { inspect } from 'node:util';
import { parseRubric, parseRubricJson, compile, score, RubricError, VersionError } from 'shequ-rubric';
import * as nodeEntry from 'shequ-rubric/node';
const jsonRubric = parseRubricJson(readFileSync(fileURLToPath(import.meta.resolve('shequ-rubric/rubrics/${rubricFile.replace(/\.yaml$/, '.json')}')), 'utf8'));
const rubricPath = fileURLToPath(new URL('./node_modules/shequ-rubric/rubrics/${rubricFile}', import.meta.url));
const { evidence } = JSON.parse(readFileSync(new URL('./evidence.json', import.meta.url), 'utf8'));
const result = score(compile(parseRubric(readFileSync(rubricPath, 'utf8'))), evidence);
const loaded = await nodeEntry.loadRubricFile(rubricPath);
let codes;
try { parseRubric('id: [', { file: 'bad.yaml' }); } catch (e) { codes = e instanceof RubricError ? e.issues.map((i) => i.code) : 'not a RubricError'; }
console.log(JSON.stringify({
  total: result.total, grade: result.grade?.id, digest: result.rubric.digest, loaded: loaded.id, codes,
  oneRubricError: nodeEntry.RubricError === RubricError,
  // The bundler renames classes (_RubricError); their names are set back.
  names: [RubricError.name, VersionError.name, inspect(new RubricError([])).split(':')[0], inspect(new VersionError('invalid-date', 'm')).split(':')[0]],
  jsonDigest: score(compile(jsonRubric), evidence).rubric.digest,
  resolved: [import.meta.resolve('shequ-rubric'), import.meta.resolve('shequ-rubric/node'), import.meta.resolve('shequ-rubric/rubrics/${rubricFile}')].map((u) => fileURLToPath(u)),
}));
`,
    );
    const { stdout } = await sh(node, ['esm.mjs'], project);
    const out = JSON.parse(stdout);
    expect(out).toMatchObject({ total: expected.total, grade: expected.grade?.id, digest: expected.rubric.digest, jsonDigest: expected.rubric.digest, loaded: expected.rubric.id, codes: ['yaml-syntax'], oneRubricError: true });
    expect(out.names).toEqual(['RubricError', 'VersionError', 'RubricError', 'VersionError']);
    expect(out.resolved).toEqual([
      join(realpathSync(project), 'node_modules/shequ-rubric/dist/index.js'),
      join(realpathSync(project), 'node_modules/shequ-rubric/dist/node.js'),
      join(realpathSync(project), `node_modules/shequ-rubric/rubrics/${rubricFile}`),
    ]);
  });

  it('works from CommonJS: require("shequ-rubric") and require("shequ-rubric/node")', async () => {
    writeFileSync(
      join(project, 'cjs.cjs'),
      `const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const core = require('shequ-rubric');
const nodeEntry = require('shequ-rubric/node');
const rubricPath = join(__dirname, 'node_modules/shequ-rubric/rubrics/${rubricFile}');
const { evidence } = JSON.parse(readFileSync(join(__dirname, 'evidence.json'), 'utf8'));
const result = core.score(core.compile(core.parseRubric(readFileSync(rubricPath, 'utf8'))), evidence);
nodeEntry.loadRubricFile(rubricPath).then(async (loaded) => {
  let codes;
  try { core.parseRubric('id: [', { file: 'bad.yaml' }); } catch (e) { codes = e instanceof nodeEntry.RubricError ? e.issues.map((i) => i.code) : 'not a RubricError'; }
  console.log(JSON.stringify({
    total: result.total, grade: result.grade && result.grade.id, digest: result.rubric.digest, loaded: loaded.id, codes,
    oneRubricError: nodeEntry.RubricError === core.RubricError,
    // The ESM build is another copy of the class: instanceof holds across copies, both ways.
    acrossBuilds: await import('shequ-rubric').then((esm) => {
      const fromCjs = new core.RubricError([]);
      const fromEsm = new esm.RubricError([]);
      const text = readFileSync(rubricPath, 'utf8');
      // Rubrics cross too: parsed or compiled by one build, compiled or scored by the other.
      const crossed = [
        esm.score(core.compile(core.parseRubric(text)), evidence).total,
        esm.score(esm.compile(core.parseRubric(text)), evidence).total,
        core.score(esm.compile(esm.parseRubric(text)), evidence).total,
      ];
      return [fromCjs instanceof esm.RubricError, fromEsm instanceof core.RubricError, esm.RubricError !== core.RubricError, new Error('x') instanceof esm.RubricError, ...crossed];
    }),
    names: [core.RubricError.name, require('node:util').inspect(new core.RubricError([])).split(':')[0]],
    version: require('shequ-rubric/package.json').version,
    resolved: [require.resolve('shequ-rubric'), require.resolve('shequ-rubric/node')],
  }));
});
`,
    );
    const { stdout } = await sh(node, ['cjs.cjs'], project);
    const out = JSON.parse(stdout);
    const version = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;
    expect(out).toMatchObject({ total: expected.total, grade: expected.grade?.id, digest: expected.rubric.digest, loaded: expected.rubric.id, codes: ['yaml-syntax'], oneRubricError: true, acrossBuilds: [true, true, true, false, expected.total, expected.total, expected.total], names: ['RubricError', 'RubricError'], version });
    expect(out.resolved).toEqual([join(realpathSync(project), 'node_modules/shequ-rubric/dist/index.cjs'), join(realpathSync(project), 'node_modules/shequ-rubric/dist/node.cjs')]);
  });

  it('its command line runs with only zod and yaml beside it', async () => {
    const cli = join(project, 'node_modules', 'shequ-rubric', 'dist', 'cli.js');
    expect(readFileSync(cli, 'utf8').startsWith('#!/usr/bin/env node')).toBe(true);
    await sh(node, [cli, 'validate', join(project, 'node_modules', 'shequ-rubric', 'rubrics', rubricFile)], project);
    const { stdout } = await sh(node, [cli, 'score', join(project, 'node_modules', 'shequ-rubric', 'rubrics', rubricFile), 'evidence.json', '--json'], project);
    expect(JSON.parse(stdout).total).toBe(expected.total);
  });

  it("type-checks from TypeScript (tsc --noEmit, node16 and bundler resolution, ESM and CJS files), the README's kind example included", async () => {
    const esm = `import { parseRubric, compile, score, RubricError, type Rubric, type ScoreResult, type Issue } from 'shequ-rubric';
import { loadRubricFile, runFixtures, type FixtureRun } from 'shequ-rubric/node';

const rubric: Rubric = parseRubric('id: x', { file: 'x.yaml' });
const result: ScoreResult = score(compile(rubric), { '1.1a': true }, { missing: 'zero' });
export const total: string = result.total;
export const issues: Issue[] = new RubricError([]).issues;
export const loaded: Promise<Rubric> = loadRubricFile('x.yaml');
export const runs: Promise<FixtureRun[]> = runFixtures(['test/fixtures']);
// @ts-expect-error: totals are exact decimal strings, not numbers
export const wrong: number = result.total;
// @ts-expect-error: no such export
import { notExported } from 'shequ-rubric';
export { notExported };
`;
    const cjs = `import core = require('shequ-rubric');
import nodeEntry = require('shequ-rubric/node');

export const total: string = core.score(core.compile(core.parseRubric('id: x')), {}).total;
export const load: typeof nodeEntry.loadRubricFile = nodeEntry.loadRubricFile;
export const same: typeof core.RubricError = nodeEntry.RubricError;
// @ts-expect-error: totals are exact decimal strings, not numbers
export const wrong: number = core.score(core.compile(core.parseRubric('id: x')), {}).total;
`;
    writeFileSync(join(project, 'check.ts'), esm);
    writeFileSync(join(project, 'check-cjs.cts'), cjs);
    // Copied as it stands: it must compile against the package, its zod included (z from 'shequ-rubric').
    writeFileSync(join(project, 'readme-kind.ts'), readmeKindExample());
    const base = { strict: true, noEmit: true, skipLibCheck: false, types: ['node'], target: 'ES2022', lib: ['ES2022'] };
    writeFileSync(join(project, 'tsconfig.node16.json'), JSON.stringify({ compilerOptions: { ...base, module: 'node16', moduleResolution: 'node16' }, files: ['check.ts', 'check-cjs.cts', 'readme-kind.ts'] }, null, 2));
    writeFileSync(join(project, 'tsconfig.bundler.json'), JSON.stringify({ compilerOptions: { ...base, module: 'esnext', moduleResolution: 'bundler' }, files: ['check.ts', 'readme-kind.ts'] }, null, 2));
    // And tsc does fail on a real mistake (the checks are not vacuous).
    writeFileSync(join(project, 'broken.ts'), `import { score } from 'shequ-rubric';\nexport const n: number = score;\n`);
    writeFileSync(join(project, 'tsconfig.broken.json'), JSON.stringify({ compilerOptions: { ...base, module: 'node16', moduleResolution: 'node16' }, files: ['broken.ts'] }));
    const [node16, bundler, broken] = await Promise.allSettled([
      sh(node, [tsc, '-p', 'tsconfig.node16.json'], project),
      sh(node, [tsc, '-p', 'tsconfig.bundler.json'], project),
      sh(node, [tsc, '-p', 'tsconfig.broken.json'], project),
    ]);
    expect(node16.status === 'rejected' ? String(node16.reason) : 'ok').toBe('ok');
    expect(bundler.status === 'rejected' ? String(bundler.reason) : 'ok').toBe('ok');
    expect(broken.status === 'rejected' ? String(broken.reason) : 'no error').toMatch(/TS2322/);
  });
});
