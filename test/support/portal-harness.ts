// Boots the reference CRM with the portal as `npm start` does (boot.ts), on a copy of a database it
// already migrated and seeded (database.ts): the boot's migrations find nothing left to do, and the
// demo seed is not read through again (the copy carries the logins it returned). Mail goes to a
// real in-process SMTP server. Tests talk to it over HTTP.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { bootReferenceCrm, type BootOptions, type RunningCrm } from '../../plugins/reference-crm/boot.ts';
import { createSeededTestDatabase, type TestDatabase } from './database.ts';
import { startSmtpCapture, type SmtpCapture } from './smtp-capture.ts';

export interface PortalHarness {
  crm: RunningCrm;
  smtp: SmtpCapture;
  database: TestDatabase;
  agent(): ReturnType<typeof request.agent>;
  /**
   * Lets the few seconds pass in which the portal treats the same request again (a code or reset
   * request for one email, an invitation) as a double click and ignores it.
   */
  afterRepeatWindow(): Promise<void>;
  close(): Promise<void>;
}

/** An offline flags file enabling the portal for the given workspace slugs. */
export function flagsFileFor(slugs: string[]): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'portal-flags-'));
  const file = path.join(dir, 'flags.json');
  writeFileSync(
    file,
    JSON.stringify({
      features: [
        {
          name: 'customer_portal_enabled',
          enabled: true,
          strategies: [{ name: 'default', constraints: [{ contextName: 'workspaceSlug', operator: 'IN', values: slugs }] }],
        },
      ],
    }),
  );
  return file;
}

export async function startPortalHarness(
  options: {
    enabledFor?: string[];
    database?: TestDatabase;
    boot?: Pick<
      BootOptions,
      | 'fileStorageDir'
      | 'clamd'
      | 'logger'
      | 'metricsToken'
      | 'sessionSecret'
      | 'previousSessionSecrets'
      | 'paymentKeysSecret'
      | 'previousPaymentKeysSecrets'
      | 'embeddedMaintenanceMs'
      | 'demoPaymentProvider'
      | 'stripe'
      | 'port'
      | 'appUrl'
      | 'portalConfig'
      | 'production'
      | 'secureCookies'
      | 'trustProxy'
      | 'seedDemoData'
      | 'hostAdapter'
      | 'databaseBounds'
    >;
  } = {},
): Promise<PortalHarness> {
  const seeded = options.database ? undefined : await createSeededTestDatabase();
  const database = options.database ?? seeded!;
  // On a seeded copy the demo seed has nothing left to write, and reading through every record of
  // it again at each boot costs a file a second or more on a busy machine: the boot skips it, and
  // the crm lists the logins the template's own seed returned, as a seeding boot would have.
  const seedsAtBoot = options.boot?.seedDemoData ?? !options.boot?.production;
  const loginsOfCopy = seeded && seedsAtBoot ? seeded.demoLogins : undefined;
  const smtp = await startSmtpCapture();
  const crm = await bootReferenceCrm({
    databaseUrl: database.url,
    port: 0,
    smtpUrl: smtp.url,
    sessionSecret: 'test-secret-'.padEnd(48, 'x'),
    flagsFile: flagsFileFor(options.enabledFor ?? ['demo']),
    quiet: true,
    ...options.boot,
    ...(loginsOfCopy ? { seedDemoData: false } : {}),
  }).catch(async (error: unknown) => {
    // A start that failed (a port taken, a refusal) leaves nothing behind for a retry to trip on.
    await smtp.stop();
    if (seeded) await (seeded.release ?? seeded.drop)();
    throw error;
  });
  if (loginsOfCopy) {
    crm.staffLogins = loginsOfCopy.staff;
    crm.clientLogins = loginsOfCopy.clients;
  }
  return {
    crm,
    smtp,
    database,
    agent: () => request.agent(crm.url),
    async afterRepeatWindow() {
      await crm.db('portal_request_guards').delete();
    },
    async close() {
      await crm.close();
      await smtp.stop();
      // The end of the file: the drop need not be waited for.
      if (!options.database) await (database.release ?? database.drop)();
    },
  };
}

type Agent = ReturnType<typeof request.agent>;

