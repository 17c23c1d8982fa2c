// EspoCRM's cases served from bindings/espocrm.yaml on EspoCRM's real schema (espocrm.sql), with
// rows seeded as EspoCRM stores them: a contact, invited and setting the portal's own password,
// lists their company's cases (never another account's, never an internal one), reads a case's
// stream without its internal notes, opens a case and posts on it (the rows then read as
// EspoCRM's screens read them), closes and reopens it; a file without a write offers none of it.
// `check` reports the section, a write naming an undeclared key is refused, and the shared
// TicketsPort contract runs on the same binding.
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { Knex } from 'knex';
import request from 'supertest';
import { createFileBinding } from '../../plugins/file-binding/adapter.ts';
import { checkBindingFile } from '../../plugins/file-binding/check.ts';
import { newKey } from '../../plugins/file-binding/keys.ts';
import { readBindingFile } from '../../plugins/file-binding/load.ts';
import { inviteContact } from '../../plugins/standalone/invite.ts';
import { describeTicketsContract } from '../contract/tickets-contract.ts';
import { csrfFrom, postPasswordSignIn } from '../support/portal-harness.ts';
import { acceptInvitation } from '../support/test-host.ts';
import { realSchemaUnavailable } from './real-schema.ts';
import {
  bindingFromFile,
  invitationTo,
  type RealCrm,
  type SeededCrm,
  seededCrm,
  type ServedBindingFile,
  serveBindingFile,
} from './serve-binding-file.ts';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const FILE = path.join(ROOT, 'bindings/espocrm.yaml');
const SLUG = 'espocrm';
const reason = realSchemaUnavailable();

const at = (minutes: number) => new Date(Date.UTC(2026, 10, 20, 9, minutes)).toISOString().replace('T', ' ').slice(0, 19);

/** A person's primary email, as EspoCRM's Email field converter keeps it. */
async function email(db: Knex, entityType: string, entityId: string, address: string) {
  const id = newKey('hex17');
  await db('email_address').insert({ id, name: address, lower: address.toLowerCase(), deleted: false });
  await db('entity_email_address').insert({
    entity_id: entityId,
    email_address_id: id,
    entity_type: entityType,
    primary: true,
    deleted: false,
  });
}

/** A post on a case's stream, as EspoCRM's stream writes one (internal: only its users see it). */
async function post(db: Knex, caseId: string, userId: string | null, body: string, minute: number, internal = false) {
  const id = newKey('hex17');
  await db('note').insert({
    id,
    deleted: false,
    post: body,
    type: 'Post',
    parent_id: caseId,
    parent_type: 'Case',
    is_internal: internal,
    is_global: false,
    is_pinned: false,
    created_at: at(minute),
    modified_at: at(minute),
    created_by_id: userId,
  });
  return id;
}

/** Two accounts, a contact of each (the first with a portal user), a staff user, and cases with their streams. */
async function seedEspo(db: Knex) {
  await db('account').insert([
    { id: 'acc00000000000001', name: 'Bars Bakery', deleted: false },
    { id: 'acc00000000000002', name: 'Other Co', deleted: false },
  ]);
  await db('contact').insert([
    { id: 'con00000000000001', first_name: 'Claire', last_name: 'Baker', account_id: 'acc00000000000001', deleted: false },
    { id: 'con00000000000002', first_name: 'Oscar', last_name: 'Other', account_id: 'acc00000000000002', deleted: false },
  ]);
  await email(db, 'Contact', 'con00000000000001', 'claire@bars.test');
  await email(db, 'Contact', 'con00000000000002', 'oscar@other.test');
  await db('user').insert([
    { id: 'usr00000000000001', user_name: 'sam', first_name: 'Sam', last_name: 'Staff', type: 'regular', is_active: true, deleted: false },
    // Claire's login to EspoCRM's own portal (a portal user of her contact).
    {
      id: 'usr00000000000002',
      user_name: 'claire',
      first_name: 'Claire',
      last_name: 'Baker',
      type: 'portal',
      contact_id: 'con00000000000001',
      is_active: true,
      deleted: false,
      created_at: at(0),
    },
  ]);
  await email(db, 'User', 'usr00000000000001', 'sam@agency.test');
  const kase = (id: string, name: string, account: string, status: string, minute: number, internal = false) => ({
    id,
    deleted: false,
    name,
    status,
    priority: 'Normal',
    type: 'Incident',
    description: `About ${name}`,
    account_id: account,
    contact_id: account === 'acc00000000000001' ? 'con00000000000001' : 'con00000000000002',
    is_internal: internal,
    created_at: at(minute),
    modified_at: at(minute),
    created_by_id: 'usr00000000000001',
  });
  await db('case').insert([
    kase('cas00000000000001', 'Oven will not heat', 'acc00000000000001', 'Assigned', 1),
    kase('cas00000000000002', 'Other company case', 'acc00000000000002', 'New', 2),
    kase('cas00000000000003', 'Staff-only review', 'acc00000000000001', 'New', 3, true),
    kase('cas00000000000004', 'Which flour?', 'acc00000000000001', 'Pending', 4),
  ]);
  await post(db, 'cas00000000000001', 'usr00000000000001', 'A technician comes on Monday.', 10);
  await post(db, 'cas00000000000001', 'usr00000000000001', 'Internal: bill them double.', 11, true);
  await post(db, 'cas00000000000001', 'usr00000000000002', 'Thank you!', 12);
}

