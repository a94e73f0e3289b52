import { readFileSync } from 'node:fs';
import { repoRoot } from './bundled.js';

export const readme = readFileSync(`${repoRoot}README.md`, 'utf8');

/** The README's example of a kind of one's own: the TypeScript block under "Your own rule kinds", as written there. */
export function readmeKindExample(): string {
  const block = readme.match(/### Your own rule kinds\n\n```ts\n([\s\S]*?)```/)?.[1];
  if (block === undefined) throw new Error('the README has no example under "Your own rule kinds"');
  return block;
}
