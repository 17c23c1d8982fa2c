// Covers `npm run audit`: the command line (audit/cli-run.ts) run in this process, and, as a
// process (the CLI run by tsx, as npx tsx would), that its exit code and streams are the ones the
// command line answers. A good run on a real Dolibarr database (crm-schemas/dolibarr.sql; skipped,
// saying why, where it cannot be loaded) writes the markdown and a JSON file that validates against
// the report schema, for the adapter --adapter names; every bad input (flags, adapter, database URL,
// unreachable database or app, wrong credentials, missing permission) ends with exit code != 0 and
// exactly one line on stderr, never a stack trace.
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runAuditCli } from '../../audit/cli-run.ts';
import { HELP } from '../../audit/cli-args.ts';
import { renderMarkdown } from '../../audit/render-markdown.ts';
import { AuditReportSchema } from '../../audit/report-schema.ts';
import type { TestDatabase } from '../support/database.ts';
import { loadRealSchema, realSchemaSkipReason } from '../support/audit-real-schemas.ts';
import { closedPort, createHostDatabase, runSql } from '../support/host-fixtures.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
// The tsx binary npx would run; going through npx itself adds npm's own warnings to stderr here.
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The environment a run sees: this one's, without DATABASE_URL unless given. */
function environment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { DATABASE_URL: _ignored, ...base } = process.env;
  return { ...base, ...env };
}

/**
 * The command line run in this process, on its flags and environment: what `npm run audit` runs
 * (audit/cli.ts hands it the process's), without a process's start-up of tsx for each run.
 */
async function audit(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await runAuditCli(args, environment(env), {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
  });
  return { code, stdout, stderr };
}

