// The admin settings page (GET/POST /settings/client-portal): the seven switches and sign-in
// methods persist and change what the portal shows, both sign-in methods off is refused with a
// 400 and a message, how long the sign-in and security log is kept (30 to 3650 days, else a 400
// with words), branding (title, colour), and the logo upload: a real image is stored and served,
// replaced and removed; a disguised text file, an oversized file and a failing file store save
// nothing.
import { expect } from 'chai';
import supertest from 'supertest';
import { type FileStorage, findSettings, type HostStaffUser, type HostWorkspace, SECTION_SWITCHES } from '../../../core/index.ts';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/database.ts';
import { ADMIN_PATH, createTestHost, csrfFrom, type TestHost } from '../../../../test/support/test-host.ts';

// A 1×1 PNG and a 1×1 GIF: the smallest real images.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
const GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

/** Every switch and both sign-in methods on, as the form submits them. */
function allOn(): Record<string, string> {
  return Object.fromEntries([
    ...SECTION_SWITCHES.map((s) => [s.key, 'on']),
    ['loginWithCode', 'on'],
    ['loginWithPassword', 'on'],
    ['primaryColor', '#2f5bd3'],
  ]);
}

async function logoRows(host: TestHost, workspace: HostWorkspace): Promise<number> {
  const [row] = await host
    .db('portal_files')
    .where({ workspace_id: workspace.id, purpose: 'logo' })
    .count<{ count: number }[]>({ count: '*' });
  return Number(row?.count ?? 0);
}

