import type { DockerNetwork, DockerPolicy, PublishedPort } from '../../src/policy/types';

/**
 * A Docker 18.05-27.x dump (docker-rules.md §3) with `networks` user networks on 10.N.0.0/24, each
 * with `ports` published ports, and the policy that describes it: large dumps of a known layout.
 */
export function generatedDocker(networks: number, ports: number): { text: string; policy: DockerPolicy; rules: number } {
  const forward: string[] = [];
  const docker: string[] = [];
  const stage1: string[] = [];
  const stage2: string[] = [];
  const postrouting: string[] = [];
  const natDocker: string[] = [];
  const dnat: string[] = [];
  const policyNetworks: DockerNetwork[] = [];
  const published: PublishedPort[] = [];
  for (let n = 1; n <= networks; n++) {
    const bridge = `br-${String(n).padStart(12, '0')}`;
    const subnet = `10.${n}.0.0/24`;
    policyNetworks.push({ name: `net${n}`, bridge, ipv4: [subnet] });
    forward.push(
      `-A FORWARD -o ${bridge} -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT`,
      `-A FORWARD -o ${bridge} -j DOCKER`,
      `-A FORWARD -i ${bridge} ! -o ${bridge} -j ACCEPT`,
      `-A FORWARD -i ${bridge} -o ${bridge} -j ACCEPT`,
    );
    stage1.push(`-A DOCKER-ISOLATION-STAGE-1 -i ${bridge} ! -o ${bridge} -j DOCKER-ISOLATION-STAGE-2`);
    stage2.push(`-A DOCKER-ISOLATION-STAGE-2 -o ${bridge} -j DROP`);
    postrouting.push(`-A POSTROUTING -s ${subnet} ! -o ${bridge} -j MASQUERADE`);
    natDocker.push(`-A DOCKER -i ${bridge} -j RETURN`);
    for (let p = 1; p <= ports; p++) {
      const container = `10.${n}.0.${p + 1}`;
      const hostPort = 10000 + n * 100 + p;
      docker.push(`-A DOCKER -d ${container}/32 ! -i ${bridge} -o ${bridge} -p tcp -m tcp --dport 80 -j ACCEPT`);
      dnat.push(`-A DOCKER ! -i ${bridge} -p tcp -m tcp --dport ${hostPort} -j DNAT --to-destination ${container}:80`);
      postrouting.push(`-A POSTROUTING -s ${container}/32 -d ${container}/32 -p tcp -m tcp --dport 80 -j MASQUERADE`);
      published.push({ network: `net${n}`, container, protocol: 'tcp', hostPort, containerPort: 80 });
    }
  }
  const lines = [
    '*filter', ':INPUT ACCEPT [0:0]', ':FORWARD DROP [0:0]', ':OUTPUT ACCEPT [0:0]', ':DOCKER - [0:0]', ':DOCKER-ISOLATION-STAGE-1 - [0:0]', ':DOCKER-ISOLATION-STAGE-2 - [0:0]', ':DOCKER-USER - [0:0]',
    '-A FORWARD -j DOCKER-USER', '-A FORWARD -j DOCKER-ISOLATION-STAGE-1', ...forward, ...docker, ...stage1, '-A DOCKER-ISOLATION-STAGE-1 -j RETURN', ...stage2, '-A DOCKER-ISOLATION-STAGE-2 -j RETURN', '-A DOCKER-USER -j RETURN', 'COMMIT',
    '*nat', ':PREROUTING ACCEPT [0:0]', ':INPUT ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]', ':POSTROUTING ACCEPT [0:0]', ':DOCKER - [0:0]',
    '-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER', '-A OUTPUT ! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCKER', ...postrouting, ...natDocker, ...dnat, 'COMMIT',
  ];
  const rules = lines.filter((line) => line.startsWith('-A')).length;
  return { text: lines.join('\n') + '\n', policy: { networks: policyNetworks, published }, rules };
}
