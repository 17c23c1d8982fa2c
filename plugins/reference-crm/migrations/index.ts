// The reference CRM's own migrations, tracked in its own table (crm_knex_migrations).
import type { Knex } from 'knex';
import { distributeOnCitus, listMigrationSource } from '../../../src/index.ts';
import * as schema from './20260101000001_reference_crm.ts';
import * as clientStatusIndexes from './20260101000100_client_status_indexes.ts';
import * as documentAndTaskLinks from './20260101000500_document_and_task_links.ts';
import * as rateLimits from './20261124000002_crm_rate_limits.ts';
import * as clientListOrderIndexes from './20261207000001_client_list_order_indexes.ts';
import * as invoiceStoredTotals from './20261208000001_invoice_stored_totals.ts';
import * as invoiceLegalDetails from './20261209000001_invoice_legal_details.ts';
import * as lineTaxRates from './20261210000001_line_tax_rates.ts';
import * as keysByWorkspace from './20261231000001_keys_by_workspace.ts';
import * as vatExemptionNotes from './20270101000001_vat_exemption_notes.ts';
import * as paymentProviders from './20270101000002_payment_providers.ts';
import * as projects from './20270102000001_projects.ts';
import * as clientListSearchIndexes from './20270103000001_client_list_search_indexes.ts';
import * as tickets from './20270102000001_tickets.ts';
import * as ticketFiles from './20270204000001_ticket_files.ts';
import * as vatExemptionReasons from './20270206000001_vat_exemption_reasons.ts';
import * as clientOpenOrderIndexes from './20270110000001_client_open_order_indexes.ts';
import * as knowledgeBase from './20270401000001_knowledge_base.ts';
import * as serviceRequests from './20270403000001_service_requests.ts';
import * as appointments from './20270404000001_appointments.ts';
import * as ticketChoiceTranslations from './20270410000001_ticket_choice_translations.ts';
import * as approvals from './20270504000001_approvals.ts';
import * as companyDetails from './20270505000001_company_details.ts';
import * as orders from './20270501000001_orders.ts';
import * as devices from './20270503000001_devices.ts';
import * as contracts from './20270502000001_contracts.ts';
import * as documentContentExternal from './20270506000001_document_content_external.ts';
import * as namedRowsRefuseDelete from './20270507000001_named_rows_refuse_delete.ts';
import * as appointmentAgencyReason from './20270508000001_appointment_agency_reason.ts';
import * as approvalDecisionUserAgent from './20270509000001_approval_decision_user_agent.ts';
import * as appointmentOffers from './20270509000001_appointment_offers.ts';
import * as catalogueTranslations from './20270601000001_catalogue_translations.ts';
import * as recurringInvoices from './20270610000001_recurring_invoices.ts';
import * as statementIndexes from './20270711000001_statement_indexes.ts';
import * as statementWalkIndexes from './20270712000001_statement_walk_indexes.ts';
import { CRM_DISTRIBUTION } from './distribution.ts';

const config = (): Knex.MigratorConfig => ({
  migrationSource: listMigrationSource({
    '20260101000001_reference_crm': schema,
    '20260101000100_client_status_indexes': clientStatusIndexes,
    '20260101000500_document_and_task_links': documentAndTaskLinks,
    '20261124000002_crm_rate_limits': rateLimits,
    '20261207000001_client_list_order_indexes': clientListOrderIndexes,
    '20261208000001_invoice_stored_totals': invoiceStoredTotals,
    '20261209000001_invoice_legal_details': invoiceLegalDetails,
    '20261210000001_line_tax_rates': lineTaxRates,
    '20261231000001_keys_by_workspace': keysByWorkspace,
    '20270101000001_vat_exemption_notes': vatExemptionNotes,
    '20270101000002_payment_providers': paymentProviders,
    '20270102000001_projects': projects,
    '20270103000001_client_list_search_indexes': clientListSearchIndexes,
    '20270102000001_tickets': tickets,
    '20270204000001_ticket_files': ticketFiles,
    '20270206000001_vat_exemption_reasons': vatExemptionReasons,
    '20270110000001_client_open_order_indexes': clientOpenOrderIndexes,
    '20270401000001_knowledge_base': knowledgeBase,
    '20270403000001_service_requests': serviceRequests,
    '20270404000001_appointments': appointments,
    '20270410000001_ticket_choice_translations': ticketChoiceTranslations,
    '20270504000001_approvals': approvals,
    '20270505000001_company_details': companyDetails,
    '20270501000001_orders': orders,
    '20270503000001_devices': devices,
    '20270502000001_contracts': contracts,
    '20270506000001_document_content_external': documentContentExternal,
    '20270507000001_named_rows_refuse_delete': namedRowsRefuseDelete,
    '20270508000001_appointment_agency_reason': appointmentAgencyReason,
    '20270509000001_approval_decision_user_agent': approvalDecisionUserAgent,
    '20270509000001_appointment_offers': appointmentOffers,
    '20270601000001_catalogue_translations': catalogueTranslations,
    '20270610000001_recurring_invoices': recurringInvoices,
    '20270711000001_statement_indexes': statementIndexes,
    '20270712000001_statement_walk_indexes': statementWalkIndexes,
  }),
  tableName: 'crm_knex_migrations',
});

/** Brings the CRM's tables up to date and, on a Citus cluster, distributes them (./distribution.ts). */
export async function migrateReferenceCrm(knex: Knex): Promise<void> {
  await knex.migrate.latest(config());
  await distributeOnCitus(knex, CRM_DISTRIBUTION);
}

export async function rollbackReferenceCrm(knex: Knex): Promise<void> {
  await knex.migrate.rollback(config(), true);
}
