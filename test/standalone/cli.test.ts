// Covers `npm run portal -- migrate|invite|serve|rollback --host dolibarr` as an agency runs it
// (serve and two refusals as real child processes, the one-shot commands in this process) on a
// fresh database holding Dolibarr's own schema and rows, a real SMTP server receiving the
// invitation (whose link never appears in the command's output), and the one-line refusals
// (exit 2) for what was typed or set wrong; the one warning at start-up when Dolibarr's Stripe
// keys are encrypted and the server cannot decrypt them.
import { expect } from 'chai';
import { createServer, type AddressInfo } from 'node:net';
import { dolibarrStandalone } from '../../plugins/dolibarr/standalone.ts';
import { dolEncrypt } from '../dolibarr/dol-encrypt.ts';
import { startDolibarrHost, unavailable, type DolibarrHost } from '../dolibarr/dolibarr-host.ts';
import { flagsFileFor } from '../support/portal-harness.ts';
import { startSmtpCapture, type SmtpCapture } from '../support/smtp-capture.ts';
import { runPortal, runPortalProcess, serveOnAFreePort, stopPortal, type CommandResult, type ServingPortal } from './portal-process.ts';

const reason = unavailable();

/** A refusal as the person at the terminal should see it: one line, no stack trace. */
function expectOneLineRefusal(result: CommandResult, pattern: RegExp) {
  expect(result.code, result.stderr).to.equal(2);
  const lines = result.stderr.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('npm warn'));
  expect(lines, result.stderr).to.have.length(1);
  expect(lines[0]).to.match(pattern);
  expect(result.stderr).not.to.match(/\n\s+at /);
}

