// Without SMTP_URL the demo still works offline: emails go to a development outbox, printed to the
// console and listed at /dev/outbox for signed-in CRM staff, where a one-time code can be read and
// used. Anyone else is sent to the staff sign-in and sees no code. An email's attachment (an
// appointment's invitation) is listed with its name, type and size, and downloads as sent.
import { expect } from 'chai';
import request from 'supertest';
import { bootReferenceCrm, type RunningCrm } from '../../plugins/reference-crm/boot.ts';
import { createSeededTestDatabase, type TestDatabase } from '../support/database.ts';
import { csrfFrom, flagsFileFor, sixDigitCode } from '../support/portal-harness.ts';

describe('development outbox', function () {
  let database: TestDatabase;
  let crm: RunningCrm;

  before(async function () {
    database = await createSeededTestDatabase();
    crm = await bootReferenceCrm({
      databaseUrl: database.url,
      port: 0,
      sessionSecret: 'outbox-secret-'.padEnd(40, 'o'),
      flagsFile: flagsFileFor(['demo']),
      quiet: true,
    });
  });
  /** The demo's first staff member, signed in to the CRM. */
  const staffAgent = async () => {
    const staff = request.agent(crm.url);
    const signInPage = await staff.get('/signin').expect(200);
    const admin = crm.staffLogins.staff.find((s) => s.workspaceSlug === 'demo')!;
    await staff
      .post('/signin')
      .type('form')
      .send({ _csrf: csrfFrom(signInPage.text), email: admin.email, password: admin.password })
      .expect(303);
    return staff;
  };

  after(async function () {
    await crm.close();
    await database.drop();
  });

  it('lists the sign-in code email, which signs the client in', async function () {
    const login = crm.clientLogins.find((l) => l.workspaceSlug === 'demo')!;
    const agent = request.agent(crm.url);
    const page = await agent.get('/portal/demo/sign-in').expect(200);
    await agent
      .post('/portal/demo/sign-in/code')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), email: login.email })
      .expect(200);

    await crm.portal.drainOutbox();
    const refused = await request(crm.url).get('/dev/outbox').expect(303);
    expect(refused.headers.location).to.equal('/signin?next=%2Fdev%2Foutbox');
    expect(refused.text).to.not.match(/\d{6}/);

    const staff = await staffAgent();
    const outbox = await staff.get('/dev/outbox').expect(200);
    expect(outbox.headers['cache-control']).to.equal('no-store');
    expect(outbox.text).to.contain(login.email);
    const code = sixDigitCode(/Your sign-in code for Demo Agency: \d{6}/.exec(outbox.text)![0]);

    const form = await agent.get('/portal/demo/sign-in/code').expect(200);
    const res = await agent
      .post('/portal/demo/sign-in/code/verify')
      .type('form')
      .send({ _csrf: csrfFrom(form.text), email: login.email, code });
    expect(res.status).to.equal(303);
  });

  it('lists an invitation’s attachment with its name, type and size, and downloads it', async function () {
    const db = crm.db;
    const workspace = await db('workspaces').where({ slug: 'demo' }).first('id');
    const contact = await db('contacts').where({ workspace_id: workspace.id, email: 'maria@northwind.test' }).first('id', 'client_id');
    const service = await db('appointment_services').where({ workspace_id: workspace.id }).orderBy('id').first('id');
    // The client hears of appointments only where the section is on.
    await db('workspace_client_portal_settings')
      .insert({ workspace_id: String(workspace.id), show_appointments: true })
      .onConflict('workspace_id')
      .merge();
    await crm.portal.workspaceChanged(String(workspace.id));
    const startsAt = new Date(Math.ceil(Date.now() / 3_600_000) * 3_600_000 + 9 * 86_400_000);
    const [row] = await db('appointments')
      .insert({
        workspace_id: workspace.id,
        client_id: contact.client_id,
        contact_id: contact.id,
        service_id: service.id,
        starts_at: startsAt,
        ends_at: new Date(startsAt.getTime() + 30 * 60_000),
        time_zone: 'Europe/Berlin',
        status: 'confirmed',
      })
      .returning('id');
    // The agency confirmed it in its screens, and says so: the portal emails the invitation.
    await crm.portal.hostRecordChanged({
      workspaceId: String(workspace.id),
      clientId: String(contact.client_id),
      contactId: String(contact.id),
      kind: 'appointment',
      id: String(row.id),
      happened: 'answered',
      occurrence: 'confirmed:0',
    });
    await crm.portal.drainOutbox();
    const sent = crm.outbox!.messages().find((m) => m.to === 'maria@northwind.test' && m.attachments.length > 0)!;
    expect(sent, 'the invitation in the outbox').to.not.equal(undefined);
    const size = sent.attachments[0]!.content.length;

    const staff = await staffAgent();
    const page = (await staff.get('/dev/outbox').expect(200)).text;
    const link = `/dev/outbox/${sent.id}/attachments/0`;
    expect(page).to.contain(`<a href="${link}" download>invitation.ics</a>`).and.contain(`text/calendar; method=REQUEST · ${size} bytes`);
    expect(size, 'an invitation is under a kilobyte').to.be.within(200, 1023);
    const file = await staff.get(link).buffer(true).expect(200);
    expect(file.headers['content-type']).to.equal('text/calendar; method=REQUEST; charset=utf-8');
    expect(file.headers['content-disposition']).to.equal('attachment; filename="invitation.ics"');
    const ics = file.text ?? file.body.toString('utf8');
    expect(ics).to.contain('BEGIN:VCALENDAR').and.contain('METHOD:REQUEST').and.contain(`UID:appointment-${workspace.id}-${row.id}@`);

    // Only for staff; an attachment the outbox no longer holds, or a link that is not one, in words.
    const refused = await request(crm.url).get(link).expect(303);
    expect(refused.text).to.not.contain('VCALENDAR');
    const gone = await staff.get(`/dev/outbox/${sent.id + 1000}/attachments/0`).expect(404);
    expect(gone.text).to.contain('That attachment is not in the outbox');
    await staff.get(`/dev/outbox/${sent.id}/attachments/7`).expect(404);
    await staff.get('/dev/outbox/abc/attachments/-1').expect(404);
    await db('appointments').where({ workspace_id: workspace.id, id: row.id }).delete();
  });

  it('is not mounted when mail goes to SMTP', async function () {
    expect(crm.outbox).to.not.equal(undefined);
    const other = await createSeededTestDatabase();
    const withSmtp = await bootReferenceCrm({
      databaseUrl: other.url,
      port: 0,
      smtpUrl: 'smtp://127.0.0.1:1',
      sessionSecret: 'x'.repeat(40),
      flagsFile: flagsFileFor(['demo']),
      quiet: true,
    });
    try {
      await request(withSmtp.url).get('/dev/outbox').expect(404);
    } finally {
      await withSmtp.close();
      await other.drop();
    }
  });
});
