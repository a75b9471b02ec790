# One line of an iptables-save dump, restore file or `iptables -S` listing.
#
# Terminals are words the classifier (src/parser/classify.ts) has already typed
# using the extension table, so this grammar never guesses how many arguments
# an option takes. Postprocessors record word indexes only, never word text:
# two lines with the same sequence of token types share one parse, which the
# line parser caches.

@preprocessor typescript

@{%
import { tokenStream } from './token-stream';
import type { LineShape, RuleItem, CommandShape } from './line-shape';

const lexer = tokenStream;
const at = (token: { index: number } | null): number => (token === null ? -1 : token.index);
const each = (tokens: { index: number }[]): number[] => tokens.map(at);
%}

@lexer lexer

# A line is a table header, a chain header, COMMIT, or a command.
line -> %tableHeader                                 {% (d): LineShape => ({ kind: 'table', name: at(d[0]) }) %}
      | %chainHeader %value %counters:?              {% (d): LineShape => ({ kind: 'chain', name: at(d[0]), policy: at(d[1]), counters: at(d[2]), extra: -1 }) %}
      | %chainHeader %value %value                   {% (d): LineShape => ({ kind: 'chain', name: at(d[0]), policy: at(d[1]), counters: -1, extra: at(d[2]) }) %}
      | %commit                                      {% (): LineShape => ({ kind: 'commit' }) %}
      | %familyPrefix:? %counters:? command          {% (d): LineShape => ({ kind: 'command', prefix: at(d[0]), counters: at(d[1]), ...d[2] }) %}

# A command and its operands. Rule commands take a rule specification.
command -> %append %value ruleSpec                   {% (d): CommandShape => ({ command: at(d[0]), operands: [at(d[1])], ruleNumber: -1, items: d[2] }) %}
         | %insert %value %ruleNumber:? ruleSpec     {% (d): CommandShape => ({ command: at(d[0]), operands: [at(d[1])], ruleNumber: at(d[2]), items: d[3] }) %}
         | %deleteRule %value %ruleNumber                {% (d): CommandShape => ({ command: at(d[0]), operands: [at(d[1])], ruleNumber: at(d[2]), items: [] }) %}
         | %deleteRule %value ruleSpec                   {% (d): CommandShape => ({ command: at(d[0]), operands: [at(d[1])], ruleNumber: -1, items: d[2] }) %}
         | %replace %value %ruleNumber ruleSpec      {% (d): CommandShape => ({ command: at(d[0]), operands: [at(d[1])], ruleNumber: at(d[2]), items: d[3] }) %}
         | %check %value ruleSpec                    {% (d): CommandShape => ({ command: at(d[0]), operands: [at(d[1])], ruleNumber: -1, items: d[2] }) %}
         | %newChain %value                          {% (d): CommandShape => ({ command: at(d[0]), operands: [at(d[1])], ruleNumber: -1, items: [] }) %}
         | %deleteChain %value:?                     {% (d): CommandShape => ({ command: at(d[0]), operands: d[1] ? [at(d[1])] : [], ruleNumber: -1, items: [] }) %}
         | %flush %value:?                           {% (d): CommandShape => ({ command: at(d[0]), operands: d[1] ? [at(d[1])] : [], ruleNumber: -1, items: [] }) %}
         | %zero (%value %ruleNumber:?):?            {% (d): CommandShape => ({ command: at(d[0]), operands: d[1] ? [at(d[1][0])] : [], ruleNumber: d[1] ? at(d[1][1]) : -1, items: [] }) %}
         | %policy %value %value                     {% (d): CommandShape => ({ command: at(d[0]), operands: [at(d[1]), at(d[2])], ruleNumber: -1, items: [] }) %}
         | %renameChain %value %value                {% (d): CommandShape => ({ command: at(d[0]), operands: [at(d[1]), at(d[2])], ruleNumber: -1, items: [] }) %}
         | %list %value:?                            {% (d): CommandShape => ({ command: at(d[0]), operands: d[1] ? [at(d[1])] : [], ruleNumber: -1, items: [] }) %}
         | %help                                     {% (d): CommandShape => ({ command: at(d[0]), operands: [], ruleNumber: -1, items: [] }) %}

# A rule specification: parameters, matches, a target and their options, in any order.
ruleSpec -> item:*                                   {% (d): RuleItem[] => d[0] %}

# One element of a rule specification.
item -> %bang:? %parameter %oldBang:? %value         {% (d): RuleItem => ({ kind: 'parameter', bang: at(d[0]), name: at(d[1]), oldBang: at(d[2]), values: [at(d[3])] }) %}
      | %bang:? %flag                                {% (d): RuleItem => ({ kind: 'parameter', bang: at(d[0]), name: at(d[1]), oldBang: -1, values: [] }) %}
      | %match %value                                {% (d): RuleItem => ({ kind: 'match', bang: -1, name: at(d[0]), oldBang: -1, values: [at(d[1])] }) %}
      | %jump %value                                 {% (d): RuleItem => ({ kind: 'jump', bang: -1, name: at(d[0]), oldBang: -1, values: [at(d[1])] }) %}
      | %gotoChain %value                                 {% (d): RuleItem => ({ kind: 'goto', bang: -1, name: at(d[0]), oldBang: -1, values: [at(d[1])] }) %}
      | %setCounters %value %value:?                 {% (d): RuleItem => ({ kind: 'set-counters', bang: -1, name: at(d[0]), oldBang: -1, values: d[2] ? [at(d[1]), at(d[2])] : [at(d[1])] }) %}
      | %familyPrefix                                {% (d): RuleItem => ({ kind: 'family', bang: -1, name: at(d[0]), oldBang: -1, values: [] }) %}
      | %bang:? %option %oldBang:? %value:*          {% (d): RuleItem => ({ kind: 'option', bang: at(d[0]), name: at(d[1]), oldBang: at(d[2]), values: each(d[3]) }) %}