describe('standalone portal CLI on a real Dolibarr database', function () {
  this.timeout(240_000);
  let host: DolibarrHost;
  let smtp: SmtpCapture;
  let env: Record<string, string>;
  let serving: ServingPortal | undefined;

  before(async function () {
    if (reason) this.skip();
    host = await startDolibarrHost();
    smtp = await startSmtpCapture();
    env = {
      DATABASE_URL: host.database.url,
      DOLIBARR_WORKSPACE_SLUG: host.seed.workspaceSlug,
      DOL_DATA_ROOT: host.dataRoot,
      FLAGS_FILE: flagsFileFor([host.seed.workspaceSlug]),
      SMTP_URL: smtp.url,
      APP_URL: 'http://portal.atelier.example',
      LOG_LEVEL: 'error',
    };
  });
  after(async function () {
    // A serve left running by a failed test; that test has said why it failed.
    await stopPortal(serving).catch(() => null);
    await smtp?.stop();
    await host?.close();
  });

  it('refuses bad input with exit code 2 and one line: unknown host, no DATABASE_URL, a missing setting, no email', async function () {
    // Two as a person at the terminal runs them (a process: its exit code, and no stack trace
    // from Node either), two in this process.
    const [unknownHost, noDatabase, noSlug, noEmail] = await Promise.all([
      runPortalProcess(['migrate', '--host', 'sugarcrm'], env),
      runPortal(['migrate', '--host', 'dolibarr'], { ...env, DATABASE_URL: '' }),
      runPortalProcess(['migrate', '--host', 'dolibarr'], { ...env, DOLIBARR_WORKSPACE_SLUG: '' }),
      runPortal(['invite', '--host', 'dolibarr'], env),
    ]);
    expectOneLineRefusal(unknownHost, /unknown --host "sugarcrm": use dolibarr/);
    expectOneLineRefusal(noDatabase, /DATABASE_URL is required/);
    expectOneLineRefusal(noSlug, /DOLIBARR_WORKSPACE_SLUG is required/);
    expectOneLineRefusal(noEmail, /--email/);
  });

  it("migrate checks Dolibarr's tables and creates only the portal's own", async function () {
    const before = await host.db('llx_propal').count<[{ count: string }]>('* as count');
    const result = await runPortal(['migrate', '--host', 'dolibarr'], env);
    expect(result.code, result.stderr).to.equal(0);
    expect(result.stdout).to.match(/Dolibarr's database has what the portal needs/);
    expect(await host.db.schema.hasTable('portal_staff_sessions')).to.equal(true);
    expect(await host.db.schema.hasTable('workspace_client_portal_settings')).to.equal(true);
    expect(await host.db('llx_propal').count<[{ count: string }]>('* as count')).to.deep.equal(before);
  });

  it("invite emails the contact through the portal's invitation and prints who and where, never the link", async function () {
    smtp.clear();
    const result = await runPortal(['invite', '--host', 'dolibarr', '--email', 'claire@martin.example'], env);
    expect(result.code, result.stderr).to.equal(0);
    expect(result.stdout).to.match(/Invited Claire Martin <claire@martin\.example> of Boulangerie Martin/);
    expect(result.stdout).to.include(`http://portal.atelier.example/portal/${host.seed.workspaceSlug}/sign-in`);
    const message = await smtp.waitForMessage((m) => m.to.includes('claire@martin.example'));
    const link = /https?:\/\/\S+\/invitation\/([A-Za-z0-9_-]+)/.exec(message.text);
    expect(link, message.text).to.not.equal(null);
    expect(result.stdout + result.stderr).not.to.include(link![1]!);
    const row = await host
      .db('client_users')
      .where({ contact_id: String(host.seed.contacts.claire) })
      .first();
    expect(row?.status).to.equal('invited');
  });

  it("invite from a fresh Dolibarr, whose staff have no email, goes out in the company's name, replies to its email, else MAIL_FROM", async function () {
    // Dolibarr's installer creates its admin without an email; the company settings name the agency.
    const emails = await host.db('llx_user').select('rowid', 'email');
    await host.db('llx_user').update({ email: null });
    const company = { name: 'MAIN_INFO_SOCIETE_MAIL', entity: 1, value: 'bonjour@atelier-lumiere.example', type: 'chaine', visible: 0 };
    await host.db('llx_const').insert(company);
    const mailFrom = 'Atelier portal <portal@atelier-lumiere.example>';
    try {
      smtp.clear();
      const result = await runPortal(['invite', '--host', 'dolibarr', '--email', 'sophie@martin.example'], { ...env, MAIL_FROM: mailFrom });
      expect(result.code, result.stderr).to.equal(0);
      expect(result.stdout).to.include(
        `Sent in the name of Atelier Lumière, from MAIL_FROM (${mailFrom}); replies go to bonjour@atelier-lumiere.example, Dolibarr's company email.`,
      );
      const message = await smtp.waitForMessage((m) => m.to.includes('sophie@martin.example'));
      expect(message.headers['reply-to']).to.equal('bonjour@atelier-lumiere.example');
      expect(message.from).to.equal('portal@atelier-lumiere.example');
      expect(message.subject).to.equal('Atelier Lumière invited you to their client portal');
      expect(message.text, message.text).to.contain('Atelier Lumière invited you to their client portal, where');

      // Without a company email, replies go to MAIL_FROM, and the command says why.
      await host.db('llx_const').where({ name: 'MAIN_INFO_SOCIETE_MAIL' }).delete();
      smtp.clear();
      const again = await runPortal(['invite', '--host', 'dolibarr', '--email', 'sophie@martin.example'], { ...env, MAIL_FROM: mailFrom });
      expect(again.code, again.stderr).to.equal(0);
      expect(again.stdout).to.match(/^Invited again Sophie Martin/);
      expect(again.stdout).to.include(
        `Sent in the name of Atelier Lumière, from MAIL_FROM (${mailFrom}), where replies go too: Dolibarr's company settings have no email.`,
      );
      const second = await smtp.waitForMessage((m) => m.to.includes('sophie@martin.example'));
      expect(second.headers).to.not.have.property('reply-to');
    } finally {
      await host.db('llx_const').where({ name: 'MAIN_INFO_SOCIETE_MAIL' }).delete();
      for (const { rowid, email } of emails) await host.db('llx_user').where({ rowid }).update({ email });
    }
  });

  it('invite says plainly when no contact, or several, have the email', async function () {
    const none = await runPortal(['invite', '--host', 'dolibarr', '--email', 'nobody@example.com'], env);
    expect(none.code).to.equal(1);
    expect(none.stderr).to.match(/no enabled Dolibarr contact with the email nobody@example\.com/);
    await host.db('llx_socpeople').insert({
      fk_soc: host.seed.companies.garage,
      entity: 1,
      firstname: 'Paul',
      lastname: 'Dupont (atelier)',
      email: 'paul@dupont.example',
      statut: 1,
      priv: 0,
      no_email: 0,
      datec: '2026-01-06 10:00:00',
      fk_user_creat: host.seed.users.admin,
    });
    const several = await runPortal(['invite', '--host', 'dolibarr', '--email', 'paul@dupont.example'], env);
    expect(several.code).to.equal(1);
    expect(several.stderr).to.match(/2 contacts have the email paul@dupont\.example; choose one/);
    expect(several.stderr).to.include(`--workspace ${host.seed.workspaceSlug} --contact ${host.seed.contacts.paul}`);
    expect(several.stderr).not.to.match(/\n\s+at /);
    const chosen = await runPortal(
      ['invite', '--host', 'dolibarr', '--email', 'paul@dupont.example', '--contact', String(host.seed.contacts.paul)],
      env,
    );
    expect(chosen.code, chosen.stderr).to.equal(0);
    expect(chosen.stdout).to.match(/Invited Paul Dupont <paul@dupont\.example> of Garage Dupont/);
  });

  it("serve prints each workspace's sign-in address and whether the portal is on, answers, and stops on SIGTERM", async function () {
    serving = await serveOnAFreePort(['--host', 'dolibarr'], (port) => ({
      ...env,
      PORT: String(port),
      APP_URL: `http://127.0.0.1:${port}`,
    }));
    const port = new URL(serving.url).port;
    expect(serving.output()).to.include(
      `${host.seed.workspaceSlug}  portal on   http://127.0.0.1:${port}/portal/${host.seed.workspaceSlug}/sign-in`,
    );
    expect(serving.output()).to.include(`Staff sign in with their Dolibarr login and password at http://127.0.0.1:${port}/staff/sign-in`);
    const signIn = await fetch(`${serving.url}/staff/sign-in`);
    expect(signIn.status).to.equal(200);
    expect(await signIn.text()).to.include('Sign in with your Dolibarr account.');
    const clientSignIn = await fetch(`${serving.url}/portal/${host.seed.workspaceSlug}/sign-in`);
    expect(clientSignIn.status).to.equal(200);
    expect(await stopPortal(serving, 20_000)).to.equal(0);
    serving = undefined;
  });

  it('serve refuses a port already taken in one line, naming the port and PORT', async function () {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', () => resolve()));
    const { port } = taken.address() as AddressInfo;
    try {
      const refused = await runPortal(['serve', '--host', 'dolibarr'], { ...env, PORT: String(port), APP_URL: `http://127.0.0.1:${port}` });
      expectOneLineRefusal(refused, new RegExp(`^portal: port ${port} is already in use on 127\\.0\\.0\\.1: .*set PORT to a free port$`));
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });

  it('serve exits 0 within its deadline when SIGTERM comes again while it stops', async function () {
    serving = await serveOnAFreePort(['--host', 'dolibarr'], (port) => ({
      ...env,
      PORT: String(port),
      APP_URL: `http://127.0.0.1:${port}`,
    }));
    // At once after the "running at" line, as a supervisor may; then again while it closes (a
    // second Ctrl-C, a supervisor repeating itself), which must not kill it mid-close.
    serving.child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(serving.child.exitCode, 'still closing when the second SIGTERM comes').to.equal(null);
    expect(await stopPortal(serving, 20_000)).to.equal(0);
    serving = undefined;
  });

  it("serve warns once, naming DOLIBARR_INSTANCE_UNIQUE_ID, when Dolibarr's Stripe keys are encrypted and it cannot decrypt them", async function () {
    const instanceKey = '7d1e2f3a4b5c6d7e8f90a1b2c3d4e5f6';
    const setConst = async (name: string, value: string | null) => {
      await host.db('llx_const').where({ name, entity: 1 }).delete();
      if (value !== null) await host.db('llx_const').insert({ name, entity: 1, value, type: 'chaine', visible: 0 });
    };
    // As Dolibarr's Stripe admin page leaves them: the module on, test mode, the keys encrypted.
    await setConst('MAIN_MODULE_STRIPE', '1');
    await setConst('STRIPE_TEST_SECRET_KEY', dolEncrypt('sk_test_51DolibarrStripeSecret', instanceKey));
    await setConst('STRIPE_TEST_WEBHOOK_KEY', dolEncrypt('whsec_DolibarrStripeWebhook', instanceKey));
    const warnings = async (extra: Record<string, string>) =>
      (await (await dolibarrStandalone.open(host.db, { ...env, ...extra })).startupWarnings?.()) ?? [];
    try {
      const [unset, ...more] = await warnings({});
      expect(more).to.deep.equal([]);
      // Only the secret key is read (the webhook key is Dolibarr's own endpoint's): only it is named.
      expect(unset).to.include('(STRIPE_TEST_SECRET_KEY, entity 1)').and.include('DOLIBARR_INSTANCE_UNIQUE_ID is unset');
      expect(unset).to.include("set DOLIBARR_INSTANCE_UNIQUE_ID to $dolibarr_main_instance_unique_id from Dolibarr's conf.php");
      expect(await warnings({ DOLIBARR_INSTANCE_UNIQUE_ID: 'another-instance-key' })).to.satisfy(
        (found: string[]) => found.length === 1 && found[0]!.includes('do not decrypt with DOLIBARR_INSTANCE_UNIQUE_ID'),
      );
      expect(await warnings({ DOLIBARR_INSTANCE_UNIQUE_ID: instanceKey })).to.deep.equal([]);
      // Live mode reads the live keys, which are not set: the test keys no longer matter.
      await setConst('STRIPE_LIVE', '1');
      expect(await warnings({})).to.deep.equal([]);
      await setConst('STRIPE_LIVE', null);
      // A key kept in clear needs no key to read.
      await setConst('STRIPE_TEST_SECRET_KEY', 'sk_test_51DolibarrStripeSecret');
      expect(await warnings({})).to.deep.equal([]);
      await setConst('STRIPE_TEST_SECRET_KEY', dolEncrypt('sk_test_51DolibarrStripeSecret', instanceKey));
      // With the module off nothing reads them.
      await setConst('MAIN_MODULE_STRIPE', '0');
      expect(await warnings({})).to.deep.equal([]);
      await setConst('MAIN_MODULE_STRIPE', '1');

      serving = await serveOnAFreePort(['--host', 'dolibarr'], (port) => ({
        ...env,
        LOG_LEVEL: 'warn',
        PORT: String(port),
        APP_URL: `http://127.0.0.1:${port}`,
      }));
      // Counted once it has stopped: the logger writes on its own time, so the warning may follow
      // the "running at" line, and the process flushes it as it exits.
      const output = serving.output;
      expect(await stopPortal(serving)).to.equal(0);
      serving = undefined;
      const lines = output()
        .split('\n')
        .filter((line) => line.includes('DOLIBARR_INSTANCE_UNIQUE_ID'));
      expect(lines, output()).to.have.length(1);
      expect(JSON.parse(lines[0]!)).to.include({ level: 40 });
    } finally {
      for (const name of ['MAIN_MODULE_STRIPE', 'STRIPE_LIVE', 'STRIPE_TEST_SECRET_KEY', 'STRIPE_TEST_WEBHOOK_KEY'])
        await setConst(name, null);
    }
  });

  it("rollback removes the portal's tables and leaves Dolibarr's", async function () {
    const result = await runPortal(['rollback', '--host', 'dolibarr'], env);
    expect(result.code, result.stderr).to.equal(0);
    expect(await host.db.schema.hasTable('portal_staff_sessions')).to.equal(false);
    expect(await host.db.schema.hasTable('client_users')).to.equal(false);
    expect(await host.db.schema.hasTable('llx_propal')).to.equal(true);
  });
});
