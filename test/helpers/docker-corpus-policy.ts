import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { DockerEra, DockerNetwork, DockerPolicy, PublishedPort } from '../../src/policy/types';

/** Docker's own rule listings per release (../shared/corpus/docker-moby, described in ../shared/docs/docker-rules.md §12). */
export const DOCKER_MOBY_DIR = join(__dirname, '..', '..', '..', 'shared', 'corpus', 'docker-moby');

export const DOCKER_MOBY_FILES: string[] = existsSync(DOCKER_MOBY_DIR)
  ? readdirSync(DOCKER_MOBY_DIR)
      .filter((file) => file.endsWith('.txt'))
      .sort()
  : [];

/** `describe` for corpus tests: skipped, with one line saying why, on a checkout without ../shared/corpus. */
export function describeWithCorpus(name: string, body: () => void): void {
  if (DOCKER_MOBY_FILES.length === 0) {
    console.warn(`skipping "${name}": ${DOCKER_MOBY_DIR} is not there`);
    describe.skip(name, body);
    return;
  }
  describe(name, body);
}

const DOCKER0: DockerNetwork = { name: 'bridge', bridge: 'docker0', ipv4: ['172.17.0.0/16'] };
const BRIDGE1: DockerNetwork = { name: 'bridge1', bridge: 'bridge1', ipv4: ['192.0.2.0/24'] };
const BRIDGE1_PORT: PublishedPort = { network: 'bridge1', container: '192.0.2.2', protocol: 'tcp', hostPort: 8080, containerPort: 80 };

/** The driver-level goldens: one bridge with both families and one endpoint publishing 8080 → 80. */
const DUMMY: DockerNetwork = { name: 'dummy', bridge: 'br-dummy', ipv4: ['192.168.0.0/24'], ipv6: ['fd49:efd7:54aa::/64'] };
const DUMMY_PORTS: PublishedPort[] = [
  { network: 'dummy', container: '192.168.0.2', protocol: 'tcp', hostPort: 8080, containerPort: 80 },
  { network: 'dummy', container: 'fd49:efd7:54aa::1', protocol: 'tcp', hostPort: 8080, containerPort: 80 },
];

/** The era each file's name stands for (docker-rules.md §0: 28.0.0 to 28.5.x are all the 28.x layout). */
export function corpusEra(file: string): DockerEra {
  if (file.startsWith('27x-')) return '18.05';
  if (file.startsWith('28.')) return '28';
  throw new Error(`no era known for ${file}`);
}

/**
 * What each scenario's daemon was told, written by hand from docker-rules.md §12 and the listings:
 * docker0 172.17.0.0/16, bridge1 192.0.2.0/24 with container 192.0.2.2 publishing 8080 → 80,
 * bridgeICC/bridgeNoICC for the internal scenario (one internal bridge1 in 27.x), docker_gwbridge
 * for swarm, and br-dummy for the goldens.
 */
export function corpusPolicy(file: string): DockerPolicy {
  const scenario = file.replace(/^(27x|28\.\d\.\d)-/, '').replace(/\.txt$/, '');
  switch (scenario) {
    case 'new-daemon':
      return { networks: [DOCKER0] };
    case 'usernet-portmap':
    case 'usernet-portmap-noproxy':
    case 'usernet-portmap-natunprot':
      return { networks: [DOCKER0, BRIDGE1], published: [BRIDGE1_PORT] };
    case 'usernet-portmap-noicc':
      return { networks: [DOCKER0, { ...BRIDGE1, icc: false }], published: [BRIDGE1_PORT] };
    case 'usernet-portmap-lo':
      return { networks: [DOCKER0, BRIDGE1], published: [{ ...BRIDGE1_PORT, hostAddress: '127.0.0.1' }] };
    case 'usernet-portmap-routed':
      // Routed mode has no NAT: Docker ignores the host port, and from 28.0 lets every other
      // network reach the published port and ICMP (an `-o bridge1 -j RETURN` at the top of STAGE-1).
      return { networks: [DOCKER0, { ...BRIDGE1, masquerade: false }], isolate: file.startsWith('27x-') ? 'all' : [] };
    case 'usernet-internal':
      return file.startsWith('27x-')
        ? { networks: [DOCKER0, { ...BRIDGE1, internal: true }] }
        : {
            networks: [
              DOCKER0,
              { name: 'bridgeICC', bridge: 'bridgeICC', ipv4: ['192.0.2.0/24'], internal: true },
              { name: 'bridgeNoICC', bridge: 'bridgeNoICC', ipv4: ['198.51.100.0/24'], internal: true, icc: false },
            ],
          };
    case 'swarm-portmap':
      // The ingress port is accepted from every interface by DOCKER-INGRESS, ahead of the isolation
      // chains; the isolation test shows that separately.
      return { networks: [DOCKER0, { name: 'docker_gwbridge', bridge: 'docker_gwbridge', ipv4: ['172.18.0.0/16'], icc: false }], isolate: [] };
    case 'golden-base-iptables':
    case 'golden-base-ip6tables':
    case 'golden-noproxy-hairpin-iptables':
      return { networks: [DUMMY], published: DUMMY_PORTS };
    case 'golden-noicc-iptables':
      return { networks: [{ ...DUMMY, icc: false }], published: DUMMY_PORTS };
    case 'golden-nomasq-iptables':
      return { networks: [{ ...DUMMY, masquerade: false }], published: DUMMY_PORTS };
    case 'golden-routed-iptables':
      return { networks: [{ ...DUMMY, masquerade: false }], published: DUMMY_PORTS };
    case 'golden-internal-icc-iptables':
    case 'golden-internal-icc-ip6tables':
      return { networks: [{ ...DUMMY, internal: true }] };
    default:
      throw new Error(`no policy written for ${file}`);
  }
}
