#!/usr/bin/env node
'use strict';
/**
 * `npm run bench`: how fast and how lean `ipt-lint parse` is on big kube-proxy dumps,
 * next to real `iptables-restore --test` on the same files.
 *
 * A report, not a test: it exits 0 whether the targets are met or not, and non-zero
 * only when something crashed (ipt-lint died, a generated file was refused, …).
 *
 *   node scripts/bench.js [--quick] [--sizes 1000,10000] [--runs N] [--cases parse,diff-1%] [--no-iptables]
 *
 * Writes the generated dumps and results.json into bench-out/ (gitignored).
 * Benchmarks are the entries of CASES below: parse, lint, diff, and the tracer's trace, reach and
 * shadow analysis (timed in-process after parsing, against the targets of the tracer issue).
 */

const { spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const OUT_DIR = path.join(ROOT, 'bench-out');
const CLI = path.join(ROOT, 'bin', 'ipt-lint');
const LIB = path.join(ROOT, 'dist', 'src', 'index.js');
const GNU_TIME = '/usr/bin/time';
const IPTABLES_VERSION = '1.8.9';
/** A fixed date keeps the generated files byte-identical from run to run. */
const SAVE_DATE = 'Wed Nov 26 12:00:00 2025';

/** The issue's targets, checked on the largest size. */
const TARGETS = {
  /** ipt-lint wall ≤ factor × iptables-restore --test wall. */
  vsIptables: 1.0,
  vsIptablesAim: 0.5,
  maxRssMiB: 300,
  /** µs per line at the largest size ≤ factor × µs per line at the size before it. */
  linearity: 1.5,
};

/** Measured in ../shared/docs/real-iptables.md, used only when iptables cannot be run here. */
const DOC_IPTABLES_100K_SECONDS = 1.0;

const SIZES = [
  { name: '1k', rules: 1_000, runs: 5 },
  { name: '10k', rules: 10_000, runs: 5 },
  { name: '100k', rules: 100_000, runs: 3 },
];

/** One run that takes longer than this is not repeated: the bench must stay within a few minutes. */
const SLOW_RUN_SECONDS = 30;
/** A single run is killed after this long and reported as a timeout. */
const RUN_TIMEOUT_SECONDS = 120;

// kube-proxy-shaped dump generator

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** kube-proxy's chain-name hash: base32(sha256(text)), first 16 characters. */
function kubeHash(text) {
  const bytes = crypto.createHash('sha256').update(text).digest();
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5 && out.length < 16) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    if (out.length >= 16) break;
  }
  return out;
}

/** How iptables-save writes a string argument (xtables_save_string): bare when only [A-Za-z0-9_-], else quoted. */
function saveString(value) {
  if (/^[A-Za-z0-9_-]+$/.test(value)) return value;
  return `"${value.replace(/["\\']/g, (c) => `\\${c}`)}"`;
}

/** `--probability` as libxt_statistic saves it: the kernel keeps p × 2^31, printed with %.11f. */
function probability(p) {
  return (Math.round(p * 0x80000000) / 0x80000000).toFixed(11);
}

/** Endpoints per service: averages 8/3, which with the fixed rules gives about 10 rules per service. */
const ENDPOINT_PATTERN = [3, 2, 4, 1, 3, 2, 3, 3, 1, 4, 2, 4];

function ip(prefix, n) {
  return `${prefix}.${(n >> 8) & 255}.${n & 255}`;
}

/**
 * An `iptables-save` dump of a kube-proxy node with at least `targetRules` rules in nat and filter.
 * Returns the text and its counts. Checked once against iptables 1.8.9 (nf_tables) in a network
 * namespace: `iptables-restore` loads it, and `iptables-save` then prints the same tables byte for
 * byte (apart from the date in the `#` lines).
 */
