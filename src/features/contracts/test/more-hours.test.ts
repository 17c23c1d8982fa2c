// Asks for more hours over HTTP against the reference CRM's demo: Maria asks for 1,5 more hours on
// Northwind's "Support hours" line (German numbers taken), sees her ask waiting on the contract's
// page, and a second ask on the same line is refused in words, also when forty arrive at once (one
// ask is kept); she withdraws it. The ask is logged and notified to the agency, linking to the
// contract's page in the CRM, where staff see it and answer it in words; Maria reads the answer on
// the page, in her notifications and in an email with the contract, the hours and the answer. Bad
// input comes back as typed with a message (422); the page speaks German and French; a host
// without a staff page for contracts offers no ask; another company's contract or line, a line
// without hours, and the section switched off are 404s; her export holds her asks and an erasure
// keeps them without her.
import { expect } from 'chai';
import type { Knex } from 'knex';
import { translator } from '../../../core/index.ts';
import {
  csrfFrom,
  signedInAgent,
  signedInStaffAgent,
  startPortalHarness,
  type PortalHarness,
  demoLogin,
} from '../../../../test/support/portal-harness.ts';

/** A text as EJS writes it into a page. */
const escapeText = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&#34;').replace(/'/g, '&#39;');

describe('asking for more hours on a contract', function () {
  let h: PortalHarness;
  let db: Knex;
  let maria: ReturnType<PortalHarness['agent']>;
  let priya: ReturnType<PortalHarness['agent']>;
  let workspaceId: number;
  let contractId: number;
  let lineId: number;
  let hostingLineId: number;
  let mariaUser: { id: string; client_id: string };
  let contractUrl: string;
  let askUrl: string;

  const login = (email: string) => demoLogin(h, email);
  const ask = async (agent: ReturnType<PortalHarness['agent']>, url: string, form: Record<string, string>, status: number) => {
    const page = await agent.get(contractUrl).expect(200);
    return agent
      .post(url)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), ...form })
      .expect(status);
  };
  const rows = () =>
    db('portal_contract_hour_requests')
      .where({ workspace_id: String(workspaceId) })
      .orderBy('asked_at');

  before(async function () {
    this.timeout(120_000);
    h = await startPortalHarness();
    db = h.crm.db;
    workspaceId = (await db('workspaces').where({ slug: 'demo' }).first('id')).id;
    contractId = (await db('contracts').where({ workspace_id: workspaceId, number: 'CT-2026-001' }).first('id')).id;
    lineId = (await db('contract_lines').where({ workspace_id: workspaceId, contract_id: contractId, name: 'Support hours' }).first('id'))
      .id;
    hostingLineId = (
      await db('contract_lines').where({ workspace_id: workspaceId, contract_id: contractId, name: 'Managed hosting' }).first('id')
    ).id;
    contractUrl = `/portal/demo/contracts/${contractId}`;
    askUrl = `${contractUrl}/lines/${lineId}/hours`;
    maria = await signedInAgent(h.agent(), 'demo', login('maria@northwind.test'));
    priya = await signedInAgent(h.agent(), 'demo', login('priya@bluebell.test'));
    mariaUser = await db('client_users')
      .where({ workspace_id: String(workspaceId), email: 'maria@northwind.test' })
      .first('id', 'client_id');
  });
  after(async function () {
    await h?.close();
  });
  beforeEach(async function () {
    await db('workspace_client_portal_settings')
      .insert({ workspace_id: String(workspaceId), show_contracts: true })
      .onConflict('workspace_id')
      .merge();
    await h.crm.portal.workspaceChanged(String(workspaceId));
    await db('portal_contract_hour_requests').delete();
  });

  it('offers the form on a line of hours only, and keeps an ask of 1,5 hours for this period, logged and notified', async function () {
    const page = (await maria.get(contractUrl).expect(200)).text;
    expect(page).to.contain('Ask for more hours').and.contain(`action="${askUrl}"`);
    // The hosting line has no allowance of hours: no form for it.
    expect(page).to.not.contain(`/lines/${hostingLineId}/hours`);
    expect(page).to.contain('we change the allowance in our records');

    const sent = await ask(maria, askUrl, { hours: '1,5', scope: 'this_period', note: 'For the spring campaign.' }, 303);
    expect(sent.headers.location).to.equal(`${contractUrl}?notice=asked#line-${lineId}`);
    const [row] = await rows();
    expect(row).to.include({ client_id: mariaUser.client_id, contract_id: String(contractId), line_id: String(lineId), state: 'pending' });
    expect(Number(row.hours)).to.equal(1.5);
    expect(row.scope).to.equal('this_period');
    expect(row.period_start).to.match(/^\d{4}-\d{2}-01$/);
    expect(row.asked_by).to.equal(mariaUser.id);

    const after = (await maria.get(`${contractUrl}?notice=asked`).expect(200)).text;
    expect(after).to.contain('We have your request for more hours');
    expect(after).to.contain('1.5 hours more').and.contain('Waiting for our answer').and.contain('For the spring campaign.');
    expect(after).to.contain(`/hours/${row.id}/withdraw`);
    // While one waits, the line offers no second form.
    expect(after).to.not.contain(`action="${askUrl}"`);

    const logged = await db('client_activity_logs')
      .where({ workspace_id: String(workspaceId), event: 'contract.hours_requested', client_user_id: mariaUser.id })
      .first('details');
    expect(logged.details).to.include({ requestId: row.id, contractId: String(contractId), lineId: String(lineId), hours: 1.5 });

    // The agency's notification opens the contract's page in the CRM, not the conversation.
    const staff = await signedInStaffAgent(h, 'demo');
    const list = (await staff.get('/client-portal/notifications').expect(200)).text;
    expect(list).to.contain('Asked for more hours on a contract');
    // How many, in the reader's words and numbers.
    expect(list).to.contain('1.5 hours').and.not.contain('1.5 h<');
    expect(list).to.contain(`href="/contracts/${contractId}"`);
  });

  it('refuses a second ask on the line while one waits, and keeps one ask when forty arrive at once', async function () {
    await ask(maria, askUrl, { hours: '2', scope: 'from_now_on' }, 303);
    const again = await ask(maria, askUrl, { hours: '3', scope: 'this_period', note: 'Again' }, 409);
    expect(again.text).to.contain('You already have a request for more hours waiting on Support hours');
    expect(await rows()).to.have.length(1);

    await db('portal_contract_hour_requests').delete();
    const page = await maria.get(contractUrl).expect(200);
    const csrf = csrfFrom(page.text);
    // Forty at once, as a double click pressed forty times: one is taken, the others are told why not.
    const all = await Promise.all(
      Array.from({ length: 40 }, () => maria.post(askUrl).type('form').send({ _csrf: csrf, hours: '4', scope: 'this_period' })),
    );
    expect(all.filter((res) => res.status === 303)).to.have.length(1);
    expect(all.filter((res) => res.status === 409)).to.have.length(39);
    expect(await rows()).to.have.length(1);
  });

  it('withdraws a waiting ask, and then takes a new one; a colleague cannot withdraw it, a client admin can', async function () {
    await ask(maria, askUrl, { hours: '2', scope: 'this_period' }, 303);
    const [row] = await rows();
    // Ben (Billing, who sees contracts) reads Maria's ask but may not withdraw it.
    const ben = await signedInAgent(h.agent(), 'demo', login('ben@northwind.test'));
    const benPage = (await ben.get(contractUrl).expect(200)).text;
    expect(benPage).to.contain('Waiting for our answer').and.not.contain(`/hours/${row.id}/withdraw`);
    await ben
      .post(`${contractUrl}/hours/${row.id}/withdraw`)
      .type('form')
      .send({ _csrf: csrfFrom(benPage) })
      .expect(404);
    expect((await rows())[0]).to.include({ state: 'pending' });
    const withdrawn = await ask(maria, `${contractUrl}/hours/${row.id}/withdraw`, {}, 303);
    expect(withdrawn.headers.location).to.equal(`${contractUrl}?notice=withdrawn`);
    expect((await rows())[0]).to.include({ state: 'withdrawn' });
    const page = (await maria.get(contractUrl).expect(200)).text;
    expect(page).to.contain('Withdrawn').and.contain(`action="${askUrl}"`);
    // Withdrawing it twice says it is no longer waiting.
    const twice = await ask(maria, `${contractUrl}/hours/${row.id}/withdraw`, {}, 303);
    expect(twice.headers.location).to.equal(`${contractUrl}?notice=notPending`);
    await ask(maria, askUrl, { hours: '3', scope: 'this_period' }, 303);
    expect((await rows()).map((r) => r.state)).to.deep.equal(['withdrawn', 'pending']);
    // Olivia, Northwind's client admin, may withdraw a colleague's ask.
    const olivia = await signedInAgent(h.agent(), 'demo', login('olivia@northwind.test'));
    const second = (await rows())[1]!;
    await ask(olivia, `${contractUrl}/hours/${second.id}/withdraw`, {}, 303);
    expect((await rows()).map((r) => r.state)).to.deep.equal(['withdrawn', 'withdrawn']);
  });

  it('lets staff answer on the CRM contract page; Maria reads it on the page, in her notifications and by email', async function () {
    h.smtp.clear();
    await ask(maria, askUrl, { hours: '5', scope: 'from_now_on', note: 'Launch month.' }, 303);
    const [row] = await rows();
    const staff = await signedInStaffAgent(h, 'demo');
    const staffPage = (await staff.get(`/contracts/${contractId}`).expect(200)).text;
    expect(staffPage).to.contain('Requests for more hours').and.contain('Support hours: 5 hours more, from now on');
    expect(staffPage).to.contain('maria@northwind.test').and.contain('Launch month.');
    expect(staffPage).to.contain('Answering does not change the allowance');
    const action = `/contracts/${contractId}/hour-requests/${row.id}/answer`;
    expect(staffPage).to.contain(`action="${action}"`);

    // No message: refused in words, the page again.
    const empty = await staff
      .post(action)
      .type('form')
      .send({ _csrf: csrfFrom(staffPage), answer: 'agreed', note: ' ' })
      .expect(400);
    expect(empty.text).to.contain('Write a message to the client.');
    await staff
      .post(action)
      .type('form')
      .send({ _csrf: csrfFrom(staffPage), answer: 'agreed', note: 'Agreed: 5 more hours a month from next month.' })
      .expect(303);
    const answered = (await rows())[0];
    expect(answered).to.include({ state: 'answered', answer: 'agreed', answer_note: 'Agreed: 5 more hours a month from next month.' });
    // Answered once: a second answer finds nothing waiting.
    const again = await staff
      .post(action)
      .type('form')
      .send({ _csrf: csrfFrom(staffPage), answer: 'declined', note: 'No' })
      .expect(409);
    expect(again.text).to.contain('withdrawn or answered meanwhile');

    const page = (await maria.get(contractUrl).expect(200)).text;
    expect(page).to.contain('Agreed').and.contain('Our answer: Agreed: 5 more hours a month from next month.');
    const notices = await db('portal_client_notifications').where({ client_user_id: mariaUser.id, kind: 'hours_answered' });
    expect(notices).to.have.length(1);
    expect((await maria.get('/portal/demo/notifications').expect(200)).text).to.contain(
      'Website care and support · Support hours: the agency answered your request for more hours',
    );

    const mail = await h.smtp.waitForMessage((m) => m.to.includes('maria@northwind.test') && m.subject.includes('More hours'));
    expect(mail.subject).to.equal('More hours on Website care and support: agreed');
    expect(mail.text).to.contain('agreed to your request for 5 hours more on Support hours (Website care and support)');
    expect(mail.text).to.contain('For: From now on, every period');
    expect(mail.text).to.contain('Their message: Agreed: 5 more hours a month from next month.');
    expect(mail.text).to.contain('changes the allowance in its records');
    expect(mail.text).to.contain(`/portal/demo/contracts/${contractId}`);
    expect(mail.text).to.not.match(/contracts:|moreHours\.|\d{4}-\d{2}-\d{2}T/);
    const logged = await db('client_activity_logs')
      .where({ workspace_id: String(workspaceId), event: 'contract.hours_answered' })
      .first('details');
    expect(logged.details).to.include({ requestId: row.id, answer: 'agreed', hours: 5 });
  });

  it('writes the email in the asker’s language, with German numbers and days', async function () {
    h.smtp.clear();
    await ask(maria, askUrl, { hours: '2,25', scope: 'this_period' }, 303);
    const [row] = await rows();
    await db('client_users').where({ id: mariaUser.id }).update({ locale: 'de' });
    try {
      const staff = await signedInStaffAgent(h, 'demo');
      const staffPage = (await staff.get(`/contracts/${contractId}`).expect(200)).text;
      await staff
        .post(`/contracts/${contractId}/hour-requests/${row.id}/answer`)
        .type('form')
        .send({ _csrf: csrfFrom(staffPage), answer: 'declined', note: 'Diesen Monat leider nicht.' })
        .expect(303);
      const mail = await h.smtp.waitForMessage((m) => m.to.includes('maria@northwind.test') && m.subject.includes('Mehr Stunden'));
      expect(mail.subject).to.equal('Mehr Stunden für Website care and support: abgelehnt');
      expect(mail.text).to.contain('2,25 Stunden zusätzlich für Support hours');
      expect(mail.text).to.match(/Für: Dieser Zeitraum \(01\.\d{2}\.\d{4} bis \d{2}\.\d{2}\.\d{4}\)/);
      expect(mail.text).to.contain('Die Nachricht dazu: Diesen Monat leider nicht.');
    } finally {
      await db('client_users').where({ id: mariaUser.id }).update({ locale: null });
    }
  });

  it('gives the form back as typed with a message (422) on bad input, never a 500', async function () {
    const cases: Array<[Record<string, string>, string]> = [
      [{ hours: 'lots', scope: 'this_period', note: 'Kept as typed' }, 'Enter the hours as a number'],
      [{ hours: '0,25', scope: 'this_period', note: 'Kept as typed' }, 'Ask for at least 0.5 and at most 1,000 hours'],
      [{ hours: '1001', scope: 'this_period', note: 'Kept as typed' }, 'Ask for at least 0.5 and at most 1,000 hours'],
      [{ hours: '2', scope: 'forever', note: 'Kept as typed' }, 'Choose this period or from now on'],
      [{ hours: '2', scope: 'this_period', note: 'x'.repeat(2001) }, 'The note is at most 2,000 characters'],
    ];
    for (const [form, message] of cases) {
      const res = await ask(maria, askUrl, form, 422);
      expect(res.text, form.hours).to.contain(message);
      expect(res.text).to.contain(`value="${form.hours}"`);
      if (form.note!.length < 100) expect(res.text).to.contain(`>${form.note}</textarea>`);
      expect(res.text).to.match(/<details class="more-hours__form" open>/);
    }
    expect(await rows()).to.have.length(0);
  });

  for (const locale of ['de', 'fr'] as const)
    it(`speaks ${locale} on the contract page: the ask, its state and the refused form, with no English words of it`, async function () {
      const t = translator(locale);
      const english = translator('en');
      await ask(maria, askUrl, { hours: '2', scope: 'from_now_on', note: 'Kept' }, 303);
      const [row] = await rows();
      await db('portal_contract_hour_requests')
        .where({ id: row.id })
        .update({ state: 'answered', answer: 'declined', answer_note: 'Nein' });
      await db('client_users').where({ id: mariaUser.id }).update({ locale });
      try {
        const refused = (await ask(maria, askUrl, { hours: 'viel', scope: 'this_period', note: '' }, 422)).text;
        const page = (await maria.get(`${contractUrl}?notice=asked`).expect(200)).text;
        for (const html of [refused, page]) {
          expect(html).to.contain(`lang="${locale}"`);
          for (const key of ['open', 'hours', 'scopeLabel', 'note', 'submit', 'state.declined', 'allowanceHint'])
            expect(html, key).to.contain(escapeText(t(`contracts:moreHours.${key}`)));
          for (const key of ['open', 'hours', 'submit', 'state.declined', 'allowanceHint', 'scope.from_now_on'])
            expect(html, `English ${key}`).to.not.contain(escapeText(english(`contracts:moreHours.${key}`)));
        }
        expect(refused).to.contain(escapeText(t('contracts:moreHours.errors.hours')));
        expect(page).to.contain(escapeText(t('contracts:moreHours.notices.asked')));
      } finally {
        await db('client_users').where({ id: mariaUser.id }).update({ locale: null });
      }
    });

  it('is a 404 for another company, a line without hours, an unknown line, and while the section is off', async function () {
    // Priya (Bluebell) reaches neither Northwind's contract nor its line, with a good form.
    const bluebellPage = (await priya.get('/portal/demo/contracts').expect(200)).text;
    await priya
      .post(askUrl)
      .type('form')
      .send({ _csrf: csrfFrom(bluebellPage), hours: '2', scope: 'this_period' })
      .expect(404);
    // …nor with a bad one: the contract is looked up first.
    await priya
      .post(askUrl)
      .type('form')
      .send({ _csrf: csrfFrom(bluebellPage), hours: 'x' })
      .expect(404);
    await ask(maria, `${contractUrl}/lines/${hostingLineId}/hours`, { hours: '2', scope: 'this_period' }, 404);
    await ask(maria, `${contractUrl}/lines/${hostingLineId}/hours`, { hours: 'x', scope: 'this_period' }, 404);
    await ask(maria, `${contractUrl}/lines/999999/hours`, { hours: '2', scope: 'this_period' }, 404);
    expect(await rows()).to.have.length(0);
    // A host with no contract page for its staff has nowhere to answer: no form, and no ask taken.
    const contracts = h.crm.adapter.contracts!;
    const staffPageOf = contracts.staffPageOf;
    delete contracts.staffPageOf;
    try {
      expect((await maria.get(contractUrl).expect(200)).text).to.not.contain('/hours"');
      await ask(maria, askUrl, { hours: '2', scope: 'this_period' }, 404);
    } finally {
      contracts.staffPageOf = staffPageOf;
    }
    expect(await rows()).to.have.length(0);

    // Maria's waiting ask cannot be withdrawn by Priya.
    await ask(maria, askUrl, { hours: '2', scope: 'this_period' }, 303);
    const [row] = await rows();
    await priya
      .post(`${contractUrl}/hours/${row.id}/withdraw`)
      .type('form')
      .send({ _csrf: csrfFrom(bluebellPage) })
      .expect(404);
    expect((await rows())[0]).to.include({ state: 'pending' });

    const page = await maria.get(contractUrl).expect(200);
    await db('workspace_client_portal_settings')
      .where({ workspace_id: String(workspaceId) })
      .update({ show_contracts: false });
    await h.crm.portal.workspaceChanged(String(workspaceId));
    await maria
      .post(askUrl)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), hours: '2', scope: 'this_period' })
      .expect(404);
    await maria
      .post(`${contractUrl}/hours/${row.id}/withdraw`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text) })
      .expect(404);
  });

  it('puts the asks in the person’s export, and an erasure keeps them without who asked and their note', async function () {
    await ask(maria, askUrl, { hours: '3', scope: 'this_period', note: 'My own words.' }, 303);
    const hooks = h.crm.portal.personalDataTables;
    expect(hooks).to.include('portal_contract_hour_requests');
    const { contractsPersonalData } = await import('../personal-data.ts');
    const hook = contractsPersonalData({ db });
    const user = await db('client_users').where({ id: mariaUser.id }).first();
    const exported = await hook.export({
      workspaceId: String(workspaceId),
      workspaceName: 'Demo',
      user,
      settings: {} as never,
      t: translator('en'),
    });
    const json = (exported.entries![0] as { json: { asks: Array<Record<string, unknown>> } }).json;
    expect(json.asks).to.have.length(1);
    expect(json.asks[0]).to.include({ hours: 3, note: 'My own words.', state: 'pending', lineId: String(lineId) });
    const erased = await db.transaction((trx) =>
      hook.erase(trx, {
        workspaceId: String(workspaceId),
        id: mariaUser.id,
        contactId: user.contact_id,
        clientId: mariaUser.client_id,
        email: user.email,
      }),
    );
    expect(erased.counts).to.deep.equal({ contractHourRequests: 1 });
    const [row] = await rows();
    expect(row).to.include({ asked_by: null, note: null, state: 'pending' });
    expect(Number(row.hours)).to.equal(3);
  });
});
