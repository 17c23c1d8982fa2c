// Covers AUDIT_REPORT.md at the repository root: regenerated here from a fresh database holding the
// reference CRM's schema, with the routes of the reference CRM itself started in-process on a free
// port, it must equal the committed copy byte for byte (on embedded PGlite and on real PostgreSQL
// alike, whatever the port); a stale copy fails with the command that regenerates it. Installing
// the portal's own tables next to the CRM changes nothing the report says about the host.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { REFERENCE_REPORT_PATH, REGENERATE_COMMAND, renderReferenceReport } from '../../audit/reference-report.ts';
import { migratePortal } from '../../src/migrations/index.ts';
import { startReferenceCrmAlone, type RunningHost } from '../../plugins/reference-crm/host-alone.ts';
import { migrateReferenceCrm } from '../../plugins/reference-crm/migrations/index.ts';
import { createKnex } from '../../src/core/db/connect.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

async function migrate(url: string, step: 'reference-crm' | 'portal'): Promise<void> {
  const knex = createKnex(url, 1);
  try {
    await (step === 'reference-crm' ? migrateReferenceCrm(knex) : migratePortal(knex));
  } finally {
    await knex.destroy();
  }
}

/** The first line that differs, so a failure shows where without dumping two long files. */
function firstDifference(expected: string, actual: string): string {
  const a = expected.split('\n');
  const b = actual.split('\n');
  const at = a.findIndex((line, i) => line !== b[i]);
  const index = at === -1 ? a.length : at;
  return `line ${index + 1}:\n  committed:   ${a[index] ?? '(end of file)'}\n  regenerated: ${b[index] ?? '(end of file)'}`;
}

/**
 * The report without what depends on the portal being installed: the plan's table states, the
 * relation count and the tables set aside. Everything about the host itself remains.
 */
function hostPart(markdown: string): string {
  const dropped = ['## What the plugin adds for this host', '## Schema overview', '## Tables set aside'];
  return markdown
    .split(/\n(?=## )/)
    .filter((section) => !dropped.some((heading) => section.startsWith(`${heading}\n`)))
    .join('\n');
}

describe('audit: committed AUDIT_REPORT.md', function () {
  this.timeout(120_000);
  let db: TestDatabase;
  let hostDb: TestDatabase;
  let host: RunningHost;
  let regenerated: string;

  before(async () => {
    db = await createTestDatabase();
    await migrate(db.url, 'reference-crm');
    hostDb = await createTestDatabase();
    host = await startReferenceCrmAlone({ databaseUrl: hostDb.url });
    regenerated = await renderReferenceReport(db.url, host.url);
  });
  after(async () => {
    await host?.close();
    await hostDb?.drop();
    await db?.drop();
  });

  it('answers section E from the running reference CRM, and names no address or port', () => {
    expect(regenerated).to.include('## Routes probed');
    expect(regenerated).to.include('| Not checked | 0 | - |');
    expect(regenerated).to.not.match(/127\.0\.0\.1|localhost|:\d{4,5}\b/);
  });

  it('is what the audit writes for the reference CRM today', () => {
    const committed = readFileSync(REFERENCE_REPORT_PATH, 'utf8');
    if (committed !== regenerated) {
      expect.fail(
        `AUDIT_REPORT.md is stale: regenerate it with \`${REGENERATE_COMMAND}\` and commit the result.\n` +
          `First difference at ${firstDifference(committed, regenerated)}`,
      );
    }
  });

  it('says the same about the host once the portal tables are installed next to it', async () => {
    await migrate(db.url, 'portal');
    const withPortal = await renderReferenceReport(db.url, host.url);
    expect(hostPart(withPortal)).to.equal(hostPart(regenerated));
    // Only the plan and the set-aside tables change: the portal's tables are now installed.
    expect(withPortal).to.include(
      '| `client_users` | client sign-in accounts linked to host contacts (argon2id password hash) | already installed by the portal |',
    );
    expect(withPortal).to.match(/- Installed by the portal: .*`public\.client_users`/);
  });
});
