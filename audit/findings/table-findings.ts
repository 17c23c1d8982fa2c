// Findings for the concepts recognised as whole tables (companies, invoices, tasks, ...): the
// chosen table, its telling columns and links as evidence, soft-delete and tenant notes the
// adapter will need, and for "not found" the words and signature that were searched.
import { hasRole, type ColumnRole } from '../recognition/column-roles.ts';
import { TABLE_CONCEPTS } from '../recognition/table-concepts.ts';
import type { TableConceptId } from '../recognition/vocabulary.ts';
import type { Evidence } from '../report-schema.ts';
import { CLIENT_LISTS, clientListIndexNote } from './client-list-index.ts';
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
  if (profile.polymorphic.length > 0) {
    notes.push(`points at any record through ${profile.polymorphic.map((p) => `${p.typeColumn}/${p.idColumn}`).join(', ')}`);
  }
  if (hasRole(profile.roles, 'status') && (profile.roles.get('status') ?? []).every((c) => c.category === 'N')) {
    notes.push('status is an integer code; its meanings are not in the schema unless a column comment says so');
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

function moneyNote(role: ColumnRole, type: string, name: string): string {
  if (role !== 'amount') return '';
  if (/^(integer|bigint|smallint)$/.test(type))
    return /cent|minor/i.test(name) ? ', integer cents' : ', integer: minor units or whole amounts';
  return '';
}
