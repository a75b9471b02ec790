import { dump } from './policy-rule-tester';

/**
 * Filter tables the way each Docker era writes them for docker0 (172.17.0.0/16) and a user network
 * web on br-web (172.20.0.0/16) whose container 172.20.0.2 publishes port 80 (docker-rules.md §1-§7).
 * Options replace or add the lines a test is about.
 */
export interface LayoutOptions {
  forwardPolicy?: string;
  /** Rules of DOCKER-USER before its RETURN. */
  user?: string[];
  /** Rules of filter DOCKER; default the published port's ACCEPT (and from 28.x the per-network DROPs). */
  docker?: string[];
  /** Extra chain declarations, for chains that `user` or `forwardTop` jump to. */
  chains?: string[];
  /** Rules of those extra chains. */
  extra?: string[];
}

export const WEB_PORT_ACCEPT = '-A DOCKER -d 172.20.0.2/32 ! -i br-web -o br-web -p tcp -m tcp --dport 80 -j ACCEPT';

/** Docker 18.05-27.x. */
export function eraC(options: LayoutOptions & { icc?: string[]; bottom?: string[]; stage2?: string[]; forwardTop?: string[] } = {}): string {
  return dump(
    '*filter',
    `:FORWARD ${options.forwardPolicy ?? 'DROP'} [0:0]`,
    ':DOCKER - [0:0]',
    ':DOCKER-ISOLATION-STAGE-1 - [0:0]',
    ':DOCKER-ISOLATION-STAGE-2 - [0:0]',
    ':DOCKER-USER - [0:0]',
    ...(options.chains ?? []),
    ...(options.forwardTop ?? []),
    '-A FORWARD -j DOCKER-USER',
    '-A FORWARD -j DOCKER-ISOLATION-STAGE-1',
    '-A FORWARD -o br-web -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
    '-A FORWARD -o br-web -j DOCKER',
    '-A FORWARD -i br-web ! -o br-web -j ACCEPT',
    ...(options.icc ?? ['-A FORWARD -i br-web -o br-web -j ACCEPT']),
    '-A FORWARD -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
    '-A FORWARD -o docker0 -j DOCKER',
    '-A FORWARD -i docker0 ! -o docker0 -j ACCEPT',
    '-A FORWARD -i docker0 -o docker0 -j ACCEPT',
    ...(options.bottom ?? []),
    ...(options.docker ?? [WEB_PORT_ACCEPT]),
    '-A DOCKER-ISOLATION-STAGE-1 -i br-web ! -o br-web -j DOCKER-ISOLATION-STAGE-2',
    '-A DOCKER-ISOLATION-STAGE-1 -i docker0 ! -o docker0 -j DOCKER-ISOLATION-STAGE-2',
    '-A DOCKER-ISOLATION-STAGE-1 -j RETURN',
    ...(options.stage2 ?? ['-A DOCKER-ISOLATION-STAGE-2 -o br-web -j DROP', '-A DOCKER-ISOLATION-STAGE-2 -o docker0 -j DROP']),
    '-A DOCKER-ISOLATION-STAGE-2 -j RETURN',
    ...(options.user ?? []),
    '-A DOCKER-USER -j RETURN',
    ...(options.extra ?? []),
    'COMMIT',
  );
}

