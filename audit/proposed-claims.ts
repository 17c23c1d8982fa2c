// The adapter declaration the audit proposes for this host: for each host concept it found, the
// chosen table and the columns the finding relied on (key, tenant column, links, and the columns
// whose roles made the match). Built from the findings and the schema model, so every proposed
// column exists in the catalog the audit read. It is a starting point for plugins/<crm>/adapter.ts,
// to be trimmed to what the adapter really reads; what it leaves out, the plugin provides.
import type { HostClaim, HostConcept } from '../src/core/host-schema.ts';
import type { Findings } from './findings/build-findings.ts';
import type { ColumnRole } from './recognition/column-roles.ts';
import { tokenize } from './recognition/names.ts';
import type { SchemaModel, TableProfile } from './recognition/schema-model.ts';
import { HOST_CONCEPTS, type ConceptFinding } from './report-schema.ts';

interface ClaimRecipe {
  /** Columns holding these roles on the chosen table. */
  roles: ColumnRole[];
  /** Link columns to the tables chosen for these concepts (the tenant link is added anyway). */
  linksTo: HostConcept[];
  /** A polymorphic pair (element_type/element_id) is how the records attach. */
  polymorphic?: boolean;
  /**
   * Columns whose names carry one of these words: what no column role names (a quantity, a
   * tracking number, a period, the minutes used), yet what the section reads.
   */
  words?: string[];
}

const DOCUMENT_ROLES: ColumnRole[] = ['number', 'title', 'status', 'amount', 'currency', 'validUntil', 'decisionTime', 'softDelete'];
const CLIENT_SIDE: HostConcept[] = ['company', 'contact'];
const COMMENTED: HostConcept[] = ['proposal', 'quotation', 'invoice', 'task', 'document', 'company', 'contact'];

