// A CRM whose staff sign in elsewhere (no password the portal can verify), bound with `staff: none`:
// check accepts it and says there is no staff sign-in, the staff sign-in finds no account, and the
// commands run as a developer runs them on a laptop: `invite` without SMTP_URL prints the
// invitation as `serve` prints its emails, and `serve` names the CRM as the file does and says no
// staff sign in, on a small CRM's tables the test builds.
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Knex } from 'knex';
import { checkBindingFile } from '../../plugins/file-binding/check.ts';
import { parseBindingFile } from '../../plugins/file-binding/load.ts';
import { fileStandaloneBinding } from '../../plugins/file-binding/standalone.ts';
import { createKnex } from '../../src/core/db/connect.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { flagsFileFor, linkFrom } from '../support/portal-harness.ts';
import { acceptInvitation } from '../support/test-host.ts';
import { runPortal, type ServingPortal, serveOnAFreePort, stopPortal } from '../standalone/portal-process.ts';
import { buildSmallCrm, smallCrmFile } from './small-crm.ts';

describe('binding file with staff: none', function () {
  this.timeout(240_000);
  let database: TestDatabase;
  let db: Knex;
  let dir: string;
  let file: string;
  let serving: ServingPortal | undefined;

  before(async function () {
    database = await createTestDatabase();
    db = createKnex(database.url);
    await buildSmallCrm(db);
    dir = mkdtempSync(path.join(tmpdir(), 'no-staff-'));
    file = path.join(dir, 'books.yaml');
    writeFileSync(file, smallCrmFile({ staff: 'staff: none' }));
  });

  after(async function () {
    await stopPortal(serving).catch(() => null);
    rmSync(dir, { recursive: true, force: true });
    await db?.destroy();
    await database?.drop();
  });

  it('is said, never assumed: a file without staff names both ways to write it', function () {
    const text = smallCrmFile({ staff: '' });
    expect(() => parseBindingFile(text, 'books.yaml')).to.throw(
      "line 1: staff: missing: the CRM's staff accounts (table, key, email, name, password), or staff: none",
    );
    expect(parseBindingFile(smallCrmFile({ staff: 'staff: none' }), 'books.yaml').staff).to.equal(null);
  });

  it('checks, saying there is no staff sign-in, and signs no staff account in', async function () {
    const report = await checkBindingFile(db, file);
    expect(report.problems).to.deep.equal([]);
    expect(report.lines.join('\n')).to.contain('studio: 2 clients, 2 contacts with an email, no staff sign-in (staff: none)');

    const binding = fileStandaloneBinding(file);
    const host = await binding.open(db, {});
    expect(binding.crmName).to.equal('Small Books');
    expect(host.noStaffSignIn).to.contain('staff: none');
    expect(await host.signInStaff('ann@bakery.test', 'anything')).to.equal(null);
    expect(await host.staffAccountsFor('ann@bakery.test')).to.deep.equal([]);
    const [workspace] = await host.listWorkspaces();
    expect(await host.adapter.staff.list?.(workspace!.id)).to.deep.equal([]);
    expect(await host.adapter.staff.listAdmins?.(workspace!.id)).to.deep.equal([]);
  });

  it('invites without SMTP_URL in development, printing the invitation; serves naming the CRM and no staff sign-in', async function () {
    const env = { DATABASE_URL: database.url, FLAGS_FILE: flagsFileFor(['studio']), LOG_LEVEL: 'error' };
    const migrated = await runPortal(['migrate', '--binding', file], env);
    expect(migrated.code, migrated.stderr).to.equal(0);
    expect(migrated.stdout).to.contain("Small Books's database has what the portal needs");

    const invited = await runPortal(['invite', '--binding', file, '--email', 'ann@bakery.test'], env);
    expect(invited.code, invited.stderr).to.equal(0);
    expect(invited.stdout).to.match(/^mail to ann@bakery\.test: /m);
    expect(invited.stdout).to.contain('SMTP_URL is unset, so the invitation is printed above instead of emailed');
    // Sent in the workspace's name: the file's staff: none says why, not a staff user missing.
    expect(invited.stdout).to.match(
      /Sent in the name of Studio Test, from MAIL_FROM \([^)]+\), where replies go too: the file says staff: none, so no staff member is emailed or named as its sender\./,
    );
    expect(invited.stdout).not.to.contain('has no staff user with an email');
    const invitation = linkFrom(invited.stdout, '/invitation/');

    // In production the same command is refused: no link on a production terminal.
    const refused = await runPortal(['invite', '--binding', file, '--email', 'ann@bakery.test'], { ...env, NODE_ENV: 'production' });
    expect(refused.code).to.equal(2);
    expect(refused.stderr).to.contain('SMTP_URL is required in production');

    serving = await serveOnAFreePort(['--binding', file], (port) => ({ ...env, PORT: String(port), APP_URL: `http://127.0.0.1:${port}` }));
    const output = serving.output();
    expect(output).to.contain('Client portal beside Small Books is running at');
    expect(output).to.contain("No staff sign-in: the file says staff: none, so Small Books's staff do not sign in to the portal.");
    expect(output).not.to.contain('books.yaml');

    const agent = await acceptInvitation(serving.url, invitation, 'ann-bakes-bread-daily');
    const invoices = await agent.get('/portal/studio/invoices').expect(200);
    expect(invoices.text).to.include('B-1').and.include('B-2').and.not.include('G-1');
    expect(await stopPortal(serving, 20_000)).to.equal(0);
    serving = undefined;
  });
});
