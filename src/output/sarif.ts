import type { Severity } from '../ast';
import type { Finding } from '../lint/types';
import type { FileResult, FormatContext, RuleDescriptor } from './format-types';

const SARIF_SCHEMA = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';
const FINGERPRINT_KEY = 'iptLint/v1';
// package.json's homepage; importing package.json would copy it into dist/ and confuse packageRoot().
export const INFORMATION_URI = 'https://github.com/ipt-lint/ipt-lint';

type SarifLevel = 'error' | 'warning' | 'note';

interface SarifArtifactLocation {
  uri: string;
  uriBaseId?: string;
}

interface SarifRegion {
  startLine: number;
  startColumn?: number;
  endColumn?: number;
}

interface SarifPhysicalLocation {
  artifactLocation: SarifArtifactLocation;
  region?: SarifRegion;
}

interface SarifRule {
  id: string;
  name: string;
  shortDescription: { text: string };
  fullDescription: { text: string };
  help: { text: string; markdown: string };
  helpUri: string;
  defaultConfiguration: { level: SarifLevel };
}

interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: SarifLevel;
  message: { text: string };
  locations: { physicalLocation: SarifPhysicalLocation }[];
  relatedLocations?: { id: number; physicalLocation: SarifPhysicalLocation; message: { text: string } }[];
  partialFingerprints: Record<string, string>;
}

const LEVELS: Record<Severity, SarifLevel> = { error: 'error', warning: 'warning', info: 'note' };

/** A SARIF 2.1.0 log with one run, in the shape GitHub code scanning accepts. */
export function formatSarif(results: readonly FileResult[], context: FormatContext): string {
  const rules = [...context.rules];
  const indexByCode = new Map(rules.map((rule, index) => [rule.code, index]));
  const indexOf = (finding: Finding): number => {
    let index = indexByCode.get(finding.code);
    if (index === undefined) {
      // A finding from a rule the context does not list still needs a valid ruleIndex.
      index = rules.push({ code: finding.code, name: finding.name, severity: finding.severity, description: finding.name, docsUrl: finding.docsUrl }) - 1;
      indexByCode.set(finding.code, index);
    }
    return index;
  };

  const sarifResults: SarifResult[] = [];
  for (const { findings } of results) {
    for (const finding of findings) sarifResults.push(toSarifResult(finding, indexOf(finding)));
  }

  const log = {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'ipt-lint',
            version: context.toolVersion,
            informationUri: INFORMATION_URI,
            rules: rules.map(toSarifRule),
          },
        },
        // Finding columns index JavaScript strings.
        columnKind: 'utf16CodeUnits',
        results: sarifResults,
      },
    ],
  };
  return JSON.stringify(log, null, 2) + '\n';
}

function toSarifRule(rule: RuleDescriptor): SarifRule {
  return {
    id: rule.code,
    name: rule.name,
    shortDescription: { text: rule.description },
    fullDescription: { text: rule.description },
    help: { text: `${rule.description}\n\nDocumentation: ${rule.docsUrl}`, markdown: `${rule.description}\n\n[Documentation](${rule.docsUrl})` },
    helpUri: rule.docsUrl,
    defaultConfiguration: { level: LEVELS[rule.severity] },
  };
}

function toSarifResult(finding: Finding, ruleIndex: number): SarifResult {
  const artifactLocation = toArtifactLocation(finding.file);
  const related = finding.related ?? [];
  return {
    ruleId: finding.code,
    ruleIndex,
    level: LEVELS[finding.severity],
    message: { text: finding.message },
    locations: [{ physicalLocation: physicalLocation(artifactLocation, finding.line, finding.column, finding.endColumn) }],
    ...(related.length === 0
      ? {}
      : {
          relatedLocations: related.map((location, index) => ({
            id: index + 1,
            physicalLocation: physicalLocation(artifactLocation, location.line, 0, undefined),
            message: { text: location.message },
          })),
        }),
    partialFingerprints: { [FINGERPRINT_KEY]: finding.fingerprint },
  };
}

/** Line 0 means the whole file, which SARIF expresses by leaving the region out. */
function physicalLocation(artifactLocation: SarifArtifactLocation, line: number, column: number, endColumn: number | undefined): SarifPhysicalLocation {
  if (line < 1) return { artifactLocation };
  const region: SarifRegion = { startLine: line };
  if (column >= 1) {
    region.startColumn = column;
    // Findings end inclusively; SARIF's endColumn is the first column after the region.
    if (endColumn !== undefined && endColumn >= column) region.endColumn = endColumn + 1;
  }
  return { artifactLocation, region };
}

const WINDOWS_DRIVE = /^[A-Za-z]:\//;

/** Relative paths stay relative to the checkout (%SRCROOT%), which is how GitHub matches them to repository files. */
export function toArtifactLocation(file: string): SarifArtifactLocation {
  const path = file.replace(/\\/g, '/');
  if (WINDOWS_DRIVE.test(path)) return { uri: `file:///${path.slice(0, 2)}${encodePath(path.slice(2))}` };
  if (path.startsWith('/')) return { uri: `file://${encodePath(path)}` };
  return { uri: encodePath(path.replace(/^(\.\/)+/, '')), uriBaseId: '%SRCROOT%' };
}

/** Each segment percent-encoded, so `#`, `?`, `%`, spaces and a `:` that would read as a scheme survive as path text. */
function encodePath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}
