import { rule } from '../../rules/IPT3009.published-port-exposed';
import type { Policy } from '../../src/policy/types';
import { sampleDump, samplePolicy } from '../helpers/docker-sample-policy';
import { lineOf, lintWithPolicy } from '../helpers/policy-rule-tester';

const policy = samplePolicy('default-usernet');
const docker20 = sampleDump('default-usernet');
const inputDrop = docker20.replace(':INPUT ACCEPT [0:0]', ':INPUT DROP [0:0]');
const WEB_FIX = 'iptables -I DOCKER-USER ! -i br-53dbd5c4b691 -d 172.30.0.2/32 -p tcp -m tcp --dport 80 -j DROP';
const withUserRules = (...rules: string[]): string => inputDrop.replace('-A DOCKER-USER -j RETURN', [...rules, '-A DOCKER-USER -j RETURN'].join('\n'));

describe('IPT3009 published-port-exposed', () => {
  test('ports published on all addresses reach their containers from outside, INPUT DROP or not', () => {
    const findings = lintWithPolicy(rule, inputDrop, policy);
    expect(findings.map((finding) => finding.line)).toEqual([lineOf(inputDrop, '-A DOCKER ! -i br-53dbd5c4b691 -p tcp'), lineOf(inputDrop, '-A DOCKER ! -i docker0 -p udp')]);
    const [web, dns] = findings;
    expect(web.severity).toBe('warning');
    expect(web.message).toContain('tcp port 8080 is published on all addresses: a new connection from outside reaches the container 172.30.0.2 port 80');
    expect(web.message).toContain('though the INPUT policy DROP would stop it in INPUT: DNAT sends it through FORWARD instead');
    expect(web.message).toContain('`-p 127.0.0.1:8080:80`');
    expect(web.message).toContain(`\`${WEB_FIX}\``);
    expect(web.related).toEqual([{ line: lineOf(inputDrop, '-A DOCKER -d 172.30.0.2/32 ! -i br-53dbd5c4b691 -o br-53dbd5c4b691 -p tcp'), message: expect.any(String) }]);
    expect(dns.message).toContain('`-p 127.0.0.1:5353:53/udp`');
  });

  test('the DOCKER-USER rule it suggests closes the port', () => {
    const fixed = withUserRules(WEB_FIX.replace('iptables -I', '-A'));
    expect(lintWithPolicy(rule, fixed, policy).map((finding) => finding.message)).toEqual([expect.stringContaining('udp port 5353')]);
  });

  test('a host whose INPUT lets the connection in anyway is open by choice: nothing is reported', () => {
    expect(lintWithPolicy(rule, docker20, policy)).toEqual([]);
  });

  test('an INPUT rule that stops it is named', () => {
    const inputRule = '-A INPUT -i eth0 -p tcp -m tcp --dport 8080 -j REJECT --reject-with icmp-port-unreachable';
    const dump = docker20.replace('-A FORWARD -j DOCKER-USER', `${inputRule}\n-A FORWARD -j DOCKER-USER`);
    const findings = lintWithPolicy(rule, dump, policy);
    expect(findings.map((finding) => finding.message)).toEqual([expect.stringContaining(`though line ${lineOf(dump, inputRule)} would stop it in INPUT`)]);
  });

  test('a port published on 127.0.0.1 is not reported', () => {
    const localhost = sampleDump('localhost-publish').replace(':INPUT ACCEPT [0:0]', ':INPUT DROP [0:0]');
    expect(localhost).toContain(':INPUT DROP [0:0]');
    expect(lintWithPolicy(rule, localhost, samplePolicy('localhost-publish'))).toEqual([]);
  });

  test('a DOCKER-USER rule it cannot decide leaves the port "may reach"', () => {
    const guarded = withUserRules('-A DOCKER-USER -m recent --rcheck --name blocked --mask 255.255.255.255 --rsource -j DROP');
    const [web] = lintWithPolicy(rule, guarded, policy);
    expect(web.message).toContain('may reach the container 172.30.0.2 port 80, depending on line');
  });

  test('without published ports, or without a policy, nothing is reported', () => {
    const none: Policy = { docker: { ...policy.docker!, published: [] } };
    expect(lintWithPolicy(rule, inputDrop, none)).toEqual([]);
    expect(lintWithPolicy(rule, inputDrop, null)).toEqual([]);
  });
});