describe('admin settings page', () => {
  let database: TestDatabase;
  let host: TestHost;
  let acme: HostWorkspace;
  let other: HostWorkspace;
  let admin: HostStaffUser;
  let agent: supertest.Agent;
  let csrf: string;

  before(async () => {
    database = await createTestDatabase();
    host = await createTestHost(database.url, { portalEnabledFor: ['acme', 'other'] });
    acme = await host.createWorkspace({ slug: 'acme', name: 'Acme Agency', brandColor: '#aa3300' });
    other = await host.createWorkspace({ slug: 'other', name: 'Other Agency' });
    admin = await host.createStaff(acme, 'admin');
    agent = await host.staffAgent(admin);
    csrf = csrfFrom((await agent.get(ADMIN_PATH).expect(200)).text);
  });

  after(async () => {
    await host?.close();
    await database?.drop();
  });

  it('shows the switches with hints, the sign-in methods, branding and the link to the portal', async () => {
    const res = await agent.get(ADMIN_PATH).expect(200);
    for (const s of SECTION_SWITCHES) {
      expect(res.text).to.contain(`name="${s.key}"`);
      expect(res.text).to.contain(s.hint);
    }
    expect(res.text).to.contain('name="loginWithCode"');
    expect(res.text).to.contain('name="loginWithPassword"');
    expect(res.text).to.contain('type="color"');
    expect(res.text).to.contain('value="#aa3300"'); // the workspace colour until the admin picks one
    expect(res.text).to.contain('enctype="multipart/form-data"');
    expect(res.text).to.match(/value="https?:\/\/[^"]+\/portal\/acme\/sign-in"/);
    expect(res.text).to.contain('href="/settings"');
  });

  it('saves the switches and redirects back with a notice', async () => {
    const form: Record<string, string> = { ...allOn(), _csrf: csrf };
    delete form.showInvoices;
    delete form.allowComments;
    const res = await agent.post(ADMIN_PATH).type('form').send(form).expect(303);
    expect(res.headers.location).to.equal(`${ADMIN_PATH}?saved=1`);

    const settings = await findSettings(host.db, acme.id);
    expect(settings.showInvoices).to.equal(false);
    expect(settings.allowComments).to.equal(false);
    expect(settings.showProposals).to.equal(true);
    expect(settings.allowOnlinePayments).to.equal(true);

    const page = await agent.get(res.headers.location!).expect(200);
    expect(page.text).to.contain('Your portal settings are saved.');
    // A switch may also be described by its warning: this test host serves few sections (switchesNotInHost).
    expect(page.text).to.match(
      /id="setting-showInvoices" name="showInvoices" value="on" aria-describedby="setting-showInvoices-hint(?: setting-showInvoices-warning)?">/,
    );
    expect(page.text).to.match(
      /id="setting-showProposals" name="showProposals" value="on" aria-describedby="setting-showProposals-hint(?: setting-showProposals-warning)?" checked>/,
    );
  });

  it('saves the two-factor rule with the other switches, and keeps it as typed when the form is refused', async () => {
    expect((await findSettings(host.db, acme.id)).requireTwoFactor).to.equal(false);
    const page = await agent.get(ADMIN_PATH).expect(200);
    expect(page.text).to.match(
      /id="setting-requireTwoFactor" name="requireTwoFactor" value="on" aria-describedby="setting-requireTwoFactor-hint(?: setting-requireTwoFactor-warning)?">/,
    );
    // Refused (no sign-in method): nothing saved, and the box stays as it was sent.
    const refused = await agent
      .post(ADMIN_PATH)
      .field('_csrf', csrf)
      .field('requireTwoFactor', 'on')
      .field('portalTitle', 'Kept')
      .expect(400);
    expect(refused.text).to.match(
      /id="setting-requireTwoFactor" name="requireTwoFactor" value="on" aria-describedby="setting-requireTwoFactor-hint(?: setting-requireTwoFactor-warning)?" checked>/,
    );
    expect((await findSettings(host.db, acme.id)).requireTwoFactor).to.equal(false);
    await agent
      .post(ADMIN_PATH)
      .type('form')
      .send({ ...allOn(), _csrf: csrf, requireTwoFactor: 'on' })
      .expect(303);
    expect((await findSettings(host.db, acme.id)).requireTwoFactor).to.equal(true);
    const saved = await agent.get(ADMIN_PATH).expect(200);
    expect(saved.text).to.match(
      /name="requireTwoFactor" value="on" aria-describedby="setting-requireTwoFactor-hint(?: setting-requireTwoFactor-warning)?" checked>/,
    );
    // The client-users page shows the rule and where to change it.
    const clients = await agent.get(`${ADMIN_PATH}/clients`).expect(200);
    expect(clients.text).to.contain('Two-factor authentication is required for client users.');
    expect(clients.text).to.contain(`href="${ADMIN_PATH}#setting-requireTwoFactor"`);
    await agent
      .post(ADMIN_PATH)
      .type('form')
      .send({ ...allOn(), _csrf: csrf })
      .expect(303);
    expect((await findSettings(host.db, acme.id)).requireTwoFactor).to.equal(false);
  });

  it('keeps the sign-in and security log for the days chosen, from 30 to 3650, and refuses anything else with words', async () => {
    expect((await findSettings(host.db, acme.id)).securityLogDays).to.equal(365);
    const page = await agent.get(ADMIN_PATH).expect(200);
    expect(page.text).to.match(/id="setting-securityLogDays" name="securityLogDays" type="number"[^>]* value="365"/);
    for (const typed of ['29', '3651', '0', '-30', '90.5', 'a year', '']) {
      const refused = await agent
        .post(ADMIN_PATH)
        .type('form')
        .send({ ...allOn(), _csrf: csrf, securityLogDays: typed })
        .expect(400);
      expect(refused.text, typed).to.contain('Enter how many days to keep the sign-in and security log: a whole number from 30 to 3650.');
      expect(refused.text, typed).to.contain('aria-invalid="true"');
      expect((await findSettings(host.db, acme.id)).securityLogDays, typed).to.equal(365);
    }
    for (const days of [30, 3650, 90]) {
      const saved = await agent
        .post(ADMIN_PATH)
        .type('form')
        .send({ ...allOn(), _csrf: csrf, securityLogDays: ` ${days} ` })
        .expect(303);
      expect(saved.headers.location).to.equal(`${ADMIN_PATH}?saved=1`);
      expect((await findSettings(host.db, acme.id)).securityLogDays).to.equal(days);
    }
    // A form without the field (one from before it existed) leaves it as it is.
    await agent
      .post(ADMIN_PATH)
      .type('form')
      .send({ ...allOn(), _csrf: csrf })
      .expect(303);
    expect((await findSettings(host.db, acme.id)).securityLogDays).to.equal(90);
    expect((await agent.get(ADMIN_PATH).expect(200)).text).to.match(/name="securityLogDays"[^>]* value="90"/);
    expect((await findSettings(host.db, other.id)).securityLogDays).to.equal(365);
  });

  it('does not change another workspace', async () => {
    const settings = await findSettings(host.db, other.id);
    expect(settings.updatedAt).to.equal(null);
    expect(settings.showInvoices).to.equal(true);
  });

  it('switching off password sign-in removes it from the portal', async () => {
    const client = supertest.agent(host.app);
    const before = await client.get('/portal/acme/sign-in').expect(200);
    expect(before.text).to.contain('action="/portal/acme/sign-in/password"');

    const form: Record<string, string> = { ...allOn(), _csrf: csrf };
    delete form.loginWithPassword;
    await agent.post(ADMIN_PATH).type('form').send(form).expect(303);

    const after = await client.get('/portal/acme/sign-in').expect(200);
    expect(after.text).not.to.contain('action="/portal/acme/sign-in/password"');
    await client
      .post('/portal/acme/sign-in/password')
      .type('form')
      .send({ _csrf: csrfFrom(after.text), email: 'someone@client.test', password: 'whatever it is' })
      .expect(404);
    expect((await findSettings(host.db, acme.id)).loginWithPassword).to.equal(false);
  });

  it('refuses to switch off both sign-in methods, with a 400 and a clear message', async () => {
    const form: Record<string, string> = { ...allOn(), _csrf: csrf, portalTitle: 'Kept in the form' };
    delete form.loginWithPassword;
    delete form.loginWithCode;
    const res = await agent.post(ADMIN_PATH).type('form').send(form).expect(400);
    expect(res.text).to.contain('Keep at least one sign-in method switched on');
    expect(res.text).to.contain('value="Kept in the form"');
    expect((await findSettings(host.db, acme.id)).loginWithCode).to.equal(true);
  });

  it('saves the portal title and colour, and the portal shows them', async () => {
    await agent
      .post(ADMIN_PATH)
      .type('form')
      .send({ ...allOn(), _csrf: csrf, portalTitle: 'Acme for clients', primaryColor: '#115533' })
      .expect(303);
    const settings = await findSettings(host.db, acme.id);
    expect(settings.portalTitle).to.equal('Acme for clients');
    expect(settings.primaryColor).to.equal('#115533');
    const signIn = await supertest(host.app).get('/portal/acme/sign-in').expect(200);
    expect(signIn.text).to.contain('Acme for clients');
    const css = await supertest(host.app).get('/portal/acme/branding.css').expect(200);
    expect(css.text).to.contain('--brand:#115533');
  });

  it('refuses a title with a direction override or a zero-width space, keeping the saved one', async () => {
    const saved = (await findSettings(host.db, acme.id)).portalTitle;
    for (const title of ['Acme \u202Eevil', 'Ac\u200Bme']) {
      const res = await agent
        .post(ADMIN_PATH)
        .type('form')
        .send({ ...allOn(), _csrf: csrf, portalTitle: title })
        .expect(400);
      expect(res.text).to.contain('cannot hold invisible characters');
    }
    expect((await findSettings(host.db, acme.id)).portalTitle).to.equal(saved);
  });

  it('an empty title goes back to the default', async () => {
    await agent
      .post(ADMIN_PATH)
      .type('form')
      .send({ ...allOn(), _csrf: csrf, portalTitle: '  ' })
      .expect(303);
    expect((await findSettings(host.db, acme.id)).portalTitle).to.equal(null);
  });

  it('rejects a title over 120 characters and a colour that is not #rrggbb', async () => {
    const long = await agent
      .post(ADMIN_PATH)
      .type('form')
      .send({ ...allOn(), _csrf: csrf, portalTitle: 'x'.repeat(121) })
      .expect(400);
    expect(long.text).to.contain('Use at most 120 characters for the portal title.');
    const colour = await agent
      .post(ADMIN_PATH)
      .type('form')
      .send({ ...allOn(), _csrf: csrf, primaryColor: 'red' })
      .expect(400);
    expect(colour.text).to.contain('Enter a colour as #rrggbb');
  });

  describe('logo', () => {
    const upload = (file: Buffer, filename: string, contentType: string, fields: Record<string, string> = {}) => {
      const req = agent.post(ADMIN_PATH).field('_csrf', csrf);
      for (const [key, value] of Object.entries({ ...allOn(), ...fields })) req.field(key, value);
      return req.attach('logo', file, { filename, contentType });
    };

    it('stores a PNG and the portal serves it with its content type', async () => {
      await upload(PNG, 'logo.png', 'image/png').expect(303);
      const settings = await findSettings(host.db, acme.id);
      expect(settings.logoFileId).to.be.a('string');

      const res = await supertest(host.app)
        .get('/portal/acme/branding/logo')
        .buffer(true)
        .parse((r, cb) => {
          const chunks: Buffer[] = [];
          r.on('data', (c: Buffer) => chunks.push(c));
          r.on('end', () => cb(null, Buffer.concat(chunks)));
        })
        .expect(200);
      expect(res.headers['content-type']).to.equal('image/png');
      expect(Buffer.compare(res.body as Buffer, PNG)).to.equal(0);

      const page = await agent.get(ADMIN_PATH).expect(200);
      expect(page.text).to.contain('alt="Current portal logo"');
      expect(page.text).to.contain('name="removeLogo"');
    });

    it('replacing the logo deletes the old file; the type comes from the bytes, not the declared type', async () => {
      const before = (await findSettings(host.db, acme.id)).logoFileId;
      await upload(GIF, 'new-logo.png', 'image/png').expect(303);
      const after = (await findSettings(host.db, acme.id)).logoFileId;
      expect(after).to.be.a('string').and.not.equal(before);
      expect(await logoRows(host, acme)).to.equal(1);
      const res = await supertest(host.app).get('/portal/acme/branding/logo').expect(200);
      expect(res.headers['content-type']).to.equal('image/gif');
    });

    it('keeps the logo when the form is saved without a file', async () => {
      const before = (await findSettings(host.db, acme.id)).logoFileId;
      await agent.post(ADMIN_PATH).field('_csrf', csrf).field('loginWithCode', 'on').expect(303);
      expect((await findSettings(host.db, acme.id)).logoFileId).to.equal(before);
    });

    it('rejects a text file named .png with a 400, saving nothing', async () => {
      const before = await findSettings(host.db, acme.id);
      const res = await upload(Buffer.from('just some text, not an image\n'), 'sneaky.png', 'image/png', {
        portalTitle: 'Should not be saved',
      }).expect(400);
      expect(res.text).to.contain('The logo must be a PNG, JPEG, WebP or GIF image.');
      const after = await findSettings(host.db, acme.id);
      expect(after.logoFileId).to.equal(before.logoFileId);
      expect(after.portalTitle).to.equal(before.portalTitle);
      expect(await logoRows(host, acme)).to.equal(1);
    });

    it('a logo over 512 KB and an over-long title re-render with everything typed, both errors at once, saving nothing', async () => {
      const before = await findSettings(host.db, acme.id);
      const big = Buffer.concat([PNG, Buffer.alloc(600 * 1024)]);
      // The file comes first in the body, so the fields after it must survive its rejection too.
      const req = agent.post(ADMIN_PATH).attach('logo', big, { filename: 'huge.png', contentType: 'image/png' }).field('_csrf', csrf);
      const fields: Record<string, string> = { ...allOn(), primaryColor: '#123456', portalTitle: 'T'.repeat(130), removeLogo: 'on' };
      delete fields.showInvoices;
      delete fields.loginWithCode;
      for (const [key, value] of Object.entries(fields)) req.field(key, value);
      const res = await req.expect(400);
      expect(res.text).to.contain('The logo is larger than 512 KB.');
      expect(res.text).to.contain('Use at most 120 characters for the portal title.');
      expect(res.text).to.contain(`value="${'T'.repeat(130)}"`);
      expect(res.text).to.contain('value="#123456"');
      expect(res.text).to.match(/name="showInvoices" value="on" [^>]*aria-describedby="[^"]*"\s*>/);
      expect(res.text).to.match(/name="showProposals" value="on" [^>]*checked>/);
      expect(res.text).to.match(/name="loginWithCode" value="on" [^>]*aria-describedby="[^"]*"\s*>/);
      expect(res.text).to.match(/name="loginWithPassword" value="on" [^>]*checked>/);
      expect(res.text).to.match(/name="removeLogo" value="on" checked>/);
      expect(res.text).to.contain('id="admin-main"');
      const after = await findSettings(host.db, acme.id);
      expect(after.updatedAt?.getTime()).to.equal(before.updatedAt?.getTime());
      expect(after.logoFileId).to.equal(before.logoFileId);
      expect(await logoRows(host, acme)).to.equal(1);
    });

    it('with both sign-in methods off and a bad colour, every error shows at once', async () => {
      const fields: Record<string, string> = { ...allOn(), _csrf: csrf, primaryColor: 'red', portalTitle: 'x'.repeat(121) };
      delete fields.loginWithCode;
      delete fields.loginWithPassword;
      const res = await agent.post(ADMIN_PATH).type('form').send(fields).expect(400);
      expect(res.text).to.contain('Enter a colour as #rrggbb');
      expect(res.text).to.contain('Use at most 120 characters for the portal title.');
      expect(res.text).to.contain('Keep at least one sign-in method switched on');
    });

    it('a multipart form without the CSRF token is refused', async () => {
      await agent
        .post(ADMIN_PATH)
        .field('loginWithCode', 'on')
        .attach('logo', PNG, { filename: 'logo.png', contentType: 'image/png' })
        .expect(403);
    });

    it('"remove logo" deletes it, and the portal falls back to no logo', async () => {
      await agent
        .post(ADMIN_PATH)
        .type('form')
        .send({ ...allOn(), _csrf: csrf, removeLogo: 'on' })
        .expect(303);
      expect((await findSettings(host.db, acme.id)).logoFileId).to.equal(null);
      expect(await logoRows(host, acme)).to.equal(0);
      await supertest(host.app).get('/portal/acme/branding/logo').expect(404);
    });
  });

  describe('when the file store fails', () => {
    let failing: TestHost;

    before(async () => {
      const broken: FileStorage = {
        put: async () => {
          throw new Error('file store is down');
        },
        get: async () => null,
        delete: async () => {},
        putStream: async () => {
          throw new Error('file store is down');
        },
        open: async () => null,
      };
      failing = await createTestHost(database.url, { storage: broken, portalEnabledFor: ['acme'] });
    });

    after(async () => {
      await failing?.close();
    });

    it('saves nothing at all', async () => {
      const before = await findSettings(failing.db, acme.id);
      const failingAgent = await failing.staffAgent(admin);
      const token = csrfFrom((await failingAgent.get(ADMIN_PATH).expect(200)).text);
      const req = failingAgent.post(ADMIN_PATH).field('_csrf', token).field('loginWithCode', 'on').field('portalTitle', 'Not saved');
      await req.attach('logo', PNG, { filename: 'logo.png', contentType: 'image/png' }).expect(500);
      const after = await findSettings(failing.db, acme.id);
      expect(after.portalTitle).to.equal(before.portalTitle);
      expect(after.updatedAt?.getTime()).to.equal(before.updatedAt?.getTime());
      expect(failing.errors.map((e) => String(e.err))).to.include('Error: file store is down');
    });
  });
});
