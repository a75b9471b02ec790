#!/usr/bin/env node
'use strict';
// Writes docs/diagnostics.md from the diagnostic table in the built library.
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { DIAGNOSTICS } = require('../dist/src/index.js');

const rows = Object.values(DIAGNOSTICS)
  .sort((a, b) => a.code.localeCompare(b.code))
  .map((kind) => `| ${kind.code} | ${kind.name} | ${kind.severity} | ${kind.description} |`);

const doc = `# Parse diagnostics

Problems found while reading a file. Each is printed as
\`file:line:col: severity CODE message\`, followed by the line and a caret. Errors make
\`ipt-lint parse\` exit 2; warnings do not. Parsing goes on after a bad line.

This page is generated from \`src/diagnostics.ts\` by \`npm run docs\`.

| code | name | severity | what it means |
| --- | --- | --- | --- |
${rows.join('\n')}
`;
writeFileSync(join(__dirname, '..', 'docs', 'diagnostics.md'), doc);
