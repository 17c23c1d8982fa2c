// The documents and tasks pages on the second, Dolibarr-like host: files shared from its data
// root (a proposal's PDF and a file on the company itself, never a draft's or another entity's),
// project tasks with its own status codes, and closing a task written back as fk_statut 3.
import { expect } from 'chai';
import { csrfFrom, signedInAgent } from '../support/portal-harness.ts';
import { SECOND_LOGINS, SECOND_WORKSPACE, startSecondHost, type SecondHost } from '../support/second-host-harness.ts';

const BASE = `/portal/${SECOND_WORKSPACE}`;

describe('second host: documents and tasks', function () {
  let h: SecondHost;
  let claire: ReturnType<SecondHost['agent']>;

  before(async function () {
    this.timeout(120_000);
    h = await startSecondHost();
    claire = await signedInAgent(h.agent(), SECOND_WORKSPACE, { email: SECOND_LOGINS.claire.email, password: SECOND_LOGINS.claire.password });
  });
  after(async function () {
    await h?.close();
  });

  it('lists and streams what the host shares with the bakery, from its data root', async function () {
    const html = (await claire.get(`${BASE}/documents`).expect(200)).text;
    expect(html).to.contain('PR2601-0001.pdf').and.contain('opening-hours.txt').and.contain('Proposal PR2601-0001').and.contain('Bob Sales');
    expect(html, 'another company\'s invoice').to.not.contain('FA2601-0002.pdf');
    expect(html, 'another entity').to.not.contain('PR2601-0003.pdf');
    const id = (await h.db('llx_ecm_files').where({ filename: 'opening-hours.txt' }).first('rowid')).rowid;
    const res = await claire.get(`${BASE}/documents/shared/${id}/download`).expect(200);
    expect(res.text).to.equal('Monday to Saturday, 6:30 to 19:00\n');
    expect(res.headers['content-disposition']).to.contain('opening-hours.txt');
    const other = (await h.db('llx_ecm_files').where({ filename: 'FA2601-0002.pdf' }).first('rowid')).rowid;
    await claire.get(`${BASE}/documents/shared/${other}/download`).expect(404);
  });

  it('shows Claire\'s and the company\'s project tasks, not Sophie\'s or a draft, and closes one in the host\'s codes', async function () {
    const html = (await claire.get(`${BASE}/tasks`).expect(200)).text;
    expect(html).to.contain('Send logo files').and.contain('Approve the shop front colours').and.contain('Project PJ2601-0001 New shop front');
    expect(html, 'Sophie\'s').to.not.contain('Measure the window');
    expect(html, 'a draft').to.not.contain('Draft: night lighting');
    expect((await claire.get(`${BASE}/tasks?tab=done`).expect(200)).text).to.contain('Sign the quote');
    await claire.post(`${BASE}/tasks/1/done`).type('form').send({ _csrf: csrfFrom(html) }).expect(303);
    expect(await h.db('llx_projet_task').where({ rowid: 1 }).first('fk_statut', 'progress')).to.deep.equal({ fk_statut: 3, progress: 100 });
    await claire.post(`${BASE}/tasks/3/done`).type('form').send({ _csrf: csrfFrom(html) }).expect(404);
    await claire.post(`${BASE}/tasks/1/reopen`).type('form').send({ _csrf: csrfFrom(html) }).expect(303);
    expect((await h.db('llx_projet_task').where({ rowid: 1 }).first('fk_statut')).fk_statut).to.equal(1);
  });
});
