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

/** What a demo login's role lets a newcomer try. */
const ROLE_WORDS = {
  admin: (company: string) => `client admin at ${company}: the Team page`,
  billing: (company: string) => `Billing role at ${company}: invoices and payments`,
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
    `  Open ${url}/portal/demo/sign-in and sign in as one of:`,
    ...info.clients
      .filter((login) => login.workspaceSlug === 'demo')
      .map(
        (login) =>
          `  ${login.email}  /  ${login.password}   (${login.name}${login.role ? `, ${ROLE_WORDS[login.role](login.clientName)}` : ''})`,
      ),
    info.outbox ? `  One-time codes and links are printed here and listed at ${url}/dev/outbox` : '  Emails go to SMTP_URL.',
    '',
    `Staff side (the agency's CRM, with the portal's settings, inbox and notifications): ${url}/signin`,
    ...info.staff.map((login) => `  ${login.workspaceSlug.padEnd(6)} ${login.role.padEnd(7)} ${login.email}  /  ${login.password}`),
    '',
    'Another port: PORT=4000 npm start',
    '',
  ];
}
