// The one list of the portal's features, by their manifests, in the order the composition root
// (src/portal.ts) creates and mounts them. The migration runner (src/migrations/index.ts, knexfile.ts)
// reads their migrations from here without creating a portal; the composition root adds their
// templates and translations, and refuses to start when the features it creates are not these.
import type { FeatureHostPort, FeatureManifest, StaffPage } from '../core/index.ts';
import { accountManifest } from './account/manifest.ts';
import { adminManifest } from './admin/manifest.ts';
import { appPushManifest } from './app-push/manifest.ts';
import { clientNotificationsManifest } from './client-notifications/manifest.ts';
import { customDomainsManifest } from './custom-domains/manifest.ts';
import { dashboardManifest } from './dashboard/manifest.ts';
import { documentsManifest } from './documents/manifest.ts';
import { invoicesManifest } from './invoices/manifest.ts';
import { knowledgeBaseManifest } from './knowledge-base/manifest.ts';
import { messagesManifest } from './messages/manifest.ts';
import { notificationsManifest } from './notifications/manifest.ts';
import { offersManifest } from './offers/manifest.ts';
import { privacyManifest } from './privacy/manifest.ts';
import { projectsManifest } from './projects/manifest.ts';
import { appointmentsManifest } from './appointments/manifest.ts';
import { approvalsManifest } from './approvals/manifest.ts';
import { ordersManifest } from './orders/manifest.ts';
import { devicesManifest } from './devices/manifest.ts';
import { contractsManifest } from './contracts/manifest.ts';
import { tasksManifest } from './tasks/manifest.ts';
import { ticketsManifest } from './tickets/manifest.ts';
import { requestsManifest } from './requests/manifest.ts';
import { teamManifest } from './team/manifest.ts';
import { companyDetailsManifest } from './company-details/manifest.ts';
import { singleSignOnManifest } from './single-sign-on/manifest.ts';
import { directoryProvisioningManifest } from './directory-provisioning/manifest.ts';

export const FEATURE_MANIFESTS: readonly FeatureManifest[] = [
  accountManifest,
  adminManifest,
  dashboardManifest,
  offersManifest,
  invoicesManifest,
  documentsManifest,
  tasksManifest,
  projectsManifest,
  knowledgeBaseManifest,
  appointmentsManifest,
  approvalsManifest,
  devicesManifest,
  contractsManifest,
  ticketsManifest,
  requestsManifest,
  ordersManifest,
  teamManifest,
  companyDetailsManifest,
  privacyManifest,
  appPushManifest,
  clientNotificationsManifest,
  messagesManifest,
  notificationsManifest,
  customDomainsManifest,
  singleSignOnManifest,
  directoryProvisioningManifest,
];

/** The host ports the features bring, as the start-up checks of a binding's ports and claims read them. */
export const FEATURE_HOST_PORTS: readonly FeatureHostPort[] = FEATURE_MANIFESTS.flatMap((feature) => feature.hostPorts ?? []);

/** The features' staff pages that only a host with their ports has, as the staff navigation links them. */
export const FEATURE_STAFF_PAGES: readonly StaffPage[] = FEATURE_MANIFESTS.flatMap((feature) => feature.staffPages ?? []);
