#!/usr/bin/env node
'use strict';
// Writes docs/policy.md: the hand-written introduction below, then a reference generated from
// src/policy/schema.json, so the page says exactly what the loader accepts. test/policy/doc.test.ts
// fails when the committed page differs from what this script would write.
const { readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const ROOT = join(__dirname, '..');
const SCHEMA_FILE = join(ROOT, 'src', 'policy', 'schema.json');
const DOC_FILE = join(ROOT, 'docs', 'policy.md');

const INTRO = `# Policy files

A policy says what a host's firewall is expected to hold: the Docker networks and published
ports it runs, chains and rules that must (or must not) be there, and how seriously to take each
kind of finding. \`ipt-lint lint\` checks dumps against it.

\`ipt-lint lint --policy FILE\` reads the policy from FILE. Without \`--policy\`, it uses the first
of \`.ipt-lint.yaml\`, \`.ipt-lint.yml\` and \`.ipt-lint.json\` in the current directory, and
no policy when there is none. A file whose first non-blank character is \`{\` is read as JSON
(or, when it is not JSON, as a YAML flow mapping); anything else is YAML. The name does not
matter. An empty file is an empty policy.

A complete example:

\`\`\`yaml
docker:
  era: "28"                     # quoted: unquoted, YAML reads 28 as a number
  networks:
    - name: bridge
      bridge: docker0
      ipv4: [172.17.0.0/16]
    - name: web
      bridge: br-3f9a1c2e7b4d     # br- and the first 12 characters of the network ID
      ipv4: [172.18.0.0/16]
      ipv6: ["fd00:18::/64"]
    - name: backend
      bridge: br-backend          # com.docker.network.bridge.name=br-backend
      ipv4: [172.19.0.0/16]
      icc: false
      internal: true
  published:
    - network: web
      container: 172.18.0.2
      protocol: tcp
      hostPort: 443
      containerPort: 8443
    - network: web
      container: 172.18.0.3
      protocol: udp
      hostAddress: 127.0.0.1
      hostPort: 5353
      containerPort: 53
  isolate: all
  dockerUser: true
chains:
  - table: filter
    chain: INPUT
    policy: DROP
  - table: filter
    chain: DOCKER-USER
rules:
  - table: filter
    chain: DOCKER-USER
    rule: -i eth0 -p tcp -m tcp --dport 5432 -j DROP
    present: true
  - table: filter
    chain: INPUT
    rule: -p tcp -m tcp --dport 23 -j ACCEPT
    present: false
severity:
  IPT2005: off                  # unreachable-rule
  duplicate-rule: error
\`\`\`

The same policy in JSON has the same keys: \`{"docker": {"era": "28", "networks": [...]}}\`.

A policy with mistakes stops the run with exit code 2 before any dump is read, and every
mistake is listed at once, each with its place in the file and its path in the policy:

\`\`\`
ipt-lint: 3 problems in policy .ipt-lint.yaml:
.ipt-lint.yaml:6:7: docker.networks[1].brige: unknown key (did you mean "bridge"?)
.ipt-lint.yaml:8:14: docker.networks[1].ipv4[0]: "10.0.0.300/24" is not an IPv4 CIDR
.ipt-lint.yaml:12:17: docker.published[0].protocol: must be one of tcp, udp, sctp
\`\`\`

Besides the shapes below, the loader checks what ties the parts together: network names and
bridges are unique; \`published[].network\` and the names in \`isolate\` are networks of
\`docker.networks\`; subnets have no host bits set and do not overlap (Docker refuses both); a
published container address lies in its network's subnets; no port is published twice on the
same address; only built-in chains have a \`policy\`; each \`rules[].rule\` is one that iptables
would accept in its table and chain; and \`severity\` names codes and rules that exist.
`;

/** The reference part of the page, generated from the schema. */
function renderReference(schema) {
  const sections = [];
  collectSections(schema, 'Top level', '', sections);
  const out = [
    '## Reference',
    '',
    'Generated from [`src/policy/schema.json`](../src/policy/schema.json) (JSON Schema 2020-12) by',
    '`npm run docs:policy`. Every mapping accepts only the keys listed for it, except `severity`, whose',
    'keys are finding codes and rule names.',
    '',
  ];
  for (const section of sections) out.push(...renderSection(section, schema), '');
  out.push('### Value formats', '', '| format | what it accepts |', '| --- | --- |');
  for (const def of Object.values(schema.$defs)) {
    if (def.enum !== undefined) continue;
    out.push(`| ${cell(def.title)} | ${cell(def.description)} |`);
  }
  return out.join('\n') + '\n';
}

/** Every mapping in the schema with named keys, top first, each named by its path (`docker.networks[]`). */
function collectSections(node, heading, path, sections) {
  sections.push({ heading, path, node });
  for (const [key, property] of Object.entries(node.properties)) {
    const keyPath = path === '' ? key : `${path}.${key}`;
    if (property.type === 'object' && property.properties !== undefined) collectSections(property, `\`${keyPath}\``, keyPath, sections);
    if (property.type === 'array' && property.items.type === 'object') collectSections(property.items, `\`${keyPath}[]\`: each entry`, `${keyPath}[]`, sections);
  }
}

function renderSection({ heading, path, node }, schema) {
  const lines = [`### ${heading}`, ''];
  // Nested mappings are described in their parent's table already.
  if (path === '') lines.push(node.description, '');
  lines.push('| key | type | required | default | description |', '| --- | --- | --- | --- | --- |');
  const required = new Set(node.required ?? []);
  for (const [key, property] of Object.entries(node.properties)) {
    const fallback = property.default === undefined ? '' : `\`${JSON.stringify(property.default)}\``;
    lines.push(`| \`${key}\` | ${cell(describeType(property, schema))} | ${required.has(key) ? 'yes' : ''} | ${fallback} | ${cell(property.description)} |`);
  }
  return lines;
}

function describeType(node, schema) {
  if (node.$ref !== undefined) return describeType(resolve(node.$ref, schema), schema);
  if (node.const !== undefined) return `\`${JSON.stringify(node.const)}\``;
  if (node.enum !== undefined) return `one of ${node.enum.map((value) => `\`${value}\``).join(', ')}`;
  if (node.anyOf !== undefined) return node.anyOf.map((branch) => describeType(branch, schema)).join(' or ');
  if (node.title !== undefined) return node.title;
  switch (node.type) {
    case 'array':
      return `list of ${plural(describeType(node.items, schema))}`;
    case 'object':
      if (node.properties !== undefined) return 'mapping (below)';
      return `mapping of code or rule name to ${describeType(node.additionalProperties, schema)}`;
    case 'boolean':
      return '`true` or `false`';
    case 'integer':
      return 'whole number';
    case 'string':
      return 'text';
    default:
      return String(node.type);
  }
}

function plural(noun) {
  if (noun === 'mapping (below)') return 'mappings (below)';
  // "pair of network names" → "pairs of network names"; "IPv4 CIDR" → "IPv4 CIDRs"; "port (1-9)" → "ports (1-9)".
  const [, head, tail] = /^(.*?)((?: of | \().*)?$/.exec(noun);
  return `${head}s${tail ?? ''}`;
}

function resolve(ref, schema) {
  return ref
    .replace(/^#\//, '')
    .split('/')
    .reduce((node, key) => node[key], schema);
}

function cell(text) {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function renderPolicyDoc(schema) {
  return `${INTRO}\n${renderReference(schema)}`;
}

module.exports = { renderPolicyDoc, SCHEMA_FILE, DOC_FILE };

if (require.main === module) {
  writeFileSync(DOC_FILE, renderPolicyDoc(JSON.parse(readFileSync(SCHEMA_FILE, 'utf8'))));
}
