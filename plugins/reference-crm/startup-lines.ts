// What `npm start` prints once the reference CRM runs: in development, the client portal first
// (its address and the demo clients' logins, a client admin and a Billing colleague among them:
// what a newcomer came to try), then the staff side
// (the CRM's sign-in and the staff logins), then how to choose another port; in production, how
// to create the first staff user. Kept apart from the server so the order is tested.

interface Login {
  email: string;
  password: string;
}

export interface StartupInfo {
  url: string;
  running: string;
  production: boolean;
  staff: Array<Login & { workspaceSlug: string; role: string }>;
  clients: Array<Login & { workspaceSlug: string; name: string; clientName: string; role: 'admin' | 'billing' | null }>;
  /** Whether emails are kept in the development outbox (else they go to SMTP_URL). */
  outbox: boolean;
}

/**
 * What a demo login's role lets a newcomer try. The README's table of demo logins says the same
 * words (test/reference-crm/startup-lines.test.ts holds both to the role's permissions), so the
 * console and the README cannot describe Ben differently again.
 */
export const ROLE_SUMMARY = {
  admin: 'the Team page',
  billing: 'invoices, payments, documents and contracts only',
} as const;

const ROLE_WORDS = {
  admin: (company: string) => `client admin at ${company}: ${ROLE_SUMMARY.admin}`,
  billing: (company: string) => `Billing role at ${company}: ${ROLE_SUMMARY.billing}`,
} as const;

export function startupLines(info: StartupInfo): string[] {
  const { url, running } = info;
  if (info.production)
    return [
      '',
      running,
      '',
      'Production: no demo data is seeded. To create a staff user (and its workspace, if new), run on this database:',
      '  npm run staff:create -- --workspace <slug> --name "<full name>" --email <email> [--workspace-name "<agency>"] [--role admin|member]',
      `Staff sign in at ${url}/signin; the portal is served for the workspaces the customer_portal_enabled flag names.`,
      '',
    ];
  return [
    '',
    running,
    '',
    'Client portal (what your clients see; on for workspace demo, off for acme):',
    // The passwords are the seed's: a person who changed theirs signs in with the new one, and this
    // list (printed on every start) cannot know it.
    `  Open ${url}/portal/demo/sign-in and sign in as one of (passwords as seeded):`,
    ...info.clients
      .filter((login) => login.workspaceSlug === 'demo')
      .map(
        (login) =>
          `  ${login.email}  /  ${login.password}   (${login.name}${login.role ? `, ${ROLE_WORDS[login.role](login.clientName)}` : ''})`,
      ),
    info.outbox ? `  One-time codes and links are printed here and listed at ${url}/dev/outbox` : '  Emails go to SMTP_URL.',
    '',
    `Staff side (the agency's CRM, with the portal's settings, inbox and notifications): ${url}/signin`,
    '  (passwords as seeded)',
    ...info.staff.map((login) => `  ${login.workspaceSlug.padEnd(6)} ${login.role.padEnd(7)} ${login.email}  /  ${login.password}`),
    '',
    'Another port: PORT=4000 npm start',
    '',
  ];
}
