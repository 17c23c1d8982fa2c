// Findings for the concepts recognised as whole tables (companies, invoices, tasks, ...): the
// chosen table, its telling columns and links as evidence, soft-delete and tenant notes the
// adapter will need, and for "not found" the words and signature that were searched.
import { hasRole, type ColumnRole } from '../recognition/column-roles.ts';
import type { TableProfile } from '../recognition/schema-model.ts';
import { TABLE_CONCEPTS } from '../recognition/table-concepts.ts';
import { NAME_MODIFIERS, type TableConceptId } from '../recognition/vocabulary.ts';
import type { Evidence } from '../report-schema.ts';
import { CLIENT_LISTS, CLIENT_OPEN_SETS, clientListIndexNote, clientOpenSetIndexNote } from './client-list-index.ts';
import { chosenProfile, columnEvidence, linkEvidence, list, tableEvidence, type DraftFinding, type FindingsContext } from './context.ts';

const ROLE_LABELS: Partial<Record<ColumnRole, string>> = {
  email: 'email',
  password: 'password-like',
  login: 'login name',
  amount: 'amount',
  currency: 'currency',
  status: 'status',
  dueDate: 'due date',
  validUntil: 'valid until',
  paid: 'paid marker',
  number: 'number/reference',
  title: 'title',
  body: 'text',
  fileName: 'file name/path',
  fileContent: 'file content',
  fileSize: 'file size',
  mimeType: 'MIME type',
  assignee: 'assignee',
  eventName: 'event',
  actor: 'actor',
  ipAddress: 'IP address',
  paymentMethod: 'payment method',
  visibility: 'client visibility',
  shareToken: 'share token',
  name: 'name',
  personName: 'person name',
  address: 'address',
  staffRole: 'role',
};

export function tableFinding(context: FindingsContext, id: TableConceptId): DraftFinding {
  const spec = TABLE_CONCEPTS.find((c) => c.id === id);
  const result = context.tables.get(id);
  if (!spec || !result) throw new Error(`No recognition result for ${id}`);

  const signature = spec.columns.map((c) => c.reason.replace(/^has (an? )?/, '')).join(', ');
  const lookedAt =
    `${result.lookedAt.tables} host tables, scored on name words (${list(result.lookedAt.words, 10)}), ` +
    `columns (${signature})` +
    (spec.links.length > 0 ? ` and links (${spec.links.map((l) => l.reason).join('; ')})` : '');

  const profile = chosenProfile(context, id);
  if (!profile) {
    return {
      id,
      label: spec.label,
      status: 'missing',
      chosenTable: null,
      confidence: result.confidence,
      lowConfidence: false,
      candidates: result.candidates,
      evidence: [],
      notes:
        result.candidates.length > 0
          ? [`closest candidate ${result.candidates[0]?.table} scored ${result.candidates[0]?.confidence}, below the threshold`]
          : [],
      lookedAt,
    };
  }

  const evidence: Evidence[] = [
    tableEvidence(
      profile.qualified,
      `chosen for ${spec.label.toLowerCase()} (confidence ${result.confidence}${result.lowConfidence ? ', low: check this pick' : ''})${profile.table.comment ? `; comment: "${profile.table.comment}"` : ''}`,
    ),
  ];
  const roles = new Set(spec.columns.flatMap((c) => c.roles ?? []));
  for (const role of roles) {
    const label = ROLE_LABELS[role];
    if (!label) continue;
    for (const column of (profile.roles.get(role) ?? []).slice(0, 2)) {
      evidence.push(columnEvidence(profile.qualified, column, `${label}${moneyNote(role, column.type, column.name)}`));
    }
  }
  for (const link of profile.outgoing.filter((l) => l.to !== context.model.tenant?.table).slice(0, 3)) evidence.push(linkEvidence(link));

  const notes = [...result.notes];
  if (result.lowConfidence) notes.push(`low confidence (${result.confidence}): check this pick before relying on it`);
  if (result.sharedWith) notes.push(`shares its table with ${result.sharedWith}`);
  const softDelete = profile.roles.get('softDelete') ?? [];
  if (softDelete.length > 0) notes.push(`rows are soft-deleted through ${list(softDelete.map((c) => c.name))}: the adapter must skip them`);
  const tenant = context.model.tenant;
  if (tenant && profile.table.columns.some((c) => c.name === tenant.column)) notes.push(`scoped by the tenant column ${tenant.column}`);
  const listIndex = CLIENT_LISTS.has(id) ? clientListIndexNote(context, profile) : null;
  if (listIndex) notes.push(listIndex);
  const openSetIndex = CLIENT_OPEN_SETS.has(id) ? clientOpenSetIndexNote(context, profile) : null;
  if (openSetIndex) notes.push(openSetIndex);
  if (profile.polymorphic.length > 0) {
    notes.push(`points at any record through ${profile.polymorphic.map((p) => `${p.typeColumn}/${p.idColumn}`).join(', ')}`);
  }
  if (hasRole(profile.roles, 'status') && (profile.roles.get('status') ?? []).every((c) => c.category === 'N')) {
    notes.push('status is an integer code; its meanings are not in the schema unless a column comment says so');
  }
  if (id === 'company' || id === 'workspace') {
    const exemption = vatExemptionNote(context, profile, id === 'company');
    if (exemption) notes.push(exemption);
  }

  return {
    id,
    label: spec.label,
    status: 'exists',
    chosenTable: profile.qualified,
    confidence: result.confidence,
    lowConfidence: result.lowConfidence,
    candidates: result.candidates,
    evidence,
    notes,
    lookedAt,
  };
}

/**
 * Where the host says why an invoice charges no VAT, which the invoice must then say: columns of
 * that role on the agency's or the client's table, and for the client on the tables that hang off
 * it (tax settings per billing profile). The client's finding also says when there is none, and
 * what the audit cannot see: a setting kept as a key/value row (the regime of the whole agency) is
 * data, and the audit reads no setting names, so the binding names it.
 */
function vatExemptionNote(context: FindingsContext, profile: TableProfile, client: boolean): string | null {
  const columns = (table: TableProfile) => (table.roles.get('vatExemption') ?? []).map((column) => `${table.qualified}.${column.name}`);
  // Purchases from a supplier are not the client's invoices: their reverse charge is the agency's.
  const supplierSide = NAME_MODIFIERS.find((modifier) => modifier.kind === 'supplier side')?.words ?? new Set<string>();
  const beside = client
    ? profile.incoming.flatMap((link) => {
        const from = context.model.byName.get(link.from);
        return from && from !== profile && !from.tokens.some((word) => supplierSide.has(word)) ? columns(from) : [];
      })
    : [];
  const found = [...new Set([...columns(profile), ...beside])];
  if (found.length > 0)
    return `may say why an invoice charges no VAT in ${list(found, 4)} (check it is about sales to the client): the portal prints it on an invoice whose VAT is 0`;
  return client
    ? 'no column says why an invoice charges no VAT (reverse charge, exemption, small business); a setting kept as a key/value row is not read here: the binding names it, or a 0 % invoice prints no reason'
    : null;
}

function moneyNote(role: ColumnRole, type: string, name: string): string {
  if (role !== 'amount') return '';
  if (/^(integer|bigint|smallint)$/.test(type))
    return /cent|minor/i.test(name) ? ', integer cents' : ', integer: minor units or whole amounts';
  return '';
}
