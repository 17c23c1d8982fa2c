// Where the reference CRM keeps what its adapter reads and writes. The portal checks these against
// the schema before it starts; the audit compares them with what it finds, reading this file without
// the adapter (and through it the whole portal). The CRM keeps no client logins and no comments, so
// the portal provides those itself.
import type { HostClaim } from '../../../src/index.ts';
import { PAYMENT_COLUMNS } from '../queries/payments.ts';
import { STAFF_USER_COLUMNS } from '../queries/staff-users.ts';
import { WORKSPACE_COLUMNS } from '../queries/workspaces.ts';

export const REFERENCE_CRM_CLAIMS: HostClaim[] = [
  {
    concept: 'workspace',
    table: 'workspaces',
    columns: [
      ...WORKSPACE_COLUMNS,
      'legal_name',
      'legal_address',
      'vat_id',
      'registration_number',
      'bank_name',
      'iban',
      'bic',
      'payment_terms',
      'vat_exemption_note',
      'vat_exemption_reason',
    ],
  },
  {
    concept: 'company',
    table: 'clients',
    columns: [
      'id',
      'workspace_id',
      'name',
      'address',
      'tax_id',
      'vat_exemption_note',
      'vat_exemption_reason',
      'billing_email',
      'phone',
      'updated_at',
    ],
  },
  { concept: 'contact', table: 'contacts', columns: ['id', 'workspace_id', 'client_id', 'name', 'email', 'phone'] },
  { concept: 'staffUser', table: 'staff_users', columns: STAFF_USER_COLUMNS },
  {
    concept: 'proposal',
    table: 'proposals',
    columns: ['id', 'workspace_id', 'client_id', 'number', 'title', 'status', 'currency', 'valid_until', 'decided_at'],
  },
  {
    concept: 'quotation',
    table: 'quotations',
    columns: ['id', 'workspace_id', 'client_id', 'number', 'title', 'status', 'currency', 'valid_until', 'decided_at'],
  },
  {
    concept: 'invoice',
    table: 'invoices',
    columns: [
      'id',
      'workspace_id',
      'client_id',
      'number',
      'status',
      'currency',
      'due_date',
      'total_cents',
      'paid_cents',
      'supply_date',
      'supply_end_date',
      'payment_terms',
    ],
  },
  { concept: 'payment', table: 'payments', columns: PAYMENT_COLUMNS },
  // Also read: tasks.description and record_type/record_id, documents.shared_by_staff_id and
  // created_at, payments.provider; the claims list the columns the audit recognises for each concept.
  {
    concept: 'task',
    table: 'tasks',
    columns: ['id', 'workspace_id', 'client_id', 'assigned_contact_id', 'title', 'due_date', 'status', 'completed_at'],
  },
  // Also read: projects.description, start_date and end_date, project_phases, and
  // tasks.project_id and phase_id for progress.
  { concept: 'project', table: 'projects', columns: ['id', 'workspace_id', 'client_id', 'ref', 'title', 'status'] },
  // Also read: tickets.category_id, priority_id and the times, ticket_status_changes, and the
  // agency's internal notes only to leave them out.
  {
    concept: 'ticket',
    table: 'tickets',
    columns: ['workspace_id', 'id', 'client_id', 'contact_id', 'ref', 'subject', 'description', 'status', 'closed_at'],
  },
  {
    concept: 'ticketMessage',
    table: 'ticket_messages',
    columns: ['workspace_id', 'id', 'ticket_id', 'author_contact_id', 'author_staff_id', 'body', 'created_at', 'is_internal'],
    where: { is_internal: false },
  },
  {
    concept: 'document',
    table: 'documents',
    columns: [
      'id',
      'workspace_id',
      'client_id',
      'filename',
      'content_type',
      'size_bytes',
      'content',
      'shared_with_client',
      'record_type',
      'record_id',
    ],
  },
  // The Requests, Appointments and Help sections: the request types and a client's requests, the
  // appointments (asked for, then confirmed, in one row), the agency's opening hours, and the
  // published articles. Also read: kb_categories, appointment services, settings and offers.
  {
    concept: 'serviceRequestType',
    table: 'request_definitions',
    columns: ['workspace_id', 'id', 'name', 'description', 'category', 'icon', 'kind', 'fields', 'published'],
  },
  {
    concept: 'serviceRequest',
    table: 'service_requests',
    columns: [
      'workspace_id',
      'id',
      'definition_id',
      'client_id',
      'contact_id',
      'title',
      'fields',
      'payload',
      'status',
      'answer',
      'submitted_at',
    ],
  },
  {
    concept: 'appointmentRequest',
    table: 'appointments',
    columns: [
      'workspace_id',
      'id',
      'client_id',
      'contact_id',
      'service_id',
      'starts_at',
      'ends_at',
      'status',
      'note',
      'time_zone',
      'requested_at',
      'updated_at',
    ],
  },
  // The same rows, once the agency confirmed or moved them, are the client's booked appointments.
  { concept: 'booking', table: 'appointments', columns: ['workspace_id', 'id', 'client_id', 'starts_at', 'ends_at', 'status'] },
  { concept: 'availability', table: 'appointment_hours', columns: ['workspace_id', 'id', 'weekday', 'opens_at', 'closes_at'] },
  {
    concept: 'kbArticle',
    table: 'kb_articles',
    columns: ['workspace_id', 'id', 'category_id', 'audience', 'status', 'title', 'body', 'updated_at'],
  },
  // Also read: orders' notes and times, and shipment_lines.
  {
    concept: 'salesOrder',
    table: 'orders',
    columns: [
      'id',
      'workspace_id',
      'client_id',
      'number',
      'client_reference',
      'status',
      'currency',
      'ordered_on',
      'delivery_on',
      'proposal_id',
      'quotation_id',
    ],
  },
  {
    concept: 'orderLine',
    table: 'order_lines',
    columns: ['workspace_id', 'id', 'order_id', 'position', 'description', 'quantity', 'unit_price_cents', 'tax_rate_percent'],
  },
  {
    concept: 'shipment',
    table: 'shipments',
    columns: [
      'workspace_id',
      'id',
      'order_id',
      'number',
      'status',
      'carrier',
      'tracking_number',
      'tracking_url',
      'sent_on',
      'delivered_on',
    ],
  },
  {
    concept: 'contract',
    table: 'contracts',
    columns: ['workspace_id', 'id', 'client_id', 'number', 'name', 'status', 'starts_on', 'ends_on'],
  },
  {
    concept: 'contractLine',
    table: 'contract_lines',
    columns: [
      'workspace_id',
      'id',
      'contract_id',
      'name',
      'quantity',
      'allowance',
      'measure',
      'unit_name',
      'period',
      'starts_on',
      'ends_on',
    ],
  },
  {
    concept: 'timeEntry',
    table: 'time_entries',
    columns: ['workspace_id', 'id', 'contract_line_id', 'staff_user_id', 'work_date', 'amount', 'description'],
  },
  {
    concept: 'asset',
    table: 'devices',
    columns: [
      'workspace_id',
      'id',
      'client_id',
      'name',
      'kind',
      'status',
      'serial_number',
      'asset_tag',
      'location',
      'purchased_on',
      'warranty_ends_on',
    ],
  },
];
