import type { DockerNetwork, Policy } from '../../src/policy/types';
import { expectExactly, lintDocker, type ExpectedFinding } from '../helpers/docker-policy-lint';
import { DOCKER_20_10_SCENARIOS, sampleDump, samplePolicy } from '../helpers/docker-sample-policy';

interface Damage {
  name: string;
  text: string;
  policy: Policy;
  expected: ExpectedFinding[];
}

const label = (network: DockerNetwork): string => `network ${network.name} (${network.bridge})`;

function without(text: string, line: string): string {
  const lines = text.split('\n');
  if (!lines.includes(line)) throw new Error(`the sample has no line ${line}`);
  return lines.filter((candidate) => candidate !== line).join('\n');
}

function count(text: string, line: string): number {
  return text.split('\n').filter((candidate) => candidate === line).length;
}

/** `line` inserted above the first line that starts with `before`. */
function insertAbove(text: string, before: string, line: string): string {
  const lines = text.split('\n');
  const index = lines.findIndex((candidate) => candidate.startsWith(before));
  if (index < 0) throw new Error(`the sample has no line starting ${before}`);
  lines.splice(index, 0, line);
  return lines.join('\n');
}

/**
 * For one scenario, every damage the checks must notice, and exactly the finding each must give:
 * the subnet MASQUERADE deleted (or added where masquerade is off), the isolation DROPs of a network
 * deleted, an ACCEPT from one bridge to another put above the isolation, the icc DROP (or ACCEPT)
 * deleted, a published port's DNAT deleted, an internal network's incoming DROP deleted.
 */
function damagesOf(scenario: string): Damage[] {
  const policy = samplePolicy(scenario);
  const text = sampleDump(scenario);
  const networks = policy.docker!.networks;
  const bridged = networks.filter((network) => network.internal !== true);
  const damages: Damage[] = [];
  const add = (name: string, damaged: string, expected: ExpectedFinding[]): void => {
    damages.push({ name: `${scenario}: ${name}`, text: damaged, policy, expected });
  };

  for (const network of networks) {
    if (network.internal === true) continue;
    for (const subnet of [...(network.ipv4 ?? []), ...(network.ipv6 ?? [])]) {
      const masquerade = `-A POSTROUTING -s ${subnet} ! -o ${network.bridge} -j MASQUERADE`;
      if (network.masquerade !== false) {
        add(`delete the subnet MASQUERADE of ${network.name} (${subnet})`, without(text, masquerade), [
          { code: 'IPT3001', words: [`${label(network)}: MASQUERADE for ${subnet} is missing`] },
        ]);
      } else {
        add(`add a subnet MASQUERADE for ${network.name}, which has masquerade off`, insertAbove(text, '-A POSTROUTING', masquerade), [
          { code: 'IPT3001', words: [`${label(network)} has masquerade off`, subnet] },
        ]);
      }
    }
  }

  // With a single non-internal network there is no pair to isolate.
  for (const target of bridged.length > 1 ? bridged : []) {
    const drop = `-A DOCKER-ISOLATION-STAGE-2 -o ${target.bridge} -j DROP`;
    const damaged = text
      .split('\n')
      .filter((line) => line !== drop)
      .join('\n');
    const expected = bridged
      .filter((source) => source !== target)
      .map((source) => ({ code: 'IPT3003', words: [`traffic from ${label(source)} to ${label(target)} is not isolated`] }));
    add(`delete the isolation DROP lines for ${target.name}`, damaged, expected);
    for (const source of bridged) {
      if (source === target) continue;
      add(`insert an ACCEPT from ${source.name} to ${target.name} above the isolation`, insertAbove(text, '-A FORWARD', `-A FORWARD -i ${source.bridge} -o ${target.bridge} -j ACCEPT`), [
        { code: 'IPT3003', words: [`traffic from ${label(source)} to ${label(target)} is not isolated`, 'accepts it'] },
      ]);
    }
  }

  for (const network of networks) {
    const icc = network.icc === false ? 'DROP' : 'ACCEPT';
    const line = `-A FORWARD -i ${network.bridge} -o ${network.bridge} -j ${icc}`;
    const families = count(text, line);
    add(`delete the icc ${icc} of ${network.name}`, without(text, line), Array.from({ length: families }, () => ({ code: 'IPT3002', words: [`${label(network)} has icc ${icc === 'DROP' ? 'off' : 'on'}`] })));
  }

  for (const port of policy.docker!.published ?? []) {
    const network = networks.find((candidate) => candidate.name === port.network)!;
    const destination = port.container.includes(':') ? `[${port.container}]:${port.containerPort}` : `${port.container}:${port.containerPort}`;
    const dnat = text.split('\n').find((line) => line.includes(`--dport ${port.hostPort} -j DNAT --to-destination ${destination}`));
    if (dnat === undefined) throw new Error(`${scenario} has no DNAT to ${destination}`);
    add(`delete the DNAT of ${port.hostPort}/${port.protocol} to ${destination}`, without(text, dnat), [
      { code: 'IPT3005', words: ['published port', `→ ${destination} (${label(network)}): no DNAT`] },
    ]);
  }

  for (const network of networks) {
    if (network.internal !== true) continue;
    const drop = `-A DOCKER-ISOLATION-STAGE-1 ! -s ${network.ipv4![0]} -o ${network.bridge} -j DROP`;
    add(`delete the incoming DROP of internal ${network.name}`, without(text, drop), [
      { code: 'IPT3004', words: [`internal ${label(network)}: new connections from other interfaces into it are not blocked`] },
    ]);
  }
  return damages;
}

describe('real Docker 20.10 dumps against the policy their inspect output describes', () => {
  test.each(DOCKER_20_10_SCENARIOS)('%s: no findings', (scenario) => {
    expectExactly(lintDocker(sampleDump(scenario), samplePolicy(scenario)), []);
  });

  const damages = DOCKER_20_10_SCENARIOS.flatMap(damagesOf);

  test('every kind of damage is tried on the samples', () => {
    for (const kind of ['subnet MASQUERADE', 'isolation DROP lines', 'ACCEPT from', 'icc DROP', 'icc ACCEPT', 'DNAT', 'incoming DROP', 'masquerade off']) {
      expect(damages.some((damage) => damage.name.includes(kind))).toBe(true);
    }
    expect(damages.length).toBeGreaterThan(40);
  });

  test.each(damages.map((damage) => [damage.name, damage]))('%s', (_name, damage) => {
    const { text, policy, expected } = damage as Damage;
    expect(expected.length).toBeGreaterThan(0);
    expectExactly(lintDocker(text, policy), expected);
  });

  test("internal: deleting the outgoing DROP is harmless while FORWARD's policy is DROP, and found once it is ACCEPT", () => {
    const policy = samplePolicy('internal');
    const damaged = without(sampleDump('internal'), '-A DOCKER-ISOLATION-STAGE-1 ! -d 10.50.0.0/24 -i br-ca8a455a9c5d -j DROP');
    expectExactly(lintDocker(damaged, policy), []);
    expectExactly(lintDocker(damaged.replace(':FORWARD DROP [0:0]', ':FORWARD ACCEPT [0:0]'), policy), [
      { code: 'IPT3004', words: ['internal network backend (br-ca8a455a9c5d): new connections from it to other interfaces are not blocked', 'the FORWARD policy ACCEPT'] },
    ]);
  });
});
