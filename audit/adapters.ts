// The host adapters the audit knows, and what each CLAIMS its host provides. Plain data for now:
// the audit compares every claim with what the schema shows and reports disagreements, and the
// plugin will later read the JSON report to check the same claims at start-up.
import { AuditError } from './errors.ts';
import type { ClaimCheck, ConceptFinding, ConceptId } from './report-schema.ts';

export type AdapterClaims = Partial<Record<ConceptId, boolean>>;

export interface AdapterDescription {
  name: string;
  description: string;
  /** true: the adapter serves this from the host; false: the plugin provides it. */
  claims: AdapterClaims;
}

export const DEFAULT_ADAPTER = 'reference-crm';

const ADAPTERS: Record<string, AdapterDescription> = {
  'reference-crm': {
    name: 'reference-crm',
    description: 'The demo CRM shipped in plugins/reference-crm (workspaces, clients, contacts, proposals, quotations, invoices, tasks, documents).',
    claims: {
      workspace: true,
      company: true,
      contact: true,
      staffUser: true,
      proposal: true,
      quotation: true,
      invoice: true,
      acceptance: true,
      payment: true,
      task: true,
      document: true,
      clientCredentials: false,
      clientLoginCodes: false,
      accessTokens: false,
      signature: false,
      publicLinks: false,
      paymentGateway: false,
      comment: false,
      activityLog: false,
      portalSettings: false,
    },
  },
};

export function knownAdapterNames(): string[] {
  return Object.keys(ADAPTERS).sort();
}

export function resolveAdapter(name: string): AdapterDescription {
  const adapter = ADAPTERS[name];
  if (!adapter) throw new AuditError(`Unknown adapter "${name}". Known adapters: ${knownAdapterNames().join(', ')}.`, 2);
  return adapter;
}

/** Claims against findings: a "provides" claim needs an existing feature, a "does not" claim a non-existing one. */
export function checkClaims(adapter: AdapterDescription, findings: ReadonlyMap<ConceptId, ConceptFinding>): ClaimCheck[] {
  const checks: ClaimCheck[] = [];
  for (const [concept, claimed] of Object.entries(adapter.claims) as Array<[ConceptId, boolean]>) {
    const finding = findings.get(concept);
    if (!finding) continue;
    const found = finding.status;
    const agrees = claimed ? found === 'exists' : found !== 'exists';
    let note: string;
    if (agrees) note = claimed ? `the host has it (${finding.chosenTable ?? 'see evidence'})` : 'the host does not have it; the plugin provides it';
    else if (claimed) note = found === 'partial' ? 'claimed as provided by the host, but the schema shows it only in part' : 'claimed as provided by the host, but the schema does not show it';
    else note = `claimed as missing, but the host has it (${finding.chosenTable ?? 'see evidence'}): the adapter could use it instead of the plugin's own`;
    checks.push({ concept, claimed, found, agrees, note });
  }
  return checks;
}
