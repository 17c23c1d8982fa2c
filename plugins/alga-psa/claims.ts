// Where Alga PSA keeps what this binding reads and writes, checked against the schema before the
// portal starts and read by the audit (audit-manifest.ts). Every column listed is one a query in
// queries/ touches. Not claimed because not used: comments (Alga's comments belong to tickets,
// not to quotes or invoices) and portal_invitations / password_reset_tokens (see CONTEXT.md).
import type { HostClaim } from '../../src/index.ts';

export const ALGA_PSA_CLAIMS: HostClaim[] = [
  { concept: 'workspace', table: 'tenants', columns: ['tenant', 'client_name', 'created_at'] },
  { concept: 'workspace', table: 'tenant_settings', columns: ['tenant', 'settings'] },
  { concept: 'company', table: 'clients', columns: ['tenant', 'client_id', 'client_name', 'is_inactive', 'default_currency_code'] },
  { concept: 'contact', table: 'contacts', columns: ['tenant', 'contact_name_id', 'client_id', 'full_name', 'email', 'is_inactive', 'is_client_admin', 'updated_at'] },
  { concept: 'contact', table: 'contact_phone_numbers', columns: ['tenant', 'contact_phone_number_id', 'contact_name_id', 'phone_number', 'canonical_type', 'is_default', 'display_order', 'created_at', 'updated_at'] },
  { concept: 'staffUser', table: 'users', columns: ['tenant', 'user_id', 'username', 'first_name', 'last_name', 'email', 'user_type', 'is_inactive', 'hashed_password', 'created_at'], where: { user_type: 'internal' } },
  { concept: 'staffUser', table: 'user_roles', columns: ['tenant', 'user_id', 'role_id'] },
  { concept: 'staffUser', table: 'roles', columns: ['tenant', 'role_id', 'role_name', 'msp', 'client'] },
  {
    concept: 'clientCredentials',
    table: 'users',
    columns: [
      'tenant', 'user_id', 'username', 'email', 'first_name', 'last_name', 'phone', 'timezone', 'hashed_password', 'user_type', 'contact_id', 'is_inactive',
      'two_factor_enabled', 'is_google_user', 'created_at', 'updated_at',
    ],
    where: { user_type: 'client' },
  },
  {
    concept: 'quotation',
    table: 'quotes',
    columns: [
      'tenant', 'quote_id', 'client_id', 'quote_number', 'title', 'description', 'status', 'is_template', 'currency_code', 'subtotal', 'discount_total', 'tax',
      'total_amount', 'valid_until', 'sent_at', 'accepted_at', 'rejected_at', 'rejection_reason', 'client_notes', 'terms_and_conditions', 'created_at', 'updated_at',
    ],
  },
  { concept: 'quotation', table: 'quote_items', columns: ['tenant', 'quote_id', 'description', 'service_name', 'quantity', 'unit_price', 'total_price', 'tax_rate', 'is_optional', 'is_selected', 'display_order', 'created_at'] },
  { concept: 'quotation', table: 'quote_activities', columns: ['tenant', 'quote_id', 'activity_type', 'description', 'performed_by', 'metadata'] },
  {
    concept: 'invoice',
    table: 'invoices',
    columns: ['tenant', 'invoice_id', 'client_id', 'invoice_number', 'status', 'currency_code', 'subtotal', 'tax', 'total_amount', 'credit_applied', 'invoice_date', 'due_date', 'is_prepayment', 'updated_at'],
  },
  { concept: 'invoice', table: 'invoice_charges', columns: ['tenant', 'item_id', 'invoice_id', 'description', 'quantity', 'unit_price', 'total_price', 'net_amount', 'tax_rate', 'created_at'] },
  { concept: 'payment', table: 'invoice_payments', columns: ['tenant', 'payment_id', 'invoice_id', 'amount', 'payment_method', 'payment_date', 'reference_number', 'notes', 'created_at'] },
  { concept: 'payment', table: 'transactions', columns: ['tenant', 'client_id', 'invoice_id', 'amount', 'type', 'status', 'description', 'created_at', 'metadata', 'currency_code'] },
  { concept: 'task', table: 'project_tasks', columns: ['tenant', 'task_id', 'phase_id', 'task_name', 'description', 'assigned_to', 'due_date', 'project_status_mapping_id', 'updated_at'] },
  { concept: 'task', table: 'project_phases', columns: ['tenant', 'phase_id', 'project_id'] },
  { concept: 'task', table: 'projects', columns: ['tenant', 'project_id', 'client_id', 'project_name', 'project_number', 'is_inactive', 'client_portal_config'] },
  { concept: 'task', table: 'project_status_mappings', columns: ['tenant', 'project_status_mapping_id', 'project_id', 'phase_id', 'status_id', 'standard_status_id', 'display_order', 'is_visible'] },
  { concept: 'task', table: 'statuses', columns: ['tenant', 'status_id', 'is_closed'] },
  { concept: 'task', table: 'standard_statuses', columns: ['standard_status_id', 'is_closed'] },
];

/** Claimed only when the documents port exists (a storage root is configured). */
export const ALGA_PSA_DOCUMENT_CLAIMS: HostClaim[] = [
  {
    concept: 'document',
    table: 'documents',
    columns: ['tenant', 'document_id', 'document_name', 'file_id', 'mime_type', 'file_size', 'is_client_visible', 'entered_at', 'updated_at', 'created_by'],
    where: { is_client_visible: true },
  },
  { concept: 'document', table: 'document_associations', columns: ['tenant', 'document_id', 'entity_id', 'entity_type'] },
  { concept: 'document', table: 'external_files', columns: ['tenant', 'file_id', 'original_name', 'mime_type', 'file_size', 'storage_path', 'is_deleted'] },
];
