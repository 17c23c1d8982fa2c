// What the plugin brings to any host: the tables its migrations create (see migrations/ and each
// feature's migrations/; a test keeps this list in step with them, with and without a host that
// keeps comments) and the routes it mounts. The audit reports these and ignores them when judging
// what the HOST has.

export interface PluginTable {
  name: string;
  purpose: string;
  /** Not created when the host already keeps this concept (the adapter uses the host's table). */
  unlessHostHas?: 'comment';
  /** Still created when the host keeps this concept, but holding less: what it holds then. */
  whenHostHas?: { concept: 'clientCredentials'; purpose: string };
}

export const PLUGIN_TABLES: readonly PluginTable[] = [
  {
    name: 'workspace_client_portal_settings',
    purpose: 'per-workspace switches (what clients see), sign-in methods, branding, how long the sign-in and security log is kept',
  },
  {
    name: 'client_users',
    purpose: 'client sign-in accounts linked to host contacts (argon2id password hash)',
    whenHostHas: {
      concept: 'clientCredentials',
      purpose:
        'portal users linked to the host contacts whose logins the host keeps: only the link, status and sign-in time, no password (password_hash stays empty); passwords are checked and changed through the adapter (ClientCredentialsPort)',
    },
  },
  { name: 'client_sessions', purpose: 'client portal sessions (separate cookie from the host)' },
  { name: 'client_login_codes', purpose: 'one-time sign-in codes, stored hashed, short-lived, attempt-limited' },
  { name: 'client_user_tokens', purpose: 'password reset and invitation tokens, stored hashed, single use' },
  { name: 'client_activity_logs', purpose: 'client actions and sign-in events, for the agency to read' },
  { name: 'portal_rate_limits', purpose: 'rate-limit counters shared by every app instance' },
  { name: 'portal_files', purpose: 'files the portal owns (uploaded logos, client uploads)' },
  { name: 'client_comments', purpose: 'comments on proposals, quotations, invoices and requests', unlessHostHas: 'comment' },
  {
    name: 'portal_mail_outbox',
    purpose: "emails queued in the request's transaction and sent by a worker in each app instance (retried, each sent once)",
  },
  { name: 'portal_request_guards', purpose: 'requests seen in the last few seconds, so a double click sends no second email' },
  {
    name: 'portal_offer_decisions',
    purpose: "evidence of a client's acceptance or refusal: who, when, IP, signature, fingerprinted snapshot",
  },
  { name: 'portal_public_links', purpose: 'public links to one proposal, quotation or invoice: token stored hashed, expiry, revocation' },
  { name: 'portal_public_link_accesses', purpose: 'every use of a public link, with IP and user agent' },
  { name: 'portal_payment_settings', purpose: 'per-workspace bank transfer instructions and online payment provider' },
  { name: 'client_payments', purpose: 'payments clients started from the portal (one per checkout), until the provider confirms them' },
  {
    name: 'client_payment_callbacks',
    purpose: 'payment provider callbacks handled, unique per provider event (a repeated callback records nothing)',
  },
  {
    name: 'client_unapplied_payments',
    purpose: 'money a payment provider took that could not be applied to its invoice, until staff apply or refund it',
  },
  { name: 'client_payment_methods', purpose: "a client company's cards and SEPA mandates saved at the payment provider, for autopay" },
  { name: 'client_payment_setups', purpose: "a client saving a payment method on the provider's page, until the provider's event ends it" },
  {
    name: 'client_autopay',
    purpose: "a client company's autopay enrolment and the consent it accepted (text, version, who, when, from where)",
  },
  {
    name: 'client_autopay_charges',
    purpose: 'each autopay charge of an invoice, one per attempt, whose id is the idempotency key the provider sees',
  },
  { name: 'client_autopay_notices', purpose: 'the advance notice of each SEPA debit autopay makes, sent once per invoice and amount' },
  { name: 'portal_staff_preferences', purpose: "each staff member's own language for the portal's staff pages, notifications and emails" },
  { name: 'portal_notification_reads', purpose: 'how far each staff user has read the client notifications (unread counts)' },
  { name: 'portal_notification_item_reads', purpose: 'single client notifications a staff user marked read, past how far they have read' },
  {
    name: 'portal_notification_dispatch',
    purpose: 'where each staff email channel (immediate, digest) has got to; locked so one instance sends',
  },
  { name: 'portal_file_chunks', purpose: 'the content of streamed portal files (client uploads), in order' },
  { name: 'client_uploads', purpose: 'files clients uploaded to the agency through the portal' },
  { name: 'portal_conversations', purpose: 'one conversation per client company with the agency, and whom it is assigned to' },
  { name: 'portal_messages', purpose: 'messages in those conversations, by a client user or a staff member' },
  { name: 'portal_message_attachments', purpose: 'files attached to messages (stored through the FileStorage port)' },
  { name: 'portal_read_markers', purpose: 'how far each client user and staff member has read each thread (unread counts, read receipts)' },
  { name: 'portal_live_events', purpose: 'what changed for each client, numbered, replayed to live pages that reconnect' },
  { name: 'portal_client_preferences', purpose: "a client user's own choices, such as emails about unread messages" },
  { name: 'client_two_factor', purpose: "a client user's TOTP authenticator (the secret encrypted), for two-factor sign-in" },
  { name: 'client_recovery_codes', purpose: 'single-use recovery codes for two-factor sign-in, stored as keyed hashes' },
  {
    name: 'client_passkeys',
    purpose: "a client user's passkeys (WebAuthn public keys, named by them), for signing in without a password or code",
  },
  {
    name: 'client_confirmation_codes',
    purpose: 'emailed codes confirming a change: a new sign-in email, or two-factor set-up without a password',
  },
  {
    name: 'portal_offer_reminders',
    purpose: 'which offer reminder emails went out, one per offer, client user and valid-until date, so each is sent once',
  },
  {
    name: 'client_roles',
    purpose: 'client roles the workspace defines besides the built-in ones, each with what it lets a person see',
  },
  {
    name: 'portal_client_access',
    purpose: 'what the agency hides from everyone at one client company, on top of the workspace switches',
  },
  {
    name: 'portal_data_exports',
    purpose: "a person's requests for a copy of their data, and the ZIP built for each until it expires",
  },
  {
    name: 'portal_erasure_requests',
    purpose: "a person's requests to have their data erased, and the agency's decisions (naming no one once approved)",
  },
  {
    name: 'portal_client_notifications',
    purpose: 'what each client user is told of (a new invoice, an offer awaiting them, a reply, a task, a document), read or not',
  },
  {
    name: 'portal_host_news',
    purpose: 'how far the portal has read the invoices and offers a host issued and sent, per workspace, for clients’ notifications',
  },
  {
    name: 'portal_client_summary_generations',
    purpose: 'how many times each client’s records changed, as the portal wrote or heard of them, so a kept dashboard knows it is behind',
  },
  {
    name: 'portal_client_summaries',
    purpose: 'what each person’s dashboard last read of the host, read by key while nothing it sums up has changed',
  },
  {
    name: 'portal_colleague_requests',
    purpose: 'a client admin’s requests that the agency add a colleague, and the agency’s decisions',
  },
  {
    name: 'portal_contract_hour_requests',
    purpose: 'a client’s asks for more hours on a contract line, and the agency’s answers in words',
  },
  {
    name: 'portal_ticket_attachments',
    purpose: 'the files a client or the agency attached to a host’s support ticket, kept in the portal’s storage',
  },
  {
    name: 'portal_ticket_ratings',
    purpose: 'how a client rated a closed support ticket (1–5) and what they wrote with it',
  },
  {
    name: 'portal_approval_decisions',
    purpose:
      'a client’s decision on a version of work shared for approval: who, when, from where, the comment and its point, the SHA-256 of the file decided',
  },
  {
    name: 'portal_request_attachments',
    purpose: 'the files a client sent with a service or quote request, kept in the portal’s storage where the host keeps none',
  },
  {
    name: 'portal_request_pending_files',
    purpose: 'files of a request form the portal refused, kept for an hour for that person’s session so they are sent with it again',
  },
  {
    name: 'portal_knowledge_votes',
    purpose: 'whether a help article helped: one answer per person and article, changeable',
  },
  {
    name: 'portal_kept_approvals',
    purpose: 'work the agency shares for a client’s approval, kept by the portal beside a host that keeps only the files',
  },
  {
    name: 'portal_kept_approval_versions',
    purpose: 'each version of that work: the host’s reference to its file, its name, type, size and the agency’s message',
  },
  {
    name: 'portal_sso_providers',
    purpose: 'the identity providers an agency added for its clients’ single sign-on (OpenID Connect), each client secret sealed',
  },
  {
    name: 'portal_sso_bindings',
    purpose: 'which provider signs in which host client company, from which email domains, and whether passwords and codes still work',
  },
  { name: 'portal_sso_identities', purpose: 'a provider account (its subject) remembered as a client user after its first match' },
  {
    name: 'portal_sso_saml_settings',
    purpose: 'a SAML provider’s identity provider: entity id, sign-in address, one or two signing certificates',
  },
  { name: 'portal_sso_saml_keys', purpose: 'a workspace’s key pair as a SAML service provider, the private key sealed' },
  { name: 'portal_sso_saml_requests', purpose: 'a SAML AuthnRequest sent and not yet answered, found by the answer’s InResponseTo' },
  { name: 'portal_sso_saml_assertions', purpose: 'a SAML assertion accepted once, kept until it expires so it is never accepted again' },
  { name: 'portal_scim_tokens', purpose: 'the bearer tokens a client company’s directory provisions people with (SCIM), stored hashed' },
  { name: 'portal_scim_token_reveals', purpose: 'a new SCIM token sealed for the few minutes until its page shows it once' },
  {
    name: 'portal_scim_companies',
    purpose: 'a client company’s directory provisioning settings: default role, whether contacts may be created',
  },
  { name: 'portal_scim_people', purpose: 'a person as the company’s directory knows them: its external id and names' },
  { name: 'portal_scim_groups', purpose: 'the groups a company’s directory pushes' },
  { name: 'portal_scim_group_members', purpose: 'who is in each directory group' },
  { name: 'portal_scim_group_roles', purpose: 'which client role each directory group gives its members' },
  {
    name: 'portal_custom_domains',
    purpose: 'host names a workspace’s portal is served at (the agency’s own domain), with the state of their DNS check',
  },
  { name: 'portal_custom_domain_hosts', purpose: 'which workspace a verified host name serves: one row per name across workspaces' },
  { name: 'portal_push_keys', purpose: 'a workspace’s Web Push (VAPID) key pair, sealed, where the environment gives none' },
  { name: 'portal_push_subscriptions', purpose: 'where a client’s push messages go: one row per person and device' },
  {
    name: 'portal_dolibarr_pending_proposals',
    purpose:
      'beside Dolibarr only: the proposals each company has not decided yet, so the dashboard counts open ones without reading every past proposal (llx_propal has no index by status)',
  },
  {
    name: 'portal_dolibarr_pending_scans',
    purpose: 'beside Dolibarr only: when the pending proposals above were last scanned from llx_propal',
  },
  {
    name: 'portal_dolibarr_unpaid_invoices',
    purpose:
      'beside Dolibarr only: the invoices each company has not paid yet, so the dashboard counts unpaid ones without combining llx_facture’s whole company and status indexes (it has none by both)',
  },
  {
    name: 'portal_dolibarr_unpaid_scans',
    purpose: 'beside Dolibarr only: when the unpaid invoices above were last scanned from llx_facture',
  },
  {
    name: 'portal_dolibarr_ticket_statuses',
    purpose:
      'beside Dolibarr only: the status the portal last saw of each client ticket, so a status set from the ticket card’s menu (no event, no tms) reaches the client',
  },
  {
    name: 'portal_dolibarr_proposal_order',
    purpose:
      'beside Dolibarr only: where each proposal sorts in its company’s list (date, status), so a page of the proposal list does not sort every past proposal (llx_propal has no index by company and date)',
  },
  {
    name: 'portal_dolibarr_proposal_order_scans',
    purpose: 'beside Dolibarr only: when the proposal order above was last scanned from llx_propal',
  },
  {
    name: 'portal_dolibarr_ticket_order',
    purpose:
      'beside Dolibarr only: where each ticket sorts in its company’s list (last activity, status), so a page of the ticket list and the open count do not read every past ticket and its messages (llx_ticket holds no last activity)',
  },
  {
    name: 'portal_dolibarr_ticket_order_scans',
    purpose: 'beside Dolibarr only: when the ticket order above was last scanned, and the highest ticket and agenda event it saw',
  },
  {
    name: 'portal_dolibarr_request_types',
    purpose:
      'beside Dolibarr only: the request types the agency offers clients (a form, and whether a request becomes a draft proposal or a ticket)',
  },
  {
    name: 'portal_dolibarr_requests',
    purpose: 'beside Dolibarr only: each request a client sent, the form as sent, and the proposal or ticket it became',
  },
  {
    name: 'portal_dolibarr_reorders',
    purpose: 'beside Dolibarr only: each draft order a client asked for with “order again”, and the order it copies',
  },
  {
    name: 'portal_dolibarr_calendars',
    purpose:
      'beside Dolibarr only: the agency’s hours of each BookCal calendar clients may book (the module’s availabilities are not read)',
  },
  {
    name: 'portal_dolibarr_appointments',
    purpose: 'beside Dolibarr only: each booking’s agenda event, its requested time and zone, and the status last told to the client',
  },
  {
    name: 'portal_alga_listed_records',
    purpose:
      'beside Alga PSA only: the invoices and quotes each client sees, in list order, so a client’s lists and unpaid invoices do not read every past one (Alga’s invoices have no index by client)',
  },
  {
    name: 'portal_alga_listed_scans',
    purpose: 'beside Alga PSA only: when the listed records above were last scanned from invoices and quotes',
  },
  {
    name: 'portal_alga_ticket_order',
    purpose:
      'beside Alga PSA only: where each ticket sorts in its client’s list (last activity, closed), so a page of the ticket list and the open count do not read every ticket of the tenant (Alga’s tickets have no index by client)',
  },
  {
    name: 'portal_alga_ticket_order_scans',
    purpose: 'beside Alga PSA only: when the ticket order above was last scanned from tickets',
  },
];

