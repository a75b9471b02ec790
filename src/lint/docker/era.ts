import type { Dump, Table } from '../../ast';
import type { DockerEra, DockerPolicy } from '../../policy/types';

/** Oldest first, so that the newest layout seen in any ruleset wins. */
const ERA_ORDER: readonly DockerEra[] = ['1.12', '17.06', '18.05', '28', '29'];

/** How findings name the layout they read the rules as: the release that introduced it (docs/policy.md, `docker.era`, lists the releases each covers). */
export const ERA_LABELS: Record<DockerEra, string> = {
  '1.12': 'Docker 1.12+ layout',
  '17.06': 'Docker 17.06+ layout',
  '18.05': 'Docker 18.05+ layout',
  '28': 'Docker 28.x layout',
  '29': 'Docker 29.x layout',
};

export interface ResolvedEra {
  era: DockerEra | null;
  /** Where the era came from: the policy's `era`, the dump's chain names, or nowhere. */
  source: 'policy' | 'chains' | 'none';
}

/**
 * The Docker release family whose rule layout the dump shows, from the filter chains Docker creates:
 * DOCKER-ISOLATION (1.12; with DOCKER-USER from 17.06), DOCKER-ISOLATION-STAGE-1/2 (18.05–27.x, and
 * 28.0.0 with its docker-ext-bridges ipset), DOCKER-FORWARD/-BRIDGE/-CT next to the STAGE chains
 * (28.x), and those without any isolation chain (29.x). Null when no Docker chain is there.
 */
export function detectDockerEra(dump: Dump): DockerEra | null {
  let newest: DockerEra | null = null;
  for (const ruleset of dump.rulesets) {
    for (const table of ruleset.tables) {
      if (table.name !== 'filter') continue;
      const era = eraOfFilterTable(table);
      if (era !== null && (newest === null || ERA_ORDER.indexOf(era) > ERA_ORDER.indexOf(newest))) newest = era;
    }
  }
  return newest;
}

const detected = new WeakMap<Dump, DockerEra | null>();

/** The policy's era when it names one, else the detected one; detection runs once per dump for all rules. */
export function resolveDockerEra(dump: Dump, docker: DockerPolicy): ResolvedEra {
  if (docker.era !== undefined) return { era: docker.era, source: 'policy' };
  let era = detected.get(dump);
  if (era === undefined) {
    era = detectDockerEra(dump);
    detected.set(dump, era);
  }
  return { era, source: era === null ? 'none' : 'chains' };
}

/** The clause every Docker finding ends with, so a reader knows which layout the check expected. */
export function eraNote(resolved: ResolvedEra): string {
  if (resolved.era === null) return 'no Docker chains found, so no Docker layout was assumed';
  const label = ERA_LABELS[resolved.era];
  return resolved.source === 'policy' ? `read as the ${label}, as the policy says` : `read as the ${label}`;
}

function eraOfFilterTable(filter: Table): DockerEra | null {
  const names = new Set(filter.chains.map((chain) => chain.name));
  const stages = names.has('DOCKER-ISOLATION-STAGE-1') || names.has('DOCKER-ISOLATION-STAGE-2');
  if (names.has('DOCKER-FORWARD') || names.has('DOCKER-BRIDGE') || names.has('DOCKER-CT')) return stages ? '28' : '29';
  if (names.has('DOCKER-INTERNAL')) return '29';
  if (stages) return usesExtBridgesIpset(filter) ? '28' : '18.05';
  if (names.has('DOCKER-ISOLATION')) return names.has('DOCKER-USER') ? '17.06' : '1.12';
  return null;
}

/** Only 28.0.0 matched its bridges through the docker-ext-bridges-v4/v6 ipsets in FORWARD. */
function usesExtBridgesIpset(filter: Table): boolean {
  const forward = filter.chains.find((chain) => chain.name === 'FORWARD');
  return forward !== undefined && forward.rules.some((rule) => rule.raw.includes('docker-ext-bridges-v'));
}
