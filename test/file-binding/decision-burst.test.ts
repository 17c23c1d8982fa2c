// Forty acceptances of one quotation sent at once beside Invoice Ninja, through the portal served
// from bindings/invoiceninja.yaml as `npm run portal -- serve --binding` serves it: Invoice Ninja's
// quote is approved once and the portal logs one decision, every other answer is the "already
// answered" refusal (409), never a server error, and another company's contact reading its
// invoices meanwhile is answered. The file's accept statement runs in the portal's transaction
// after the record is locked (FOR UPDATE), so the database lines the burst up, not the process.
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import bcrypt from 'bcryptjs';
import type { Knex } from 'knex';
import request from 'supertest';
import { fileStandaloneBinding } from '../../plugins/file-binding/standalone.ts';
import { openStandalonePortal, type StandalonePortal } from '../../plugins/standalone/portal-setup.ts';
import { createStaffSessionTable } from '../../plugins/standalone/queries/staff-sessions.ts';
import { createStandaloneApp } from '../../plugins/standalone/server.ts';
import { createKnex } from '../../src/core/db/connect.ts';
import { createPortalLogger } from '../../src/core/ops/logging.ts';
import { BUILT_SCHEMAS_DIR, loadRealSchema } from '../support/audit-real-schemas.ts';
import type { TestDatabase } from '../support/database.ts';
import { csrfFrom, flagsFileFor, postPasswordSignIn } from '../support/portal-harness.ts';
import { INVOICENINJA_SAMPLE, realSchemaUnavailable } from './real-schema.ts';

const reason = realSchemaUnavailable({ sample: true });
const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const SLUG = 'barscompanykey01';

describe('binding file: decisions sent at once on one quotation', function () {
  this.timeout(180_000);
  let database: TestDatabase;
  let db: Knex;
  let running: StandalonePortal;
  let app: ReturnType<typeof createStandaloneApp>;

  before(async function () {
    // No PostgreSQL server (DATABASE_URL) or no Invoice Ninja sample here: the schema loads only with psql into a server.
    if (reason) this.skip();
    database = await loadRealSchema('invoiceninja.sql', BUILT_SCHEMAS_DIR);
    await promisify(execFile)('psql', ['-X', '-v', 'ON_ERROR_STOP=1', '-q', '-o', '/dev/null', '-f', INVOICENINJA_SAMPLE, database.url]);
    db = createKnex(database.url);
    // Passwords as Invoice Ninja's own client portal stores them (Laravel's bcrypt, $2y$).
    for (const id of [1, 2])
      await db('client_contacts')
        .where({ id })
        .update({ password: bcrypt.hashSync(`contact-${id}-password`, 4).replace(/^\$2a\$/, '$2y$') });
    running = await openStandalonePortal(
      fileStandaloneBinding(path.join(ROOT, 'bindings/invoiceninja.yaml')),
      { DATABASE_URL: database.url, FLAGS_FILE: flagsFileFor([SLUG]), PORT: '0' },
      { command: 'serve', logger: createPortalLogger({ level: 'error' }) },
    );
    await running.portal.migrate();
    await createStaffSessionTable(running.db);
    app = createStandaloneApp(running);
  });
  after(async function () {
    await running?.close();
    await db?.destroy();
    await database?.drop();
  });

  const signedIn = async (email: string, password: string) => {
    const agent = request.agent(app);
    const answer = await postPasswordSignIn(agent, SLUG, { email, password });
    expect(answer.status, answer.text).to.equal(303);
    return agent;
  };

  it('approves the quote once, refuses the other thirty-nine as answered, and keeps serving another company', async function () {
    const claire = await signedIn('bars.client@example.test', 'contact-1-password');
    const oscar = await signedIn('oscar@other.test', 'contact-2-password');
    const form = await claire.get(`/portal/${SLUG}/quotations/1/accept`).expect(200);
    const fingerprint = /name="fingerprint" value="([0-9a-f]{64})"/.exec(form.text)?.[1];
    let bursting = true;
    const burst = Promise.all(
      Array.from({ length: 40 }, () =>
        claire
          .post(`/portal/${SLUG}/quotations/1/accept`)
          .type('form')
          .send({ _csrf: csrfFrom(form.text), typedName: 'Claire Baker', consent: 'yes', fingerprint })
          .then((res) => ({ status: res.status, text: res.text })),
      ),
    ).finally(() => {
      bursting = false;
    });
    const otherCompany: number[] = [];
    const readInvoices = async () => {
      do otherCompany.push((await oscar.get(`/portal/${SLUG}/invoices`)).status);
      while (bursting);
    };
    const [answers] = await Promise.all([burst, readInvoices()]);

    const statuses = answers.map((a) => a.status);
    expect(
      statuses.filter((s) => s === 303),
      `statuses: ${statuses.join(' ')}`,
    ).to.have.length(1);
    expect(
      statuses.filter((s) => s !== 303 && s !== 409),
      `statuses: ${statuses.join(' ')}`,
    ).to.deep.equal([]);
    for (const refused of answers.filter((a) => a.status === 409))
      expect(refused.text).to.match(/already been answered|no longer be answered/);
    expect(Number(((await db('quotes').where({ id: 1 }).first('status_id')) as { status_id: string }).status_id)).to.equal(3);
    const logged = await db('portal_offer_decisions').where({ offer_id: '1' }).count('* as n').first();
    expect(Number(logged?.n)).to.equal(1);
    expect(otherCompany, 'the other company read its invoice list').to.not.be.empty;
    expect(otherCompany.filter((s) => s !== 200)).to.deep.equal([]);
  });
});
