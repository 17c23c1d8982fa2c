// The one list of what the features read from a host, by the audit's names: each feature's own
// (its host-concepts.ts, which also types them for its claims). The audit reads it with core's
// (CORE_HOST_CONCEPTS) without loading a portal, so this imports nothing but those files.
import { OFFERS_HOST_CONCEPTS } from './offers/host-concepts.ts';
import { INVOICES_HOST_CONCEPTS } from './invoices/host-concepts.ts';
import { TASKS_HOST_CONCEPTS } from './tasks/host-concepts.ts';
import { DOCUMENTS_HOST_CONCEPTS } from './documents/host-concepts.ts';
import { MESSAGES_HOST_CONCEPTS } from './messages/host-concepts.ts';
import { TICKETS_HOST_CONCEPTS } from './tickets/host-concepts.ts';
import { PROJECTS_HOST_CONCEPTS } from './projects/host-concepts.ts';
import { REQUESTS_HOST_CONCEPTS } from './requests/host-concepts.ts';
import { APPOINTMENTS_HOST_CONCEPTS } from './appointments/host-concepts.ts';
import { KNOWLEDGE_BASE_HOST_CONCEPTS } from './knowledge-base/host-concepts.ts';
import { ORDERS_HOST_CONCEPTS } from './orders/host-concepts.ts';
import { CONTRACTS_HOST_CONCEPTS } from './contracts/host-concepts.ts';
import { DEVICES_HOST_CONCEPTS } from './devices/host-concepts.ts';
import { APPROVALS_HOST_CONCEPTS } from './approvals/host-concepts.ts';

export const FEATURE_HOST_CONCEPTS = [
  ...OFFERS_HOST_CONCEPTS,
  ...INVOICES_HOST_CONCEPTS,
  ...TASKS_HOST_CONCEPTS,
  ...DOCUMENTS_HOST_CONCEPTS,
  ...MESSAGES_HOST_CONCEPTS,
  ...TICKETS_HOST_CONCEPTS,
  ...PROJECTS_HOST_CONCEPTS,
  ...REQUESTS_HOST_CONCEPTS,
  ...APPOINTMENTS_HOST_CONCEPTS,
  ...KNOWLEDGE_BASE_HOST_CONCEPTS,
  ...ORDERS_HOST_CONCEPTS,
  ...CONTRACTS_HOST_CONCEPTS,
  ...DEVICES_HOST_CONCEPTS,
  ...APPROVALS_HOST_CONCEPTS,
] as const;