/** The command line as a process: tsx audit/cli.ts, as npx tsx would run it. */
function auditProcess(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(TSX, ['audit/cli.ts', ...args], { cwd: ROOT, env: environment(env) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function expectOneLineFailure(run: Run, pattern: RegExp, code?: number): void {
  expect(run.code, run.stderr).to.not.equal(0);
  if (code !== undefined) expect(run.code).to.equal(code);
  const lines = run.stderr.trimEnd().split('\n');
  expect(lines, run.stderr).to.have.length(1);
  expect(run.stderr).to.match(/^audit: /);
  expect(run.stderr).to.match(pattern);
  expect(run.stderr).to.not.match(/\n\s+at |Error:/);
}

describe('audit: command line', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  let dir: string;

  before(async () => {
    db = await createHostDatabase('empty');
    dir = mkdtempSync(join(tmpdir(), 'audit-cli-'));
  });
  after(async () => {
    await db?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  describe('on a real Dolibarr database', function () {
    this.timeout(300_000);
    let dolibarr: TestDatabase | undefined;

    before(async function () {
      const reason = realSchemaSkipReason('dolibarr.sql');
      if (reason) {
        console.log(`      skipped: ${reason}`);
        this.skip();
      }
      dolibarr = await loadRealSchema('dolibarr.sql');
    });
    after(async () => dolibarr?.drop());

    it('writes the markdown report and a JSON report that validates against the schema', async () => {
      const out = join(dir, 'report.md');
      const json = join(dir, 'report.json');
      const run = await audit(['--database-url', dolibarr!.url, '--out', out, '--json', json]);
      expect(run.code, run.stderr).to.equal(0);
      expect(run.stderr).to.equal('');
      expect(run.stdout).to.match(/^Wrote .*report\.md and .*report\.json: \d+ implemented, \d+ partial, \d+ missing, 4 not checked/);
      const report = AuditReportSchema.parse(JSON.parse(readFileSync(json, 'utf8')));
      expect(report.concepts.find((c) => c.id === 'clientCredentials')?.status).to.equal('exists');
      // The markdown is a pure function of the findings: re-rendering the JSON gives the same text.
      expect(readFileSync(out, 'utf8')).to.equal(renderMarkdown(report));
    });

    it('checks the claims of the adapter named by --adapter, and proposes claims in the JSON', async () => {
      const out = join(dir, 'dolibarr.md');
      const json = join(dir, 'dolibarr.json');
      const run = await audit(['--database-url', dolibarr!.url, '--adapter', 'dolibarr', '--out', out, '--json', json]);
      expect(run.code, run.stderr).to.equal(0);
      const report = AuditReportSchema.parse(JSON.parse(readFileSync(json, 'utf8')));
      expect(report.adapter.name).to.equal('dolibarr');
      // Every claim the binding makes holds on the real schema but the workspace (named from
      // llx_const, which the audit rightly takes for no workspace table); the comments and client
      // logins it leaves to the portal are the claims the audit proposes.
      expect(report.adapterClaims.filter((c) => c.claimed && !c.agrees).map((c) => c.concept)).to.deep.equal(['workspace']);
      expect(report.proposedClaims.map((c) => c.concept)).to.include.members(['clientCredentials', 'comment']);
      expect(readFileSync(out, 'utf8')).to.include('## Proposed adapter claims\n');
    });

    it("names the binding audited with --host, and compares no adapter's claims when none is named", async () => {
      const hostJson = join(dir, 'host.json');
      const named = await audit(['--database-url', dolibarr!.url, '--host', 'dolibarr', '--out', join(dir, 'host.md'), '--json', hostJson]);
      expect(named.code, named.stderr).to.equal(0);
      expect(AuditReportSchema.parse(JSON.parse(readFileSync(hostJson, 'utf8'))).adapter.name).to.equal('dolibarr');

      const noneJson = join(dir, 'none.json');
      const none = await audit(['--database-url', dolibarr!.url, '--out', join(dir, 'none.md'), '--json', noneJson]);
      expect(none.code, none.stderr).to.equal(0);
      const report = AuditReportSchema.parse(JSON.parse(readFileSync(noneJson, 'utf8')));
      expect(report.adapter.name).to.equal('none');
      expect(report.adapterClaims).to.deep.equal([]);
      const markdown = readFileSync(join(dir, 'none.md'), 'utf8');
      expect(markdown).to.include('No host binding was named');
      expect(markdown).not.to.match(/would refuse to start|checks disagree with the schema/);
    });
  });

  it('takes the database from DATABASE_URL when no flag is given', async () => {
    const out = join(dir, 'from-env.md');
    const run = await audit(['--out', out], { DATABASE_URL: db.url });
    expect(run.code, run.stderr).to.equal(0);
    expect(readFileSync(out, 'utf8')).to.match(/^# Customer Portal Audit Report/);
  });

  it('explains each flag and its default on --help', async () => {
    const run = await audit(['--help']);
    expect(run.code, run.stderr).to.equal(0);
    for (const flag of ['--database-url URL', '--app-url URL', '--host NAME', '--out FILE', '--json FILE', '--write-binding FILE'])
      expect(run.stdout).to.contain(`  ${flag}`);
    expect(run.stdout).to.contain('(default: DATABASE_URL)').and.contain('default: AUDIT_REPORT.md in the current folder');
  });

  it("will not replace the checkout's committed report unless --out names it", async () => {
    const committed = join(ROOT, 'AUDIT_REPORT.md');
    const before = readFileSync(committed, 'utf8');
    expectOneLineFailure(
      await audit(['--database-url', db.url]),
      /AUDIT_REPORT\.md here is the committed report of the reference CRM .*: pass --out FILE/,
      2,
    );
    expect(readFileSync(committed, 'utf8')).to.equal(before);
  });

  it('rejects an unknown flag', async () => {
    expectOneLineFailure(await audit(['--database-url', db.url, '--bogus']), /Unknown option '--bogus'/, 2);
  });

  it('rejects a flag without its value', async () => {
    expectOneLineFailure(await audit(['--database-url']), /--database-url/, 2);
  });

  it('asks for a database when none is given', async () => {
    expectOneLineFailure(await audit([]), /pass --database-url or set DATABASE_URL/, 2);
  });

  it('rejects a database URL that is not postgres://', async () => {
    expectOneLineFailure(
      await audit(['--database-url', 'mysql://root@localhost/crm', '--out', join(dir, 'x.md')]),
      /must start with postgres:\/\//,
      2,
    );
  });

  it('names the known adapters when given an unknown one', async () => {
    expectOneLineFailure(
      await audit(['--database-url', db.url, '--adapter', 'salesforce', '--out', join(dir, 'x.md')]),
      /Unknown adapter "salesforce"\. Known adapters: alga-psa, dolibarr, reference-crm\./,
      2,
    );
  });

  it('reports an unreachable database', async () => {
    const port = await closedPort();
    expectOneLineFailure(
      await audit(['--database-url', `postgres://postgres@127.0.0.1:${port}/crm`, '--out', join(dir, 'x.md')]),
      new RegExp(`Cannot connect to the database at 127\\.0\\.0\\.1:${port}/crm as postgres: connection refused\\.`),
      1,
    );
  });

  it('reports an unreachable app', async () => {
    const port = await closedPort();
    expectOneLineFailure(
      await audit(['--database-url', db.url, '--app-url', `http://127.0.0.1:${port}`, '--out', join(dir, 'x.md')]),
      new RegExp(`Cannot reach the app at http://127\\.0\\.0\\.1:${port}: ECONNREFUSED`),
      1,
    );
  });

  it('rejects an app URL that is not http(s)', async () => {
    expectOneLineFailure(
      await audit(['--database-url', db.url, '--app-url', 'ftp://example.test', '--out', join(dir, 'x.md')]),
      /--app-url must be http\(s\)/,
      2,
    );
  });

  it('reports an output file it cannot write', async () => {
    expectOneLineFailure(
      await audit(['--database-url', db.url, '--out', join(dir, 'missing-folder', 'report.md')]),
      /Cannot write .*ENOENT/,
      1,
    );
  });

  it('reports wrong credentials', async function () {
    // Needs real PostgreSQL: embedded PGlite accepts any user name on its single session.
    if (db.mode !== 'external') this.skip();
    const url = new URL(db.url);
    url.username = `nobody_${randomBytes(3).toString('hex')}`;
    expectOneLineFailure(
      await audit(['--database-url', url.toString(), '--out', join(dir, 'x.md')]),
      /refused the login: role "nobody_\w+" does not exist/,
      1,
    );
  });

  it('reports a role without permission to connect', async function () {
    // Needs real PostgreSQL: embedded PGlite has no roles or database privileges to withhold.
    if (db.mode !== 'external') this.skip();
    const role = `audit_denied_${randomBytes(3).toString('hex')}`;
    const database = new URL(db.url).pathname.slice(1);
    await runSql(db.url, `create role ${role} login; revoke connect on database ${database} from public;`);
    try {
      const url = new URL(db.url);
      url.username = role;
      expectOneLineFailure(
        await audit(['--database-url', url.toString(), '--out', join(dir, 'x.md')]),
        /Missing permission on the database .*permission denied for database/,
        1,
      );
    } finally {
      const server = new URL(db.url);
      server.pathname = '/postgres';
      await runSql(server.toString(), `drop role if exists ${role}`);
    }
  });

  describe('as a process', function () {
    it('prints the help and exits 0', async () => {
      const run = await auditProcess(['--help']);
      expect(run.code, run.stderr).to.equal(0);
      expect(run.stdout).to.equal(`${HELP}\n`);
    });

    it('exits 2 on a bad flag and 1 on an unreachable database, each with one line on stderr', async () => {
      expectOneLineFailure(await auditProcess(['--database-url', db.url, '--bogus']), /Unknown option '--bogus'/, 2);
      const port = await closedPort();
      expectOneLineFailure(
        await auditProcess(['--database-url', `postgres://postgres@127.0.0.1:${port}/crm`, '--out', join(dir, 'x.md')]),
        /Cannot connect to the database/,
        1,
      );
    });

    it('writes its report, taking the database from DATABASE_URL', async () => {
      const out = join(dir, 'process.md');
      const run = await auditProcess(['--out', out], { DATABASE_URL: db.url });
      expect(run.code, run.stderr).to.equal(0);
      expect(run.stderr).to.equal('');
      expect(run.stdout).to.match(/^Wrote .*process\.md: \d+ implemented/);
      expect(readFileSync(out, 'utf8')).to.match(/^# /);
    });
  });
});
