// Covers the standalone server's staff side on a real Dolibarr database: staff sign in with their
// Dolibarr login (or email) and the password PHP's password_hash wrote ($2y$ bcrypt); a wrong
// password, a disabled user, an external user and an unknown login are refused alike; the form is
// CSRF-protected and rate-limited across instances, per account whichever of its login or email was typed; the portal's staff pages need a signed-in staff member, its admin pages an admin;
// an account disabled in Dolibarr is signed out on its next request; an account outside its
// Dolibarr validity dates neither signs in nor keeps its session; an unknown login's decoy hash
// costs what the stored hashes cost; a session ends once Dolibarr changes the account's credentials.
import { expect } from 'chai';
import bcrypt from 'bcryptjs';
import request from 'supertest';
import { phpPasswordChecker } from '../../plugins/dolibarr/php-password.ts';
import { storedHashCost } from '../../plugins/dolibarr/queries/staff.ts';
import { dolibarrStandalone } from '../../plugins/dolibarr/standalone.ts';
import { openStandalonePortal, type StandalonePortal } from '../../plugins/standalone/portal-setup.ts';
import { createStaffSessionTable, STAFF_SESSION_TABLE } from '../../plugins/standalone/queries/staff-sessions.ts';
import { createStandaloneApp } from '../../plugins/standalone/server.ts';
import { createPortalLogger } from '../../src/core/ops/logging.ts';
import { startDolibarrHost, unavailable, type DolibarrHost } from '../dolibarr/dolibarr-host.ts';
import { flagsFileFor } from '../support/portal-harness.ts';

const reason = unavailable();
const csrfIn = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
const phpHash = (password: string) => bcrypt.hashSync(password, 10).replace(/^\$2b\$/, '$2y$');