/** The tables the portal migrations create for a host whose adapter claims these concepts. */
export function tablesCreatedFor(hostProvides: ReadonlySet<string>): string[] {
  return PLUGIN_TABLES.filter((t) => !t.unlessHostHas || !hostProvides.has(t.unlessHostHas)).map((t) => t.name);
}

/** Bookkeeping the plugin adds around its own tables. */
export const PLUGIN_BOOKKEEPING_TABLES: readonly string[] = [
  'portal_owned_tables',
  'portal_knex_migrations',
  'portal_knex_migrations_lock',
];

export interface PluginRoute {
  mount: string;
  purpose: string;
  /** A host path that would collide with this mount if the host already serves it. */
  collidesWith: string;
}

export const PLUGIN_ROUTES: readonly PluginRoute[] = [
  {
    mount: '/portal/:workspaceSlug',
    purpose: 'client portal: sign-in, dashboard, proposals, quotations, invoices, tasks, documents, messages, account',
    collidesWith: '/portal',
  },
  {
    mount: '/settings/client-portal',
    purpose: 'workspace admin: switches, branding, sign-in methods, client users, activity log, payments',
    collidesWith: '/settings/client-portal',
  },
  { mount: '/client-portal/notifications', purpose: 'staff: client notifications with an unread count', collidesWith: '/client-portal' },
];

/** Prefixes the portal reserves for its tables. */
export const RESERVED_PREFIXES: readonly string[] = ['client_', 'portal_'];