function generateKubeDump(targetRules) {
  const nat = new Map(); // chain -> rule lines, in chain order
  const filter = new Map();
  const natBuiltins = ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'];
  const filterBuiltins = ['INPUT', 'FORWARD', 'OUTPUT'];
  for (const c of natBuiltins) nat.set(c, []);
  for (const c of filterBuiltins) filter.set(c, []);
  const add = (table, chain, spec) => {
    if (!table.has(chain)) table.set(chain, []);
    if (spec !== null) table.get(chain).push(`-A ${chain} ${spec}`);
  };
  const c = saveString;

  // Fixed kube-proxy plumbing.
  for (const ch of ['KUBE-EXTERNAL-SERVICES', 'KUBE-FIREWALL', 'KUBE-FORWARD', 'KUBE-KUBELET-CANARY', 'KUBE-NODEPORTS', 'KUBE-PROXY-CANARY', 'KUBE-PROXY-FIREWALL', 'KUBE-SERVICES']) add(filter, ch, null);
  add(filter, 'INPUT', `-m conntrack --ctstate NEW -m comment --comment ${c('kubernetes load balancer firewall')} -j KUBE-PROXY-FIREWALL`);
  add(filter, 'INPUT', `-m comment --comment ${c('kubernetes health check service ports')} -j KUBE-NODEPORTS`);
  add(filter, 'INPUT', `-m conntrack --ctstate NEW -m comment --comment ${c('kubernetes externally-visible service portals')} -j KUBE-EXTERNAL-SERVICES`);
  add(filter, 'INPUT', '-j KUBE-FIREWALL');
  add(filter, 'FORWARD', `-m conntrack --ctstate NEW -m comment --comment ${c('kubernetes load balancer firewall')} -j KUBE-PROXY-FIREWALL`);
  add(filter, 'FORWARD', `-m comment --comment ${c('kubernetes forwarding rules')} -j KUBE-FORWARD`);
  add(filter, 'FORWARD', `-m conntrack --ctstate NEW -m comment --comment ${c('kubernetes service portals')} -j KUBE-SERVICES`);
  add(filter, 'FORWARD', `-m conntrack --ctstate NEW -m comment --comment ${c('kubernetes externally-visible service portals')} -j KUBE-EXTERNAL-SERVICES`);
  add(filter, 'OUTPUT', `-m conntrack --ctstate NEW -m comment --comment ${c('kubernetes load balancer firewall')} -j KUBE-PROXY-FIREWALL`);
  add(filter, 'OUTPUT', `-m conntrack --ctstate NEW -m comment --comment ${c('kubernetes service portals')} -j KUBE-SERVICES`);
  add(filter, 'OUTPUT', '-j KUBE-FIREWALL');
  add(filter, 'KUBE-FIREWALL', `! -s 127.0.0.0/8 -d 127.0.0.0/8 -m comment --comment ${c('block incoming localnet connections')} -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP`);
  add(filter, 'KUBE-FORWARD', '-m conntrack --ctstate INVALID -j DROP');
  add(filter, 'KUBE-FORWARD', `-m comment --comment ${c('kubernetes forwarding rules')} -m mark --mark 0x4000/0x4000 -j ACCEPT`);
  add(filter, 'KUBE-FORWARD', `-m comment --comment ${c('kubernetes forwarding conntrack rule')} -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT`);

  for (const ch of ['KUBE-KUBELET-CANARY', 'KUBE-MARK-MASQ', 'KUBE-NODEPORTS', 'KUBE-POSTROUTING', 'KUBE-PROXY-CANARY', 'KUBE-SERVICES']) add(nat, ch, null);
  add(nat, 'PREROUTING', `-m comment --comment ${c('kubernetes service portals')} -j KUBE-SERVICES`);
  add(nat, 'OUTPUT', `-m comment --comment ${c('kubernetes service portals')} -j KUBE-SERVICES`);
  add(nat, 'POSTROUTING', `-m comment --comment ${c('kubernetes postrouting rules')} -j KUBE-POSTROUTING`);
  add(nat, 'KUBE-MARK-MASQ', '-j MARK --set-xmark 0x4000/0x4000');
  add(nat, 'KUBE-POSTROUTING', '-m mark ! --mark 0x4000/0x4000 -j RETURN');
  add(nat, 'KUBE-POSTROUTING', '-j MARK --set-xmark 0x4000/0x0');
  add(nat, 'KUBE-POSTROUTING', `-m comment --comment ${c('kubernetes service traffic requiring SNAT')} -j MASQUERADE --random-fully`);

  const count = () => [...nat.values(), ...filter.values()].reduce((n, rules) => n + rules.length, 0);
  // The last KUBE-SERVICES rule is added after the loop.
  const reserve = 1;
  let services = 0;
  let endpointsTotal = 0;
  let pod = 0;
  while (count() + reserve < targetRules) {
    const i = services++;
    const ns = `ns${i % 97}`;
    const name = `svc-${i}`;
    const portName = i % 3 === 0 ? 'http' : i % 3 === 1 ? 'https' : 'grpc';
    const spn = `${ns}/${name}:${portName}`;
    const port = [80, 443, 8080, 9090, 53, 6443][i % 6];
    const targetPort = 8000 + (i % 1000);
    const clusterIp = ip('10.96', i + 10);
    const svcHash = kubeHash(`${spn}tcp`);
    const svcChain = `KUBE-SVC-${svcHash}`;

    if (i % 10 === 9) {
      // A service without endpoints: kube-proxy rejects its traffic in filter.
      add(filter, 'KUBE-SERVICES', `-d ${clusterIp}/32 -p tcp -m comment --comment ${c(`${spn} has no endpoints`)} -m tcp --dport ${port} -j REJECT --reject-with icmp-port-unreachable`);
      continue;
    }

    add(nat, 'KUBE-SERVICES', `-d ${clusterIp}/32 -p tcp -m comment --comment ${c(`${spn} cluster IP`)} -m tcp --dport ${port} -j ${svcChain}`);
    add(nat, svcChain, `! -s 10.244.0.0/16 -d ${clusterIp}/32 -p tcp -m comment --comment ${c(`${spn} cluster IP`)} -m tcp --dport ${port} -j KUBE-MARK-MASQ`);

    if (i % 7 === 3) {
      // A NodePort service.
      const extChain = `KUBE-EXT-${svcHash}`;
      const nodePort = 30000 + (i % 2768);
      add(nat, 'KUBE-NODEPORTS', `-p tcp -m comment --comment ${c(spn)} -m tcp --dport ${nodePort} -j ${extChain}`);
      add(nat, extChain, `-m comment --comment ${c(`masquerade traffic for ${spn} external destinations`)} -j KUBE-MARK-MASQ`);
      add(nat, extChain, `-j ${svcChain}`);
    }

    const endpoints = ENDPOINT_PATTERN[i % ENDPOINT_PATTERN.length];
    endpointsTotal += endpoints;
    for (let e = 0; e < endpoints; e++) {
      const podIp = ip('10.244', pod++ + 2);
      const sepChain = `KUBE-SEP-${kubeHash(`${spn}tcp${podIp}:${targetPort}`)}`;
      const statistic = e < endpoints - 1 ? ` -m statistic --mode random --probability ${probability(1 / (endpoints - e))}` : '';
      add(nat, svcChain, `-m comment --comment ${c(`${spn} -> ${podIp}:${targetPort}`)}${statistic} -j ${sepChain}`);
      add(nat, sepChain, `-s ${podIp}/32 -m comment --comment ${c(spn)} -j KUBE-MARK-MASQ`);
      add(nat, sepChain, `-p tcp -m comment --comment ${c(spn)} -m tcp -j DNAT --to-destination ${podIp}:${targetPort}`);
    }
  }
  add(nat, 'KUBE-SERVICES', `-m comment --comment ${c('kubernetes service nodeports; NOTE: this must be the last rule in this chain')} -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS`);

  const lines = [];
  const emitTable = (tableName, table, builtins) => {
    lines.push(`# Generated by iptables-save v${IPTABLES_VERSION} (nf_tables) on ${SAVE_DATE}`);
    lines.push(`*${tableName}`);
    // Built-in chains first, then user chains sorted by name, all declared before any rule.
    const userChains = [...table.keys()].filter((ch) => !builtins.includes(ch)).sort();
    const order = [...builtins, ...userChains];
    for (const ch of builtins) lines.push(`:${ch} ACCEPT [0:0]`);
    for (const ch of userChains) lines.push(`:${ch} - [0:0]`);
    for (const ch of order) for (const rule of table.get(ch)) lines.push(rule);
    lines.push('COMMIT');
    lines.push(`# Completed on ${SAVE_DATE}`);
  };
  // iptables-save (nf_tables) lists filter before nat.
  emitTable('filter', filter, filterBuiltins);
  emitTable('nat', nat, natBuiltins);
  const text = lines.join('\n') + '\n';
  const chains = nat.size + filter.size;
  return { text, rules: count(), lines: lines.length, chains, services, endpoints: endpointsTotal };
}

// Drift between two dumps

