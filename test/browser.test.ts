import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { extname, join, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { bundledRubricFiles, repoRoot, rubricsDir } from './support/bundled.js';

/**
 * The browser build in a real browser. dist/ is built by `npm test` before
 * vitest runs; this file builds nothing. A tiny HTTP server on 127.0.0.1
 * serves dist/ and the two runtime dependencies (their browser ESM entries,
 * through an import map); headless Chromium loads a page that scores every
 * bundled rubric against its bundled examples and writes the results into
 * the DOM, which `--dump-dom` prints. The results must equal the same
 * scoring in Node, byte for byte once written as JSON.
 */
const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.log('chromium not installed: browser test not run — apt-get install chromium');

const distDir = join(repoRoot, 'dist');
const distIndex = join(distDir, 'index.js');
/** The runtime dependencies: what the browser build may import besides its own chunks. */
const RUNTIME_DEPS = ['zod', 'yaml'];

/** Import specifiers in ESM code: static imports and re-exports, bare imports, dynamic imports, and require() just in case. */
function specifiersOf(code: string): string[] {
  const found = new Set<string>();
  const patterns = [
    /\b(?:import|export)\s*(?:[\w$*{}\s,]+?\s*from\s*)?["']([^"'\n]+)["']/g,
    /\bimport\s*\(\s*["']([^"'\n]+)["']\s*\)/g,
    /\brequire\s*\(\s*["']([^"'\n]+)["']\s*\)/g,
  ];
  for (const re of patterns) for (const m of code.matchAll(re)) found.add(m[1] as string);
  return [...found];
}

/** dist/index.js and every chunk it imports, transitively, with the specifiers each one uses. */
function browserGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const visit = (file: string) => {
    if (graph.has(file)) return;
    const specs = specifiersOf(readFileSync(file, 'utf8'));
    graph.set(file, specs);
    for (const s of specs) if (s.startsWith('.')) visit(resolve(file, '..', s));
  };
  visit(distIndex);
  return graph;
}

const builtins = new Set(builtinModules.flatMap((m) => [m, m.split('/')[0] as string]));
const packageOf = (spec: string) => (spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : (spec.split('/')[0] as string));

