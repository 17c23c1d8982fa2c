// The portal's command line (`npm run portal`), run in the process that calls it: the arguments,
// the environment and where to write are given, and the exit code is answered. cli.ts runs it on
// its own process's; `serve` keeps that process serving until a signal stops it.
// A mistake in what was typed or set exits 2 with one line; the CRM's data refusing (no such
// contact) exits 1; neither prints a stack trace.
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { createKnex, HostClaimError, StartupRefused, HttpError, ListenError } from '../../src/index.ts';
import { StandaloneSetupError, type StandaloneBinding } from './binding.ts';
import { bindingNames, STANDALONE_BINDINGS } from './bindings.ts';
import { checkBindingFile, fileStandaloneBinding } from '../file-binding/standalone.ts';
import { InviteRefused, inviteContact } from './invite.ts';
import { databaseUrlFrom, openStandalonePortal, type StandalonePortal } from './portal-setup.ts';
import { dropStaffSessionTable, createStaffSessionTable } from './queries/staff-sessions.ts';
import { serveStandalone, type ServingPortal } from './server.ts';
import { STAFF_PATHS } from './staff-pages.ts';

class UsageError extends Error {}

/** Where the command line writes what a person reads (stdout) and its refusals (stderr). */
export interface CliOutput {
  stdout(text: string): void;
  stderr(text: string): void;
}

const COMMANDS = ['migrate', 'rollback', 'invite', 'serve', 'check'] as const;

const hostOrFile = { host: z.string().optional(), binding: z.string().min(1).optional() };
const argsSchema = z.discriminatedUnion('command', [
  z.object({ command: z.literal('migrate'), ...hostOrFile }),
  z.object({ command: z.literal('rollback'), ...hostOrFile }),
  z.object({ command: z.literal('serve'), ...hostOrFile }),
  z.object({
    command: z.literal('check'),
    binding: z.string({ error: 'check needs --binding <file>' }).min(1),
    workspace: z.string().max(60).optional(),
    client: z.string().max(64).optional(),
  }),
  z.object({
    command: z.literal('invite'),
    ...hostOrFile,
    email: z.email({ error: 'invite needs --email with a valid email address' }).max(320),
    workspace: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,59}$/, '--workspace must be a workspace slug (lower-case letters, digits, -)')
      .optional(),
    contact: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/, '--contact must be a contact id')
      .optional(),
  }),
]);

async function usage(): Promise<string> {
  const lines = [
    'Usage: npm run portal -- <command> --host <name> [options]',
    '       npm run portal -- <command> --binding <file.yaml> [options]   (any CRM a binding file describes: docs/bind-your-crm.md)',
    '',
    "  migrate   check the CRM database against what the binding needs, then create the portal's own tables",
    "  rollback  drop the portal's own tables (the CRM's are never touched)",
    '  invite    --email <email> [--workspace <slug>] [--contact <id>]: email a client contact an invitation',
    '  serve     serve the client portal and the staff pages on PORT',
    "  check     --binding <file> [--workspace <slug>] [--client <id>]: the file against the CRM's database, read-only, and what one client would see",
    '',
    "Every command: DATABASE_URL (the CRM's PostgreSQL). serve: PORT, APP_URL, SESSION_SECRET, SMTP_URL, FLAGS_FILE or UNLEASH_URL, PAYMENTS_DEMO_PROVIDER.",
  ];
  for (const name of bindingNames()) {
    const binding = await STANDALONE_BINDINGS[name]!();
    lines.push(
      '',
      `--host ${name} (${binding.crmName}):`,
      ...binding.settings.map((s) => `  ${s.name}${s.required ? ' (required)' : ''}: ${s.description}`),
    );
  }
  return lines.join('\n');
}

