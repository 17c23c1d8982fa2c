// The host adapters the audit knows: each host binding's manifest with its own exported claims
// (plugins/<crm>/audit-manifest.ts, listed in plugins/audit-manifests.ts), never a copy, so what
// the audit checks is what the plugin will rely on. A concept an adapter claims is served from the
// host through it; a concept it leaves out the plugin provides itself.
import { AUDIT_MANIFESTS } from '../plugins/audit-manifests.ts';
import { checkClaimAgainstSchema, type HostClaim, type SchemaColumns } from '../src/core/host-schema.ts';
import type { AdapterDescription } from './adapter-registry.ts';
import type { Catalog } from './catalog/types.ts';
import { AuditError } from './errors.ts';
import type { Findings } from './findings/build-findings.ts';
import { HOST_CONCEPTS, type ClaimCheck, type ConceptFinding } from './report-schema.ts';

export type { AdapterDescription } from './adapter-registry.ts';

/** No adapter named: the report proposes claims but compares no binding's claims with the host. */
export const NO_ADAPTER = 'none';
const NO_ADAPTER_DESCRIPTION: AdapterDescription = {
  name: NO_ADAPTER,
  description: 'no host binding named (--host / --adapter): no adapter claims are compared with this host',
  claims: [],
};

export function knownAdapterNames(): string[] {
  return AUDIT_MANIFESTS.map((manifest) => manifest.name).sort();
}

export function resolveAdapter(name: string | undefined): AdapterDescription {
  if (name === undefined) return NO_ADAPTER_DESCRIPTION;
  const adapter = AUDIT_MANIFESTS.find((manifest) => manifest.name === name);
  if (!adapter) throw new AuditError(`Unknown adapter "${name}". Known adapters: ${knownAdapterNames().join(', ')}.`, 2);
  return adapter;
}

/**
 * Columns per table as the portal's start-up check would see them. information_schema.columns,
 * which that check reads, lists tables, views and foreign tables but not materialized views, so
 * those are left out here too: a claim the audit passes must not fail at start-up.
 */
export function schemaColumns(catalog: Catalog): SchemaColumns {
  return new Map(
    catalog.tables.filter((t) => t.kind !== 'materialized view').map((t) => [t.qualified, new Set(t.columns.map((c) => c.name))] as const),
  );
}

/**
 * Each claim against the catalog (the table and every claimed column must exist: the same rule as
 * the portal's start-up check) and against the findings; then each host concept the adapter does
 * not claim, which disagrees when the report proposes a claim for it, i.e. the plugin would build
 * its own where the host already has one.
 */
export function checkClaims(
  adapter: AdapterDescription,
  findings: Findings,
  columns: SchemaColumns,
  proposed: readonly HostClaim[],
): ClaimCheck[] {
  const checks: ClaimCheck[] = [];
  if (adapter.name === NO_ADAPTER) return checks;
  for (const concept of HOST_CONCEPTS) {
    const finding = findings.get(concept);
    if (!finding) continue;
    const base = { concept, found: finding.status, foundTable: finding.chosenTable };
    const claims = adapter.claims.filter((c) => c.concept === concept);
    for (const claim of claims) {
      const schema = checkClaimAgainstSchema(claim, columns);
      const { agrees, note } = judgeClaim(schema.table, schema.problem, finding);
      checks.push({ ...base, claimed: true, table: schema.table, missingInSchema: schema.missing, agrees, note });
    }
    if (claims.length > 0) continue;
    const proposal = proposed.find((p) => p.concept === concept);
    // Leaving out something the host keeps only matters where the portal would then build its own
    // copy (logins, comments); host data an adapter does not read is simply not shown.
    const duplicated = Boolean(proposal) && PORTAL_KEEPS_UNLESS_CLAIMED.has(concept);
    checks.push({
      ...base,
      claimed: false,
      table: null,
      missingInSchema: [],
      agrees: !duplicated,
      note: unclaimedNote(finding, proposal, duplicated),
    });
  }
  return checks;
}

function judgeClaim(table: string, problem: string | null, finding: ConceptFinding): { agrees: boolean; note: string } {
  if (problem) return { agrees: false, note: `${problem}: the portal would refuse to start` };
  if (finding.status === 'exists') {
    const elsewhere = finding.chosenTable && finding.chosenTable !== table ? `; the audit chose ${finding.chosenTable} for it` : '';
    return { agrees: true, note: `${table} and the claimed columns exist${elsewhere}` };
  }
  if (finding.status === 'partial')
    return { agrees: false, note: `${table} and the claimed columns exist, but the audit finds this only in part: check the claim` };
  return {
    agrees: false,
    note: `${table} and the claimed columns exist, but the audit does not recognise this concept there: check the claim`,
  };
}

/** Concepts the portal provides itself when the adapter does not claim them. */
const PORTAL_KEEPS_UNLESS_CLAIMED: ReadonlySet<string> = new Set(['clientCredentials', 'comment']);

function unclaimedNote(finding: ConceptFinding, proposal: HostClaim | undefined, duplicated: boolean): string {
  if (proposal && duplicated)
    return `not claimed, but the host has it (${proposal.table}): claim it so the adapter uses it instead of the plugin's own`;
  if (proposal)
    return `not claimed: the host has it (${proposal.table}), but this adapter does not read it, so the portal does not show it`;
  if (finding.status === 'exists' && finding.lowConfidence)
    return `not claimed; the audit's pick ${finding.chosenTable} has low confidence, so leaving it out is fine unless it is right`;
  return finding.status === 'missing' ? 'not claimed; the host does not have it' : 'not claimed; the host has it only in part';
}
