// Covers the ticket staff pages: the workspace's tickets by last activity, a ticket with its
// internal notes marked, an answer that moves the status with it, an internal note that tells the
// client nothing, a status change with its history, 400 with a reason, CSRF 403 and 404 across
// workspaces; files attached with an answer or on their own under the portal's upload rules (type
// by its bytes, count, size, the scanner). What the client is told comes through the plugins'
// recordChanged.
import { expect } from 'chai';
import type { CrmRecordChange } from '../../plugins/reference-crm/crm-plugin.ts';
import { ACME_ADMIN, DEMO_ADMIN, idOf, signIn, startCrm, textOf, type CrmTestContext, type SignedIn } from './support.ts';

describe('reference CRM ticket pages', function () {
  let crm: CrmTestContext;
  let demo: SignedIn;
  let acme: SignedIn;
  const told: CrmRecordChange[] = [];

  before(async function () {
    crm = await startCrm({
      plugins: [{ recordChanged: async (change) => void told.push(change) }],
      // A scanner that finds the EICAR test string, as clamd does.
      virusScanner: {
        scan: async (content) => {
          const chunks: Buffer[] = [];
          for await (const chunk of content) chunks.push(Buffer.from(chunk as Buffer));
          return Buffer.concat(chunks).includes('EICAR-STANDARD-ANTIVIRUS-TEST-FILE')
            ? { infected: true as const, signature: 'Eicar-Test-Signature' }
            : { infected: false as const };
        },
      },
    });
    demo = await signIn(crm.app, DEMO_ADMIN);
    acme = await signIn(crm.app, ACME_ADMIN);
  });

  after(async function () {
    await crm?.close();
  });

  it("lists the workspace's tickets, newest activity first, not another workspace's", async function () {
    const text = textOf((await demo.agent.get('/tickets').expect(200)).text);
    expect(text).to.include('Logo looks blurry on the invoices').and.include('Order page shows the wrong prices');
    expect(text.indexOf('Logo looks blurry')).to.be.lessThan(text.indexOf('Order page shows'));
    expect(textOf((await acme.agent.get('/tickets').expect(200)).text)).to.not.include('Logo looks blurry');
  });

  it('shows a ticket with its internal note marked, and 404 to another workspace', async function () {
    const id = await idOf(crm.db, 'tickets', { subject: 'Contact form on the website sends no email' }, 'demo');
    const text = textOf((await demo.agent.get(`/tickets/${id}`).expect(200)).text);
    expect(text).to.include('SMTP password rotated').and.include('internal note, not shown to the client');
    expect(text).to.include('Waiting on client');
    await acme.agent.get(`/tickets/${id}`).expect(404);
    await acme.agent.post(`/tickets/${id}/messages`).type('form').send({ _csrf: acme.csrf, body: 'Hi' }).expect(404);
  });

  it('shows an empty category and priority as a dash, in the list too', async function () {
    const id = await idOf(crm.db, 'tickets', { subject: 'Contact form on the website sends no email' }, 'demo');
    const kept = await crm.db('tickets').where({ id }).first('category_id', 'priority_id');
    await crm.db('tickets').where({ id }).update({ category_id: null, priority_id: null });
    try {
      const html = (await demo.agent.get(`/tickets/${id}`).expect(200)).text;
      expect(html).to.contain('<dt>Category</dt><dd>—</dd>').and.contain('<dt>Priority</dt><dd>—</dd>');
      expect((await demo.agent.get('/tickets').expect(200)).text).to.match(/<td>—<\/td>/);
    } finally {
      await crm.db('tickets').where({ id }).update(kept);
    }
  });

  it('answers with a status, writes a silent note, changes the status, and refuses what is not valid', async function () {
    const id = await idOf(crm.db, 'tickets', { subject: 'Logo looks blurry on the invoices' }, 'demo');
    told.length = 0;
    await demo.agent
      .post(`/tickets/${id}/messages`)
      .type('form')
      .send({ _csrf: demo.csrf, body: 'Could you send the printed page?', status: 'waiting_on_client' })
      .expect(303);
    expect(told.map((c) => [c.kind, c.id, c.happened])).to.deep.equal([['ticket', String(id), 'answered']]);
    await demo.agent
      .post(`/tickets/${id}/messages`)
      .type('form')
      .send({ _csrf: demo.csrf, body: 'Printer profile issue.', internal: 'on' })
      .expect(303);
    expect(told, 'an internal note tells the client nothing').to.have.length(1);
    await demo.agent.post(`/tickets/${id}/status`).type('form').send({ _csrf: demo.csrf, status: 'resolved' }).expect(303);
    expect(told).to.have.length(2);
    const row = await crm.db('tickets').where({ id }).first('status', 'closed_at');
    expect(row.status).to.equal('resolved');
    expect(row.closed_at).to.be.instanceOf(Date);
    const history = await crm.db('ticket_status_changes').where({ ticket_id: id }).orderBy('id').pluck('to_status');
    expect(history.slice(-2)).to.deep.equal(['waiting_on_client', 'resolved']);
    const empty = await demo.agent.post(`/tickets/${id}/messages`).type('form').send({ _csrf: demo.csrf, body: '' }).expect(400);
    expect(textOf(empty.text)).to.include('Write the answer or the note, or attach a file.');
    await demo.agent.post(`/tickets/${id}/status`).type('form').send({ _csrf: demo.csrf, status: 'lost' }).expect(400);
    await demo.agent.post(`/tickets/${id}/status`).type('form').send({ status: 'closed' }).expect(403);
  });

  it('attaches files with an answer or on their own, under the upload rules, and serves them to staff', async function () {
    const id = await idOf(crm.db, 'tickets', { subject: 'Order page shows the wrong prices' }, 'demo');
    const pdf = (text: string) => Buffer.from(`%PDF-1.4\n% ${text}\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n`);
    const send = (fields: Record<string, string>, files: Array<[Buffer, string]>, agent = demo) => {
      const request = agent.agent.post(`/tickets/${id}/messages`).field('_csrf', agent.csrf);
      for (const [name, value] of Object.entries(fields)) request.field(name, value);
      for (const [content, filename] of files) request.attach('attachments', content, { filename });
      return request;
    };
    told.length = 0;
    await send({ body: 'The price list, fixed.' }, [[pdf('prices'), 'prices.pdf']]).expect(303);
    await send({}, [[pdf('alone'), 'alone.pdf']]).expect(303);
    expect(
      told.map((c) => c.happened),
      'each tells the client as an answer does',
    ).to.deep.equal(['answered', 'answered']);
    const rows = await crm.db('ticket_files').where({ ticket_id: id }).orderBy('id').select('filename', 'message_id', 'content_type');
    expect(rows.map((r) => [r.filename, r.message_id === null, r.content_type])).to.deep.equal([
      ['prices.pdf', false, 'application/pdf'],
      ['alone.pdf', true, 'application/pdf'],
    ]);

    // Refused, storing nothing: a type by its bytes, too many files, one too large, one the scanner finds.
    const refusals: Array<[Record<string, string>, Array<[Buffer, string]>, string]> = [
      [{ body: 'A program' }, [[Buffer.from('MZ\x90\x00\x03 program'), 'tool.pdf']], 'this type of file is not accepted'],
      [{ body: 'Many' }, Array.from({ length: 6 }, (_, i): [Buffer, string] => [pdf(`n${i}`), `n${i}.pdf`]), 'Attach at most 5 files'],
      [{ body: 'Large' }, [[Buffer.concat([pdf('big'), Buffer.alloc(10 * 1024 * 1024)]), 'big.pdf']], 'at most 10 MB'],
      [
        { body: 'Infected' },
        [[Buffer.from('X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*'), 'eicar.txt']],
        'virus scanner',
      ],
      [{ internal: 'on' }, [[pdf('note'), 'note.pdf']], 'Write the note.'],
    ];
    for (const [fields, files, reason] of refusals) {
      const refused = await send(fields, files).expect(400);
      expect(textOf(refused.text), reason).to.include(reason);
    }
    expect(await crm.db('ticket_files').where({ ticket_id: id }).pluck('filename')).to.have.members(['prices.pdf', 'alone.pdf']);

    const page = (await demo.agent.get(`/tickets/${id}`).expect(200)).text;
    expect(textOf(page)).to.include('prices.pdf').and.include('Files for the client').and.include('alone.pdf');
    const href = /href="(\/tickets\/\d+\/files\/\d+)"/.exec(page)![1]!;
    const download = await demo.agent.get(href).expect(200);
    expect(download.headers['content-disposition']).to.contain('attachment');
    await acme.agent.get(href).expect(404);
    await send({ body: 'Hi' }, [[pdf('x'), 'x.pdf']], acme).expect(404);
    // Without the token in the action URL a multipart form is refused before it is read.
    await demo.agent.post(`/tickets/${id}/messages`).attach('attachments', pdf('y'), { filename: 'y.pdf' }).expect(403);
  });
});
