import { isIPv4, isIPv6 } from 'node:net';
import Ajv2020 from 'ajv/dist/2020';
import fc from 'fast-check';
import type { Family, Severity, TableName } from '../../src/ast';
import schema from '../../src/policy/schema.json';
import type { ChainRequirement, ConnectionRequirement, DockerEra, DockerNetwork, DockerPolicy, Policy, PublishedPort, RuleRequirement } from '../../src/policy/types';

interface SchemaNode {
  type?: string;
  description?: string;
  properties?: Record<string, SchemaNode>;
  additionalProperties?: boolean | SchemaNode;
  required?: string[];
  items?: SchemaNode;
  enum?: string[];
  anyOf?: SchemaNode[];
  $ref?: string;
}

const root = schema as unknown as SchemaNode & { $defs: Record<string, SchemaNode & { pattern?: string }> };
const docker = root.properties!.docker;
const objects: Record<string, SchemaNode> = {
  Policy: root,
  DockerPolicy: docker,
  DockerNetwork: docker.properties!.networks.items!,
  PublishedPort: docker.properties!.published.items!,
  ChainRequirement: root.properties!.chains.items!,
  RuleRequirement: root.properties!.rules.items!,
  ConnectionRequirement: docker.properties!.reach.items!,
};

/** Every object schema with named keys, by its path, for the structural checks. */
function objectSchemas(node: SchemaNode, path: string, found: [string, SchemaNode][] = []): [string, SchemaNode][] {
  if (node.properties !== undefined) {
    found.push([path, node]);
    for (const [key, property] of Object.entries(node.properties)) objectSchemas(property, `${path}.${key}`, found);
  }
  if (node.items !== undefined) objectSchemas(node.items, `${path}[]`, found);
  return found;
}

test('compiles under ajv strict mode', () => {
  expect(() => new Ajv2020({ strict: true, allErrors: true }).compile(schema)).not.toThrow();
});

test.each(objectSchemas(root, 'policy'))('%s: no unknown keys, every key described', (_path, node) => {
  expect(node.additionalProperties).toBe(false);
  for (const [key, property] of Object.entries(node.properties!)) {
    expect([key, typeof property.description === 'string' && property.description.length > 10]).toEqual([key, true]);
  }
});

// The types in src/policy/types.ts follow the schema. Each list below is checked by the compiler
// against a type (a key missing or extra there fails to compile) and by the test against the schema.
type RequiredKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? never : K }[keyof T];
type Keys<T> = { all: Record<keyof T, true>; required: Record<RequiredKeys<T>, true> };

const typeKeys: Record<string, { all: Record<string, true>; required: Record<string, true> }> = {
  Policy: { all: { docker: true, chains: true, rules: true, severity: true }, required: {} } satisfies Keys<Policy>,
  DockerPolicy: { all: { era: true, networks: true, published: true, isolate: true, reach: true, deny: true, dockerUser: true }, required: { networks: true } } satisfies Keys<DockerPolicy>,
  DockerNetwork: {
    all: { name: true, bridge: true, ipv4: true, ipv6: true, icc: true, masquerade: true, internal: true, hostBinding: true },
    required: { name: true, bridge: true },
  } satisfies Keys<DockerNetwork>,
  PublishedPort: {
    all: { network: true, container: true, protocol: true, hostAddress: true, hostPort: true, containerPort: true },
    required: { network: true, container: true, protocol: true, hostPort: true, containerPort: true },
  } satisfies Keys<PublishedPort>,
  ChainRequirement: { all: { table: true, chain: true, policy: true, family: true }, required: { table: true, chain: true } } satisfies Keys<ChainRequirement>,
  RuleRequirement: { all: { table: true, chain: true, rule: true, present: true, family: true }, required: { table: true, chain: true, rule: true, present: true } } satisfies Keys<RuleRequirement>,
  ConnectionRequirement: { all: { from: true, to: true, protocol: true, port: true }, required: { from: true, to: true } } satisfies Keys<ConnectionRequirement>,
};

test.each(Object.keys(objects))('%s in types.ts has the keys, and the required keys, of the schema', (name) => {
  const node = objects[name];
  expect(Object.keys(node.properties!).sort()).toEqual(Object.keys(typeKeys[name].all).sort());
  expect([...(node.required ?? [])].sort()).toEqual(Object.keys(typeKeys[name].required).sort());
});

