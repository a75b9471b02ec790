import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const README = join(__dirname, '..', '..', 'README.md');

/** The README's fenced code blocks of one language, in order, without their fences. */
export function readmeBlocks(language: string): string[] {
  const text = readFileSync(README, 'utf8');
  const blocks: string[] = [];
  const fence = new RegExp('^```' + language + '\\n([\\s\\S]*?)^```$', 'gm');
  for (let match = fence.exec(text); match !== null; match = fence.exec(text)) blocks.push(match[1]);
  return blocks;
}

/** The README's example library script (the `js` block that starts `// node check-firewall.js`). */
export function readmeLibraryExample(): string {
  const block = readmeBlocks('js').find((code) => code.startsWith('// node check-firewall.js'));
  if (block === undefined) throw new Error('README.md has no ```js block starting with `// node check-firewall.js`');
  return block;
}
