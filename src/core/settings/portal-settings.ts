// What a workspace admin allows: the section switches, sign-in methods and branding overrides.
// A workspace without a saved row gets the defaults below (the same as the table defaults).

export interface PortalSettings {
  showProposals: boolean;
  showInvoices: boolean;
  showTasks: boolean;
  showProjects: boolean;
  /** Clients open support tickets and follow them (where the host keeps tickets). */
  showTickets: boolean;
  /** Clients read the agency's published help articles (where the host keeps a knowledge base). */
  showKnowledgeBase: boolean;
  /** Clients ask for the agency's services and quotes from its catalogue (where the host keeps one). */
  showRequests: boolean;
  /** Clients book time with the agency (where the host keeps appointments). */
  showAppointments: boolean;
  /** Clients approve the agency's work, version by version, or ask for changes (where the host keeps it). */
  showApprovals: boolean;
  /** A client admin changes the company's address, billing email, tax id and phone (else the page is read only). */
  allowCompanyDetailsEdit: boolean;
  /** Clients follow their orders to delivery and order again (where the host keeps orders). */
  showOrders: boolean;
  /** Clients see the devices the agency looks after for them (where the host keeps them). */
  showDevices: boolean;
  /** Clients see their contracts and how much of each allowance is used (where the host keeps contracts). */
  showContracts: boolean;
  /** On the contracts pages, clients see the time entries behind the hours used. */
  showTimeEntriesToClients: boolean;
  /**
   * Documents have no workspace switch (always true here); a person's role or the agency can hide
   * them from one person or company (src/core/policies/client-access.ts).
   */
  showDocuments: boolean;
  allowFileUploads: boolean;
  allowComments: boolean;
  allowMessaging: boolean;
  allowOnlinePayments: boolean;
  /** Public links may offer accept/decline (each link must allow it too). */
  allowPublicLinkDecisions: boolean;
  loginWithCode: boolean;
  loginWithPassword: boolean;
  portalTitle: string | null;
  primaryColor: string | null;
  logoFileId: string | null;
  /** Language and time zone for clients who chose none (null: the browser decides). */
  defaultLocale: string | null;
  defaultTimeZone: string | null;
  /** Largest file a client may upload, in MB. */
  maxUploadMb: number;
  /** Every client user must set up two-factor authentication before using the portal. */
  requireTwoFactor: boolean;
  /** Days the sign-in and security log keeps an entry; older ones are deleted (account/security-log/retention.ts). */
  securityLogDays: number;
  updatedAt: Date | null;
}

export const DEFAULT_SETTINGS: PortalSettings = {
  showProposals: true,
  showInvoices: true,
  showTasks: true,
  showProjects: true,
  showTickets: false,
  showKnowledgeBase: true,
  showRequests: false,
  showAppointments: false,
  showApprovals: false,
  allowCompanyDetailsEdit: false,
  showOrders: false,
  showDevices: false,
  showContracts: false,
  showTimeEntriesToClients: false,
  showDocuments: true,
  allowFileUploads: false,
  allowComments: true,
  allowMessaging: true,
  allowOnlinePayments: false,
  allowPublicLinkDecisions: false,
  loginWithCode: true,
  loginWithPassword: true,
  portalTitle: null,
  primaryColor: null,
  logoFileId: null,
  defaultLocale: null,
  defaultTimeZone: null,
  maxUploadMb: 25,
  requireTwoFactor: false,
  securityLogDays: 365,
  updatedAt: null,
};

/** The switches, in the order the admin page shows them. */
export const SECTION_SWITCHES = [
  { key: 'showProposals', label: 'Show proposals and quotations', hint: 'Clients can view, accept and decline them.' },
  { key: 'showInvoices', label: 'Show invoices', hint: 'Clients can see invoices, their status and payments.' },
  { key: 'showTasks', label: 'Show tasks', hint: 'Clients see tasks assigned to them and can mark them done.' },
  { key: 'showProjects', label: 'Show projects', hint: 'Clients see their projects, with progress, phases, tasks and shared documents.' },
  {
    key: 'showTickets',
    label: 'Show support tickets',
    hint: 'Clients open support tickets, follow your answers, close, reopen and rate them. Only where your CRM keeps tickets.',
  },
  {
    key: 'showKnowledgeBase',
    label: 'Show the knowledge base',
    hint: 'Clients read the help articles you published for them, and see matching ones as they write a ticket. Only where your CRM keeps a knowledge base.',
  },
  {
    key: 'showRequests',
    label: 'Show service and quote requests',
    hint: 'Clients ask for what you offer, each with its own form, and follow your answer and your quotation. Only where your CRM keeps a catalogue of requests.',
  },
  {
    key: 'showAppointments',
    label: 'Show appointments',
    hint: 'Clients book time with you from your free hours, follow your answer and cancel. Only where your CRM keeps appointments.',
  },
  {
    key: 'showApprovals',
    label: 'Show approvals',
    hint: 'Clients see the work you share for approval, version by version, and approve it or ask for changes. Only where your CRM keeps the files.',
  },
  {
    key: 'allowCompanyDetailsEdit',
    label: 'Allow clients to change their company details',
    hint: 'A client admin changes the address, billing email, tax id and phone in your CRM; you are notified of each change. Off: the Company page is read only.',
  },
  {
    key: 'showOrders',
    label: 'Show orders',
    hint: 'Clients follow their orders to delivery, with tracking links, and ask you for a new draft of an order with the same lines. Only where your CRM keeps orders.',
  },
  {
    key: 'showDevices',
    label: 'Show devices',
    hint: 'Clients see the devices you look after for them, the tickets about each, and open a ticket about one. Only where your CRM keeps devices.',
  },
  {
    key: 'showContracts',
    label: 'Show contracts and hours used',
    hint: 'Clients see their contracts with their lines, and for each allowance how much is used this period, what is left and the periods before. Only where your CRM keeps contracts.',
  },
  {
    key: 'showTimeEntriesToClients',
    label: 'Show the time entries behind hours used',
    hint: 'Off unless you switch it on. On: under each period of an allowance, clients see the dated entries it is made of, with their hours and description. Off: they see the totals only.',
  },
  {
    key: 'allowFileUploads',
    label: 'Allow file uploads',
    hint: 'Off unless you switch it on. On: clients can upload documents back to you and attach files to their messages and support tickets. Off: their Documents page tells them your agency has not enabled uploads, and the message and ticket forms have no attachment field.',
  },
  { key: 'allowComments', label: 'Allow comments', hint: 'Clients can comment on proposals, quotations and invoices.' },
  { key: 'allowMessaging', label: 'Allow messaging', hint: 'Clients can send messages to your team.' },
  { key: 'allowOnlinePayments', label: 'Allow online payments', hint: 'Clients can pay invoices from the portal.' },
  {
    key: 'allowPublicLinkDecisions',
    label: 'Allow decisions by public link',
    hint: 'Whoever holds a public link may accept or decline the proposal or quotation with a typed name and email, where the link allows it. Off: public links are read-only.',
  },
] as const satisfies ReadonlyArray<{ key: keyof PortalSettings; label: string; hint: string }>;

export type SectionSwitch = (typeof SECTION_SWITCHES)[number]['key'];
