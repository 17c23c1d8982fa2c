// The tickets section over HTTP against the reference CRM, as the first "done when" asks:
// a client opens a ticket with a file; a client of another company gets 404 for it and does not
// see it listed; staff answer in the CRM; the client reads the answer, can close, answer the survey
// and reopen.
// Also: the section's switch and permission (404 when off), the list's tabs, search and keyset
// pages, the activity log the agency is notified from, and forms refused with a reason (4xx).
// Opening tickets is limited (TICKET_LIMITS): a person's eleventh in an hour is refused with 429,
// the form filled in and when to try again in their language, nothing sent to the CRM, no file
// kept; a colleague is refused once the company's thirty are spent; another company is not held.
import { expect } from 'chai';
import {
  csrfFrom,
  signedInAgent,
  signedInStaffAgent,
  startPortalHarness,
  type PortalHarness,
  setPortalSettings,
  demoLogin,
} from '../../../../test/support/portal-harness.ts';
import { unzip } from '../../../../test/support/unzip.ts';
import { RateLimiter, TICKET_LIMITS } from '../../../core/rate-limits/limiter.ts';
import { ticketsPersonalData } from '../personal-data.ts';

const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

describe('client tickets', function () {
  let h: PortalHarness;
  let maria: ReturnType<PortalHarness['agent']>;
  let priya: ReturnType<PortalHarness['agent']>;
  let workspaceId: number;

  const login = (email: string) => demoLogin(h, email);
  const setSettings = (values: Record<string, unknown>) => setPortalSettings(h, workspaceId, values);

  /** A new ticket with a PDF attached, from the form page's HTML. */
  const openWithFile = (agent: typeof maria, formPage: string, fields: { subject: string; description: string }, status: number) =>
    agent
      .post('/portal/demo/tickets')
      .field('_csrf', csrfFrom(formPage))
      .field('subject', fields.subject)
      .field('description', fields.description)
      .attach('attachments', PDF, { filename: 'file.pdf', contentType: 'application/pdf' })
      .expect(status);

  before(async function () {
    this.timeout(120_000);
    h = await startPortalHarness();
    workspaceId = (await h.crm.db('workspaces').where({ slug: 'demo' }).first('id')).id;
    maria = await signedInAgent(h.agent(), 'demo', login('maria@northwind.test'));
    priya = await signedInAgent(h.agent(), 'demo', login('priya@bluebell.test'));
  });
  after(async function () {
    await h?.close();
  });
  beforeEach(async function () {
    await setSettings({ show_tickets: true, allow_file_uploads: true });
  });
  afterEach(async function () {
    await h.crm.db('workspace_client_portal_settings').delete();
    await h.crm.portal.workspaceChanged(String(workspaceId));
  });

  it('is a 404 while the section is off, and has no navigation entry', async function () {
    await setSettings({ show_tickets: false });
    await maria.get('/portal/demo/tickets').expect(404);
    await maria.get('/portal/demo/tickets/new').expect(404);
    const home = (await maria.get('/portal/demo/').expect(200)).text;
    expect(home).to.not.contain('/portal/demo/tickets"');
  });

  it('shows open tickets and those waiting on the client on the dashboard, and offers a new ticket first', async function () {
    const home = (await maria.get('/portal/demo/').expect(200)).text;
    expect(home).to.contain('2 open support tickets').and.contain('1 waiting for your answer');
    expect(home).to.contain('href="/portal/demo/tickets/new"');
    expect(home.indexOf('href="/portal/demo/tickets/new"')).to.be.lessThan(home.indexOf('class="cards"'));
    expect(home).to.contain('href="/portal/demo/tickets"');
  });

  it("lists the company's tickets by tab and search, newest activity first, never another company's", async function () {
    const open = (await maria.get('/portal/demo/tickets').expect(200)).text;
    expect(open).to.contain('Logo looks blurry on the invoices').and.contain('Contact form on the website sends no email');
    expect(open.indexOf('Logo looks blurry')).to.be.lessThan(open.indexOf('Contact form'));
    expect(open).to.contain('Waiting for you');
    expect(open, 'resolved is on the closed tab').to.not.contain('Add the new store opening hours');
    expect(open, "Bluebell's ticket").to.not.contain('wrong prices');
    const closed = (await maria.get('/portal/demo/tickets?tab=closed').expect(200)).text;
    expect(closed).to.contain('Add the new store opening hours').and.not.contain('Logo looks blurry');
    // The CRM's resolved status in the portal's own words (tickets:status.resolved), in the reader's language.
    expect(closed).to.match(/·\s*Resolved/);
    const geschlossen = (await maria.get('/portal/demo/tickets?tab=closed').set('Accept-Language', 'de').expect(200)).text;
    expect(geschlossen)
      .to.match(/·\s*Gelöst/)
      .and.not.contain('tickets:status');
    const search = (await maria.get('/portal/demo/tickets?tab=all&q=logo').expect(200)).text;
    expect(search).to.contain('Logo looks blurry').and.not.contain('Contact form');
    // The tabs keep the search, and the list says what it found.
    expect(search).to.contain('href="/portal/demo/tickets?tab=open&amp;q=logo"');
    expect(search).to.contain('1 result for “logo”.');
    // A closed ticket looked for on the open tab: not "nothing", but where it is.
    const onOpen = (await maria.get('/portal/demo/tickets?tab=open&q=opening+hours').expect(200)).text;
    expect(onOpen).to.contain('No open ticket matches “opening hours”, but a closed one does.');
    expect(onOpen).to.contain('href="/portal/demo/tickets?tab=all&amp;q=opening+hours"');
    const nowhere = (await maria.get('/portal/demo/tickets?tab=open&q=nothing+like+it').expect(200)).text;
    expect(nowhere).to.contain('No ticket matches “nothing like it” here.').and.not.contain('but a closed one does');
    await maria.get('/portal/demo/tickets?tab=nope').expect(400);
    await maria.get('/portal/demo/tickets?after=%%%').expect(400);
  });

  it('opens a ticket with a file, keeps other companies out, and follows it to its survey', async function () {
    const form = (await maria.get('/portal/demo/tickets/new').expect(200)).text;
    expect(form).to.contain('Category').and.contain('Priority').and.contain('name="attachments"');
    // The limit in the words every form and setting uses: 10 MB, as the staff's form says it.
    expect(form).to.contain('Up to 5 files of at most 10 MB each');
    const website = (await h.crm.db('ticket_categories').where({ workspace_id: workspaceId, name: 'Website' }).first('id')).id;
    const created = await maria
      .post('/portal/demo/tickets')
      .field('_csrf', csrfFrom(form))
      .field('subject', 'Printer is down')
      .field('description', 'The office printer shows error 42.')
      .field('categoryId', String(website))
      .field('priorityId', '')
      .attach('attachments', PDF, { filename: 'error.pdf', contentType: 'application/pdf' })
      .expect(303);
    const url = created.headers.location as string;
    expect(url).to.match(/^\/portal\/demo\/tickets\/\d+$/);
    const ticketId = url.split('/').pop()!;

    const page = (await maria.get(url).expect(200)).text;
    expect(page)
      .to.match(/TIC-\d{4}/)
      .and.contain('Printer is down')
      .and.contain('The office printer shows error 42.');
    expect(page).to.contain('error.pdf');
    const fileUrl = /href="([^"]+\/attachments\/[^"]+)"/.exec(page)![1]!;
    const file = await maria.get(fileUrl).expect(200);
    expect(file.headers['content-disposition']).to.contain('error.pdf');

    // Another company: not listed, its page and file and acts are 404.
    expect((await priya.get('/portal/demo/tickets?tab=all').expect(200)).text).to.not.contain('Printer is down');
    await priya.get(url).expect(404);
    await priya.get(fileUrl).expect(404);
    const priyaPage = (await priya.get('/portal/demo/tickets').expect(200)).text;
    await priya
      .post(`${url}/close`)
      .type('form')
      .send({ _csrf: csrfFrom(priyaPage) })
      .expect(404);
    await priya
      .post(`${url}/replies`)
      .type('form')
      .send({ _csrf: csrfFrom(priyaPage), body: 'Hi' })
      .expect(404);

    // The act is in the activity log, which the agency's notifications are built from.
    const logged = await h.crm.db('client_activity_logs').where({ workspace_id: String(workspaceId), event: 'ticket.opened' });
    expect(logged).to.have.length(1);

    // Staff are notified, the ticket named by its ref and subject, leading to the CRM's page of the ticket.
    const staff = await signedInStaffAgent(h, 'demo');
    const notices = (await staff.get('/client-portal/notifications').set('Accept-Language', 'en').expect(200)).text;
    expect(notices)
      .to.contain('Opened a support ticket')
      .and.match(/TIC-\d{4} (&#39;|')Printer is down/);
    expect(notices).to.contain(`<a href="/tickets/${ticketId}" hx-boost="false">Open the ticket</a>`);

    // Staff answer in the CRM, and write a note the client never sees.
    const staffPage = (await staff.get(`/tickets/${ticketId}`).expect(200)).text;
    expect(staffPage).to.contain('Printer is down');
    await staff
      .post(`/tickets/${ticketId}/messages`)
      .type('form')
      .send({ _csrf: csrfFrom(staffPage), body: 'We are sending a technician.', status: 'waiting_on_client' })
      .expect(303);
    await staff
      .post(`/tickets/${ticketId}/messages`)
      .type('form')
      .send({ _csrf: csrfFrom(staffPage), body: 'Technician costs extra.', internal: 'on' })
      .expect(303);
    const answered = (await maria.get(url).expect(200)).text;
    expect(answered).to.contain('We are sending a technician.').and.contain('The agency is waiting for your answer.');
    expect(answered).to.not.contain('Technician costs extra.');
    // The client is told, by their notification preferences (the portal's list at least).
    const notified = (await maria.get('/portal/demo/notifications').expect(200)).text;
    expect(notified).to.match(/Your ticket TIC-\d{4} · Printer is down has news from the agency/);
    const notice = /href="(\/portal\/demo\/notifications\/[^"]+)"/.exec(notified)![1]!;
    const opened = await maria.get(notice);
    expect(opened.headers.location ?? opened.text).to.contain(`/portal/demo/tickets/${ticketId}`);

    // The client replies, then closes and rates, then reopens.
    await maria
      .post(`${url}/replies`)
      .type('form')
      .send({ _csrf: csrfFrom(answered), body: 'Thanks, Tuesday works.' })
      .expect(303);
    const replied = (await maria.get(url).expect(200)).text;
    expect(replied).to.contain('Thanks, Tuesday works.').and.not.contain('The agency is waiting for your answer.');
    // No survey while the ticket is open.
    await maria.get(`${url}/survey`).expect(409);
    await maria
      .post(`${url}/survey`)
      .type('form')
      .send({ _csrf: csrfFrom(replied), rating: '5' })
      .expect(409);
    await maria
      .post(`${url}/close`)
      .type('form')
      .send({ _csrf: csrfFrom(replied) })
      .expect(303);
    const closedPage = (await maria.get(url).expect(200)).text;
    expect(closedPage).to.contain('How did we do?').and.not.contain('id="reply-form"');
    expect(closedPage).to.contain(`href="${url}/survey"`);
    const surveyPage = (await maria.get(`${url}/survey`).expect(200)).text;
    expect(surveyPage).to.contain('How satisfied are you with how we handled this ticket?').and.contain('name="rating"');
    const wrong = await maria
      .post(`${url}/survey`)
      .type('form')
      .send({ _csrf: csrfFrom(surveyPage), rating: '9', comment: 'Kept as typed' })
      .expect(400);
    expect(wrong.text).to.contain('Choose one of the offered ratings.').and.contain('Kept as typed');
    const answered303 = await maria
      .post(`${url}/survey`)
      .type('form')
      .send({ _csrf: csrfFrom(surveyPage), rating: '5', comment: 'Quick and friendly.' })
      .expect(303);
    expect(answered303.headers.location).to.equal(`${url}/survey`);
    const thanks = (await maria.get(`${url}/survey`).expect(200)).text;
    expect(thanks).to.contain('Thank you for your answer.').and.contain('You rated this ticket 5 of 5');
    const rated = (await maria.get(url).expect(200)).text;
    expect(rated).to.contain('You rated this ticket 5 of 5').and.contain('Quick and friendly.');
    await maria
      .post(`${url}/replies`)
      .type('form')
      .send({ _csrf: csrfFrom(rated), body: 'One more thing' })
      .expect(409);
    await maria
      .post(`${url}/reopen`)
      .type('form')
      .send({ _csrf: csrfFrom(rated) })
      .expect(303);
    expect((await maria.get(url).expect(200)).text).to.contain('id="reply-form"');
    const events = (
      await h.crm
        .db('client_activity_logs')
        .where({ workspace_id: String(workspaceId) })
        .whereLike('event', 'ticket.%')
    ).map((row: { event: string }) => row.event);
    expect(events).to.have.members(['ticket.opened', 'ticket.replied', 'ticket.closed', 'ticket.rated', 'ticket.reopened']);
  });

  it("shows the files staff attach in the CRM at their answer, or on their own, to the client only, never a note's", async function () {
    const form = (await maria.get('/portal/demo/tickets/new').expect(200)).text;
    const url = (
      await maria
        .post('/portal/demo/tickets')
        .type('form')
        .send({ _csrf: csrfFrom(form), subject: 'Need the invoice copy', description: 'Please send a copy.' })
        .expect(303)
    ).headers.location as string;
    const ticketId = url.split('/').pop()!;
    const staff = await signedInStaffAgent(h, 'demo');
    const staffPage = (await staff.get(`/tickets/${ticketId}`).expect(200)).text;
    const token = csrfFrom(staffPage);
    const send = (fields: Record<string, string>, files: Array<[Buffer, string]>) => {
      const request = staff.post(`/tickets/${ticketId}/messages`).field('_csrf', token);
      for (const [name, value] of Object.entries(fields)) request.field(name, value);
      for (const [content, filename] of files) request.attach('attachments', content, { filename });
      return request;
    };
    await send({ body: 'Here is the copy.' }, [[PDF, 'invoice-copy.pdf']]).expect(303);
    await send({}, [[PDF, 'terms.pdf']]).expect(303);
    await send({ body: 'Our margin sheet.', internal: 'on' }, [[PDF, 'margins.pdf']]).expect(303);
    // The portal's rules: the type by its bytes, and no file without its note's text on an internal note.
    const refused = await send({ body: 'A program' }, [[Buffer.from('MZ\x90\x00 not a document'), 'tool.pdf']]).expect(400);
    expect(refused.text).to.contain('this type of file is not accepted');
    await send({ internal: 'on' }, [[PDF, 'secret.pdf']]).expect(400);

    const staffShown = (await staff.get(`/tickets/${ticketId}`).expect(200)).text;
    expect(staffShown).to.contain('invoice-copy.pdf').and.contain('terms.pdf').and.contain('margins.pdf').and.not.contain('tool.pdf');
    const staffFile = /href="(\/tickets\/\d+\/files\/\d+)"/.exec(staffShown)![1]!;
    expect((await staff.get(staffFile).expect(200)).headers['content-disposition']).to.contain('attachment');

    const page = (await maria.get(url).expect(200)).text;
    expect(page).to.contain('invoice-copy.pdf').and.contain('terms.pdf').and.not.contain('margins.pdf');
    // With the answer it came with: in the same conversation entry as its text.
    const answer = page.slice(page.indexOf('Here is the copy.'));
    expect(answer.slice(0, answer.indexOf('</li>') + 1 || undefined)).to.contain('invoice-copy.pdf');
    const fileUrls = [...page.matchAll(/href="([^"]+\/files\/[^"]+)"/g)].map((m) => m[1]!);
    expect(fileUrls).to.have.length(2);
    const download = await maria.get(fileUrls[0]!).expect(200);
    expect(download.headers['content-disposition']).to.contain('attachment');
    expect(download.headers['x-content-type-options']).to.equal('nosniff');

    // Another company's client, and a note's file by its id: 404.
    for (const fileUrl of fileUrls) await priya.get(fileUrl).expect(404);
    const noteFile = await h.crm.db('ticket_files').where({ workspace_id: workspaceId, filename: 'margins.pdf' }).first('id');
    await maria.get(`${url}/files/${noteFile.id}`).expect(404);
    await maria.get(`${url}/files/not-a-file`).expect(404);

    // The client is told as for an answer.
    const notified = (await maria.get('/portal/demo/notifications').expect(200)).text;
    expect(notified).to.match(/Your ticket TIC-\d{4} · Need the invoice copy has news from the agency/);
  });

  it("puts the person's ticket files and ratings in their data export, and erasure anonymises them", async function () {
    const data = (await maria.get('/portal/demo/account/data').expect(200)).text;
    await maria
      .post('/portal/demo/account/data/export')
      .type('form')
      .send({ _csrf: csrfFrom(data) })
      .expect(303);
    await h.crm.portal.dataExports.run();
    const ready = (await maria.get('/portal/demo/account/data').expect(200)).text;
    const href = /href="([^"]+\/download)"/.exec(ready)![1]!;
    const binary = (res: { on(e: string, f: (c: Buffer) => void): void }, done: (err: Error | null, body: Buffer) => void) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    };
    const zip = await unzip((await maria.get(href).buffer(true).parse(binary).expect(200)).body as Buffer);
    const json = JSON.parse(zip.get('tickets.json')!.toString('utf8')) as {
      files: Array<{ filename: string; path: string | null }>;
      ratings: Array<{ rating: number; comment: string | null }>;
    };
    expect(json.files.map((f) => f.filename)).to.include('error.pdf');
    const path = json.files.find((f) => f.filename === 'error.pdf')!.path!;
    expect(zip.get(path)?.subarray(0, 5).toString()).to.equal('%PDF-');
    expect(json.ratings).to.deep.equal([{ ...json.ratings[0], rating: 5, comment: 'Quick and friendly.' }]);

    const user = await h.crm
      .db('client_users')
      .where({ workspace_id: String(workspaceId), email: 'maria@northwind.test' })
      .first('id');
    const hook = ticketsPersonalData({ db: h.crm.db, storage: h.crm.portal.files });
    const erased = await h.crm.db.transaction((trx) =>
      hook.erase(trx, { workspaceId: String(workspaceId), id: user.id, contactId: '', clientId: '', email: '' }),
    );
    expect(erased.counts).to.deep.equal({ ticketFiles: 1, ticketRatings: 1 });
    const file = await h.crm
      .db('portal_ticket_attachments')
      .where({ workspace_id: String(workspaceId), filename: 'error.pdf' })
      .first();
    expect(file).to.include({ client_user_id: null, author_name: 'Former contact' });
    const rating = await h.crm
      .db('portal_ticket_ratings')
      .where({ workspace_id: String(workspaceId), rating: 5 })
      .first();
    expect(rating).to.include({ client_user_id: null, comment: null });
  });

  it('refuses a form without a subject, a foreign category and files while uploads are off, with a reason', async function () {
    const form = (await maria.get('/portal/demo/tickets/new').expect(200)).text;
    const empty = await maria
      .post('/portal/demo/tickets')
      .type('form')
      .send({ _csrf: csrfFrom(form), subject: '', description: 'x' })
      .expect(400);
    expect(empty.text).to.contain('Enter a subject.');
    const acme = (await h.crm.db('workspaces').where({ slug: 'acme' }).first('id')).id;
    const foreign = (await h.crm.db('ticket_categories').where({ workspace_id: acme }).first('id')).id;
    const refused = await maria
      .post('/portal/demo/tickets')
      .type('form')
      .send({ _csrf: csrfFrom(form), subject: 'S', description: 'D', categoryId: String(foreign) })
      .expect(400);
    expect(refused.text).to.contain('Choose one of the offered options.');
    await setSettings({ show_tickets: true, allow_file_uploads: false });
    const plain = (await maria.get('/portal/demo/tickets/new').expect(200)).text;
    expect(plain).to.not.contain('name="attachments"');
    await openWithFile(maria, plain, { subject: 'With a file', description: 'D' }, 403);
    expect(await h.crm.db('tickets').where({ workspace_id: workspaceId, subject: 'With a file' })).to.have.length(0);
  });

  describe('how many tickets one opens', function () {
    const open = async (agent: typeof maria, subject: string, status: number) => {
      const form = (await agent.get('/portal/demo/tickets/new').expect(200)).text;
      return agent
        .post('/portal/demo/tickets')
        .type('form')
        .send({ _csrf: csrfFrom(form), subject, description: 'D' })
        .expect(status);
    };
    /** What a refused ticket must not add to: the CRM's tickets, the activity staff are told from, stored files. */
    const rowsIn = async (table: string) =>
      (
        await h.crm
          .db(table)
          .where({ workspace_id: String(workspaceId) })
          .count({ n: '*' })
      )[0]!.n;
    const written = async () => ({
      tickets: await rowsIn('tickets'),
      activity: await rowsIn('client_activity_logs'),
      files: await rowsIn('portal_files'),
    });

    before(async function () {
      // Counted afresh: the tickets opened above counted too.
      await h.crm.db('portal_rate_limits').where('key', 'like', 'ticket:%').delete();
    });

    it("refuses a person's eleventh ticket in an hour with the form filled in and when to try again, sending nothing", async function () {
      for (let i = 1; i <= TICKET_LIMITS.ticketsPerPerson.points; i++) await open(maria, `Limit ${i}`, 303);
      const before = await written();
      const form = (await maria.get('/portal/demo/tickets/new').expect(200)).text;
      const refused = await openWithFile(maria, form, { subject: 'One too many', description: 'Kept as typed' }, 429);
      expect(refused.headers['retry-after']).to.match(/^\d+$/);
      expect(refused.text)
        .to.contain('You have opened many tickets in a short time. You can open another in 60 minutes; this one was not sent.')
        .and.contain('value="One too many"')
        .and.contain('Kept as typed');
      expect(await written()).to.deep.equal(before);
      const german = await maria.get('/portal/demo/tickets/new').set('Accept-Language', 'de').expect(200);
      const germanRefusal = await maria
        .post('/portal/demo/tickets')
        .set('Accept-Language', 'de')
        .type('form')
        .send({ _csrf: csrfFrom(german.text), subject: 'Noch eins', description: 'D' })
        .expect(429);
      expect(germanRefusal.text).to.contain(
        'Sie haben in kurzer Zeit viele Tickets eröffnet. In 60 Minuten können Sie ein weiteres eröffnen',
      );
      expect(await h.crm.db('tickets').where({ workspace_id: workspaceId, subject: 'One too many' })).to.have.length(0);
    });

    it("refuses a colleague once the company's limit is spent, and holds no other company", async function () {
      const olivia = await signedInAgent(h.agent(), 'demo', login('olivia@northwind.test'));
      const northwind = (
        await h.crm
          .db('client_users')
          .where({ workspace_id: String(workspaceId), email: 'maria@northwind.test' })
          .first('client_id')
      ).client_id as string;
      // Maria's ten counted for Northwind; the rest of the company's hour as other colleagues would spend it.
      const limiter = new RateLimiter(h.crm.db);
      for (let i = TICKET_LIMITS.ticketsPerPerson.points; i < TICKET_LIMITS.ticketsPerCompany.points; i++)
        await limiter.consume(TICKET_LIMITS.ticketsPerCompany, `${workspaceId}:${northwind}`);
      const before = await written();
      const refused = await open(olivia, 'From a colleague', 429);
      expect(refused.text).to.contain('Your company has opened many tickets in a short time. You can open another in');
      expect(refused.text).to.contain('value="From a colleague"');
      expect(await written()).to.deep.equal(before);
      // Bluebell has counters of its own.
      await open(priya, 'Bluebell is not held', 303);
      expect(await h.crm.db('tickets').where({ workspace_id: workspaceId, subject: 'Bluebell is not held' })).to.have.length(1);
    });
  });
});