// Keyed by HostConcept, so a concept added to the ports cannot be forgotten here.
const RECIPES: Record<HostConcept, ClaimRecipe> = {
  // The legal and bank details are what the portal's invoice prints for the agency and its client,
  // and why it charges no VAT (the client's reverse charge or exemption, the agency's small-business scheme).
  workspace: {
    roles: ['name', 'code', 'label', 'branding', 'address', 'number', 'bankAccount', 'paymentTerms', 'vatExemption', 'softDelete'],
    linksTo: [],
  },
  // The company's details its client admin may change (address, billing email, phone) and when
  // they last changed, beside what its invoices print.
  company: { roles: ['name', 'address', 'email', 'phone', 'timestamp', 'vatExemption', 'softDelete'], linksTo: [] },
  contact: { roles: ['personName', 'name', 'email', 'phone', 'softDelete'], linksTo: ['company'] },
  // Not the password: the portal asks the host's own session who is signed in.
  staffUser: { roles: ['personName', 'name', 'email', 'login', 'staffRole', 'status', 'softDelete'], linksTo: [] },
  proposal: { roles: DOCUMENT_ROLES, linksTo: CLIENT_SIDE },
  quotation: { roles: DOCUMENT_ROLES, linksTo: CLIENT_SIDE },
  invoice: {
    roles: ['number', 'status', 'paid', 'amount', 'currency', 'dueDate', 'supplyDate', 'paymentTerms', 'softDelete'],
    linksTo: CLIENT_SIDE,
  },
  payment: { roles: ['amount', 'paid', 'timestamp', 'paymentMethod', 'number'], linksTo: ['invoice'] },
  task: { roles: ['title', 'status', 'done', 'dueDate', 'assignee', 'softDelete'], linksTo: CLIENT_SIDE },
  document: {
    roles: ['fileName', 'fileContent', 'mimeType', 'fileSize', 'visibility', 'shareToken', 'softDelete'],
    linksTo: [...CLIENT_SIDE, 'proposal', 'quotation', 'invoice', 'task'],
    polymorphic: true,
  },
  clientCredentials: { roles: ['email', 'login', 'password', 'status', 'softDelete'], linksTo: CLIENT_SIDE },
  comment: { roles: ['body', 'actor', 'timestamp', 'softDelete'], linksTo: COMMENTED, polymorphic: true },
  ticket: { roles: ['number', 'title', 'body', 'status', 'done', 'assignee', 'softDelete'], linksTo: CLIENT_SIDE },
  // The visibility column is what keeps the agency's internal notes from the client.
  ticketMessage: {
    roles: ['body', 'actor', 'timestamp', 'visibility', 'softDelete'],
    linksTo: ['ticket', ...CLIENT_SIDE],
    polymorphic: true,
  },
  // The service requests, appointments, knowledge base and surveys sections: each names the words
  // of the columns its section reads that no role covers (section-concepts.ts).
  serviceRequestType: {
    roles: ['name', 'title', 'label', 'body', 'status', 'visibility', 'softDelete'],
    linksTo: [],
    words: ['form', 'schema', 'field', 'category', 'icon', 'published', 'lifecycle', 'sort', 'kind', 'version'],
  },
  serviceRequest: {
    roles: ['name', 'title', 'body', 'status', 'timestamp', 'actor'],
    linksTo: [...CLIENT_SIDE, 'ticket', 'serviceRequestType'],
    words: ['payload', 'answer', 'field', 'submitted', 'definition', 'type'],
  },
  appointmentRequest: {
    roles: ['status', 'body', 'timestamp'],
    linksTo: [...CLIENT_SIDE, 'booking'],
    words: ['requested', 'duration', 'time', 'date', 'timezone', 'zone', 'service', 'start', 'minute'],
  },
  availability: {
    roles: ['name', 'label', 'status', 'settingSwitch'],
    linksTo: [],
    words: [
      'day',
      'weekday',
      'hour',
      'open',
      'opens',
      'close',
      'closes',
      'start',
      'end',
      'minute',
      'time',
      'zone',
      'notice',
      'horizon',
      'slot',
      'duration',
      'buffer',
    ],
  },
  booking: {
    roles: ['title', 'status', 'body', 'timestamp', 'assignee', 'actor'],
    linksTo: CLIENT_SIDE,
    words: ['start', 'end', 'scheduled', 'datep', 'duration', 'location', 'minute'],
  },
  kbArticle: {
    roles: ['title', 'body', 'status', 'visibility', 'timestamp', 'softDelete'],
    linksTo: [],
    words: ['audience', 'slug', 'category', 'question', 'answer', 'lang', 'published'],
  },
  surveyTemplate: {
    roles: ['name', 'title', 'body', 'status', 'settingSwitch'],
    linksTo: [],
    words: ['rating', 'prompt', 'scale', 'label', 'enabled', 'thank'],
  },
  surveyInvitation: {
    roles: ['timestamp', 'status', 'expiresAt', 'secretToken'],
    linksTo: ['ticket', ...CLIENT_SIDE, 'surveyTemplate'],
    words: ['sent', 'opened', 'responded', 'token'],
  },
  surveyResponse: {
    roles: ['body', 'timestamp'],
    linksTo: ['ticket', ...CLIENT_SIDE, 'surveyTemplate', 'surveyInvitation'],
    words: ['rating', 'comment', 'submitted', 'response', 'token'],
  },
  surveyTrigger: {
    roles: ['settingSwitch', 'status'],
    linksTo: ['surveyTemplate'],
    words: ['trigger', 'condition', 'enabled'],
  },
  // What a client has with the agency: each names the words of the columns its section reads that
  // no role covers (agreement-concepts.ts recognises them by the same words).
  salesOrder: {
    roles: ['number', 'status', 'amount', 'currency', 'timestamp', 'softDelete'],
    linksTo: [...CLIENT_SIDE, 'proposal', 'quotation'],
    words: ['delivery', 'livraison'],
  },
  orderLine: {
    roles: ['label', 'title', 'body', 'amount'],
    linksTo: ['salesOrder'],
    words: ['qty', 'quantity', 'product', 'service', 'rang', 'position', 'tax', 'tva'],
  },
  shipment: {
    roles: ['number', 'status', 'timestamp'],
    linksTo: ['salesOrder', ...CLIENT_SIDE],
    words: ['tracking', 'carrier', 'shipping', 'delivery', 'expedition'],
  },
  contract: {
    roles: ['number', 'name', 'title', 'label', 'status', 'done', 'amount', 'timestamp', 'softDelete'],
    linksTo: CLIENT_SIDE,
    words: ['start', 'end', 'validite', 'active'],
  },
  contractLine: {
    roles: ['name', 'label', 'title', 'body', 'status', 'amount'],
    linksTo: ['contract'],
    words: [
      'qty',
      'quantity',
      'allowance',
      'measure',
      'period',
      'service',
      'product',
      'unit',
      'start',
      'end',
      'ouverture',
      'validite',
      'minute',
      'hour',
    ],
  },
  contractUsage: {
    roles: ['timestamp'],
    linksTo: ['contractLine', 'contract', ...CLIENT_SIDE],
    words: ['used', 'usage', 'minute', 'hour', 'period', 'rolled', 'remaining', 'overage'],
  },
  timeEntry: {
    // amount: what the entry counts (hours or units), where a column is named only for that.
    roles: ['body', 'actor', 'assignee', 'timestamp', 'amount'],
    linksTo: ['contractLine', 'contract', 'ticket', 'task', 'project', ...CLIENT_SIDE],
    words: ['duration', 'duree', 'billable', 'minute', 'hour', 'date', 'start', 'end', 'service'],
  },
  asset: {
    roles: ['name', 'label', 'title', 'status', 'softDelete'],
    linksTo: CLIENT_SIDE,
    words: ['serial', 'tag', 'type', 'kind', 'model', 'location', 'warranty', 'purchase', 'purchased'],
  },
  documentVersion: {
    roles: ['fileName', 'fileContent', 'mimeType', 'fileSize', 'actor', 'timestamp'],
    linksTo: ['document'],
    words: ['version', 'revision', 'active'],
  },
  // Progress and dates come from the project's tasks and its own start and end; the visibility
  // column is how a host keeps a project from the client (Dolibarr's public flag).
  project: {
    roles: ['number', 'title', 'body', 'status', 'done', 'visibility', 'softDelete'],
    linksTo: CLIENT_SIDE,
  },
};

