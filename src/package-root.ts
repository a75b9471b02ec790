import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

let root: string | null = null;

/** The directory of ipt-lint's own package.json, from the sources or from the built tree alike. */
export function packageRoot(): string {
  if (root !== null) return root;
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json')) || JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).name !== 'ipt-lint') {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the ipt-lint package directory');
    dir = parent;
  }
  root = dir;
  return dir;
}

export function packageVersion(): string {
  return JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')).version as string;
}
