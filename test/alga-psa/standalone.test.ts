// Covers the Alga PSA standalone binding (plugins/alga-psa/standalone.ts) on a real Alga database:
// the settings it requires, every tenant listed as a workspace, internal users signing in with
// their Alga password by email or username (not client users, not disabled staff, not another
// tenant's when slugs pin the tenants served), staff found again per request, links to Alga's pages;
// a user with Alga's two-factor on signs in only with its current TOTP code as well.
import { expect } from 'chai';
import { Secret, TOTP } from 'otpauth';
import request from 'supertest';
import { openStandalonePortal } from '../../plugins/standalone/portal-setup.ts';
import { createStaffSessionTable } from '../../plugins/standalone/queries/staff-sessions.ts';
import { createStandaloneApp } from '../../plugins/standalone/server.ts';
import { createPortalLogger } from '../../src/core/ops/logging.ts';
import { flagsFileFor } from '../support/portal-harness.ts';
import type { StandaloneStaff } from '../../plugins/standalone/binding.ts';
import { algaPsaStandalone } from '../../plugins/alga-psa/standalone.ts';
import { SECOND_FACTOR_NEEDED, StandaloneSetupError } from '../../plugins/standalone/binding.ts';
import { useAlgaHost } from './alga-host.ts';
import { ADMIN_PASSWORD, algaHash, CLAIRE_PASSWORD, NEXTAUTH_SECRET } from './seed.ts';

const staffOf = (answer: StandaloneStaff | null | typeof SECOND_FACTOR_NEEDED) => (typeof answer === 'object' ? answer : null);

