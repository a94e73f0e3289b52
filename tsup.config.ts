import { defineConfig } from 'tsup';

export default defineConfig([
  {
    // The core runs in browsers: it must not import any Node built-in.
    entry: { index: 'src/index.ts', node: 'src/node.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'es2022',
    platform: 'neutral',
    external: ['zod', 'yaml', /^node:/],
    // The CSV reader is bundled into the Node entry, so the package's runtime
    // dependencies stay zod and yaml.
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