test('the enums of the schema are the unions of types.ts', () => {
  const eras: Record<DockerEra, true> = { '1.12': true, '17.06': true, '18.05': true, '28': true, '29': true };
  const protocols: Record<PublishedPort['protocol'], true> = { tcp: true, udp: true, sctp: true };
  const tables: Record<TableName, true> = { filter: true, nat: true, mangle: true, raw: true, security: true };
  const families: Record<Family, true> = { ipv4: true, ipv6: true };
  const policies: Record<NonNullable<ChainRequirement['policy']>, true> = { ACCEPT: true, DROP: true };
  const levels: Record<Severity | 'off', true> = { error: true, warning: true, info: true, off: true };
  const same = (schemaEnum: string[] | undefined, union: Record<string, true>) => expect([...(schemaEnum ?? [])].sort()).toEqual(Object.keys(union).sort());
  same(docker.properties!.era.enum, eras);
  same(objects.PublishedPort.properties!.protocol.enum, protocols);
  same(root.$defs.table.enum, tables);
  same(root.$defs.family.enum, families);
  same(objects.ChainRequirement.properties!.policy.enum, policies);
  same(root.$defs.severityLevel.enum, levels);
  const connectionProtocols: Record<NonNullable<ConnectionRequirement['protocol']>, true> = { tcp: true, udp: true, sctp: true, icmp: true };
  same(objects.ConnectionRequirement.properties!.protocol.enum, connectionProtocols);
  expect(docker.properties!.deny.items).toEqual(docker.properties!.reach.items);
});

describe('address patterns agree with Node.js net.isIPv4 / net.isIPv6', () => {
  const pattern = (name: string) => new RegExp(root.$defs[name].pattern!, 'u');
  const ipAddress = pattern('ipAddress');
  const ipv4Cidr = pattern('ipv4Cidr');
  const ipv6Cidr = pattern('ipv6Cidr');

  // Strings made of address pieces, so near misses (a group too many, `:::`, a bad octet) come up often.
  const piece = fc.constantFrom('0', '1', '9', '10', '99', '255', '256', '01', 'ff', 'FFFF', 'fffff', 'g', '1.2.3.4', '300.1.1.1', '');
  const separator = fc.constantFrom(':', '::', '.', ':::');
  const addressLike = fc.oneof(
    fc.ipV4(),
    fc.ipV6(),
    fc.ipV4Extended(),
    fc.array(fc.tuple(piece, separator), { maxLength: 10 }).map((parts) => parts.flat().join('')),
    fc.array(fc.tuple(piece, separator), { maxLength: 10 }).map((parts) => parts.flat().join('').replace(/[:.]+$/, '')),
  );
  // Node accepts a zone (`fe80::1%eth0`); a policy never needs one.
  const nodeIPv6 = (text: string) => isIPv6(text) && !text.includes('%');

  test('IP address', () => {
    fc.assert(fc.property(addressLike, (text) => ipAddress.test(text) === (isIPv4(text) || nodeIPv6(text))), { numRuns: 20000 });
  });

  test('IPv4 and IPv6 CIDRs', () => {
    const prefix = fc.oneof(fc.integer({ min: -1, max: 130 }).map(String), fc.constantFrom('', '08', '1a', '32 '));
    fc.assert(
      fc.property(addressLike, prefix, (address, length) => {
        const text = `${address}/${length}`;
        const validLength = (max: number) => /^(0|[1-9]\d*)$/.test(length) && Number(length) <= max;
        return ipv4Cidr.test(text) === (isIPv4(address) && validLength(32)) && ipv6Cidr.test(text) === (nodeIPv6(address) && validLength(128));
      }),
      { numRuns: 20000 },
    );
  });

  test.each([
    ['::', true],
    ['::ffff:192.0.2.1', true],
    ['2001:db8::1', true],
    ['1:2:3:4:5:6:7:8', true],
    ['1:2:3:4:5:6:7::', true],
    ['1:2:3:4:5:6:192.0.2.1', true],
    ['1:2:3:4:5:6:7:8:9', false],
    ['1::2::3', false],
    ['fe80::1%eth0', false],
    ['192.0.2.1', true],
    ['192.0.2', false],
    ['192.000.2.1', false],
  ])('%s → %s', (text, valid) => {
    expect(ipAddress.test(text)).toBe(valid);
  });
});