/** Docker 1.12 (`dockerUser` false, FORWARD policy ACCEPT as 1.12 leaves it) or 17.06-18.04 (`dockerUser` true). */
export function eraA(options: LayoutOptions & { dockerUser?: boolean; isolation?: string[]; forwardTop?: string[] } = {}): string {
  const dockerUser = options.dockerUser ?? false;
  return dump(
    '*filter',
    `:FORWARD ${options.forwardPolicy ?? (dockerUser ? 'DROP' : 'ACCEPT')} [0:0]`,
    ':DOCKER - [0:0]',
    ':DOCKER-ISOLATION - [0:0]',
    ...(dockerUser ? [':DOCKER-USER - [0:0]'] : []),
    ...(options.chains ?? []),
    ...(options.forwardTop ?? []),
    ...(dockerUser ? ['-A FORWARD -j DOCKER-USER'] : []),
    '-A FORWARD -j DOCKER-ISOLATION',
    '-A FORWARD -o br-web -j DOCKER',
    '-A FORWARD -o br-web -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
    '-A FORWARD -i br-web ! -o br-web -j ACCEPT',
    '-A FORWARD -i br-web -o br-web -j ACCEPT',
    '-A FORWARD -o docker0 -j DOCKER',
    '-A FORWARD -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
    '-A FORWARD -i docker0 ! -o docker0 -j ACCEPT',
    '-A FORWARD -i docker0 -o docker0 -j ACCEPT',
    ...(options.docker ?? [WEB_PORT_ACCEPT]),
    ...(options.isolation ?? ['-A DOCKER-ISOLATION -i docker0 -o br-web -j DROP', '-A DOCKER-ISOLATION -i br-web -o docker0 -j DROP']),
    '-A DOCKER-ISOLATION -j RETURN',
    ...(dockerUser ? [...(options.user ?? []), '-A DOCKER-USER -j RETURN'] : []),
    ...(options.extra ?? []),
    'COMMIT',
  );
}

/** Docker 28.0.1+ (`28`, with the STAGE chains) or 29.x (`29`, DOCKER-INTERNAL instead); `web` is web's part of DOCKER-FORWARD. */
export function modern(era: '28' | '29', options: LayoutOptions & { web?: string[]; internal?: string[] } = {}): string {
  return dump(
    '*filter',
    `:FORWARD ${options.forwardPolicy ?? 'DROP'} [0:0]`,
    ':DOCKER - [0:0]',
    ':DOCKER-BRIDGE - [0:0]',
    ':DOCKER-CT - [0:0]',
    ':DOCKER-FORWARD - [0:0]',
    ...(era === '28' ? [':DOCKER-ISOLATION-STAGE-1 - [0:0]', ':DOCKER-ISOLATION-STAGE-2 - [0:0]'] : [':DOCKER-INTERNAL - [0:0]']),
    ':DOCKER-USER - [0:0]',
    ...(options.chains ?? []),
    '-A FORWARD -j DOCKER-USER',
    '-A FORWARD -j DOCKER-FORWARD',
    ...(options.docker ?? [WEB_PORT_ACCEPT, '-A DOCKER ! -i docker0 -o docker0 -j DROP', '-A DOCKER ! -i br-web -o br-web -j DROP']),
    '-A DOCKER-BRIDGE -o docker0 -j DOCKER',
    '-A DOCKER-BRIDGE -o br-web -j DOCKER',
    '-A DOCKER-CT -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
    '-A DOCKER-CT -o br-web -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
    '-A DOCKER-FORWARD -j DOCKER-CT',
    era === '28' ? '-A DOCKER-FORWARD -j DOCKER-ISOLATION-STAGE-1' : '-A DOCKER-FORWARD -j DOCKER-INTERNAL',
    '-A DOCKER-FORWARD -j DOCKER-BRIDGE',
    '-A DOCKER-FORWARD -i docker0 -j ACCEPT',
    ...(options.web ?? ['-A DOCKER-FORWARD -i br-web -j ACCEPT']),
    ...(era === '28'
      ? [
          '-A DOCKER-ISOLATION-STAGE-1 -i docker0 ! -o docker0 -j DOCKER-ISOLATION-STAGE-2',
          '-A DOCKER-ISOLATION-STAGE-1 -i br-web ! -o br-web -j DOCKER-ISOLATION-STAGE-2',
          '-A DOCKER-ISOLATION-STAGE-2 -o br-web -j DROP',
          '-A DOCKER-ISOLATION-STAGE-2 -o docker0 -j DROP',
        ]
      : []),
    ...(options.internal ?? []),
    ...(options.user ?? []),
    ...(options.extra ?? []),
    'COMMIT',
  );
}