const ESPOCRM: RealCrm = { schema: 'espocrm.sql', seed: seedEspo };

/** The Espo file without its ticket writes: cases read only. */
function readOnlyFile(): string {
  const text = readBindingFile(FILE);
  const { writes: _writes, ...tickets } = text.tickets!;
  const file = path.join(os.tmpdir(), `espocrm-read-only-${process.pid}.json`);
  writeFileSync(file, JSON.stringify({ ...text, tickets }));
  return file;
}

describe('EspoCRM cases from bindings/espocrm.yaml', function () {
  this.timeout(180_000);
  let crm: SeededCrm;
  let db: Knex;
  let served: ServedBindingFile | undefined;

  before(async function () {
    // No PostgreSQL server (DATABASE_URL) here: EspoCRM's schema loads only with psql into a server.
    if (reason) this.skip();
    crm = await seededCrm(ESPOCRM, { mail: true });
    db = crm.db;
  });
  after(async function () {
    await served?.close();
    await crm?.close();
  });

  async function serve(file: string) {
    await served?.close();
    served = await serveBindingFile(crm, { file, slug: SLUG });
    const { running } = served;
    // The agency switches the tickets section on, as its settings page does.
    await running
      .db('workspace_client_portal_settings')
      .insert({ workspace_id: SLUG, show_tickets: true })
      .onConflict('workspace_id')
      .merge();
    await running.portal.workspaceChanged(SLUG);
    return served.app;
  }

  it('check: the tickets section fits, with what one client sees of it and the writes declared', async function () {
    const report = await checkBindingFile(db, FILE);
    expect(report.problems).to.deep.equal([]);
    const text = report.lines.join('\n');
    // Newest activity first: the oven's case has the newer posts.
    expect(text, text).to.match(/ {2}tickets: \d+ open Oven will not heat; \d+ waiting Which flour\?\n/);
    expect(text).not.to.include('Other company case').and.not.include('Staff-only review');
    expect(text).to.include('2 messages the client sees (1 theirs)');
    expect(text).to.include('the client may: create, reply, close, reopen');
    expect(text).to.include('tickets.writes.create, tickets.writes.reply, tickets.writes.close, tickets.writes.reopen');
    const readOnly = await checkBindingFile(db, readOnlyFile());
    expect(readOnly.lines.join('\n')).to.include('the client may: only read (no ticket write declared)');
  });

  it('refuses a ticket write that names :new_id without newKey, and a create that cannot read its ticket back', async function () {
    const file = readBindingFile(FILE);
    const { newKey: _newKey, ...noKey } = file.tickets!;
    const refused = await createFileBinding(db, { ...file, tickets: noKey }, { name: 'no-key' }).catch((err: Error) => err.message);
    expect(refused).to.match(/^tickets\.writes\.create: statement 1: :new_id is not a parameter of this write/);
    const create = 'update "case" set name = :subject where account_id = :client and false';
    const unread = await createFileBinding(db, { ...file, tickets: { ...file.tickets!, writes: { create } } }, { name: 'no-read' }).catch(
      (err: Error) => err.message,
    );
    expect(unread).to.match(/tickets\.writes\.create: name :new_id \(with tickets\.newKey\) or return the new ticket's key/);
  });

  it("makes EspoCRM's keys: 17 lowercase hex characters, in the order they were made", function () {
    const keys = [newKey('hex17', Date.UTC(2026, 10, 30, 1)), newKey('hex17', Date.UTC(2026, 10, 30, 1, 0, 1))];
    for (const key of keys) expect(key).to.match(/^[0-9a-f]{17}$/);
    // PHP's uniqid() for that second: its seconds in 8 hex digits.
    expect(keys[0]!.slice(0, 8)).to.equal((Date.UTC(2026, 10, 30, 1) / 1000).toString(16));
    expect(keys[0]! < keys[1]!).to.equal(true);
    expect(newKey('uuid')).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it("signs Claire in, lists her company's cases only, reads a thread without internal notes, opens, answers, closes and reopens", async function () {
    const app = await serve(FILE);
    await inviteContact(served!.running, { email: 'claire@bars.test' });
    const password = 'claire-bakes-bread';
    const agent = await acceptInvitation(app, await invitationTo(crm, 'claire@bars.test'), password);

    const base = `/portal/${SLUG}/tickets`;
    const list = await agent.get(`${base}?tab=all`).expect(200);
    expect(list.text).to.include('Oven will not heat').and.include('Which flour?');
    expect(list.text).not.to.include('Other company case').and.not.to.include('Staff-only review');
    await agent.get(`${base}/cas00000000000002`).expect(404);
    await agent.get(`${base}/cas00000000000003`).expect(404);

    const thread = await agent.get(`${base}/cas00000000000001`).expect(200);
    expect(thread.text).to.include('A technician comes on Monday.').and.include('Thank you!').and.include('Sam Staff');
    expect(thread.text).not.to.include('bill them double');

    // A new case, as EspoCRM's portal opens one.
    const newForm = await agent.get(`${base}/new`).expect(200);
    expect(newForm.text).to.include('Urgent').and.include('Incident');
    const opened = await agent
      .post(base)
      .type('form')
      .send({
        _csrf: csrfFrom(newForm.text),
        subject: 'Mixer is noisy',
        description: 'Since Tuesday.',
        typeId: 'Problem',
        priorityId: 'High',
      });
    expect(opened.status, opened.text).to.equal(303);
    const made = await db('case').where({ name: 'Mixer is noisy' }).first();
    expect(made).to.include({
      status: 'New',
      priority: 'High',
      type: 'Problem',
      account_id: 'acc00000000000001',
      contact_id: 'con00000000000001',
      is_internal: false,
      deleted: false,
      created_by_id: 'usr00000000000002',
    });
    expect(made.id).to.match(/^[0-9a-f]{17}$/);
    expect(made.number).to.be.a('number').above(0);
    expect(await db('case_contact').where({ case_id: made.id, contact_id: 'con00000000000001', deleted: false })).to.have.length(1);

    // A post on its stream, as Claire's portal user.
    const page = await agent.get(`${base}/${made.id}`).expect(200);
    await agent
      .post(`${base}/${made.id}/replies`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), body: 'It squeaks now.' })
      .expect(303);
    const note = await db('note').where({ parent_id: made.id }).first();
    expect(note).to.include({
      type: 'Post',
      parent_type: 'Case',
      post: 'It squeaks now.',
      is_internal: false,
      created_by_id: 'usr00000000000002',
      deleted: false,
    });
    expect(Number(note.number)).to.be.above(0);

    // A reply on a case waiting on the client gives it back to the agency.
    const pending = await agent.get(`${base}/cas00000000000004`).expect(200);
    await agent
      .post(`${base}/cas00000000000004/replies`)
      .type('form')
      .send({ _csrf: csrfFrom(pending.text), body: 'Rye, please.' })
      .expect(303);
    expect((await db('case').where({ id: 'cas00000000000004' }).first()).status).to.equal('New');

    await agent
      .post(`${base}/${made.id}/close`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text) })
      .expect(303);
    expect((await db('case').where({ id: made.id }).first()).status).to.equal('Closed');
    await agent
      .post(`${base}/${made.id}/reopen`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text) })
      .expect(303);
    expect((await db('case').where({ id: made.id }).first()).status).to.equal('New');
    // Another company's case is not closed.
    await agent
      .post(`${base}/cas00000000000002/close`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text) })
      .expect(404);
    expect((await db('case').where({ id: 'cas00000000000002' }).first()).status).to.equal('New');

    // Served from a file that declares no write: no "New ticket", no reply form, each write a 404, nothing written.
    const readOnly = await serve(readOnlyFile());
    const reader = request.agent(readOnly);
    const signedIn = await postPasswordSignIn(reader, SLUG, { email: 'claire@bars.test', password });
    expect(signedIn.status, `${signedIn.status} ${signedIn.headers.location}`).to.equal(303);
    const listed = await reader.get(`${base}?tab=all`).expect(200);
    expect(listed.text).to.include('Mixer is noisy').and.not.include(`${base}/new`);
    const shown = await reader.get(`${base}/${made.id}`).expect(200);
    expect(shown.text).not.to.include('reply-form').and.not.include(`${made.id}/close`);
    const token = csrfFrom(shown.text);
    const cases = await db('case').count<[{ count: string }]>('* as count');
    const notes = await db('note').count<[{ count: string }]>('* as count');
    await reader.get(`${base}/new`).expect(404);
    await reader.post(base).type('form').send({ _csrf: token, subject: 'Nope', description: 'Nope' }).expect(404);
    await reader.post(`${base}/${made.id}/replies`).type('form').send({ _csrf: token, body: 'Nope' }).expect(404);
    await reader.post(`${base}/${made.id}/close`).type('form').send({ _csrf: token }).expect(404);
    expect(await db('case').count<[{ count: string }]>('* as count')).to.deep.equal(cases);
    expect(await db('note').count<[{ count: string }]>('* as count')).to.deep.equal(notes);
  });

  it('takes forty replies and forty closes sent at once on one case: each reply kept or refused by the limit, the case closed, no server error', async function () {
    const app = await serve(FILE);
    const agent = request.agent(app);
    // Claire's password is the one she set on her invitation in the test above.
    const signedIn = await postPasswordSignIn(agent, SLUG, { email: 'claire@bars.test', password: 'claire-bakes-bread' });
    expect(signedIn.status).to.equal(303);
    const base = `/portal/${SLUG}/tickets/cas00000000000001`;
    const page = await agent.get(base).expect(200);
    const token = csrfFrom(page.text);
    const before = Number((await db('note').where({ parent_id: 'cas00000000000001' }).count<[{ count: string }]>('* as count'))[0]!.count);
    const replies = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        agent
          .post(`${base}/replies`)
          .type('form')
          .send({ _csrf: token, body: `Burst message ${i}` }),
      ),
    );
    const statuses = replies.map((r) => r.status);
    expect(
      statuses.filter((s) => s >= 500),
      statuses.join(' '),
    ).to.deep.equal([]);
    expect(
      statuses.every((s) => s === 303 || s === 429),
      statuses.join(' '),
    ).to.equal(true);
    const kept = statuses.filter((s) => s === 303).length;
    expect(kept).to.be.above(0);
    const after = Number((await db('note').where({ parent_id: 'cas00000000000001' }).count<[{ count: string }]>('* as count'))[0]!.count);
    // Every reply answered 303 is one Post on EspoCRM's stream, each with its own key; none is lost or doubled.
    expect(after - before).to.equal(kept);
    const closes = await Promise.all(Array.from({ length: 40 }, () => agent.post(`${base}/close`).type('form').send({ _csrf: token })));
    expect(closes.filter((r) => r.status >= 500).map((r) => r.status)).to.deep.equal([]);
    expect((await db('case').where({ id: 'cas00000000000001' }).first()).status).to.equal('Closed');
    await agent.get(base).expect(200);
  });
});

// The shared contract, on the same binding over its own copy of EspoCRM's schema. Staff answer
// and write internal notes as EspoCRM's stream writes them (a Post by a regular user).
describeTicketsContract(
  'EspoCRM file binding',
  async () => {
    const crm = await seededCrm(ESPOCRM);
    const { db } = crm;
    const binding = await bindingFromFile(db, FILE);
    const staffPost = (internal: boolean) => async (ticketId: string, body: string) => {
      await post(db, ticketId, 'usr00000000000001', body, 30, internal);
    };
    return {
      tickets: binding.adapter.tickets!,
      workspaceId: SLUG,
      otherWorkspaceId: 'elsewhere',
      client: { clientId: 'acc00000000000001', contactId: 'con00000000000001' },
      other: { clientId: 'acc00000000000002', contactId: 'con00000000000002' },
      agencyAnswer: staffPost(false),
      internalNote: staffPost(true),
      close: crm.close,
    };
  },
  reason,
);
