import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const README = join(__dirname, '..', '..', 'README.md');

/** The README's fenced code blocks whose info string is `language` ('' for none), in order, without their fences. */
export function readmeBlocks(language: string): string[] {
  const blocks: string[] = [];
  let open: { language: string; lines: string[] } | null = null;
  for (const line of readFileSync(README, 'utf8').split('\n')) {
    const fence = /^```(\S*)\s*$/.exec(line);
    if (open === null) {
      if (fence !== null) open = { language: fence[1], lines: [] };
    } else if (fence !== null && fence[1] === '') {
      if (open.language === language) blocks.push(open.lines.map((text) => text + '\n').join(''));
      open = null;
    } else {
      open.lines.push(line);
    }
  }
  return blocks;
}

/** The README's example library script (the `js` block that starts `// node check-firewall.js`). */
export function readmeLibraryExample(): string {
  const block = readmeBlocks('js').find((code) => code.startsWith('// node check-firewall.js'));
  if (block === undefined) throw new Error('README.md has no ```js block starting with `// node check-firewall.js`');
  return block;
}