function parse(argv: string[]) {
  const options = {
    host: { type: 'string' },
    binding: { type: 'string' },
    email: { type: 'string' },
    workspace: { type: 'string' },
    contact: { type: 'string' },
    client: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  } as const;
  let parsed: ReturnType<typeof parseArgs<{ args: string[]; allowPositionals: true; strict: true; options: typeof options }>>;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, strict: true, options });
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  if (parsed.values.help || parsed.positionals.length === 0) return null;
  const [command, ...extra] = parsed.positionals;
  if (!COMMANDS.includes(command as (typeof COMMANDS)[number]))
    throw new UsageError(`unknown command "${command}": use ${COMMANDS.join(', ')}`);
  if (extra.length > 0) throw new UsageError(`unexpected "${extra.join(' ')}"`);
  if (parsed.values.host && parsed.values.binding) throw new UsageError('give --host or --binding, not both');
  if (command === 'check' && !parsed.values.binding) throw new UsageError('check reads a binding file: use --binding <file>');
  if (!parsed.values.host && !parsed.values.binding)
    throw new UsageError(`--host (${bindingNames().join(' or ')}) or --binding <file> is required`);
  if (parsed.values.host && !Object.hasOwn(STANDALONE_BINDINGS, parsed.values.host))
    throw new UsageError(`unknown --host "${parsed.values.host}": use ${bindingNames().join(' or ')}`);
  const checked = argsSchema.safeParse({ command, ...parsed.values });
  if (!checked.success) throw new UsageError(checked.error.issues[0]?.message ?? 'invalid arguments');
  return checked.data;
}

// How long SIGTERM or SIGINT waits for what is in flight (requests, live streams, the pools'
// queries) before the process exits anyway: on a loaded machine the graceful close can stall, and
// an orchestrator's own SIGKILL after its grace period (Kubernetes: 30 s) would cut it mid-way.
const SHUTDOWN_DEADLINE_MS = 10_000;

/**
 * SIGTERM (orchestrators, systemd) and SIGINT (Ctrl-C): stop taking requests, finish what is in
 * flight, end the live streams and workers, close the pools, then exit 0; past the deadline, cut
 * what is left and exit 0 all the same. A repeated signal while stopping is ignored rather than
 * left to the default, which would kill the process mid-close.
 */
function stopOnSignals(serving: ServingPortal, running: StandalonePortal): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    const deadline = setTimeout(() => {
      running.logger.warn(`${signal}: still stopping after ${SHUTDOWN_DEADLINE_MS} ms; cutting the connections left and exiting`);
      serving.server.closeAllConnections();
      process.exit(0);
    }, SHUTDOWN_DEADLINE_MS);
    serving
      .close()
      .then(() => running.close())
      .then(
        () => {
          clearTimeout(deadline);
          process.exit(0);
        },
        (err: unknown) => {
          running.logger.error({ err }, `${signal}: could not stop cleanly`);
          process.exit(1);
        },
      );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

async function serve(binding: StandaloneBinding, env: NodeJS.ProcessEnv, output: CliOutput): Promise<void> {
  const running = await openStandalonePortal(binding, env, { command: 'serve', print: output.stdout });
  try {
    // Before serving: a workspace's own Stripe keys that no secret opens stop the start.
    const payments = await running.portal.paymentCheck();
    if (payments.warnings.length > 0)
      running.logger.warn(
        { warnings: payments.warnings },
        `payments: ${payments.warnings.length} workspace(s) cannot take card payments, listed in "warnings"`,
      );
    if (payments.refusals.length > 0) throw new StartupRefused(payments.refusals);
    const serving = await serveStandalone(running);
    // Before the "running at" line: whoever waits for that line may signal at once, and a signal
    // that arrives before the handler exists kills the process by default (exit by signal, no close).
    stopOnSignals(serving, running);
    const workspaces = await running.host.listWorkspaces();
    for (const warning of (await running.host.startupWarnings?.()) ?? []) running.logger.warn(warning);
    output.stdout(
      `${[
        `Client portal beside ${binding.crmName} is running at ${serving.url}`,
        running.host.noStaffSignIn
          ? `No staff sign-in: ${running.host.noStaffSignIn}.`
          : `Staff sign in with their ${binding.crmName} login and password at ${serving.url}${STAFF_PATHS.signIn}`,
        'Client sign-in, per workspace:',
        ...workspaces.map(
          (w) =>
            `  ${w.slug}  ${running.portal.isEnabledFor(w) ? 'portal on ' : 'portal off'}  ${serving.url}${STAFF_PATHS.portal}/${w.slug}/sign-in  (${w.name})`,
        ),
        ...(workspaces.length === 0 ? ["  (none: check the binding's settings)"] : []),
        running.outbox ? 'SMTP_URL is unset: emails (codes, invitations) are printed here instead of sent.' : '',
      ]
        .filter(Boolean)
        .join('\n')}\n`,
    );
  } catch (err) {
    await running.close();
    throw err;
  }
}

