import { defineConfig } from 'tsup';

export default defineConfig([
  {
    // index: the core, which runs in browsers and must not import any Node
    // built-in (test/browser.test.ts checks). node: files, fixtures, batch.
    // One build, so both entries share one copy of the core (one RubricError).
    // The CSV reader and writer are bundled in: runtime dependencies stay zod and yaml.
    entry: { index: 'src/index.ts', node: 'src/node.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    splitting: true,
    target: 'es2022',
    platform: 'neutral',
    esbuildOptions(options) {
      // csv-parse has no "neutral" condition: resolve its ESM build.
      options.mainFields = ['module', 'main'];
    },
    external: ['zod', 'yaml', /^node:/, 'stream'],
    noExternal: ['csv-parse', 'csv-stringify'],
  },
  {
    entry: { cli: 'src/cli.ts' },
    format: ['esm'],
    sourcemap: true,
    target: 'node20',
    platform: 'node',
    banner: { js: '#!/usr/bin/env node' },
    external: ['zod', 'yaml'],
    noExternal: ['csv-parse', 'csv-stringify'],
  },
]);
