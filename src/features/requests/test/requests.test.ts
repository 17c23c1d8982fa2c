// The requests section over HTTP against the reference CRM: the catalogue shows only published
// definitions; a definition's form is built from its fields and checked on the server by a schema
// built from them (bad input comes back as typed, 422, each field's message); a quote request sent
// with a file lands in the CRM with the client's answers, its file kept by the portal, and is
// logged; "My requests" lists the company's requests newest first with a search and keyset pages;
// another company gets 404 for the request and its file. Staff answer in the CRM and the client
// is told (notification, live event); staff make a quotation from the request, prefilled and
// linked both ways, which the client opens from the request and accepts. Also the section's switch
// and permission, the person's data (export, erasure), and the limit on how many one person sends
// in an hour (429, the form as sent, nothing kept).
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
import { REQUEST_LIMITS } from '../limits.ts';
import { requestsPersonalData } from '../personal-data.ts';

const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

describe('client service and quote requests', function () {
  let h: PortalHarness;
  let maria: ReturnType<PortalHarness['agent']>;
  let priya: ReturnType<PortalHarness['agent']>;
  let workspaceId: number;

  const login = (email: string) => demoLogin(h, email);
  const setSettings = (values: Record<string, unknown>) => setPortalSettings(h, workspaceId, values);
  /** Spent sending limits forgotten (REQUEST_LIMITS): each test starts with the hour's full budget. */
  const forgetLimits = () => h.crm.db('portal_rate_limits').where('key', 'like', 'request:%').delete();
  const definitionId = async (name: string) =>
    String((await h.crm.db('request_definitions').where({ workspace_id: workspaceId, name }).first('id')).id);

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
    await setSettings({ show_requests: true, allow_file_uploads: true });
  });
  afterEach(async function () {
    await forgetLimits();
    await h.crm.db('workspace_client_portal_settings').delete();
    await h.crm.portal.workspaceChanged(String(workspaceId));
  });

  it('is a 404 while the section is off, and has no navigation entry', async function () {
    await setSettings({ show_requests: false });
    await maria.get('/portal/demo/requests').expect(404);
    await maria.get('/portal/demo/requests/mine').expect(404);
    await maria.get(`/portal/demo/requests/new/${await definitionId('Request a website change')}`).expect(404);
    const home = (await maria.get('/portal/demo/').expect(200)).text;
    expect(home).to.not.contain('/portal/demo/requests"');
    await setSettings({ show_requests: true });
    expect((await maria.get('/portal/demo/').expect(200)).text).to.contain('href="/portal/demo/requests"');
  });

  it('offers the published definitions by category, in the reader’s language, never an unpublished one', async function () {
    const page = (await maria.get('/portal/demo/requests').expect(200)).text;
    expect(page).to.contain('Request a quote for printing').and.contain('Request a website change');
    expect(page).to.contain('Quote request: answered with a quotation').and.contain('Print');
    expect(page, 'unpublished').to.not.contain('Book a photo shoot');
    const unpublished = await definitionId('Book a photo shoot');
    await maria.get(`/portal/demo/requests/new/${unpublished}`).expect(404);
    await maria.get('/portal/demo/requests/new/999999').expect(404);
    await maria.get('/portal/demo/requests/new/x%20y').expect(404);
    const german = (await maria.get('/portal/demo/requests').set('Accept-Language', 'de').expect(200)).text;
    expect(german).to.contain('Angebotsanfrage').and.not.contain('requests:');
  });

  it('builds the form from the definition and refuses bad input field by field, as typed (422)', async function () {
    const id = await definitionId('Request a quote for printing');
    const form = (await maria.get(`/portal/demo/requests/new/${id}`).expect(200)).text;
    expect(form).to.contain('name="f_product"').and.contain('name="f_quantity"').and.contain('name="attachments"');
    expect(form).to.contain('name="f_finishes__gloss"').and.contain('type="date"').and.contain('Between 50 and 100,000.');
    expect(form).to.contain('enctype="multipart/form-data"');
    const refused = await maria
      .post(`/portal/demo/requests/new/${id}`)
      .type('form')
      .send({ _csrf: csrfFrom(form), f_product: 'banners', f_quantity: '12', f_deadline: '2027-02-30', f_notes: 'Keep me' })
      .expect(422);
    expect(refused.text).to.contain('Choose one of the choices offered.');
    expect(refused.text).to.contain('This number is outside what the request allows');
    expect(refused.text).to.contain('Enter a real date');
    expect(refused.text, 'typed values come back').to.contain('value="12"').and.contain('Keep me');
    const missing = await maria
      .post(`/portal/demo/requests/new/${id}`)
      .type('form')
      .send({ _csrf: csrfFrom(form), f_quantity: 'many' })
      .expect(422);
    expect(missing.text).to.contain('Fill this in: the request needs it.').and.contain('Enter a number, e.g. 500.');
    const german = await maria
      .post(`/portal/demo/requests/new/${id}`)
      .set('Accept-Language', 'de')
      .type('form')
      .send({ _csrf: csrfFrom(form) })
      .expect(422);
    expect(german.text).to.contain('Bitte ausfüllen');
    expect(german.text, 'the bounds in German numbers').to.contain('Zwischen 50 und 100.000.');
    expect(await h.crm.db('service_requests').where({ workspace_id: workspaceId })).to.have.length(0);
  });

  it('sends a quote request with a file, shows it to the company and no other, and logs it', async function () {
    const id = await definitionId('Request a quote for printing');
    const form = (await maria.get(`/portal/demo/requests/new/${id}`).expect(200)).text;
    const sent = await maria
      .post(`/portal/demo/requests/new/${id}`)
      .field('_csrf', csrfFrom(form))
      .field('f_product', 'flyers')
      .field('f_quantity', '500')
      .field('f_deadline', '2027-05-31')
      .field('f_finishes__matte', 'on')
      .field('f_finishes__foil', 'on')
      .field('f_notes', 'Two-sided, A5.')
      .attach('attachments', PDF, { filename: 'artwork.pdf', contentType: 'application/pdf' })
      .expect(303);
    const url = sent.headers.location as string;
    expect(url).to.match(/^\/portal\/demo\/requests\/mine\/\d+$/);
    const requestId = Number(url.split('/').pop());

    const row = await h.crm.db('service_requests').where({ workspace_id: workspaceId, id: requestId }).first();
    expect(row).to.include({ status: 'submitted', kind: 'quote', title: 'Request a quote for printing' });
    expect(row.ref).to.match(/^REQ-\d{4}$/);
    expect(row.payload).to.deep.equal({
      product: 'flyers',
      quantity: 500,
      deadline: '2027-05-31',
      finishes: ['matte', 'foil'],
      artwork: ['artwork.pdf'],
      notes: 'Two-sided, A5.',
    });
    const maria_ = await h.crm.db('contacts').where({ workspace_id: workspaceId, email: 'maria@northwind.test' }).first('id', 'client_id');
    expect(row).to.include({ client_id: maria_.client_id, contact_id: maria_.id });

    const page = (await maria.get(url).expect(200)).text;
    expect(page).to.contain(row.ref).and.contain('Flyers').and.contain('Matte, Foil').and.contain('Two-sided, A5.');
    expect(page).to.contain('Sent').and.contain('We have not answered yet.');
    const fileUrl = /href="([^"]+\/files\/[^"]+)"/.exec(page)![1]!;
    const file = await maria.get(fileUrl).expect(200);
    expect(file.headers['content-disposition']).to.contain('artwork.pdf');

    // Listed for the company, newest first, found by its ref; never for another company.
    const mine = (await maria.get('/portal/demo/requests/mine').expect(200)).text;
    expect(mine).to.contain(`${row.ref}</span>`);
    expect((await maria.get(`/portal/demo/requests/mine?q=${row.ref}`).expect(200)).text).to.contain(`${row.ref}</span>`);
    expect((await maria.get('/portal/demo/requests/mine?q=nothing-like-it').expect(200)).text).to.contain('No request matches');
    expect((await priya.get('/portal/demo/requests/mine').expect(200)).text).to.not.contain(`${row.ref}</span>`);
    await priya.get(url).expect(404);
    await priya.get(fileUrl).expect(404);

    // The agency's staff page of the request lists the file and serves it.
    const staff = await signedInStaffAgent(h, 'demo');
    const staffPage = (await staff.get(`/requests/${requestId}`).expect(200)).text;
    const staffFile = /href="(\/requests\/\d+\/client-files\/[^"]+)"/.exec(staffPage)![1]!;
    expect(staffPage).to.contain('artwork.pdf');
    const download = await staff.get(staffFile).expect(200);
    expect(download.headers['content-disposition']).to.contain('artwork.pdf');
    await staff.get(`/requests/${requestId}/client-files/not-a-file`).expect(404);

    const logged = await h.crm.db('client_activity_logs').where({ workspace_id: String(workspaceId), event: 'request.submitted' });
    expect(logged).to.have.length(1);
    expect(logged[0].details).to.include({ requestId: String(requestId), ref: row.ref, kind: 'quote', files: 1 });
    const live = await h.crm.db('portal_live_events').where({ workspace_id: String(workspaceId), type: 'request-changed' });
    expect(live.map((e: { data: { requestId: string } }) => e.data.requestId)).to.include(String(requestId));
  });

  it('tells the client of the agency’s answer, and links the quotation made from the request both ways', async function () {
    const id = await definitionId('Request a quote for printing');
    const form = (await maria.get(`/portal/demo/requests/new/${id}`).expect(200)).text;
    const url = (
      await maria
        .post(`/portal/demo/requests/new/${id}`)
        .type('form')
        .send({ _csrf: csrfFrom(form), f_product: 'cards', f_quantity: '250', f_notes: 'Rounded corners.' })
        .expect(303)
    ).headers.location as string;
    const requestId = url.split('/').pop()!;
    const row = await h.crm
      .db('service_requests')
      .where({ workspace_id: workspaceId, id: Number(requestId) })
      .first('ref');

    // Staff see it, answer it and move it on; the client reads the answer and is notified.
    const staff = await signedInStaffAgent(h, 'demo');
    expect((await staff.get('/requests').expect(200)).text).to.contain(row.ref);
    const staffPage = (await staff.get(`/requests/${requestId}`).expect(200)).text;
    expect(staffPage).to.contain('Business cards').and.contain('Rounded corners.').and.contain('Create a quotation from this request');
    await staff
      .post(`/requests/${requestId}/answer`)
      .type('form')
      .send({ _csrf: csrfFrom(staffPage), answer: 'We will send a quotation tomorrow.', status: 'nope' })
      .expect(400);
    await staff
      .post(`/requests/${requestId}/answer`)
      .type('form')
      .send({ _csrf: csrfFrom(staffPage), answer: 'We will send a quotation tomorrow.', status: 'in_review' })
      .expect(303);
    const answered = (await maria.get(url).expect(200)).text;
    expect(answered).to.contain('We will send a quotation tomorrow.').and.contain('In review');
    const notified = (await maria.get('/portal/demo/notifications').expect(200)).text;
    // The notification says what happened: an answer written (the state moved too; the answer is the news).
    expect(notified).to.contain(`The agency answered your request ${row.ref} · Request a quote for printing`);
    expect(notified).to.not.contain('has news from the agency');
    const live = await h.crm.db('portal_live_events').where({ workspace_id: String(workspaceId), type: 'request-changed' });
    expect(
      live.filter((e: { data: { source?: string; requestId: string } }) => e.data.source === 'host' && e.data.requestId === requestId),
    ).to.have.length(1);
    // Told again with nothing changed (a host calling twice for one act): no second notification.
    const told = async () =>
      Number(
        (
          await h.crm
            .db('portal_client_notifications')
            .where({ workspace_id: String(workspaceId), kind: 'request_answered', subject_id: requestId })
            .count<{ count: string }[]>('* as count')
        )[0]!.count,
      );
    const before = await told();
    await h.crm.portal.hostRecordChanged({
      workspaceId: String(workspaceId),
      clientId: String(
        (
          await h.crm
            .db('service_requests')
            .where({ workspace_id: workspaceId, id: Number(requestId) })
            .first('client_id')
        ).client_id,
      ),
      kind: 'request',
      id: requestId,
      happened: 'answered',
      title: 'Request a quote for printing',
      number: row.ref,
      occurrence: 'answer:again',
    });
    expect(await told()).to.equal(before);

    // A quotation from the request: the form is prefilled with the client, the request and a line.
    await staff.get('/quotations/new?request=999999').expect(404);
    const newForm = (await staff.get(`/quotations/new?request=${requestId}`).expect(200)).text;
    expect(newForm).to.contain(`name="requestId" value="${requestId}"`).and.contain(`(${row.ref})`).and.contain('Quantity: 250');
    const client = await h.crm
      .db('service_requests')
      .where({ workspace_id: workspaceId, id: Number(requestId) })
      .first('client_id');
    const otherClient = await h.crm.db('clients').where({ workspace_id: workspaceId }).whereNot('id', client.client_id).first('id');
    const quotation = {
      _csrf: csrfFrom(newForm),
      requestId,
      title: `Business cards (${row.ref})`,
      body: 'As asked.',
      currency: 'EUR',
      validUntil: '',
      status: 'sent',
      'items[0][description]': 'Business cards, rounded corners',
      'items[0][quantity]': '250',
      'items[0][unitPrice]': '0.40',
    };
    // For another client than the one who asked: refused, nothing made.
    await staff
      .post('/quotations')
      .type('form')
      .send({ ...quotation, clientId: String(otherClient.id) })
      .expect(400);
    expect(await h.crm.db('quotations').where({ workspace_id: workspaceId, title: quotation.title })).to.have.length(0);
    const made = await staff
      .post('/quotations')
      .type('form')
      .send({ ...quotation, clientId: String(client.client_id) })
      .expect(303);
    const quotationId = (made.headers.location as string).split('/').pop()!;
    const linked = await h.crm
      .db('service_requests')
      .where({ workspace_id: workspaceId, id: Number(requestId) })
      .first('quotation_id', 'status');
    expect(linked).to.deep.equal({ quotation_id: Number(quotationId), status: 'answered' });
    expect((await staff.get(`/quotations/${quotationId}`).expect(200)).text)
      .to.contain(`In answer to the client’s request`)
      .and.contain(row.ref);

    // The client: told it was answered with the quotation, by its number; the request links the
    // quotation, and the quotation names the request.
    const number = (
      await h.crm
        .db('quotations')
        .where({ workspace_id: workspaceId, id: Number(quotationId) })
        .first('number')
    ).number;
    expect((await maria.get('/portal/demo/notifications').expect(200)).text).to.contain(
      `Your request ${row.ref} · Request a quote for printing was answered with quotation ${number}`,
    );
    const withOffer = (await maria.get(url).expect(200)).text;
    expect(withOffer).to.contain('Answered').and.contain(`href="/portal/demo/quotations/${quotationId}"`);
    const offerPage = (await maria.get(`/portal/demo/quotations/${quotationId}`).expect(200)).text;
    expect(offerPage).to.contain(`In answer to your request ${row.ref}`).and.contain(`href="/portal/demo/requests/mine/${requestId}"`);
    // Without the requests section the quotation stays, and names no request.
    await setSettings({ show_requests: false });
    expect((await maria.get(`/portal/demo/quotations/${quotationId}`).expect(200)).text).to.not.contain('In answer to your request');
  });

  it("shows a file of 1,434 bytes as 1.4 KB to the client and on the agency's page alike", async function () {
    const id = await definitionId('Request a quote for printing');
    const form = (await maria.get(`/portal/demo/requests/new/${id}`).expect(200)).text;
    const file = Buffer.concat([PDF, Buffer.alloc(1434 - PDF.length, 0x20)]);
    const sent = await maria
      .post(`/portal/demo/requests/new/${id}`)
      .field('_csrf', csrfFrom(form))
      .field('f_product', 'flyers')
      .field('f_quantity', '100')
      .attach('attachments', file, { filename: 'sized.pdf', contentType: 'application/pdf' })
      .expect(303);
    const url = sent.headers.location as string;
    const requestId = Number(url.split('/').pop());
    expect((await maria.get(url).expect(200)).text).to.contain('1.4 KB');
    const staff = await signedInStaffAgent(h, 'demo');
    expect((await staff.get(`/requests/${requestId}`).expect(200)).text).to.contain('1.4 KB');
  });

  it('sends a request without files as a plain form, and pages the list newest first', async function () {
    const id = await definitionId('Request a website change');
    const form = (await maria.get(`/portal/demo/requests/new/${id}`).expect(200)).text;
    expect(form).to.not.contain('enctype="multipart/form-data"');
    const refs: string[] = [];
    for (let i = 1; i <= 27; i++) {
      // Two pages need more requests than one person may send in an hour.
      if (i % REQUEST_LIMITS.requestsPerPerson.points === 0) await forgetLimits();
      const sent = await maria
        .post(`/portal/demo/requests/new/${id}`)
        .type('form')
        .send({ _csrf: csrfFrom(form), f_page: `Page ${i}`, f_change: 'New opening hours', ...(i === 1 ? { f_urgent: 'on' } : {}) })
        .expect(303);
      const requestId = Number((sent.headers.location as string).split('/').pop());
      refs.push((await h.crm.db('service_requests').where({ workspace_id: workspaceId, id: requestId }).first('ref')).ref);
    }
    const first = await h.crm.db('service_requests').where({ workspace_id: workspaceId, ref: refs[0] }).first('payload');
    expect(first.payload).to.deep.equal({ page: 'Page 1', change: 'New opening hours', urgent: true });
    const page1 = (await maria.get('/portal/demo/requests/mine').expect(200)).text;
    expect(page1.indexOf(refs[26]!)).to.be.greaterThan(-1).and.lessThan(page1.indexOf(refs[25]!));
    expect(page1).to.not.contain(`${refs[0]}<`);
    const next = /href="([^"]+after=[^"]+)"/.exec(page1)![1]!.replaceAll('&amp;', '&');
    const page2 = (await maria.get(next).expect(200)).text;
    expect(page2).to.contain(`${refs[0]}<`).and.not.contain(`${refs[26]}<`);
    await maria.get('/portal/demo/requests/mine?after=%%%').expect(400);
  });

  it('holds one person to ten requests an hour, the form coming back as sent', async function () {
    const id = await definitionId('Request a website change');
    const csrf = csrfFrom((await maria.get(`/portal/demo/requests/new/${id}`).expect(200)).text);
    const send = (agent: typeof maria, page: string) =>
      agent.post(`/portal/demo/requests/new/${id}`).type('form').send({ _csrf: csrf, f_page: page, f_change: 'New opening hours' });
    const before = await h.crm.db('service_requests').where({ workspace_id: workspaceId }).count<{ count: string }[]>('* as count');
    for (let i = 1; i <= REQUEST_LIMITS.requestsPerPerson.points; i++) await send(maria, `Page ${i}`).expect(303);
    const refused = await send(maria, 'One too many').expect(429);
    expect(refused.text).to.contain('You have sent many requests in a short time');
    expect(refused.text, 'the form as sent').to.contain('value="One too many"');
    expect(Number(refused.headers['retry-after'])).to.be.within(1, REQUEST_LIMITS.requestsPerPerson.blockSeconds);
    const after = await h.crm.db('service_requests').where({ workspace_id: workspaceId }).count<{ count: string }[]>('* as count');
    expect(Number(after[0]!.count) - Number(before[0]!.count)).to.equal(REQUEST_LIMITS.requestsPerPerson.points);
    // Another company's person has a budget of their own.
    const priyaCsrf = csrfFrom((await priya.get(`/portal/demo/requests/new/${id}`).expect(200)).text);
    await priya
      .post(`/portal/demo/requests/new/${id}`)
      .type('form')
      .send({ _csrf: priyaCsrf, f_page: 'Bluebell', f_change: 'New opening hours' })
      .expect(303);
  });

  it('refuses files while uploads are off, keeping nothing', async function () {
    await setSettings({ show_requests: true, allow_file_uploads: false });
    const id = await definitionId('Request a quote for printing');
    const form = (await maria.get(`/portal/demo/requests/new/${id}`).expect(200)).text;
    expect(form).to.not.contain('name="attachments"');
    await maria
      .post(`/portal/demo/requests/new/${id}`)
      .field('_csrf', csrfFrom(form))
      .field('f_product', 'posters')
      .field('f_quantity', '777')
      .attach('attachments', PDF, { filename: 'card.pdf', contentType: 'application/pdf' })
      .expect(403);
    expect(await h.crm.db('service_requests').where({ workspace_id: workspaceId }).whereRaw("payload->>'quantity' = '777'")).to.have.length(
      0,
    );
  });

  it("exports the person's request files and unlinks them on erasure", async function () {
    const user = await h.crm
      .db('client_users')
      .where({ workspace_id: String(workspaceId), email: 'maria@northwind.test' })
      .first('id');
    const hook = requestsPersonalData({ db: h.crm.db, storage: h.crm.portal.files });
    const exported = await hook.export({ workspaceId: String(workspaceId), user } as never);
    const json = (exported.entries ?? []).find((e) => e.path === 'requests.json') as {
      json: { files: Array<{ filename: string; path: string }> };
    };
    expect(json.json.files.map((f) => f.filename)).to.include('artwork.pdf');
    expect((exported.entries ?? []).some((e) => e.path === json.json.files[0]!.path)).to.equal(true);
    // Every file the person sent (this file's other tests send some too), each exported, each unlinked.
    const sent = await h.crm.db('portal_request_attachments').where({ workspace_id: String(workspaceId), client_user_id: user.id });
    expect(json.json.files).to.have.length(sent.length);
    const erased = await h.crm.db.transaction((trx) =>
      hook.erase(trx, { workspaceId: String(workspaceId), id: user.id, contactId: '', clientId: '', email: '' }),
    );
    expect(erased.counts).to.deep.equal({ requestFiles: sent.length });
    const file = await h.crm
      .db('portal_request_attachments')
      .where({ workspace_id: String(workspaceId), filename: 'artwork.pdf' })
      .first();
    expect(file).to.include({ client_user_id: null });
  });
});