/** Prints the check's report; exits 1 when the file would not serve. */
async function check(
  file: string,
  ask: { workspace?: string | undefined; client?: string | undefined },
  env: NodeJS.ProcessEnv,
  output: CliOutput,
): Promise<number> {
  const url = databaseUrlFrom(env, "the CRM's");
  const db = createKnex(url);
  try {
    const report = await checkBindingFile(db, file, {
      ...(ask.workspace ? { workspace: ask.workspace } : {}),
      ...(ask.client ? { client: ask.client } : {}),
    });
    if (report.problems.length > 0) {
      output.stderr(
        `${file}: ${report.problems.length} problem${report.problems.length === 1 ? '' : 's'}:\n  ${report.problems.join('\n  ')}\n`,
      );
      return 1;
    }
    output.stdout(`${[`${file} fits this database.`, ...report.lines].join('\n')}\n`);
    return 0;
  } finally {
    await db.destroy();
  }
}

/**
 * Runs the command line on `argv` (the arguments alone) and `env`, and answers its exit code: 0
 * once `serve` is serving (its process then serves until a signal), 2 for a mistake in what was
 * typed or set, 1 when the CRM's data refused.
 */
export async function runPortalCli(argv: readonly string[], env: NodeJS.ProcessEnv, output: CliOutput): Promise<number> {
  try {
    return await main([...argv], env, output);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const setup =
      err instanceof UsageError || err instanceof StandaloneSetupError || err instanceof StartupRefused || err instanceof ListenError;
    const refused = err instanceof InviteRefused || err instanceof HttpError || err instanceof HostClaimError;
    output.stderr(`portal: ${message}\n`);
    if (!setup && !refused)
      output.stderr('(an unexpected error: run with LOG_LEVEL=debug, or check the database and mail server are reachable)\n');
    return setup ? 2 : 1;
  }
}

async function main(argv: string[], env: NodeJS.ProcessEnv, output: CliOutput): Promise<number> {
  const args = parse(argv);
  if (!args) {
    output.stdout(`${await usage()}\n`);
    return 0;
  }
  if (args.command === 'check') return check(args.binding, { workspace: args.workspace, client: args.client }, env, output);
  const binding = args.binding ? fileStandaloneBinding(args.binding) : await STANDALONE_BINDINGS[args.host!]!();
  if (args.command === 'serve') {
    await serve(binding, env, output);
    return 0;
  }
  const running = await openStandalonePortal(binding, env, { command: args.command, print: output.stdout });
  try {
    if (args.command === 'migrate') {
      await running.portal.migrate();
      await createStaffSessionTable(running.db);
      output.stdout(`${binding.crmName}'s database has what the portal needs; the portal's own tables are up to date.\n`);
    } else if (args.command === 'rollback') {
      await dropStaffSessionTable(running.db);
      await running.portal.rollback();
      output.stdout(`The portal's own tables are removed; ${binding.crmName}'s tables are untouched.\n`);
    } else {
      output.stdout(`${await inviteContact(running, args)}\n`);
    }
  } finally {
    await running.close();
  }
  return 0;
}