describe('the browser build', () => {
  it('imports no Node built-in: dist/index.js and the chunks it imports use only their own files, zod and yaml', () => {
    expect(existsSync(distIndex), 'dist/index.js is missing: run npm run build').toBe(true);
    const graph = browserGraph();
    expect(graph.size).toBeGreaterThan(1);
    const problems: string[] = [];
    for (const [file, specs] of graph) {
      for (const s of specs) {
        if (s.startsWith('.')) continue;
        const where = relative(repoRoot, file);
        if (s.startsWith('node:') || builtins.has(s) || builtins.has(packageOf(s))) problems.push(`${where} imports the Node built-in "${s}"`);
        else if (!RUNTIME_DEPS.includes(packageOf(s))) problems.push(`${where} imports "${s}", which is not a runtime dependency`);
      }
      // Node globals that a browser lacks, used without a guard, would fail at run time too.
      const code = readFileSync(file, 'utf8');
      for (const global of ['__dirname', '__filename', 'require.resolve', 'process.', 'Buffer.from(']) {
        if (code.includes(global)) problems.push(`${relative(repoRoot, file)} uses ${global}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('the Node entry is where the built-ins are (the scan sees them)', () => {
    // A check that the scan works: dist/node.js imports fs, path and stream (tsup writes them without "node:").
    const specs = specifiersOf(readFileSync(join(distDir, 'node.js'), 'utf8'));
    const found = specs.filter((s) => s.startsWith('node:') || builtins.has(packageOf(s)));
    expect(found).toEqual(expect.arrayContaining([expect.stringMatching(/^(node:)?fs(\/promises)?$/), expect.stringMatching(/^(node:)?stream$/)]));
  });
});

// ---------------------------------------------------------------------------
// The page

/** The ESM entry of a package's subpath for a browser: the "exports" conditions browser, import, default. */
function browserEntry(pkg: string, subpath = '.'): string {
  const dir = join(repoRoot, 'node_modules', pkg);
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { exports?: unknown; module?: string; main?: string };
  const pick = (target: unknown): string | undefined => {
    if (typeof target === 'string') return target;
    if (Array.isArray(target)) return target.map(pick).find(Boolean);
    if (target && typeof target === 'object') {
      for (const [condition, value] of Object.entries(target)) {
        if (['browser', 'import', 'module', 'default'].includes(condition)) {
          const found = pick(value);
          if (found) return found;
        }
      }
    }
    return undefined;
  };
  const exportsField = manifest.exports as Record<string, unknown> | string | undefined;
  const target =
    typeof exportsField === 'object' && exportsField !== null && Object.keys(exportsField).some((k) => k.startsWith('.'))
      ? pick(exportsField[subpath])
      : subpath === '.'
        ? pick(exportsField) ?? manifest.module ?? manifest.main
        : undefined;
  if (!target) throw new Error(`no browser ESM entry for ${pkg} ${subpath}`);
  return `/node_modules/${pkg}/${target.replace(/^\.\//, '')}`;
}

interface PageCase {
  rubricFile: string;
  example: string;
  text: string;
  evidence: unknown;
  community: unknown;
}

/** Every bundled rubric with the bundled examples written for it. */
async function pageCases(lib: typeof import('../src/index.js')): Promise<PageCase[]> {
  const byId = new Map<string, { file: string; text: string }>();
  for (const f of bundledRubricFiles) {
    const text = readFileSync(`${rubricsDir}${f}`, 'utf8');
    byId.set(lib.parseRubric(text, { file: f }).id, { file: f, text });
  }
  const cases: PageCase[] = [];
  const examplesDir = join(repoRoot, 'examples');
  for (const f of readdirSync(examplesDir).filter((n) => n.endsWith('.yaml')).sort()) {
    const text = readFileSync(join(examplesDir, f), 'utf8');
    const doc = lib.safeParseEvidence(text, { file: f });
    if (!doc.success || !doc.data.rubric) continue;
    const rubric = byId.get(doc.data.rubric);
    if (!rubric) continue;
    cases.push({ rubricFile: `rubrics/${rubric.file}`, example: `examples/${f}`, text: rubric.text, evidence: doc.data.evidence, community: doc.data.community });
  }
  return cases;
}

/**
 * What the page computes, as a function that runs in the page and in Node
 * alike (it is written into the page with Function.prototype.toString).
 */
function computeAll(lib: any, cases: PageCase[]): unknown {
  const out: unknown[] = [];
  for (const c of cases) {
    const compiled = lib.compile(lib.parseRubric(c.text, { file: c.rubricFile }));
    const result = lib.score(compiled, c.evidence, { community: c.community });
    // The same rubric through its JSON form (exportRubric, then parseRubricJson, no YAML parser).
    const fromJson = lib.compile(lib.parseRubricJson(JSON.stringify(lib.exportRubric(c.text, { file: c.rubricFile }))));
    out.push({
      sameFromJson: JSON.stringify(lib.score(fromJson, c.evidence, { community: c.community })) === JSON.stringify(result),
      rubric: c.rubricFile,
      example: c.example,
      result,
      totals: lib.scoreTotals(compiled, c.evidence),
      explainZh: lib.explain(result, { lang: 'zh' }),
      explainEn: lib.explain(result, { lang: 'en' }),
    });
  }
  const errorOf = (text: string): unknown => {
    try {
      lib.parseRubric(text, { file: 'bad.yaml' });
      return null;
    } catch (e: any) {
      return { isRubricError: e instanceof lib.RubricError, name: e.name, codes: e.issues.map((i: any) => i.code), text: lib.formatIssues(e.issues, { sources: e.sources }) };
    }
  };
  // Broken YAML goes to yaml's parser; plain YAML that fails validation is read plainly, and placed with yaml.
  const error = errorOf('id: [unclosed\npionts: 1\n');
  const placedError = errorOf('id: x\nversion: "1"\ntitle: { zh: 甲, en: A }\npionts: 1\n');
  return { out, error, placedError, digest: lib.sha256('社区服务质量评价') };
}

/** A page's error and rejection handlers: whatever fails is written where the test reads the result. */
const PAGE_ERRORS = `  window.addEventListener('error', (e) => {
    document.getElementById('out').textContent = 'ERROR ' + (e.message || ('could not load ' + (e.target && (e.target.src || e.target.href))));
  }, true);
  window.addEventListener('unhandledrejection', (e) => {
    document.getElementById('out').textContent = 'ERROR ' + (e.reason && e.reason.stack || e.reason);
  });`;

/**
 * A page that runs `compute` on the cases with the browser build and writes
 * what `result` (an expression in the page) holds as base64 of its JSON.
 * `head` is more script for the head, `before` more statements before the
 * result is read.
 */
function pageShell(title: string, cases: PageCase[], importMap: Record<string, string>, compute: string, parts: { head?: string; before?: string; result: string }): string {
  // JSON inside <script>: "<" escaped so that no "</script>" in a rubric closes the element.
  const json = (v: unknown) => JSON.stringify(v).replace(/</g, '\\u003c');
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>${title}</title>
<script>
${parts.head ?? ''}
${PAGE_ERRORS}
</script>
<script type="importmap">${json({ imports: importMap })}</script>
</head><body>
<pre id="out">PENDING</pre>
<script type="application/json" id="cases">${json(cases)}</script>
<script type="module">
  import * as lib from '/dist/index.js';
  const compute = ${compute};
  const out = document.getElementById('out');
  try {
    const cases = JSON.parse(document.getElementById('cases').textContent);
    const results = compute(lib, cases);
${parts.before ?? ''}
    // Base64 of the UTF-8 bytes: no HTML escaping to undo.
    const bytes = new TextEncoder().encode(JSON.stringify(${parts.result}));
    let bin = '';
    for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    out.textContent = 'RESULT ' + btoa(bin) + ' END';
  } catch (e) {
    out.textContent = 'ERROR ' + (e && e.stack || e);
  }
</script>
</body></html>
`;
}

function pageHtml(cases: PageCase[], importMap: Record<string, string>): string {
  return pageShell('shequ-rubric in a browser', cases, importMap, computeAll.toString(), { result: 'results' });
}

/**
 * Totals in a page whose Content-Security-Policy refuses eval: each example,
 * the example with its first item missing (missing: zero), and with that
 * item broken and a key no rubric has, each through scoreTotals (default
 * compile and jitless) and through score. Runs in the page and in Node.
 */
function computeTotals(lib: any, cases: PageCase[]): unknown {
  const outcome = (r: any, map: (d: any) => unknown) => (r.success ? { ok: map(r.data) } : { issues: r.error.issues });
  return cases.map((c) => {
    const rubric = lib.parseRubric(c.text, { file: c.rubricFile });
    const compiled = lib.compile(rubric);
    const jitless = lib.compile(rubric, { jitless: true });
    const evidence = c.evidence as Record<string, unknown>;
    const first = Object.keys(evidence)[0] as string;
    const { [first]: _dropped, ...missingFirst } = evidence;
    const variants: [string, unknown, Record<string, unknown>][] = [
      ['as given', evidence, { community: c.community }],
      ['first item missing', missingFirst, { missing: 'zero' }],
      ['broken', { ...evidence, [first]: 'not a value', 'no-such-item': true }, {}],
    ];
    return {
      rubric: c.rubricFile,
      example: c.example,
      variants: variants.map(([name, e, options]) => ({
        name,
        totals: outcome(lib.safeScoreTotals(compiled, e, options), (d) => d),
        jitless: outcome(lib.safeScoreTotals(jitless, e, options), (d) => d),
        fromScore: outcome(lib.safeScore(compiled, e, options), (d) => lib.totalsOf(d)),
      })),
    };
  });
}

/** The page for computeTotals, served with a Content-Security-Policy header that allows no eval. */
function cspPageHtml(cases: PageCase[], importMap: Record<string, string>): string {
  return pageShell('shequ-rubric under a CSP without unsafe-eval', cases, importMap, computeTotals.toString(), {
    head: `  window.violations = [];
  document.addEventListener('securitypolicyviolation', (e) => {
    window.violations.push({ blocked: e.blockedURI, directive: e.violatedDirective, sample: e.sample });
  });`,
    before: `    // Violation events are dispatched as tasks: let them arrive before reading them.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const violations = window.violations.slice();
    // The policy holds in this page: new Function throws.
    let evalRefused = false;
    try {
      new Function('return 1');
    } catch (e) {
      evalRefused = e instanceof EvalError;
    }`,
    result: '{ results, violations, evalRefused }',
  });
}

const TYPES: Record<string, string> = { '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8', '.map': 'application/json', '.json': 'application/json', '.html': 'text/html; charset=utf-8' };

/** Serves the page (with these extra response headers), dist/ and the runtime dependencies' files; nothing else. */
function serve(html: string, pageHeaders: Record<string, string> = {}): Promise<{ server: Server; base: string; requests: string[]; missing: string[] }> {
  const requests: string[] = [];
  const missing: string[] = [];
  const roots: Record<string, string> = { '/dist/': distDir };
  for (const dep of RUNTIME_DEPS) roots[`/node_modules/${dep}/`] = realpathSync(join(repoRoot, 'node_modules', dep));
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    requests.push(path);
    if (path === '/' || path === '/index.html') {
      res.writeHead(200, { 'content-type': TYPES['.html'] as string, 'cache-control': 'no-store', ...pageHeaders });
      res.end(html);
      return;
    }
    for (const [prefix, dir] of Object.entries(roots)) {
      if (!path.startsWith(prefix)) continue;
      const file = resolve(dir, path.slice(prefix.length));
      if ((file === dir || file.startsWith(dir + sep)) && existsSync(file) && statSync(file).isFile()) {
        res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
        res.end(readFileSync(file));
        return;
      }
    }
    if (path !== '/favicon.ico') missing.push(path);
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found');
  });
  return new Promise((resolveServer, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (!address || typeof address === 'string') return reject(new Error('no port'));
      resolveServer({ server, base: `http://127.0.0.1:${address.port}`, requests, missing });
    });
  });
}

/** Runs headless Chromium on the URL and returns the DOM it dumps. Kills its process group after `timeoutMs`. */
function dumpDom(url: string, timeoutMs: number): Promise<{ dom: string; stderr: string; code: number | null }> {
  const profile = mkdtempSync(join(tmpdir(), 'shequ-chromium-'));
  const args = [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--disable-dev-shm-usage',
    `--user-data-dir=${profile}`,
    '--virtual-time-budget=30000',
    '--dump-dom',
    url,
  ];
  return new Promise((resolveRun, reject) => {
    const child = spawn(CHROMIUM, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let dom = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (dom += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-20_000)));
    const timer = setTimeout(() => {
      stderr += `\n(killed after ${timeoutMs} ms)`;
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }, timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      // The browser's helpers (zygote, GPU, …) share its process group: stop any left behind.
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* none left */
      }
      rmSync(profile, { recursive: true, force: true });
      resolveRun({ dom, stderr, code });
    });
  });
}

/**
 * What went wrong in the page, for an assertion message. The page's stack frames name the server's URLs
 * (http://127.0.0.1:port/…): written as <page>/…, since vitest reads the frames of a failure's message
 * as files, and "/" (the page itself) as a file is a directory it fails to read, hiding the failure.
 */
function diagnosisOf(run: { code: number | null; stderr: string }, shown: string, served: { base: string; missing: string[] }): string {
  const text = `chromium exit ${run.code}; page said: ${shown.slice(0, 2_000)}\nnot found: ${served.missing.join(', ') || 'none'}\nstderr (end): ${run.stderr.slice(-2_000)}`;
  return text.split(served.base).join('<page>');
}

/** What the served page wrote (its RESULT, decoded), after Chromium ran it; the test fails with a diagnosis if it wrote none. */
async function pageResult(served: { base: string; missing: string[] }): Promise<any> {
  const run = await dumpDom(`${served.base}/`, 90_000);
  const marker = /RESULT ([A-Za-z0-9+/=]+) END/.exec(run.dom);
  const shown = /<pre id="out">([\s\S]*?)<\/pre>/.exec(run.dom)?.[1] ?? run.dom.slice(0, 2_000);
  expect(marker, diagnosisOf(run, shown, served)).not.toBeNull();
  return JSON.parse(Buffer.from(marker?.[1] ?? '', 'base64').toString('utf8'));
}

describe('a real browser', () => {
  let server: Server | undefined;
  afterAll(() => new Promise<void>((done) => (server ? server.close(() => done()) : done())));

  it.skipIf(!hasChromium)(
    'scores every bundled rubric in headless Chromium exactly as Node does',
    async () => {
      const lib = (await import(pathToFileURL(distIndex).href)) as typeof import('../src/index.js');
      const cases = await pageCases(lib);
      // Every bundled rubric that has an example is scored in the page.
      expect(cases.length).toBeGreaterThanOrEqual(5);
      expect(new Set(cases.map((c) => c.rubricFile)).size).toBeGreaterThanOrEqual(4);

      const importMap = Object.fromEntries(RUNTIME_DEPS.map((d) => [d, browserEntry(d)]));
      const served = await serve(pageHtml(cases, importMap));
      server = served.server;
      const inBrowser = await pageResult(served);
      const inNode = JSON.parse(JSON.stringify(computeAll(lib, cases)));

      expect(served.missing, 'the page asked for files the server does not have').toEqual([]);
      // The page loaded the build and the dependencies' browser entries, nothing from Node.
      expect(served.requests).toContain('/dist/index.js');
      for (const entry of Object.values(importMap)) expect(served.requests).toContain(entry);

      expect(inBrowser.error).toEqual(inNode.error);
      expect(inBrowser.error.isRubricError).toBe(true);
      expect(inBrowser.placedError).toEqual(inNode.placedError);
      // Placed at the misspelt key, line 4, column 1, in the browser as in Node.
      expect(inBrowser.placedError.codes).toContain('unknown-key');
      expect(inBrowser.placedError.text).toContain('bad.yaml:4:1');
      expect(inBrowser.digest).toBe(inNode.digest);
      expect(inBrowser.out.length).toBe(cases.length);
      for (let i = 0; i < cases.length; i++) {
        expect(inBrowser.out[i].sameFromJson, `${cases[i]?.rubricFile} loaded from JSON in the browser`).toBe(true);
        // Byte-identical JSON, item traces, totals and both explanations included.
        expect(JSON.stringify(inBrowser.out[i]), `${cases[i]?.rubricFile} with ${cases[i]?.example}`).toBe(JSON.stringify(inNode.out[i]));
      }
      const totals = inBrowser.out.map((o: { example: string; result: { total: string; grade?: { id: string } } }) => `${o.example}: ${o.result.total} ${o.result.grade?.id ?? ''}`);
      console.log(`browser: ${cases.length} examples scored in Chromium as in Node — ${totals.join('; ')}`);
    },
    120_000,
  );

  it.skipIf(!hasChromium)(
    'under a Content-Security-Policy without unsafe-eval, scoreTotals runs its closures and gives score\'s totals',
    async () => {
      const lib = (await import(pathToFileURL(distIndex).href)) as typeof import('../src/index.js');
      const cases = await pageCases(lib);
      expect(cases.length).toBeGreaterThanOrEqual(5);
      const importMap = Object.fromEntries(RUNTIME_DEPS.map((d) => [d, browserEntry(d)]));
      // A header, not a meta tag: it covers the whole page. 'unsafe-inline' for the page's own scripts,
      // 'report-sample' for the refused code's first characters in the violation reports; no 'unsafe-eval'.
      const served = await serve(cspPageHtml(cases, importMap), { 'content-security-policy': "script-src 'self' 'unsafe-inline' 'report-sample'" });
      try {
        const page = (await pageResult(served)) as {
          results: { rubric: string; example: string; variants: { name: string; totals: unknown; jitless: unknown; fromScore: unknown }[] }[];
          violations: { blocked: string; directive: string; sample: string }[];
          evalRefused: boolean;
        };
        expect(served.missing).toEqual([]);
        // The policy was in force, and code generation was tried and refused (the library's probe, zod's).
        expect(page.evalRefused).toBe(true);
        expect(page.violations.length).toBeGreaterThan(0);
        expect(page.violations.every((v) => v.blocked === 'eval')).toBe(true);
        // The library asked once (codegen.ts's probe, `return 1`) and, refused, generated nothing after it.
        expect(page.violations.filter((v) => /return 1/.test(v.sample))).toHaveLength(1);
        expect(page.violations.filter((v) => /use strict/.test(v.sample))).toEqual([]);
        // In the page, closures: the same totals as score, and as jitless; in Node, generated code: the same again.
        const inNode = JSON.parse(JSON.stringify(computeTotals(lib, cases))) as typeof page.results;
        expect(page.results.length).toBe(cases.length);
        page.results.forEach((r, i) => {
          for (const [k, v] of r.variants.entries()) {
            const label = `${r.rubric} with ${r.example}, ${v.name}`;
            expect(v.totals, label).toEqual(v.fromScore);
            expect(v.jitless, label).toEqual(v.fromScore);
            expect(JSON.stringify(v), `${label}: the page and Node`).toBe(JSON.stringify(inNode[i]?.variants[k]));
          }
          expect(r.variants[0]?.totals, `${r.rubric} with ${r.example}`).toHaveProperty('ok');
          expect(r.variants[2]?.totals, `${r.rubric} with ${r.example}, broken`).toHaveProperty('issues');
        });
        console.log(`browser, CSP without unsafe-eval: ${cases.length} examples' totals as score's; ${page.violations.length} eval refused (${page.violations.map((v) => JSON.stringify(v.sample)).join(', ')})`);
      } finally {
        await new Promise<void>((done) => served.server.close(() => done()));
      }
    },
    120_000,
  );
});