describe('alga-psa standalone binding', function () {
  const alga = useAlgaHost();

  it('requires NEXTAUTH_SECRET and refuses malformed settings', async function () {
    for (const env of [
      {},
      { NEXTAUTH_SECRET: ' ' },
      { NEXTAUTH_SECRET: 'x', ALGA_BASE_URL: 'ftp://psa' },
      { NEXTAUTH_SECRET: 'x', ALGA_WORKSPACE_SLUGS: 'Bad Slug=1' },
    ]) {
      const outcome = await algaPsaStandalone.open(alga.host.db, env).then(
        () => 'opened',
        (error: Error) => error,
      );
      expect(outcome, JSON.stringify(env)).to.be.instanceOf(StandaloneSetupError);
    }
    expect(algaPsaStandalone.settings.find((setting) => setting.name === 'NEXTAUTH_SECRET')?.required).to.equal(true);
  });

  it('lists every tenant, signs staff in with their Alga password and finds them again', async function () {
    const { seed } = alga.host;
    const standalone = await algaPsaStandalone.open(alga.host.db, { NEXTAUTH_SECRET, ALGA_BASE_URL: 'https://psa.northwind.example/' });
    const workspaces = await standalone.listWorkspaces();
    expect(workspaces.map((w) => w.id)).to.deep.equal([seed.tenant, seed.otherTenant]);
    expect(workspaces[0]).to.include({ name: 'Northwind IT', brandColor: '#1f6feb', logoUrl: 'https://cdn.northwind.example/logo.png' });
    expect((await standalone.adapter.workspaces.findBySlug(workspaces[0]!.slug))?.id).to.equal(seed.tenant);

    const alice = await standalone.signInStaff('ALICE@northwind.example', ADMIN_PASSWORD);
    expect(alice).to.deep.include({ id: seed.users.admin, workspaceId: seed.tenant, name: 'Alice Admin', role: 'admin' });
    expect(staffOf(await standalone.signInStaff('alice', ADMIN_PASSWORD))?.id).to.equal(seed.users.admin);
    expect(await standalone.signInStaff('alice', `${ADMIN_PASSWORD}x`)).to.equal(null);
    expect(await standalone.signInStaff('nobody@northwind.example', ADMIN_PASSWORD)).to.equal(null);
    expect(await standalone.signInStaff('gone', 'Gone-alga-2026!'), 'disabled staff').to.equal(null);
    expect(await standalone.signInStaff('claire@harbor.example', CLAIRE_PASSWORD), 'a client login is not staff').to.equal(null);
    expect(staffOf(await standalone.signInStaff('bob', 'Bob-alga-2026!'))?.role).to.equal('member');
    // The sign-in limit's account: the same one by username or email, none for what names no staff.
    const aliceAccount = [{ workspaceId: seed.tenant, id: seed.users.admin }];
    expect(await standalone.staffAccountsFor('alice')).to.deep.equal(aliceAccount);
    expect(await standalone.staffAccountsFor('ALICE@northwind.example')).to.deep.equal(aliceAccount);
    for (const nobody of ['nobody@northwind.example', 'gone', 'claire@harbor.example', ''])
      expect(await standalone.staffAccountsFor(nobody), nobody).to.deep.equal([]);

    expect((await standalone.findStaff(seed.tenant, seed.users.admin))?.email).to.equal('alice@northwind.example');
    expect(await standalone.findStaff(seed.otherTenant, seed.users.admin)).to.equal(null);
    expect(await standalone.findStaff(seed.tenant, seed.users.disabledStaff)).to.equal(null);
    expect(await standalone.findStaff(seed.tenant, 'abc')).to.equal(null);

    // The staff pages speak the language and time zone Alga keeps for the user.
    expect(await standalone.findStaff(seed.tenant, seed.users.admin)).to.include({ locale: null });
    await alga.host.db('users').where({ tenant: seed.tenant, user_id: seed.users.admin }).update({ timezone: 'Europe/Berlin' });
    await alga.host
      .db('user_preferences')
      .insert({ tenant: seed.tenant, user_id: seed.users.admin, setting_name: 'locale', setting_value: JSON.stringify('de') });
    try {
      expect(await standalone.findStaff(seed.tenant, seed.users.admin)).to.include({ locale: 'de', timeZone: 'Europe/Berlin' });
    } finally {
      await alga.host.db('user_preferences').where({ tenant: seed.tenant, user_id: seed.users.admin, setting_name: 'locale' }).delete();
      await alga.host.db('users').where({ tenant: seed.tenant, user_id: seed.users.admin }).update({ timezone: null });
    }

    expect(standalone.crmRecordUrl('invoice', seed.invoices.unpaid)).to.equal(
      `https://psa.northwind.example/msp/invoices/${seed.invoices.unpaid}`,
    );
    expect(standalone.crmRecordUrl('quotation', seed.quotes.accept)).to.equal(
      `https://psa.northwind.example/msp/billing?tab=quotes&quoteId=${seed.quotes.accept}`,
    );
    expect(standalone.crmRecordUrl('client', seed.clients.bakery)).to.equal(
      `https://psa.northwind.example/msp/clients/${seed.clients.bakery}`,
    );
    expect(standalone.crmRecordUrl('task', seed.tasks.undated)).to.equal(null);
    expect(standalone.crmRecordUrl('invoice', 'not-a-uuid')).to.equal(null);
  });

  it('serves only the tenants named in ALGA_WORKSPACE_SLUGS, under those slugs', async function () {
    const { seed } = alga.host;
    const standalone = await algaPsaStandalone.open(alga.host.db, { NEXTAUTH_SECRET, ALGA_WORKSPACE_SLUGS: `contoso=${seed.otherTenant}` });
    expect((await standalone.listWorkspaces()).map((w) => [w.slug, w.id])).to.deep.equal([['contoso', seed.otherTenant]]);
    expect(await standalone.adapter.workspaces.findById(seed.tenant)).to.equal(null);
    expect((await standalone.adapter.workspaces.findBySlug('contoso'))?.id).to.equal(seed.otherTenant);
    expect(await standalone.signInStaff('alice', ADMIN_PASSWORD), 'a tenant not served').to.equal(null);
    expect(staffOf(await standalone.signInStaff('carol', 'Carol-alga-2026!'))?.workspaceId).to.equal(seed.otherTenant);
    expect(await standalone.adapter.clients.list(seed.tenant)).to.deep.equal([]);
  });

  it("asks an admin with Alga's two-factor on for the current TOTP code as well as the password", async function () {
    const { db, seed } = alga.host;
    const standalone = await algaPsaStandalone.open(db, { NEXTAUTH_SECRET });
    const secret = new Secret({ size: 20 });
    const totp = new TOTP({ secret, algorithm: 'SHA1', digits: 6, period: 30 });
    const admin = db('users').where({ tenant: seed.tenant, user_id: seed.users.admin });
    await admin.clone().update({ two_factor_enabled: true, two_factor_secret: secret.base32 });
    try {
      expect(await standalone.signInStaff('alice', ADMIN_PASSWORD), 'the password alone').to.equal(SECOND_FACTOR_NEEDED);
      const wrong = String((Number(totp.generate()) + 1) % 1_000_000).padStart(6, '0');
      expect(await standalone.signInStaff('alice', ADMIN_PASSWORD, wrong), 'a wrong code').to.equal(SECOND_FACTOR_NEEDED);
      const stale = totp.generate({ timestamp: Date.now() - 120_000 });
      expect(await standalone.signInStaff('alice', ADMIN_PASSWORD, stale), 'an old code').to.equal(SECOND_FACTOR_NEEDED);
      expect(await standalone.signInStaff('alice', `${ADMIN_PASSWORD}x`, totp.generate()), 'a wrong password with the code').to.equal(null);
      expect(staffOf(await standalone.signInStaff('alice', ADMIN_PASSWORD, totp.generate()))?.id).to.equal(seed.users.admin);
      // Two-factor on with no secret: Alga signs nobody in, nor does the portal.
      await admin.clone().update({ two_factor_secret: null });
      expect(await standalone.signInStaff('alice', ADMIN_PASSWORD, totp.generate())).to.equal(SECOND_FACTOR_NEEDED);
    } finally {
      await admin.clone().update({ two_factor_enabled: false, two_factor_secret: null });
    }
  });

  it('keeps every staff page from an admin with two-factor on who signs in over HTTP with the password alone', async function () {
    this.timeout(120_000);
    const { db, seed } = alga.host;
    const secret = new Secret({ size: 20 });
    const totp = new TOTP({ secret, algorithm: 'SHA1', digits: 6, period: 30 });
    const admin = db('users').where({ tenant: seed.tenant, user_id: seed.users.admin });
    await admin.clone().update({ two_factor_enabled: true, two_factor_secret: secret.base32 });
    const running = await openStandalonePortal(
      algaPsaStandalone,
      {
        DATABASE_URL: alga.host.database.url,
        NEXTAUTH_SECRET,
        ALGA_WORKSPACE_SLUGS: `northwind=${seed.tenant}`,
        FLAGS_FILE: flagsFileFor(['northwind']),
        SESSION_SECRET: 'alga-standalone-test-secret'.padEnd(48, 'x'),
        PORT: '0',
      },
      { command: 'serve', logger: createPortalLogger({ level: 'error' }) },
    );
    try {
      await running.portal.migrate();
      await createStaffSessionTable(running.db);
      const app = createStandaloneApp(running);
      const signIn = async (fields: Record<string, string>) => {
        const agent = request.agent(app);
        const page = await agent.get('/staff/sign-in').expect(200);
        const _csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1] ?? '';
        return {
          agent,
          response: await agent
            .post('/staff/sign-in')
            .type('form')
            .send({ _csrf, login: 'alice', ...fields }),
        };
      };
      const passwordOnly = await signIn({ password: ADMIN_PASSWORD });
      expect(passwordOnly.response.status).to.equal(401);
      expect(passwordOnly.response.text).to.include('6-digit code');
      for (const path of ['/staff', '/staff/portal', '/staff/messages', '/staff/notifications']) {
        expect((await passwordOnly.agent.get(path)).headers.location, path).to.equal('/staff/sign-in');
      }
      const withCode = await signIn({ password: ADMIN_PASSWORD, code: totp.generate() });
      expect(withCode.response.status).to.equal(303);
      await withCode.agent.get('/staff/portal').expect(200);
    } finally {
      await running.close();
      await admin.clone().update({ two_factor_enabled: false, two_factor_secret: null });
    }
  });

  it('tells the agency beside the tickets switch, in English and German, what Alga lacks to take a ticket', async function () {
    this.timeout(120_000);
    const { db, seed } = alga.host;
    const { tenant } = seed;
    const running = await openStandalonePortal(
      algaPsaStandalone,
      {
        DATABASE_URL: alga.host.database.url,
        NEXTAUTH_SECRET,
        ALGA_WORKSPACE_SLUGS: `northwind=${tenant}`,
        FLAGS_FILE: flagsFileFor(['northwind']),
        SESSION_SECRET: 'alga-standalone-test-secret'.padEnd(48, 'x'),
        PORT: '0',
      },
      { command: 'serve', logger: createPortalLogger({ level: 'error' }) },
    );
    const made: Array<[string, string, string]> = [];
    try {
      await running.portal.migrate();
      await createStaffSessionTable(running.db);
      const agent = request.agent(createStandaloneApp(running));
      const page = await agent.get('/staff/sign-in').expect(200);
      const _csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1] ?? '';
      await agent.post('/staff/sign-in').type('form').send({ _csrf, login: 'alice', password: ADMIN_PASSWORD }).expect(303);
      /** The warning under the tickets switch on the settings page, or null. */
      const warning = async (lang = 'en') => {
        const html = (await agent.get('/staff/portal').set('Accept-Language', lang).expect(200)).text;
        const described = /id="setting-showTickets"[^>]*aria-describedby="([^"]*)"/.exec(html)?.[1] ?? '';
        const text = /<p class="notice notice--error" id="setting-showTickets-warning">([^<]*)<\/p>/.exec(html)?.[1] ?? null;
        if (text) expect(described, 'the switch names its warning').to.include('setting-showTickets-warning');
        return text;
      };
      const insert = async (table: string, key: string, row: Record<string, unknown>) => {
        const [inserted] = await db(table).insert(row).returning<Array<Record<string, string>>>(key);
        made.unshift([table, key, inserted![key]!]);
        return inserted![key]!;
      };
      // Alga's set-up as seeded has no ticket board: createClientTicket would find nowhere to file one.
      expect(await warning()).to.equal(
        'Your CRM cannot take a ticket from your clients now: it has no default ticket board. Clients who open one are told so; set it up in your CRM.',
      );
      expect(await warning('de')).to.include(
        'Ihr CRM kann gerade keine Tickets von Ihren Kunden annehmen: Es hat kein Standard-Ticket-Board.',
      );
      const board = await insert('boards', 'board_id', { tenant, board_name: 'Support', is_default: true, display_order: 1 });
      expect(await warning()).to.include('its default ticket board has no status for new tickets');
      await insert('statuses', 'status_id', {
        tenant,
        board_id: board,
        name: 'New',
        status_type: 'ticket',
        item_type: 'ticket',
        order_number: 1,
        is_closed: false,
        is_default: true,
        created_by: seed.users.admin,
      });
      expect(await warning()).to.include('it has no ticket priorities set up');
      await insert('priorities', 'priority_id', {
        tenant,
        priority_name: 'Normal',
        order_number: 1,
        item_type: 'ticket',
        created_by: seed.users.admin,
      });
      expect(await warning()).to.equal(null);
    } finally {
      for (const [table, key, id] of made)
        await db(table)
          .where({ tenant, [key]: id })
          .delete();
      await running.close();
    }
  });

  it("stamps a staff member's credentials, so a session ends once the password changes in Alga", async function () {
    const { db, seed } = alga.host;
    const standalone = await algaPsaStandalone.open(db, { NEXTAUTH_SECRET });
    const signedIn = staffOf(await standalone.signInStaff('bob', 'Bob-alga-2026!'))!;
    expect((await standalone.findStaff(seed.tenant, signedIn.id))?.credentialStamp).to.equal(signedIn.credentialStamp);
    const bob = db('users').where({ tenant: seed.tenant, user_id: signedIn.id });
    const { hashed_password: original } = await bob.clone().first('hashed_password');
    try {
      await bob.clone().update({ hashed_password: await algaHash('Bob-alga-2027!') });
      expect((await standalone.findStaff(seed.tenant, signedIn.id))?.credentialStamp).not.to.equal(signedIn.credentialStamp);
    } finally {
      await bob.clone().update({ hashed_password: original });
    }
  });
});