/** A small seeded generator, so that every run compares the same pair of files. */
function seededRandom(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `text` with `fraction` of its rules changed, spread over the chains: a third deleted, a third
 * added (new rules at random places of existing chains), a third moved within their chain.
 */
function driftDump(text, fraction, seed = 7) {
  const random = seededRandom(seed);
  const lines = text.split('\n');
  const ruleIndexes = [];
  for (let i = 0; i < lines.length; i++) if (lines[i].startsWith('-A ')) ruleIndexes.push(i);
  const edits = Math.max(3, Math.round(ruleIndexes.length * fraction));
  const chainOf = (line) => line.slice(3, line.indexOf(' ', 3));
  const removed = new Set();
  const insertAfter = new Map(); // line index -> lines to insert after it
  const queue = (at, line) => {
    if (!insertAfter.has(at)) insertAfter.set(at, []);
    insertAfter.get(at).push(line);
  };
  let added = 0;
  for (let e = 0; e < edits; e++) {
    const index = ruleIndexes[Math.floor(random() * ruleIndexes.length)];
    if (removed.has(index)) continue;
    const kind = e % 3;
    const chain = chainOf(lines[index]);
    if (kind === 0) removed.add(index);
    else if (kind === 1) queue(index, `-A ${chain} -s 198.18.${(added >> 8) & 255}.${added++ & 255}/32 -m comment --comment "drift ${e}" -j RETURN`);
    else {
      // Move: to a random other place in the same chain (the neighbouring rule lines share its chain).
      let lo = index;
      let hi = index;
      while (lo > 0 && lines[lo - 1].startsWith(`-A ${chain} `)) lo--;
      while (hi + 1 < lines.length && lines[hi + 1].startsWith(`-A ${chain} `)) hi++;
      if (hi === lo) continue;
      let target = lo + Math.floor(random() * (hi - lo + 1));
      if (target === index) target = index === hi ? lo : hi;
      removed.add(index);
      queue(target, lines[index]);
    }
  }
  const out = [];
  for (let i = 0; i < lines.length; i++) {
    if (!removed.has(i)) out.push(lines[i]);
    for (const line of insertAfter.get(i) || []) out.push(line);
  }
  return out.join('\n');
}

/** One filter chain of `rules` distinct rules: where a line diff without anchors turns quadratic. */
function generateOneChainDump(rules) {
  const lines = [`# Generated by iptables-save v${IPTABLES_VERSION} (nf_tables) on ${SAVE_DATE}`, '*filter', ':INPUT ACCEPT [0:0]', ':FORWARD ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]', ':BIG - [0:0]', '-A INPUT -j BIG'];
  for (let i = 0; i < rules - 1; i++) lines.push(`-A BIG -s 10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}/32 -p tcp -m tcp --dport ${1024 + (i % 50000)} -j ACCEPT`);
  lines.push('COMMIT', `# Completed on ${SAVE_DATE}`, '');
  return lines.join('\n');
}

/**
 * One filter chain for the shadow analysis: per-host ACCEPTs by port, a /28 DROP every 16 rules
 * (one in four of them over the hosts after it, which it shadows), and 2% of rules the index cannot
 * place (multiport lists, negated sources).
 */
function generateShadowChainDump(rules) {
  const lines = [`# Generated by iptables-save v${IPTABLES_VERSION} (nf_tables) on ${SAVE_DATE}`, '*filter', ':INPUT DROP [0:0]', ':FORWARD DROP [0:0]', ':OUTPUT ACCEPT [0:0]', ':BIG - [0:0]', '-A INPUT -j BIG'];
  for (let i = 0; i < rules - 1; i++) {
    const net = `10.${(i >> 12) & 255}.${(i >> 4) & 255}`;
    if (i % 16 === 0) lines.push(`-A BIG -s ${net}.${i % 64 === 0 ? 0 : 16}/28 -i eth+ -j DROP`);
    else if (i % 100 === 1) lines.push(`-A BIG -p udp -m multiport --dports ${i % 60000},${(i + 7) % 60000} -m conntrack --ctstate NEW -j ACCEPT`);
    else if (i % 100 === 2) lines.push(`-A BIG ! -s ${net}.0/24 -p tcp -m tcp --dport ${i % 60000} -j REJECT --reject-with tcp-reset`);
    else lines.push(`-A BIG -s ${net}.${i & 15}/32 -i eth${i % 4} -p tcp -m tcp --dport ${1024 + (i % 50000)} -j ACCEPT`);
  }
  lines.push('COMMIT', `# Completed on ${SAVE_DATE}`, '');
  return lines.join('\n');
}

/**
 * A Docker 20.10 host with `networks` bridge networks (docker0 and user networks), each with one
 * container publishing a tcp port on all addresses, in the layout of samples/docker-20.10; and the
 * policy describing it.
 */
function generateDockerDump(networks) {
  const nets = [];
  for (let k = 0; k < networks; k++) {
    // Docker's default pools first (172.17-31/16, then 192.168/22 here), then a default-address-pools
    // setting of 10.0.0.0/8 in /24s, as hosts with hundreds of networks configure it.
    const subnet = k === 0 ? '172.17.0.0/16' : k < 15 ? `172.${17 + k}.0.0/16` : k < 79 ? `192.168.${(k - 15) * 4}.0/22` : `10.${(k - 79) >> 8}.${(k - 79) & 255}.0/24`;
    const base = subnet.split('/')[0].split('.');
    const container = `${base[0]}.${base[1]}.${base[2]}.2`;
    const bridge = k === 0 ? 'docker0' : `br-${kubeHash(`net${k}`).toLowerCase().slice(0, 12)}`;
    nets.push({ name: k === 0 ? 'bridge' : `net${k}`, bridge, subnet, container, hostPort: 8000 + k });
  }
  const head = (table, chains) => [`# Generated by iptables-save v${IPTABLES_VERSION} (nf_tables) on ${SAVE_DATE}`, `*${table}`, ...chains];
  const reversed = [...nets].reverse();
  const filter = [
    ...head('filter', [':INPUT ACCEPT [0:0]', ':FORWARD DROP [0:0]', ':OUTPUT ACCEPT [0:0]', ':DOCKER - [0:0]', ':DOCKER-ISOLATION-STAGE-1 - [0:0]', ':DOCKER-ISOLATION-STAGE-2 - [0:0]', ':DOCKER-USER - [0:0]']),
    '-A FORWARD -j DOCKER-USER',
    '-A FORWARD -j DOCKER-ISOLATION-STAGE-1',
    ...reversed.flatMap((n) => [
      `-A FORWARD -o ${n.bridge} -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT`,
      `-A FORWARD -o ${n.bridge} -j DOCKER`,
      `-A FORWARD -i ${n.bridge} ! -o ${n.bridge} -j ACCEPT`,
      `-A FORWARD -i ${n.bridge} -o ${n.bridge} -j ACCEPT`,
    ]),
    ...reversed.map((n) => `-A DOCKER -d ${n.container}/32 ! -i ${n.bridge} -o ${n.bridge} -p tcp -m tcp --dport 80 -j ACCEPT`),
    ...reversed.map((n) => `-A DOCKER-ISOLATION-STAGE-1 -i ${n.bridge} ! -o ${n.bridge} -j DOCKER-ISOLATION-STAGE-2`),
    '-A DOCKER-ISOLATION-STAGE-1 -j RETURN',
    ...reversed.map((n) => `-A DOCKER-ISOLATION-STAGE-2 -o ${n.bridge} -j DROP`),
    '-A DOCKER-ISOLATION-STAGE-2 -j RETURN',
    '-A DOCKER-USER -j RETURN',
    'COMMIT',
    `# Completed on ${SAVE_DATE}`,
  ];
  const nat = [
    ...head('nat', [':PREROUTING ACCEPT [0:0]', ':INPUT ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]', ':POSTROUTING ACCEPT [0:0]', ':DOCKER - [0:0]']),
    '-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER',
    '-A OUTPUT ! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCKER',
    ...reversed.map((n) => `-A POSTROUTING -s ${n.subnet} ! -o ${n.bridge} -j MASQUERADE`),
    ...reversed.map((n) => `-A POSTROUTING -s ${n.container}/32 -d ${n.container}/32 -p tcp -m tcp --dport 80 -j MASQUERADE`),
    ...reversed.map((n) => `-A DOCKER -i ${n.bridge} -j RETURN`),
    ...reversed.map((n) => `-A DOCKER ! -i ${n.bridge} -p tcp -m tcp --dport ${n.hostPort} -j DNAT --to-destination ${n.container}:80`),
    'COMMIT',
    `# Completed on ${SAVE_DATE}`,
    '',
  ];
  const policy = {
    docker: {
      networks: nets.map((n) => ({ name: n.name, bridge: n.bridge, ipv4: [n.subnet], icc: true, masquerade: true, internal: false })),
      published: nets.map((n) => ({ network: n.name, container: n.container, protocol: 'tcp', hostAddress: '0.0.0.0', hostPort: n.hostPort, containerPort: 80 })),
      isolate: 'all',
      dockerUser: true,
    },
  };
  const text = [...filter, ...nat].join('\n');
  return { text, policy, rules: text.split('\n').filter((line) => line.startsWith('-A ')).length };
}

// Measuring

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function summarize(samples) {
  const walls = samples.map((s) => s.wall);
  const rss = samples.map((s) => s.maxRssKiB).filter((v) => typeof v === 'number');
  return {
    runs: samples.length,
    best: Math.min(...walls),
    median: median(walls),
    samples: walls,
    maxRssMiB: rss.length ? Math.max(...rss) / 1024 : null,
  };
}

const haveGnuTime = fs.existsSync(GNU_TIME);

/**
 * Runs argv (optionally with a file on stdin) once: wall time measured here, peak RSS from
 * GNU time (`%M`, KiB) wrapped around the last command of argv.
 * `prefix` (e.g. `ip netns exec NS`) goes before GNU time so that only the program is measured for RSS.
 */
function runOnce({ prefix = [], argv, stdinFile = null, rss = true }) {
  let timeFile = null;
  let full = [...prefix];
  if (rss && haveGnuTime) {
    timeFile = path.join(os.tmpdir(), `ipl-bench-time-${process.pid}-${Math.random().toString(36).slice(2)}`);
    full.push(GNU_TIME, '-f', '%e %M', '-o', timeFile);
  }
  full = [...full, ...argv];
  let stdinFd = 'ignore';
  if (stdinFile) stdinFd = fs.openSync(stdinFile, 'r');
  const start = process.hrtime.bigint();
  const child = spawnSync(full[0], full.slice(1), {
    stdio: [stdinFd, 'pipe', 'pipe'],
    maxBuffer: 256 * 1024 * 1024,
    timeout: RUN_TIMEOUT_SECONDS * 1000,
  });
  const wall = Number(process.hrtime.bigint() - start) / 1e9;
  if (typeof stdinFd === 'number') fs.closeSync(stdinFd);
  let maxRssKiB = null;
  if (timeFile) {
    try {
      const lines = fs.readFileSync(timeFile, 'utf8').trim().split('\n');
      const last = lines[lines.length - 1].split(' ');
      // A failed child adds a "Command exited with non-zero status" line before the numbers.
      maxRssKiB = Number(last[1]);
    } catch {
      /* the child never started */
    }
    fs.rmSync(timeFile, { force: true });
  }
  return {
    wall,
    maxRssKiB,
    status: child.status,
    signal: child.signal,
    error: child.error ? child.error.message : null,
    stdout: child.stdout ? child.stdout.toString() : '',
    stderr: child.stderr ? child.stderr.toString() : '',
  };
}

/**
 * parseDump timed inside a fresh node process, one parse per process: no node start-up, no module
 * loading, no file reading, and no heap left over from an earlier run (repeated parses in one
 * process grow the heap to several times the CLI's peak and slow each other down).
 */
const LIB_CHILD = `
const { readFileSync } = require('node:fs');
const { performance } = require('node:perf_hooks');
const [lib, file] = process.argv.slice(1);
const t0 = performance.now();
const { parseDump } = require(lib);
const loadMs = performance.now() - t0;
const t1 = performance.now();
const text = readFileSync(file, 'utf8');
const readMs = performance.now() - t1;
const t2 = performance.now();
const result = parseDump(text, { file });
const parseMs = performance.now() - t2;
let errors = 0, warnings = 0, rules = 0;
for (const d of result.diagnostics) { if (d.severity === 'error') errors++; else if (d.severity === 'warning') warnings++; }
for (const rs of result.dump.rulesets) for (const t of rs.tables) for (const c of t.chains) rules += c.rules.length;
process.stdout.write(JSON.stringify({ loadMs, readMs, parseMs, errors, warnings, rules, maxRssKiB: process.resourceUsage().maxRSS }));
`;

/** The useful part of a dead node child's stderr: the error line and the frame under it. */
function childError(r) {
  if (r.error) return r.error;
  const lines = (r.stderr || '').split('\n');
  const at = lines.findIndex((l) => /^\w*Error\b|^Error:|internal error/.test(l));
  const text = at >= 0 ? lines.slice(at, at + 2).map((l) => l.trim()).join(' ') : lines.filter(Boolean).slice(-3).join(' / ');
  return `${text || 'no output'} (exit ${r.status}${r.signal ? `, ${r.signal}` : ''})`;
}

/** One parse in a fresh process: { ok, wall, … } with the parse time as `wall`. */
function libraryRun(file) {
  const r = runOnce({ argv: [process.execPath, '-e', LIB_CHILD, LIB, file], rss: false });
  if (r.status !== 0) {
    return { ok: false, wall: r.wall, error: childError(r) };
  }
  const d = JSON.parse(r.stdout);
  return { ok: true, wall: d.parseMs / 1000, loadModuleSeconds: d.loadMs / 1000, readFileSeconds: d.readMs / 1000, errors: d.errors, warnings: d.warnings, rules: d.rules, maxRssKiB: d.maxRssKiB };
}

function summarizeLibrary(samples) {
  return {
    ok: true,
    ...summarize(samples),
    secondSeconds: samples[0].secondSeconds === undefined || samples[0].secondSeconds === null ? null : median(samples.map((d) => d.secondSeconds)),
    parseSeconds: samples[0].parseSeconds === undefined ? undefined : median(samples.map((d) => d.parseSeconds)),
    detail: samples[0].detail,
    loadModuleSeconds: median(samples.map((d) => d.loadModuleSeconds)),
    readFileSeconds: median(samples.map((d) => d.readFileSeconds)),
    errors: samples[0].errors,
    warnings: samples[0].warnings,
    rules: samples[0].rules,
  };
}

/**
 * One analysis timed inside a fresh node process after parsing, as LIB_CHILD times the parse:
 * `trace` follows one new connection from outside to a service near the end of kube-proxy's
 * KUBE-SERVICES (the first trace, rules compiled on the way, and a second one), `reach` computes
 * the matrix for the policy's networks, `shadow` finds the covered rules of every chain.
 */
const ANALYSIS_CHILD = `
const { readFileSync } = require('node:fs');
const { performance } = require('node:perf_hooks');
const [dist, mode, file, policyFile] = process.argv.slice(1);
const lib = require(dist + '/src/index.js');
const t0 = performance.now();
const parsed = lib.parseDump(readFileSync(file, 'utf8'), { file });
const parseMs = performance.now() - t0;
const ruleset = parsed.dump.rulesets[0];
let analysisMs, secondMs = null, detail = '';
if (mode === 'trace') {
  const { exactly, parseHostAddress } = require(dist + '/src/trace/addresses.js');
  const services = ruleset.tables.find((t) => t.name === 'nat').chains.find((c) => c.name === 'KUBE-SERVICES').rules;
  const last = [...services].reverse().find((r) => / -d 10\\.96\\./.test(r.raw));
  const [, address, port] = / -d ([0-9.]+)\\/32 .*--dport (\\d+)/.exec(last.raw);
  const packet = { family: 'ipv4', inInterface: { name: 'eth0' }, source: exactly(parseHostAddress('203.0.113.7', 'ipv4')), destination: exactly(parseHostAddress(address, 'ipv4')), protocol: 'tcp', sourcePort: 40000, destinationPort: Number(port), state: 'NEW' };
  const host = { localAddresses: [parseHostAddress('192.0.2.10', 'ipv4')], routes: [], knownInterfaces: [] };
  const t1 = performance.now();
  const result = lib.tracePacket(ruleset, packet, host);
  analysisMs = performance.now() - t1;
  const t2 = performance.now();
  lib.tracePacket(ruleset, packet, host);
  secondMs = performance.now() - t2;
  detail = address + ':' + port + ' ' + result.outcomes.map((o) => o.verdict).join(',') + ' in ' + result.outcomes.length + ' ways';
} else if (mode === 'reach') {
  const policy = lib.loadPolicy(policyFile);
  const t1 = performance.now();
  const matrix = lib.reachability(ruleset, policy.docker);
  analysisMs = performance.now() - t1;
  detail = matrix.endpoints.length + ' endpoints, ' + matrix.cells.length + ' cells, ' + matrix.published.length + ' published rows';
} else {
  const { coveredRules, chainFamilies } = require(dist + '/src/trace/shadow.js');
  const t1 = performance.now();
  let covered = 0;
  for (const table of ruleset.tables) for (const chain of table.chains) covered += coveredRules(chain, chainFamilies(chain, ruleset.family)).size;
  analysisMs = performance.now() - t1;
  detail = covered + ' rules covered';
}
let rules = 0;
for (const t of ruleset.tables) for (const c of t.chains) rules += c.rules.length;
process.stdout.write(JSON.stringify({ loadMs: 0, readMs: 0, parseMs, analysisMs, secondMs, detail, errors: parsed.diagnostics.filter((d) => d.severity === 'error').length, warnings: 0, rules, maxRssKiB: process.resourceUsage().maxRSS }));
`;

/** One analysis in a fresh process: { ok, wall, … } with the analysis time (parse excluded) as `wall`. */
function analysisRun(mode, file, policyFile = '') {
  const r = runOnce({ argv: [process.execPath, '-e', ANALYSIS_CHILD, path.join(ROOT, 'dist'), mode, file, policyFile], rss: false });
  if (r.status !== 0) return { ok: false, wall: r.wall, error: childError(r) };
  const d = JSON.parse(r.stdout);
  return { ok: true, wall: d.analysisMs / 1000, secondSeconds: d.secondMs === null ? null : d.secondMs / 1000, parseSeconds: d.parseMs / 1000, detail: d.detail, loadModuleSeconds: 0, readFileSeconds: 0, errors: d.errors, warnings: d.warnings, rules: d.rules, maxRssKiB: d.maxRssKiB };
}

/** Peak RSS of `ipt-lint parse` without GNU time: the same CLI entry, run in a child that reports its own maxRSS. */
const CLI_RSS_CHILD = `
const [cli, ...args] = process.argv.slice(1);
process.argv = [process.argv[0], cli, ...args];
process.on('exit', () => { process.stderr.write('\\n@@maxrss ' + process.resourceUsage().maxRSS + '\\n'); });
require(cli);
`;

/** One `ipt-lint …` run: wall time here, peak RSS from GNU time (or the child itself). */
function cliRun(args, okStatuses = [0, 2]) {
  let r;
  if (haveGnuTime) {
    r = runOnce({ argv: [CLI, ...args] });
  } else {
    r = runOnce({ argv: [process.execPath, '-e', CLI_RSS_CHILD, CLI, ...args], rss: false });
    const m = /@@maxrss (\d+)/.exec(r.stderr);
    if (m) r.maxRssKiB = Number(m[1]);
  }
  // 0: parsed clean, 2: errors in the input. Anything else (or a signal) is a crash.
  const ok = okStatuses.includes(r.status) && !r.signal && !r.error && !/internal error/.test(r.stderr);
  return { ...r, ok };
}

// iptables-restore --test in a private network namespace

const namespace = {
  name: null,
  available: false,
  reason: '',
  overheadSeconds: null,
  setup() {
    const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
    const restore = findOnPath('iptables-restore');
    const ipCmd = findOnPath('ip');
    if (!isRoot) return (this.reason = 'not root');
    if (!restore) return (this.reason = 'iptables-restore not installed');
    if (!ipCmd) return (this.reason = '`ip` (iproute2) not installed');
    const name = `ipl-bench-${process.pid}`;
    const add = spawnSync('ip', ['netns', 'add', name], { encoding: 'utf8' });
    if (add.status !== 0) return (this.reason = `ip netns add failed: ${(add.stderr || '').trim()}`);
    this.name = name;
    this.available = true;
    const version = spawnSync('ip', ['netns', 'exec', name, 'iptables-restore', '--version'], { encoding: 'utf8' });
    this.version = (version.stdout || version.stderr || '').trim();
    // What `ip netns exec` itself costs, to read the iptables numbers fairly.
    const walls = [];
    for (let i = 0; i < 5; i++) walls.push(runOnce({ prefix: this.prefix(), argv: ['true'], rss: false }).wall);
    this.overheadSeconds = median(walls);
    return null;
  },
  prefix() {
    return ['ip', 'netns', 'exec', this.name];
  },
  cleanup() {
    if (!this.name) return;
    spawnSync('ip', ['netns', 'del', this.name], { stdio: 'ignore' });
    this.name = null;
  },
};

function findOnPath(cmd) {
  for (const dir of (process.env.PATH || '/usr/sbin:/usr/bin:/sbin:/bin').split(':').concat(['/usr/sbin', '/sbin'])) {
    const p = path.join(dir, cmd);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch {
      /* next */
    }
  }
  return null;
}

/** One `iptables-restore --test < file` inside the namespace. */
function iptablesRun(file) {
  const r = runOnce({ prefix: namespace.prefix(), argv: ['iptables-restore', '--test'], stdinFile: file });
  return { ...r, ok: r.status === 0 };
}

// Benchmark cases. Each case prepares its inputs per size and says how to run one
// repetition of ipt-lint, of the bare library call, and of the real tool it is held
// against. The runner interleaves the three within each repetition, so that load from
// other processes falls on all of them alike.

/** The kube-proxy dump of one size, written once (the parse case writes it first) and shared by the later cases. */
function kubeDump(size) {
  const file = path.join(OUT_DIR, `kube-${size.name}.rules`);
  if (!fs.existsSync(file)) fs.writeFileSync(file, generateKubeDump(size.rules).text);
  const text = fs.readFileSync(file, 'utf8');
  return { file, text, input: { files: [file], lines: text.split('\n').length - 1, rules: size.rules, bytes: Buffer.byteLength(text) } };
}

const CASES = [
  {
    name: 'parse',
    description: 'ipt-lint parse <dump> vs iptables-restore --test < dump (kube-proxy shape, nat+filter)',
    sizes: SIZES,
    /** Writes the inputs for one size; returns { files: [...], lines, rules, bytes, … }. */
    prepare(size) {
      const generated = generateKubeDump(size.rules);
      const file = path.join(OUT_DIR, `kube-${size.name}.rules`);
      fs.writeFileSync(file, generated.text);
      return { files: [file], lines: generated.lines, rules: generated.rules, chains: generated.chains, services: generated.services, endpoints: generated.endpoints, bytes: Buffer.byteLength(generated.text) };
    },
    /** ipt-lint's arguments for these inputs. */
    cliArgs: (input) => ['parse', input.files[0]],
    /** One library-only run ({ ok, wall, … }), or null when the case has none. */
    libraryRun: (input) => libraryRun(input.files[0]),
    /** One run of the real tool ({ ok, wall, maxRssKiB, … }), or null when it cannot run here. */
    referenceRun: (input) => (namespace.available ? iptablesRun(input.files[0]) : null),
    referenceName: 'iptables-restore --test',
  },
  {
    name: 'lint',
    description: 'ipt-lint lint <dump> (every built-in rule) vs iptables-restore --test < dump',
    sizes: SIZES,
    prepare: (size) => kubeDump(size).input,
    cliArgs: (input) => ['lint', input.files[0]],
    libraryRun: () => null,
    referenceRun: (input) => (namespace.available ? iptablesRun(input.files[0]) : null),
    referenceName: 'iptables-restore --test',
  },
  ...[
    { name: 'diff-1%', fraction: 0.01, description: 'ipt-lint diff of two kube-proxy dumps, 1% of rules added, deleted or moved, vs iptables-restore --test < one of them' },
    { name: 'diff-10%', fraction: 0.1, description: 'the same with 10% of rules changed: near-linear in the size of the change' },
  ].map((variant) => ({
    name: variant.name,
    description: variant.description,
    sizes: SIZES,
    okStatuses: [1],
    expectedStatus: 1,
    prepare(size) {
      const { file, text, input } = kubeDump(size);
      const after = path.join(OUT_DIR, `kube-${size.name}.${variant.name}.rules`);
      fs.writeFileSync(after, driftDump(text, variant.fraction));
      return { ...input, files: [file, after] };
    },
    cliArgs: (input) => ['diff', input.files[0], input.files[1], '--format', 'json'],
    libraryRun: () => null,
    referenceRun: (input) => (namespace.available ? iptablesRun(input.files[0]) : null),
    referenceName: 'iptables-restore --test',
  })),
  {
    name: 'diff-one-chain',
    description: 'ipt-lint diff where one chain holds every rule, 1% changed (a plain line diff is quadratic here)',
    sizes: SIZES,
    okStatuses: [1],
    expectedStatus: 1,
    /** Half the size's rules in one chain: 50k at 100k. */
    prepare(size) {
      const text = generateOneChainDump(Math.round(size.rules / 2));
      const before = path.join(OUT_DIR, `one-chain-${size.name}.rules`);
      const after = path.join(OUT_DIR, `one-chain-${size.name}.drift.rules`);
      fs.writeFileSync(before, text);
      fs.writeFileSync(after, driftDump(text, 0.01));
      return { files: [before, after], lines: text.split('\n').length - 1, rules: Math.round(size.rules / 2), bytes: Buffer.byteLength(text) };
    },
    cliArgs: (input) => ['diff', input.files[0], input.files[1], '--format', 'json'],
    libraryRun: () => null,
    referenceRun: (input) => (namespace.available ? iptablesRun(input.files[0]) : null),
    referenceName: 'iptables-restore --test',
  },
  {
    name: 'trace',
    description: 'one new connection traced through the kube-proxy dump, timed after parsing (first trace, rules compiled on the way)',
    sizes: [{ name: '100k', rules: 100_000, runs: 3 }],
    fixedSizes: true,
    libraryLabel: 'trace only s',
    target: { seconds: 0.05, what: 'one trace after parsing' },
    prepare: (size) => kubeDump(size).input,
    cliArgs: (input) => ['trace', input.files[0], '--in', 'eth0', '-s', '203.0.113.7', '-d', '10.96.0.10', '-p', 'tcp', '--dport', '80'],
    libraryRun: (input) => analysisRun('trace', input.files[0]),
    referenceRun: () => null,
    referenceName: 'none',
  },
  {
    name: 'lint-docker',
    description: 'ipt-lint lint (every built-in rule) of a Docker 20.10 host with many networks, whose FORWARD rules only interfaces tell apart, vs iptables-restore --test < dump',
    sizes: [
      { name: '1k networks', rules: 1000, runs: 3 },
      { name: '10k networks', rules: 10_000, runs: 3 },
    ],
    fixedSizes: true,
    prepare(size) {
      const generated = generateDockerDump(size.rules);
      const file = path.join(OUT_DIR, `docker-${size.rules}.rules`);
      fs.writeFileSync(file, generated.text);
      return { files: [file], lines: generated.text.split('\n').length - 1, rules: generated.rules, bytes: Buffer.byteLength(generated.text) };
    },
    cliArgs: (input) => ['lint', input.files[0], '--format', 'json'],
    libraryRun: () => null,
    referenceRun: (input) => (namespace.available ? iptablesRun(input.files[0]) : null),
    referenceName: 'iptables-restore --test',
  },
  {
    name: 'reach',
    description: 'the reachability matrix of a Docker 20.10 host, one published port per network, timed after parsing',
    sizes: [{ name: '50 networks', rules: 50, runs: 3 }],
    fixedSizes: true,
    libraryLabel: 'matrix only s',
    target: { seconds: 1.0, what: 'the matrix after parsing' },
    prepare(size) {
      const generated = generateDockerDump(size.rules);
      const file = path.join(OUT_DIR, `docker-${size.rules}.rules`);
      const policy = path.join(OUT_DIR, `docker-${size.rules}.policy.json`);
      fs.writeFileSync(file, generated.text);
      fs.writeFileSync(policy, JSON.stringify(generated.policy, null, 2) + '\n');
      return { files: [file, policy], lines: generated.text.split('\n').length - 1, rules: generated.rules, bytes: Buffer.byteLength(generated.text) };
    },
    cliArgs: (input) => ['reach', input.files[0], '--policy', input.files[1], '--format', 'json'],
    libraryRun: (input) => analysisRun('reach', input.files[0], input.files[1]),
    referenceRun: () => null,
    referenceName: 'none',
  },
  {
    name: 'shadow',
    description: 'shadowed and redundant rules (IPT2011/IPT2012) of one 10k-rule chain, timed after parsing',
    sizes: [{ name: '10k', rules: 10_000, runs: 3 }],
    fixedSizes: true,
    libraryLabel: 'analysis only s',
    target: { seconds: 2.0, what: 'the shadow analysis after parsing' },
    prepare(size) {
      const text = generateShadowChainDump(size.rules);
      const file = path.join(OUT_DIR, `shadow-${size.name}.rules`);
      fs.writeFileSync(file, text);
      return { files: [file], lines: text.split('\n').length - 1, rules: size.rules, bytes: Buffer.byteLength(text) };
    },
    cliArgs: (input) => ['lint', input.files[0], '--format', 'json'],
    libraryRun: (input) => analysisRun('shadow', input.files[0]),
    referenceRun: () => null,
    referenceName: 'none',
  },
];

/** The diff issue's targets on the largest size: wall ≤ iptables-restore --test on one input, peak ≤ 600 MiB. */
const DIFF_TARGETS = { vsIptables: 1.0, maxRssMiB: 600, linearity: 1.5 };

/** The lint issue's targets on the largest size: wall ≤ iptables-restore --test (aim ½), peak ≤ 400 MiB. */
const LINT_TARGETS = { vsIptables: 1.0, maxRssMiB: 400 };

// Report

function fmt(value, digits = 3) {
  return value === null || value === undefined || Number.isNaN(value) ? 'n/a' : value.toFixed(digits);
}

function table(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => cells.map((cell, i) => (i === 0 ? String(cell).padEnd(widths[i]) : String(cell).padStart(widths[i]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

function parseArgs(argv) {
  const options = { quick: false, sizes: null, runs: null, iptables: true, cases: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--quick') options.quick = true;
    else if (a === '--no-iptables') options.iptables = false;
    else if (a === '--sizes') options.sizes = argv[++i].split(',').map(Number);
    else if (a === '--runs') options.runs = Number(argv[++i]);
    else if (a === '--cases') options.cases = argv[++i].split(',');
    else if (a === '-h' || a === '--help') {
      process.stdout.write('usage: node scripts/bench.js [--quick] [--sizes 1000,10000,100000] [--runs N] [--cases parse,lint,lint-docker,diff-1%,diff-10%,diff-one-chain,trace,reach,shadow] [--no-iptables]\n');
      process.exit(0);
    } else {
      process.stderr.write(`bench: unknown argument ${a}\n`);
      process.exit(2);
    }
  }
  return options;
}

/** Lets pending signal handlers run between the synchronous measurements. */
const tick = () => new Promise((resolve) => setImmediate(resolve));

async function main() {
  const options = parseArgs(process.argv.slice(2));
  if (!fs.existsSync(LIB) || !fs.existsSync(path.join(ROOT, 'dist', 'src', 'cli', 'main.js'))) {
    process.stderr.write('bench: dist/ is missing; run `npm run build` first\n');
    return 2;
  }
  fs.mkdirSync(OUT_DIR, { recursive: true });
  const started = Date.now();
  let crashed = false;
  const problems = [];

  if (options.iptables) namespace.setup();
  else namespace.reason = '--no-iptables';
  process.stdout.write(`load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} on ${os.cpus().length} CPUs; timings on a busy machine are noisy\n`);
  const iptablesNote = namespace.available ? `${namespace.version}, in netns ${namespace.name}` : `not run: ${namespace.reason}`;

  const results = {
    date: new Date().toISOString(),
    host: { node: process.version, cpus: os.cpus().length, cpuModel: os.cpus()[0] ? os.cpus()[0].model : null, loadavg: os.loadavg() },
    rssSource: haveGnuTime ? '/usr/bin/time %M' : 'process.resourceUsage().maxRSS in a node child',
    iptables: namespace.available ? { version: namespace.version, netnsExecOverheadSeconds: namespace.overheadSeconds } : { skipped: namespace.reason },
    targets: TARGETS,
    cases: [],
    checks: [],
  };

  try {
    // Start-up cost on its own: the CLI on a trivial dump, and node doing nothing.
    const tiny = path.join(OUT_DIR, 'tiny.rules');
    fs.writeFileSync(tiny, '*filter\n:INPUT ACCEPT [0:0]\nCOMMIT\n');
    const startCli = [];
    const startNode = [];
    for (let i = 0; i < 5; i++) {
      const cli = cliRun(['parse', tiny]);
      if (!cli.ok) {
        problems.push(`ipt-lint parse of a 3-line dump failed: ${childError(cli)}`);
        crashed = true;
        break;
      }
      startCli.push(cli);
      startNode.push(runOnce({ argv: [process.execPath, '-e', ''], rss: false }));
      await tick();
    }
    if (startCli.length) results.startup = { cli: summarize(startCli), node: summarize(startNode) };

    for (const benchCase of CASES.filter((c) => !options.cases || options.cases.includes(c.name))) {
      let sizes = benchCase.sizes;
      // --sizes counts rules; cases sized by something else (networks, one chain) keep their own sizes.
      if (options.sizes && !benchCase.fixedSizes) sizes = options.sizes.map((rules) => sizes.find((s) => s.rules === rules) || { name: `${rules}`, rules, runs: 3 });
      if (options.quick) sizes = sizes.filter((s) => s.rules <= 10_000);
      const caseResult = { name: benchCase.name, description: benchCase.description, libraryLabel: benchCase.libraryLabel, target: benchCase.target, sizes: [] };
      results.cases.push(caseResult);
      process.stdout.write(`\n== ${benchCase.name}: ${benchCase.description}\n   iptables-restore: ${iptablesNote}\n`);

      for (const size of sizes) {
        const runs = options.runs || size.runs;
        const input = benchCase.prepare(size);
        const row = { size: size.name, targetRules: size.rules, ...input, files: input.files.map((f) => path.relative(ROOT, f)) };
        process.stdout.write(`   ${size.name}: ${input.rules} rules, ${input.lines} lines, ${(input.bytes / 1048576).toFixed(1)} MiB … `);

        const samples = { reference: [], cli: [], library: [] };
        const failures = {};
        for (let i = 0; i < runs; i++) {
          // The reference first: its first run also says whether the real tool takes the input at all.
          if (!failures.reference) {
            const ref = benchCase.referenceRun(input);
            if (ref && ref.ok) samples.reference.push(ref);
            else if (ref) failures.reference = ref;
          }
          if (!failures.cli) {
            const cli = cliRun(benchCase.cliArgs(input), benchCase.okStatuses);
            if (cli.ok) samples.cli.push(cli);
            else failures.cli = cli;
          }
          if (!failures.library) {
            const lib = benchCase.libraryRun(input);
            if (lib) {
              if (lib.ok) samples.library.push(lib);
              else failures.library = lib;
            }
          }
          await tick();
          const slowest = Math.max(0, ...[samples.cli, samples.library, samples.reference].map((list) => (list.length ? list[list.length - 1].wall : 0)));
          if (slowest > SLOW_RUN_SECONDS) break; // keep the bench within a few minutes
        }

        if (failures.reference) {
          const failed = failures.reference;
          const how = failed.signal ? `killed by ${failed.signal}` : failed.error ? failed.error : `rc ${failed.status}`;
          row.reference = { ok: false, status: failed.status, how, stderr: failed.stderr.trim().split('\n').slice(0, 3).join(' / ') };
          problems.push(`${benchCase.referenceName} REFUSED the generated ${size.name} input (${how}): ${row.reference.stderr}`);
          crashed = true;
        } else if (samples.reference.length) {
          row.reference = { ok: true, accepted: true, ...summarize(samples.reference) };
        }

        if (failures.cli) {
          const failed = failures.cli;
          const why = failed.error || failed.signal || `exit ${failed.status}`;
          row.cli = { ok: false, why, stderr: childError(failed) };
          problems.push(`ipt-lint ${benchCase.cliArgs(input).map((a) => (path.isAbsolute(a) ? path.relative(ROOT, a) : a)).join(' ')} crashed (${why}): ${row.cli.stderr}`);
          crashed = true;
        } else {
          row.cli = { ok: true, exitCode: samples.cli[0].status, ...summarize(samples.cli) };
          if (samples.cli[0].status !== (benchCase.expectedStatus ?? 0)) {
            const first = samples.cli[0].stderr.trim().split('\n')[0];
            problems.push(`ipt-lint reported errors on the generated ${size.name} input (exit ${samples.cli[0].status}); first: ${first}`);
          }
        }

        if (failures.library) {
          row.library = { ok: false, error: failures.library.error };
          problems.push(`the library call crashed on ${size.name}: ${failures.library.error}`);
          crashed = true;
        } else if (samples.library.length) {
          row.library = summarizeLibrary(samples.library);
          row.library.usPerLine = (row.library.best * 1e6) / input.lines;
          if (row.library.errors || row.library.warnings) problems.push(`parseDump: ${row.library.errors} errors, ${row.library.warnings} warnings on the generated ${size.name} file`);
        }
        if (row.cli.ok) {
          row.cli.usPerLine = (row.cli.best * 1e6) / input.lines;
          // What the CLI adds to the bare parse (start-up, modules, reading, output); noisy, as a difference of two noisy bests.
          row.cliMinusLibrarySeconds = row.library && row.library.ok ? row.cli.best - row.library.best : null;
        }
        if (row.cli.ok && row.reference && row.reference.ok) {
          row.ratio = row.cli.best / row.reference.best;
          row.ratioMedian = row.cli.median / row.reference.median;
        }
        caseResult.sizes.push(row);
        process.stdout.write(`ipt-lint ${row.cli.ok ? fmt(row.cli.median) + ' s' : 'CRASH'}${row.reference && row.reference.ok ? `, iptables ${fmt(row.reference.median)} s` : ''}\n`);
      }
    }
  } finally {
    namespace.cleanup();
  }

  // ---- table
  for (const caseResult of results.cases) {
    const rows = caseResult.sizes.map((r) => [
      r.size,
      r.rules,
      r.lines,
      r.cli.runs ?? '-',
      r.cli.ok ? `${fmt(r.cli.best)} / ${fmt(r.cli.median)}` : 'CRASH',
      r.reference ? (r.reference.ok ? `${fmt(r.reference.best)} / ${fmt(r.reference.median)}` : 'REFUSED') : 'n/a',
      r.ratio !== undefined ? `${fmt(r.ratio, 2)} / ${fmt(r.ratioMedian, 2)}` : 'n/a',
      r.cli.ok ? fmt(r.cli.maxRssMiB, 1) : 'n/a',
      r.cli.ok ? fmt(r.cli.usPerLine, 2) : 'n/a',
      r.library && r.library.ok ? `${fmt(r.library.best)} / ${fmt(r.library.median)}` : 'n/a',
      r.library && r.library.ok ? fmt(r.library.usPerLine, 2) : 'n/a',
    ]);
    process.stdout.write(`\n${caseResult.name}: wall seconds best / median of N runs; ratio = ipt-lint / iptables (best, median); µs/line from best runs\n`);
    process.stdout.write(
      table(
        ['size', 'rules', 'lines', 'N', 'ipt-lint wall s', 'iptables --test wall s', 'ratio', 'ipt-lint peak RSS MiB', 'µs/line (cli)', caseResult.libraryLabel ?? 'parseDump only s', `µs/line (${caseResult.libraryLabel ? 'analysis' : 'parseDump'})`],
        rows,
      ) + '\n',
    );
  }
  if (results.startup) {
    const st = results.startup;
    process.stdout.write(`start-up: \`ipt-lint parse\` of a 3-line dump ${fmt(st.cli.best)} s best / ${fmt(st.cli.median)} s median, of which bare \`node\` ${fmt(st.node.best)} s; parseDump only = the parse without either\n`);
  }
  if (namespace.overheadSeconds !== null) process.stdout.write(`(iptables wall includes \`ip netns exec\`, ${fmt(namespace.overheadSeconds)} s on its own)\n`);

  // ---- targets (parse case, largest and second-largest sizes)
  const parse = results.cases.find((c) => c.name === 'parse');
  const checks = results.checks;
  const largest = parse && parse.sizes[parse.sizes.length - 1];
  const previous = parse && parse.sizes.length > 1 ? parse.sizes[parse.sizes.length - 2] : null;
  if (largest && largest.cli.ok) {
    const label = largest.size;
    let reference = null;
    let referenceMedian = null;
    let refLabel = '';
    if (largest.reference && largest.reference.ok) {
      reference = largest.reference.best;
      referenceMedian = largest.reference.median;
      refLabel = 'iptables-restore --test, measured';
    } else if (largest.targetRules === 100_000) {
      reference = DOC_IPTABLES_100K_SECONDS;
      refLabel = 'iptables-restore --test, 1.0 s from docs/real-iptables.md (not measured here)';
    }
    if (reference !== null) {
      // Best of N against best of N: on a shared VM the minimum is the steadiest estimate of cost.
      const ratio = largest.cli.best / reference;
      const medianNote = referenceMedian !== null ? `; medians ${fmt(largest.cli.median)} vs ${fmt(referenceMedian)} s = ${fmt(largest.cli.median / referenceMedian, 2)}×` : '';
      checks.push({ name: `${label}: ipt-lint wall ≤ iptables-restore --test wall`, pass: ratio <= TARGETS.vsIptables, ratio, detail: `best ${fmt(largest.cli.best)} s vs ${fmt(reference)} s (${refLabel}) = ${fmt(ratio, 2)}×${medianNote}` });
      checks.push({ name: `${label}: aim ≤ ${TARGETS.vsIptablesAim}× iptables-restore --test`, pass: ratio <= TARGETS.vsIptablesAim, ratio, detail: `${fmt(ratio, 2)}×`, aim: true });
    } else {
      checks.push({ name: `${label}: ipt-lint wall ≤ iptables-restore --test wall`, pass: null, detail: `no reference: ${namespace.reason}` });
    }
    checks.push({
      name: `${label}: peak RSS ≤ ${TARGETS.maxRssMiB} MiB`,
      pass: largest.cli.maxRssMiB !== null ? largest.cli.maxRssMiB <= TARGETS.maxRssMiB : null,
      detail: `ipt-lint parse ${fmt(largest.cli.maxRssMiB, 1)} MiB, highest of ${largest.cli.runs} runs (${results.rssSource}); parseDump alone ${largest.library && largest.library.ok ? fmt(largest.library.maxRssMiB, 1) : 'n/a'} MiB; iptables-restore --test ${largest.reference && largest.reference.ok ? fmt(largest.reference.maxRssMiB, 1) : 'n/a'} MiB`,
    });
    if (previous && previous.library && previous.library.ok && largest.library && largest.library.ok) {
      const growth = largest.library.usPerLine / previous.library.usPerLine;
      const cliGrowth = previous.cli.ok ? largest.cli.usPerLine / previous.cli.usPerLine : null;
      checks.push({
        name: `linear: µs/line at ${label} ≤ ${TARGETS.linearity}× µs/line at ${previous.size}`,
        pass: growth <= TARGETS.linearity,
        detail: `parseDump best ${fmt(previous.library.usPerLine, 2)} → ${fmt(largest.library.usPerLine, 2)} µs/line = ${fmt(growth, 2)}× (whole CLI, start-up included: ${fmt(cliGrowth, 2)}×)`,
      });
    }
  }
  const lint = results.cases.find((c) => c.name === 'lint');
  const lintLargest = lint && lint.sizes[lint.sizes.length - 1];
  if (lintLargest && lintLargest.cli.ok && lintLargest.reference && lintLargest.reference.ok) {
    const ratio = lintLargest.cli.best / lintLargest.reference.best;
    checks.push({ name: `${lintLargest.size}: ipt-lint lint wall ≤ iptables-restore --test wall`, pass: ratio <= LINT_TARGETS.vsIptables, ratio, detail: `best ${fmt(lintLargest.cli.best)} s vs ${fmt(lintLargest.reference.best)} s = ${fmt(ratio, 2)}×` });
    checks.push({ name: `${lintLargest.size}: ipt-lint lint peak RSS ≤ ${LINT_TARGETS.maxRssMiB} MiB`, pass: lintLargest.cli.maxRssMiB <= LINT_TARGETS.maxRssMiB, detail: `${fmt(lintLargest.cli.maxRssMiB, 1)} MiB` });
  }
  const diffCase = (name) => results.cases.find((c) => c.name === name);
  const largestOf = (benchCase) => (benchCase && benchCase.sizes.length ? benchCase.sizes[benchCase.sizes.length - 1] : null);
  for (const name of ['diff-1%', 'diff-one-chain']) {
    const row = largestOf(diffCase(name));
    if (!row || !row.cli.ok) continue;
    if (row.reference && row.reference.ok) {
      const ratio = row.cli.best / row.reference.best;
      // The issue sets this bar for the 1% case; for one long chain it asks near-linear growth, and being as fast is an aim.
      const bar = name === 'diff-1%' ? 'ipt-lint diff wall' : 'aim: ipt-lint diff wall';
      checks.push({ name: `${name} ${row.size}: ${bar} ≤ iptables-restore --test wall on one input`, pass: ratio <= DIFF_TARGETS.vsIptables, ratio, detail: `best ${fmt(row.cli.best)} s vs ${fmt(row.reference.best)} s = ${fmt(ratio, 2)}×` });
    }
    checks.push({ name: `${name} ${row.size}: ipt-lint diff peak RSS ≤ ${DIFF_TARGETS.maxRssMiB} MiB`, pass: row.cli.maxRssMiB <= DIFF_TARGETS.maxRssMiB, detail: `${fmt(row.cli.maxRssMiB, 1)} MiB` });
  }
  const one = largestOf(diffCase('diff-1%'));
  const ten = largestOf(diffCase('diff-10%'));
  if (one && ten && one.cli.ok && ten.cli.ok) {
    const growth = ten.cli.best / one.cli.best;
    checks.push({ name: `diff ${ten.size}: 10% changed costs ≤ ${DIFF_TARGETS.linearity}× 1% changed`, pass: growth <= DIFF_TARGETS.linearity, detail: `${fmt(one.cli.best)} → ${fmt(ten.cli.best)} s = ${fmt(growth, 2)}×` });
  }
  const chainSizes = diffCase('diff-one-chain');
  if (chainSizes && chainSizes.sizes.length > 1) {
    const [small, big] = chainSizes.sizes.slice(-2);
    if (small.cli.ok && big.cli.ok) {
      const growth = big.cli.usPerLine / small.cli.usPerLine;
      checks.push({ name: `diff-one-chain: µs/line at ${big.rules} rules ≤ ${DIFF_TARGETS.linearity}× at ${small.rules}`, pass: growth <= DIFF_TARGETS.linearity, detail: `${fmt(small.cli.usPerLine, 2)} → ${fmt(big.cli.usPerLine, 2)} µs/line = ${fmt(growth, 2)}× (start-up included)` });
    }
  }
  // The tracer issue's targets: each analysis, timed in-process after parsing, within its budget.
  for (const caseResult of results.cases.filter((c) => c.target)) {
    const row = largestOf(caseResult);
    if (!row) continue;
    if (!row.library || !row.library.ok) {
      checks.push({ name: `${caseResult.name} ${row.size}: ${caseResult.target.what} ≤ ${caseResult.target.seconds} s`, pass: false, detail: 'the analysis crashed' });
      continue;
    }
    const warm = row.library.secondSeconds !== null && row.library.secondSeconds !== undefined ? `; again once compiled ${fmt(row.library.secondSeconds * 1000, 1)} ms` : '';
    checks.push({
      name: `${caseResult.name} ${row.size}: ${caseResult.target.what} ≤ ${caseResult.target.seconds * 1000} ms`,
      pass: row.library.best <= caseResult.target.seconds,
      detail: `best ${fmt(row.library.best * 1000, 1)} ms, median ${fmt(row.library.median * 1000, 1)} ms${warm} (parse ${fmt(row.library.parseSeconds, 2)} s; ${row.library.detail}); whole CLI ${row.cli.ok ? fmt(row.cli.best, 2) + ' s' : 'CRASH'}`,
    });
  }
  process.stdout.write('\nTargets\n');
  for (const check of checks) {
    const verdict = check.pass === null ? 'SKIP' : check.pass ? 'PASS' : 'MISS';
    process.stdout.write(`  ${verdict}  ${check.name}: ${check.detail}\n`);
  }
  if (problems.length) {
    process.stdout.write('\nProblems\n');
    for (const p of problems) process.stdout.write(`  - ${p}\n`);
  }
  results.problems = problems;
  results.elapsedSeconds = (Date.now() - started) / 1000;
  const resultsFile = path.join(OUT_DIR, 'results.json');
  fs.writeFileSync(resultsFile, JSON.stringify(results, null, 2) + '\n');
  process.stdout.write(`\nResults: ${path.relative(process.cwd(), resultsFile)} (bench took ${fmt(results.elapsedSeconds, 0)} s)\n`);
  return crashed ? 1 : 0;
}

// Delete the namespace on every way out.
const SIGNAL_EXIT = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };
for (const signal of Object.keys(SIGNAL_EXIT)) {
  process.on(signal, () => {
    namespace.cleanup();
    process.stderr.write(`bench: ${signal}, stopped\n`);
    process.exit(SIGNAL_EXIT[signal]);
  });
}
process.on('exit', () => namespace.cleanup());

if (require.main === module) {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (error) => {
      namespace.cleanup();
      process.stderr.write(`bench: ${error && error.stack ? error.stack : error}\n`);
      process.exitCode = 1;
    },
  );
}

module.exports = { generateKubeDump, generateOneChainDump, generateShadowChainDump, generateDockerDump, driftDump, kubeHash, saveString, probability, CASES };
