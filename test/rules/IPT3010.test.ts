import { rule } from '../../rules/IPT3010.published-port-closed';
import { sampleDump, samplePolicy } from '../helpers/docker-sample-policy';
import { lineOf, lintWithPolicy } from '../helpers/policy-rule-tester';

const policy = samplePolicy('default-usernet');
const docker20 = sampleDump('default-usernet');
const withUserRules = (...rules: string[]): string => docker20.replace('-A DOCKER-USER -j RETURN', [...rules, '-A DOCKER-USER -j RETURN'].join('\n'));

describe('IPT3010 published-port-closed', () => {
  test('a DOCKER-USER rule that stops connections from outside is named', () => {
    const closing = '-A DOCKER-USER ! -i br-53dbd5c4b691 -d 172.30.0.2/32 -p tcp -m tcp --dport 80 -j DROP';
    const dump = withUserRules(closing);
    const findings = lintWithPolicy(rule, dump, policy);
    expect(findings.map((finding) => finding.line)).toEqual([lineOf(dump, closing)]);
    expect(findings[0].severity).toBe('info');
    expect(findings[0].message).toBe('tcp port 8080 is published on all addresses, but line ' + lineOf(dump, closing) + ' in DOCKER-USER drops new connections from outside to the container 172.30.0.2 port 80');
  });

  test('a REJECT on one outside interface leaves the port open on others; one on every interface closes it', () => {
    const dump = withUserRules('-A DOCKER-USER -i eth0 -j REJECT --reject-with icmp-port-unreachable');
    // The outside is any interface but the bridges: eth0 is only one of them, so the ports stay open elsewhere.
    expect(lintWithPolicy(rule, dump, policy)).toEqual([]);
    const everywhere = withUserRules('-A DOCKER-USER -m conntrack --ctstate NEW ! -i br-53dbd5c4b691 -o br-53dbd5c4b691 -j REJECT --reject-with icmp-port-unreachable');
    expect(lintWithPolicy(rule, everywhere, policy).map((finding) => finding.message)).toEqual([expect.stringContaining('tcp port 8080 is published on all addresses, but line')]);
    expect(lintWithPolicy(rule, everywhere, policy)[0].message).toContain('rejects new connections');
  });

  test('an open port, or a port stopped elsewhere than DOCKER-USER, is not this rule\'s', () => {
    expect(lintWithPolicy(rule, docker20, policy)).toEqual([]);
    const forwardDrop = docker20.replace('-A FORWARD -j DOCKER-USER', '-A FORWARD -d 172.30.0.2/32 -j DROP\n-A FORWARD -j DOCKER-USER');
    expect(lintWithPolicy(rule, forwardDrop, policy)).toEqual([]);
  });
});
