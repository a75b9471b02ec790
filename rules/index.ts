import type { LintRule } from '../src/lint/types';
import { rule as IPT2001 } from './IPT2001.missing-chain';
import { rule as IPT2002 } from './IPT2002.unused-chain';
import { rule as IPT2003 } from './IPT2003.chain-loop';
import { rule as IPT2004 } from './IPT2004.duplicate-rule';
import { rule as IPT2005 } from './IPT2005.unreachable-rule';
import { rule as IPT2006 } from './IPT2006.return-in-builtin';
import { rule as IPT2007 } from './IPT2007.target-wrong-place';
import { rule as IPT2008 } from './IPT2008.chain-name-too-long';
import { rule as IPT2009 } from './IPT2009.docker-user-not-first';
import { rule as IPT2010 } from './IPT2010.forward-policy-accept';
import { rule as IPT2011 } from './IPT2011.shadowed-rule';
import { rule as IPT2012 } from './IPT2012.redundant-rule';
import { rule as IPT3001 } from './IPT3001.docker-masquerade';
import { rule as IPT3002 } from './IPT3002.docker-icc';
import { rule as IPT3003 } from './IPT3003.docker-isolation';
import { rule as IPT3004 } from './IPT3004.docker-internal';
import { rule as IPT3005 } from './IPT3005.docker-published-port';
import { rule as IPT3006 } from './IPT3006.required-chain';
import { rule as IPT3007 } from './IPT3007.required-rule';
import { rule as IPT3008 } from './IPT3008.reachability';
import { rule as IPT3009 } from './IPT3009.published-port-exposed';
import { rule as IPT3010 } from './IPT3010.published-port-closed';

/** Every built-in rule, in code order. The meta-test checks this list against the files in rules/. */
export const BUILTIN_RULES: readonly LintRule[] = [
  IPT2001, IPT2002, IPT2003, IPT2004, IPT2005, IPT2006, IPT2007, IPT2008, IPT2009, IPT2010, IPT2011, IPT2012,
  IPT3001, IPT3002, IPT3003, IPT3004, IPT3005, IPT3006, IPT3007, IPT3008, IPT3009, IPT3010,
];