/**
 * Why a host concept gets no proposed claim, or null when it gets one. Only what the adapter can
 * read as a table is proposed: a concept found with confidence (exists), or found in part on a
 * chosen table, except client credentials, whose "partial" means a login column without any
 * password (the portal then keeps its own passwords). A low-confidence pick is left to a person.
 */
export function notProposedBecause(finding: ConceptFinding): string | null {
  if (!finding.chosenTable) return 'not found: the plugin provides it, or shows nothing of it';
  if (finding.lowConfidence)
    return `the pick ${finding.chosenTable} has low confidence (${finding.confidence.toFixed(2)}): add a claim by hand if it is right`;
  if (finding.status === 'exists') return null;
  if (finding.status === 'partial' && finding.id !== 'clientCredentials') return null;
  return finding.id === 'clientCredentials'
    ? `${finding.chosenTable} has sign-in columns but no password: the portal keeps its own passwords`
    : 'not found in full';
}

export function proposeClaims(findings: Findings, model: SchemaModel): HostClaim[] {
  const claims: HostClaim[] = [];
  for (const concept of HOST_CONCEPTS) {
    const finding = findings.get(concept);
    if (!finding || notProposedBecause(finding) !== null) continue;
    const profile = finding.chosenTable ? model.byName.get(finding.chosenTable) : undefined;
    if (!profile) continue;
    const columns = claimColumns(profile, RECIPES[concept], findings, model);
    const where = finding.rowFilter;
    if (where) {
      for (const column of Object.keys(where)) if (!columns.includes(column)) columns.push(column);
      claims.push({ concept, table: profile.qualified, columns, where: { ...where } });
    } else {
      claims.push({ concept, table: profile.qualified, columns });
    }
  }
  return claims;
}

function claimColumns(profile: TableProfile, recipe: ClaimRecipe, findings: Findings, model: SchemaModel): string[] {
  const wanted = new Set<string>(profile.table.primaryKey);
  const tenant = model.tenant?.column;
  if (tenant) wanted.add(tenant);
  const targets = new Set(recipe.linksTo.map((c) => findings.get(c)?.chosenTable).filter((t): t is string => Boolean(t)));
  for (const link of profile.outgoing) {
    if (targets.has(link.to) && link.to !== profile.qualified) for (const column of link.columns) wanted.add(column);
  }
  if (recipe.polymorphic) for (const pair of profile.polymorphic) wanted.add(pair.typeColumn).add(pair.idColumn);
  for (const role of recipe.roles) for (const column of profile.roles.get(role) ?? []) wanted.add(column.name);
  const words = new Set(recipe.words ?? []);
  for (const column of profile.table.columns) if (tokenize(column.name).some((word) => words.has(word))) wanted.add(column.name);
  // In the table's own column order: deterministic, and reads like the table definition.
  return profile.table.columns.map((c) => c.name).filter((name) => wanted.has(name));
}