describe('standalone server: staff sign in with their Dolibarr accounts', function () {
  this.timeout(120_000);
  let host: DolibarrHost;
  let running: StandalonePortal;
  let app: ReturnType<typeof createStandaloneApp>;

  async function signInForm(agent: ReturnType<typeof request.agent>) {
    const page = await agent.get('/staff/sign-in').expect(200);
    return csrfIn(page.text);
  }
  async function signIn(login: string, password: string) {
    const agent = request.agent(app);
    const _csrf = await signInForm(agent);
    const response = await agent.post('/staff/sign-in').type('form').send({ _csrf, login, password });
    return { agent, response };
  }

  before(async function () {
    if (reason) this.skip();
    host = await startDolibarrHost();
    const { db, seed } = host;
    const user = (login: string, extra: Record<string, unknown>) =>
      db('llx_user').insert({
        entity: 1,
        admin: 0,
        employee: 1,
        login,
        pass_crypted: phpHash('Other-dolibarr-2026'),
        lastname: login,
        firstname: 'Test',
        email: `${login}@atelier-lumiere.example`,
        statut: 1,
        datec: '2026-01-02 10:00:00',
        ...extra,
      });
    await user('former', { statut: 0 });
    await user('bakery-portal', { fk_soc: seed.companies.bakery });
    running = await openStandalonePortal(
      dolibarrStandalone,
      {
        DATABASE_URL: host.database.url,
        DOLIBARR_WORKSPACE_SLUG: seed.workspaceSlug,
        FLAGS_FILE: flagsFileFor([seed.workspaceSlug]),
        SESSION_SECRET: 'standalone-staff-test-secret'.padEnd(48, 'x'),
        PORT: '0',
        DOLIBARR_URL: 'https://erp.atelier.example/',
      },
      { command: 'serve', logger: createPortalLogger({ level: 'error' }) },
    );
    await running.portal.migrate();
    await createStaffSessionTable(running.db);
    app = createStandaloneApp(running);
  });
  after(async function () {
    await running?.close();
    await host?.close();
  });

  it('keeps the staff pages behind the sign-in', async function () {
    for (const path of ['/staff', '/staff/portal', '/staff/messages', '/staff/notifications']) {
      const response = await request(app).get(path).expect(303);
      expect(response.headers.location, path).to.equal('/staff/sign-in');
    }
  });

  it('signs in an admin with the $2y$ hash PHP wrote, and shows the staff layout around the portal settings', async function () {
    const stored = await host.db('llx_user').where({ login: 'admin' }).first('pass_crypted');
    expect(stored.pass_crypted).to.match(/^\$2y\$10\$/);
    const { agent, response } = await signIn('admin', 'Admin-dolibarr-2026');
    expect(response.status).to.equal(303);
    expect(response.headers.location).to.equal('/staff');
    expect((await agent.get('/staff').expect(303)).headers.location).to.equal('/staff/portal');
    const settings = await agent.get('/staff/portal').expect(200);
    expect(settings.text).to.include('<span class="crm">Dolibarr</span>');
    expect(settings.text).to.include('Atelier Lumière');
    expect(settings.text).to.include('href="/staff/messages"');
    expect(settings.text).to.include('href="/staff/notifications"');
    expect(settings.text).to.match(/<form method="post" action="\/staff\/sign-out">/);
    await agent.get('/staff/messages').expect(200);
    await agent.get('/staff/notifications').expect(200);
  });

  it('speaks the language the staff member chose in Dolibarr (llx_user.lang), whatever the browser asks', async function () {
    await host.db('llx_user').where({ login: 'admin' }).update({ lang: 'de_DE' });
    try {
      const { agent } = await signIn('admin', 'Admin-dolibarr-2026');
      const settings = await agent.get('/staff/portal').set('Accept-Language', 'en-US').expect(200);
      expect(settings.text).to.include('Einstellungen des Kundenportals');
      expect(settings.text).to.match(/ lang="de"/);
      expect(settings.text).to.not.include('Save settings');
    } finally {
      await host.db('llx_user').where({ login: 'admin' }).update({ lang: null });
    }
    const { agent } = await signIn('admin', 'Admin-dolibarr-2026');
    expect((await agent.get('/staff/portal').set('Accept-Language', 'en-US').expect(200)).text).to.include('Save settings');
  });

  it("links the portal's record page to the record's card in Dolibarr", async function () {
    const { agent } = await signIn('admin', 'Admin-dolibarr-2026');
    const { seed } = host;
    const page = await agent.get(`/staff/portal/records/proposal/${seed.companies.bakery}/${seed.proposals.signed}`).expect(200);
    expect(page.text).to.include(`href="https://erp.atelier.example/comm/propal/card.php?id=${seed.proposals.signed}"`);
    expect(page.text).to.include('Open in Dolibarr');
    const invoice = await agent.get(`/staff/portal/records/invoice/${seed.companies.bakery}/${seed.invoices.paid}`).expect(200);
    expect(invoice.text).to.include(`href="https://erp.atelier.example/compta/facture/card.php?facid=${seed.invoices.paid}"`);
  });

  it("refuses a member the record pages of the kinds Dolibarr's rights do not let them read (admins read all)", async function () {
    const { seed, db } = host;
    const proposalPage = `/staff/portal/records/proposal/${seed.companies.bakery}/${seed.proposals.signed}`;
    const invoicePage = `/staff/portal/records/invoice/${seed.companies.bakery}/${seed.invoices.paid}`;
    // The rights the Invoices and Proposals modules declare when switched on (modFacture and
    // modPropale: ids 11 and 21, perms 'lire'), in llx_rights_def of the entity.
    await db('llx_rights_def').insert([
      { id: 11, entity: 1, libelle: 'Read invoices', module: 'facture', perms: 'lire', type: 'r', bydefault: 0 },
      { id: 21, entity: 1, libelle: 'Read commercial proposals', module: 'propale', perms: 'lire', type: 'r', bydefault: 0 },
    ]);
    const marc = Number((await db('llx_user').where({ login: 'marc' }).first('rowid')).rowid);
    try {
      const { agent } = await signIn('marc', 'Marc-dolibarr-2026');
      await agent.get(proposalPage).expect(403);
      await agent.get(invoicePage).expect(403);
      // Given to the user: invoices only; the session reads the rights again on the next request.
      await db('llx_user_rights').insert({ entity: 1, fk_user: marc, fk_id: 11 });
      await agent.get(invoicePage).expect(200);
      await agent.get(proposalPage).expect(403);
      // Given to a group the user is in: proposals too.
      const [group] = await db('llx_usergroup').insert({ nom: 'Sales', entity: 1, datec: '2026-01-02 10:00:00' }).returning('rowid');
      await db('llx_usergroup_user').insert({ entity: 1, fk_user: marc, fk_usergroup: group.rowid });
      await db('llx_usergroup_rights').insert({ entity: 1, fk_usergroup: group.rowid, fk_id: 21 });
      await agent.get(proposalPage).expect(200);
    } finally {
      await db('llx_user_rights').where({ fk_user: marc }).delete();
      await db('llx_usergroup_user').where({ fk_user: marc }).delete();
    }
    // An admin holds every right without any row.
    const { agent } = await signIn('admin', 'Admin-dolibarr-2026');
    await agent.get(proposalPage).expect(200);
    await agent.get(invoicePage).expect(200);
  });

  it('signs in a member by email; the portal settings are for admins only', async function () {
    const { agent, response } = await signIn('MARC@atelier-lumiere.example', 'Marc-dolibarr-2026');
    expect(response.status).to.equal(303);
    expect((await agent.get('/staff').expect(303)).headers.location).to.equal('/staff/messages');
    const messages = await agent.get('/staff/messages').expect(200);
    expect(messages.text).not.to.include('href="/staff/portal"');
    await agent.get('/staff/portal').expect(403);
  });

  it("signs in a fresh Dolibarr's first admin, who has no email, and says on the staff pages that no email reaches them", async function () {
    // Dolibarr's installer creates the first admin with a login and a password only (email NULL);
    // an account whose email was cleared keeps ''. Both are staff all the same.
    await host.db('llx_user').insert([
      {
        entity: 1,
        admin: 1,
        login: 'firstadmin',
        pass_crypted: phpHash('First-dolibarr-2026'),
        lastname: 'SuperAdmin',
        email: null,
        statut: 1,
      },
      { entity: 1, admin: 0, login: 'blankmail', pass_crypted: phpHash('Blank-dolibarr-2026'), lastname: 'Blank', email: '', statut: 1 },
    ]);
    for (const [login, password, home] of [
      ['firstadmin', 'First-dolibarr-2026', '/staff/portal'],
      ['blankmail', 'Blank-dolibarr-2026', '/staff/messages'],
    ] as const) {
      const { agent, response } = await signIn(login, password);
      expect(response.status, login).to.equal(303);
      expect((await agent.get('/staff').expect(303)).headers.location, login).to.equal(home);
      const page = await agent.get(home).set('Accept-Language', 'en-US').expect(200);
      expect(page.text, login).to.include('Your Dolibarr account has no email address, so the portal sends you no email notifications.');
    }
    // An account with an email sees no such note.
    const { agent } = await signIn('admin', 'Admin-dolibarr-2026');
    expect((await agent.get('/staff/portal').expect(200)).text).not.to.include('id="staff-no-email"');
    // A wrong password is refused with the answer every other refusal gets, after the same check
    // against the account's own hash (its login names it, as any account's does).
    const accounts = await running.host.staffAccountsFor('firstadmin');
    expect(accounts.map((account) => account.id)).to.have.length(1);
    for (const login of ['firstadmin', 'blankmail']) {
      const refused = await signIn(login, 'wrong-password');
      expect(refused.response.status, login).to.equal(401);
      expect(refused.response.text, login).to.include('That login and password do not match an enabled Dolibarr staff account.');
    }
    // What the portal emails staff (notifications to admins) leaves out an account it cannot reach.
    const admins = await running.adapter.staff.listAdmins!(String(host.seed.entity));
    expect(admins.map((admin) => admin.email)).to.not.include('');
    expect(admins).to.not.be.empty;
  });

  it('refuses a wrong password, a disabled user, an external user and an unknown login with the same answer', async function () {
    for (const [login, password] of [
      ['admin', 'wrong-password'],
      ['former', 'Other-dolibarr-2026'],
      ['bakery-portal', 'Other-dolibarr-2026'],
      ['nobody', 'Other-dolibarr-2026'],
    ] as const) {
      const { agent, response } = await signIn(login, password);
      expect(response.status, login).to.equal(401);
      expect(response.text, login).to.include('That login and password do not match an enabled Dolibarr staff account.');
      await agent.get('/staff/portal').expect(303);
    }
  });

  it("refuses a sign-in without the form's CSRF token, and an incomplete form with a 400", async function () {
    const agent = request.agent(app);
    await signInForm(agent);
    const forged = await agent.post('/staff/sign-in').type('form').send({ login: 'admin', password: 'Admin-dolibarr-2026' });
    expect(forged.status).to.equal(403);
    expect(forged.text).to.include('This form has expired');
    await agent.get('/staff/portal').expect(303);
    const _csrf = await signInForm(agent);
    const empty = await agent.post('/staff/sign-in').type('form').send({ _csrf, login: 'admin', password: '' });
    expect(empty.status).to.equal(400);
    expect(empty.text).to.include('Enter your login and your password.');
    expect(empty.text).to.include('value="admin"');
  });

  it('stops guessing at ten tries per login, counted in PostgreSQL so a second instance refuses too', async function () {
    const second = createStandaloneApp(running);
    const login = 'guessed-login';
    for (let attempt = 1; attempt <= 10; attempt++) {
      const { response } = await signIn(login, `wrong-${attempt}`);
      expect(response.status, `try ${attempt}`).to.equal(401);
    }
    const agent = request.agent(second);
    const _csrf = csrfIn((await agent.get('/staff/sign-in').expect(200)).text);
    const refused = await agent.post('/staff/sign-in').type('form').send({ _csrf, login, password: 'wrong-11' });
    expect(refused.status).to.equal(429);
    expect(
      await running
        .db('portal_rate_limits')
        .where({ key: `staff-sign-in:login:${login}` })
        .first('points'),
    ).to.deep.equal({ points: 11 });
    await running.db('portal_rate_limits').where('key', 'like', 'staff-sign-in:%').delete();
  });

  it("counts an account's attempts as one budget, whether its login or its email was typed", async function () {
    const marc = (await host.db('llx_user').where({ login: 'marc' }).first('rowid')).rowid;
    try {
      const names = ['marc', 'MARC@atelier-lumiere.example', 'marc@atelier-lumiere.example '];
      for (let attempt = 1; attempt <= 10; attempt++) {
        const { response } = await signIn(names[attempt % names.length]!, `wrong-${attempt}`);
        expect(response.status, `try ${attempt}`).to.equal(401);
      }
      for (const name of names) {
        const { response } = await signIn(name, 'Marc-dolibarr-2026');
        expect(response.status, `${name} after ten tries at the account`).to.equal(429);
      }
      const perLogin = await running.db('portal_rate_limits').where('key', 'like', 'staff-sign-in:login:%marc%').select('key');
      expect(perLogin, 'counters per typed login of a known account').to.deep.equal([]);
      expect(
        await running
          .db('portal_rate_limits')
          .where({ key: `staff-sign-in:account:${host.seed.entity}:${marc}` })
          .first('points'),
      ).to.deep.equal({ points: 13 });
    } finally {
      await running.db('portal_rate_limits').where('key', 'like', 'staff-sign-in:%').delete();
    }
    // A right password starts the account's count again.
    for (let attempt = 1; attempt <= 9; attempt++) await signIn('marc', `wrong-again-${attempt}`);
    expect((await signIn('marc@atelier-lumiere.example', 'Marc-dolibarr-2026')).response.status).to.equal(303);
    for (let attempt = 1; attempt <= 9; attempt++) expect((await signIn('marc', `wrong-after-${attempt}`)).response.status).to.equal(401);
    await running.db('portal_rate_limits').where('key', 'like', 'staff-sign-in:%').delete();
  });

  it('stores no session for anonymous visits of the sign-in page, and its form still signs in', async function () {
    const before = Number((await running.db(STAFF_SESSION_TABLE).count<{ count: string }[]>('* as count'))[0]!.count);
    for (let visit = 0; visit < 20; visit++) await request(app).get('/staff/sign-in').expect(200);
    const agent = request.agent(app);
    const _csrf = await signInForm(agent);
    await agent.get('/staff/sign-in').expect(200);
    const after = Number((await running.db(STAFF_SESSION_TABLE).count<{ count: string }[]>('* as count'))[0]!.count);
    expect(after - before, 'session rows stored by 22 anonymous visits').to.equal(0);
    // The form's token works with the cookie it came with, and not without it.
    const forged = await request(app).post('/staff/sign-in').type('form').send({ _csrf, login: 'admin', password: 'Admin-dolibarr-2026' });
    expect(forged.status).to.equal(403);
    await agent.post('/staff/sign-in').type('form').send({ _csrf, login: 'admin', password: 'Admin-dolibarr-2026' }).expect(303);
    await agent.get('/staff/portal').expect(200);
  });

  it('answers a login with a NUL byte or another control character with a 400, not a 500', async function () {
    for (const login of ['adm\u0000in', 'admin\u0007']) {
      const agent = request.agent(app);
      const _csrf = await signInForm(agent);
      const response = await agent.post('/staff/sign-in').type('form').send({ _csrf, login, password: 'x' });
      expect(response.status, JSON.stringify(login)).to.equal(400);
      expect(response.text).to.include('Enter your login and your password.');
    }
  });

  it('escapes what was typed when the form comes back', async function () {
    const agent = request.agent(app);
    const _csrf = await signInForm(agent);
    const response = await agent.post('/staff/sign-in').type('form').send({ _csrf, login: '"><script>alert(1)</script>', password: 'x' });
    expect(response.status).to.equal(401);
    expect(response.text).not.to.include('<script>alert(1)</script>');
    expect(response.text).to.include('&#34;&gt;&lt;script&gt;');
  });

  it('signs out a member disabled in Dolibarr on their next request', async function () {
    const { agent } = await signIn('marc', 'Marc-dolibarr-2026');
    await agent.get('/staff/messages').expect(200);
    await host.db('llx_user').where({ login: 'marc' }).update({ statut: 0 });
    try {
      expect((await agent.get('/staff/messages').expect(303)).headers.location).to.equal('/staff/sign-in');
    } finally {
      await host.db('llx_user').where({ login: 'marc' }).update({ statut: 1 });
    }
  });

  it('refuses an account before its datestartvalidity or after its dateendvalidity, and ends its session', async function () {
    const marc = host.db('llx_user').where({ login: 'marc' });
    const day = 24 * 60 * 60 * 1000;
    const { agent } = await signIn('marc', 'Marc-dolibarr-2026');
    await agent.get('/staff/messages').expect(200);
    try {
      for (const dates of [
        { datestartvalidity: new Date(Date.now() + 2 * day), dateendvalidity: null },
        { datestartvalidity: null, dateendvalidity: new Date(Date.now() - 2 * day) },
      ]) {
        await marc.clone().update(dates);
        expect((await agent.get('/staff/messages')).headers.location, JSON.stringify(dates)).to.equal('/staff/sign-in');
        const { response } = await signIn('marc', 'Marc-dolibarr-2026');
        expect(response.status, JSON.stringify(dates)).to.equal(401);
      }
      // Dolibarr compares by the day: an account whose validity ends today still signs in today.
      await marc.clone().update({ datestartvalidity: new Date(Date.now() - day), dateendvalidity: new Date() });
      expect((await signIn('marc', 'Marc-dolibarr-2026')).response.status).to.equal(303);
    } finally {
      await marc.clone().update({ datestartvalidity: null, dateendvalidity: null });
    }
  });

  it("checks an unknown login against a decoy hash of the stored hashes' bcrypt cost", async function () {
    expect(await storedHashCost(host.db, { entity: 1 })).to.equal(10);
    const trx = await host.db.transaction();
    try {
      const cost12 = bcrypt.hashSync('Some-dolibarr-2026', 12).replace(/^\$2b\$/, '$2y$');
      await trx('llx_user').whereNotNull('pass_crypted').update({ pass_crypted: cost12 });
      const passwords = phpPasswordChecker(() => storedHashCost(trx, { entity: 1 }));
      expect(await passwords.decoyCost()).to.equal(12);
      expect(bcrypt.getRounds(await passwords.decoyHash())).to.equal(12);
    } finally {
      await trx.rollback();
    }
  });

  it('ends a session once Dolibarr changes the password, disconnects all sessions, or disables the account (also once re-enabled)', async function () {
    const marc = host.db('llx_user').where({ login: 'marc' });
    const { pass_crypted: original } = await marc.clone().first('pass_crypted');
    try {
      const changes: Array<[string, () => Promise<unknown>]> = [
        ['a new password', () => marc.clone().update({ pass_crypted: phpHash('Marc-new-2027') })],
        ['disconnect all sessions', () => marc.clone().update({ flagdelsessionsbefore: new Date() })],
        [
          'disabled, then enabled again',
          async () => {
            await marc.clone().update({ statut: 0 });
            expect((await agent.get('/staff/messages')).headers.location).to.equal('/staff/sign-in');
            await marc.clone().update({ statut: 1 });
          },
        ],
      ];
      let agent = (await signIn('marc', 'Marc-dolibarr-2026')).agent;
      for (const [what, change] of changes) {
        await marc.clone().update({ pass_crypted: original });
        agent = (await signIn('marc', 'Marc-dolibarr-2026')).agent;
        await agent.get('/staff/messages').expect(200);
        await change();
        expect((await agent.get('/staff/messages')).headers.location, what).to.equal('/staff/sign-in');
      }
    } finally {
      await marc.clone().update({ pass_crypted: original, flagdelsessionsbefore: null, statut: 1 });
    }
  });

  it('signs out with the CSRF token only', async function () {
    const { agent } = await signIn('admin', 'Admin-dolibarr-2026');
    const page = await agent.get('/staff/portal').expect(200);
    await agent.post('/staff/sign-out').type('form').send({}).expect(403);
    await agent.get('/staff/portal').expect(200);
    const out = await agent
      .post('/staff/sign-out')
      .type('form')
      .send({ _csrf: csrfIn(page.text) })
      .expect(303);
    expect(out.headers.location).to.equal('/staff/sign-in?signedOut=1');
    expect((await agent.get('/staff/sign-in?signedOut=1').expect(200)).text).to.include('You are signed out.');
    await agent.get('/staff/portal').expect(303);
  });
});