/** Posts the password sign-in form of a workspace's portal, as a browser would after loading it. */
export async function postPasswordSignIn(
  agent: Agent,
  slug: string,
  login: { email: string; password: string },
  extra: Record<string, string> = {},
) {
  const page = await agent.get(`/portal/${slug}/sign-in`).expect(200);
  return agent
    .post(`/portal/${slug}/sign-in/password`)
    .type('form')
    .send({ _csrf: csrfFrom(page.text), email: login.email, password: login.password, ...extra });
}

/** An agent signed in to a workspace's portal with a password. */
export async function signedInAgent(agent: Agent, slug: string, login: { email: string; password: string }): Promise<Agent> {
  const res = await postPasswordSignIn(agent, slug, login);
  if (res.status !== 303) throw new Error(`sign-in as ${login.email} answered ${res.status}`);
  return agent;
}

/** An agent signed in to the CRM as a staff user of a workspace, the admin unless another role is asked for. */
export async function signedInStaffAgent(h: PortalHarness, slug: string, role: 'admin' | 'member' = 'admin'): Promise<Agent> {
  const staff = h.crm.staffLogins.staff.find((s) => s.workspaceSlug === slug && s.role === role)!;
  const agent = h.agent();
  const page = await agent.get('/signin').expect(200);
  await agent
    .post('/signin')
    .type('form')
    .send({ _csrf: csrfFrom(page.text), email: staff.email, password: staff.password })
    .expect(303);
  return agent;
}

/** An agent signed in to the demo workspace's portal as one of its seeded clients (maria@northwind.test, …). */
/**
 * A workspace's admin switches as a test sets them: written over what it has (a row of
 * workspace_client_portal_settings), then announced, as the settings page does, so the cached
 * workspace is read again.
 */
export async function setPortalSettings(h: PortalHarness, workspaceId: string | number, values: Record<string, unknown>): Promise<void> {
  await h.crm
    .db('workspace_client_portal_settings')
    .insert({ workspace_id: String(workspaceId), ...values })
    .onConflict('workspace_id')
    .merge();
  await h.crm.portal.workspaceChanged(String(workspaceId));
}

/** The demo workspace's client `email`, as the reference CRM seeds it. */
export function demoLogin(h: PortalHarness, email: string) {
  const login = h.crm.clientLogins.find((l) => l.workspaceSlug === 'demo' && l.email === email);
  if (!login) throw new Error(`the demo workspace has no client ${email}`);
  return login;
}

export async function signedInDemoClient(h: PortalHarness, email: string): Promise<Agent> {
  return signedInAgent(h.agent(), 'demo', demoLogin(h, email));
}

/** The fingerprint of the offer version a decision form was shown with (the accept and decline forms carry it). */
export const fingerprintIn = (html: string) => /name="fingerprint" value="([0-9a-f]{64})"/.exec(html)?.[1] ?? '';

/**
 * The CSRF token a page embeds in its forms: the last one, since a portal admin page inside the
 * CRM's layout starts with the CRM's own sign-out form, whose token is the CRM's.
 */
export function csrfFrom(html: string): string {
  const matches = [...html.matchAll(/name="_csrf" value="([^"]+)"/g)];
  const last = matches[matches.length - 1];
  if (!last) throw new Error('no CSRF token on the page');
  return last[1]!;
}

/** Posts a form as a person would: opens the page it is on for the CSRF token, then sends it. */
export async function postFormFrom(agent: Agent, pageUrl: string, action: string, form: Record<string, string>, status: number) {
  const page = await agent.get(pageUrl).expect(200);
  return agent
    .post(action)
    .type('form')
    .send({ _csrf: csrfFrom(page.text), ...form })
    .expect(status);
}

export function sixDigitCode(text: string): string {
  const match = /\b(\d{6})\b/.exec(text);
  if (!match) throw new Error(`no code in: ${text}`);
  return match[1]!;
}

export function linkFrom(text: string, pathPart: string): string {
  const match = new RegExp(`https?://[^\\s]+${pathPart}[^\\s]+`).exec(text);
  if (!match) throw new Error(`no ${pathPart} link in: ${text}`);
  return new URL(match[0]).pathname;
}

export function cookieNamed(res: { headers: Record<string, unknown> }, name: string): string | undefined {
  const cookies = (res.headers['set-cookie'] as string[] | undefined) ?? [];
  return cookies.find((cookie) => cookie.startsWith(`${name}=`));
}
