// The audit engine as a library: inspect the host read-only, recognise what it has, probe its
// routes if asked, and answer the Customer Portal Audit Report. The CLI only parses flags and
// writes files; tests and the plugin call runAudit directly.
import type { HostClaim } from '../src/core/host-schema.ts';
import { checkClaims, NO_ADAPTER, resolveAdapter, schemaColumns, type AdapterDescription } from './adapters.ts';
import { readCatalog } from './catalog/read-catalog.ts';
import { withReadOnlySession, type ReadOnlySession } from './catalog/read-only-session.ts';
import type { Catalog } from './catalog/types.ts';
import { AuditError } from './errors.ts';
import { buildFindings } from './findings/build-findings.ts';
import { quoteIdent, type Samples, takeSamples } from './findings/samples.ts';
import { PLUGIN_ROUTES, PLUGIN_TABLES, type PluginTable } from './plugin-plan.ts';
import { findRegistryTable, partitionTables, type TablePartition } from './portal-tables.ts';
import { proposeClaims } from './proposed-claims.ts';
import { answerQuestions } from './questions/answer-questions.ts';
import { buildSchemaModel, type SchemaModel } from './recognition/schema-model.ts';
import { recognizeTableConcepts } from './recognition/score-tables.ts';
import {
  AUDIT_REPORT_VERSION,
  AuditReportSchema,
  type Answer,
  type AuditReport,
  type ClaimCheck,
  type RouteProbe,
} from './report-schema.ts';
import { parseAppUrl, probeRoutes, routeServed } from './routes/probe-routes.ts';
import { sureness } from './sureness.ts';

export interface AuditOptions {
  databaseUrl: string;
  appUrl?: string | undefined;
  /** The host binding whose claims are checked (a registered adapter's name); none when not given. */
  adapter?: string | undefined;
  /** Per-request timeout for route probes. */
  probeTimeoutMs?: number | undefined;
}

export async function runAudit(options: AuditOptions): Promise<AuditReport> {
  return (await inspectHost(options)).report;
}

/** The report, with the schema model and the data samples it was built from (what a binding file is drafted from). */
export interface HostInspection {
  report: AuditReport;
  model: SchemaModel;
  samples: Samples;
}

export async function inspectHost(options: AuditOptions): Promise<HostInspection> {
  const started = Date.now();
  // Bad input fails before anything connects.
  const adapter = resolveAdapter(options.adapter);
  const appUrl = options.appUrl ? parseAppUrl(options.appUrl) : null;
  const target = describeDatabase(options.databaseUrl);

  const session = await withReadOnlySession(options.databaseUrl, async (db) => {
    const catalog = await readCatalog(db);
    const partition = partitionTables(catalog.tables, await readRegistry(db, catalog));
    const model = buildSchemaModel(partition.host);
    const tables = recognizeTableConcepts(model);
    const samples = await takeSamples(db, model, tables);
    return { catalog, partition, model, tables, samples };
  });
  const { catalog, partition, model, tables, samples } = session.result;

  // Outside the transaction: the database is released before any network wait.
  const routes = appUrl ? await probeRoutes(appUrl, options.probeTimeoutMs) : null;

  const findings = buildFindings({ model, tables, samples });
  const answers = answerQuestions({ findings, routes, model });
  const proposedClaims = proposeClaims(findings, model);
  const adapterClaims = checkClaims(adapter, findings, schemaColumns(catalog), proposedClaims);

  const report: AuditReport = {
    version: AUDIT_REPORT_VERSION,
    sureness: sureness([...findings.values()]),
    generatedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    adapter: {
      name: adapter.name,
      description: adapter.description,
      claims: adapter.claims.map((c) => ({ ...c, columns: [...c.columns] })),
    },
    database: {
      target,
      name: catalog.database,
      user: catalog.user,
      serverVersion: catalog.serverVersion,
      schemas: catalog.schemas,
      relationsInspected: catalog.tables.length,
      hostTables: partition.host.length,
      tablePrefix: model.prefix,
      tenant: model.tenant,
      queries: session.queryCount,
      readOnlyTransaction: true,
      wroteNothing: session.wroteNothing,
    },
    ignoredTables: {
      installedByPortal: partition.installedByPortal,
      reservedPrefix: partition.reservedPrefix,
      bookkeeping: partition.bookkeeping,
    },
    concepts: [...findings.values()],
    answers,
    routes: { probed: routes !== null, baseUrl: appUrl ? appUrl.toString() : null, results: routes ?? [] },
    adapterClaims,
    proposedClaims,
    summary: summarize(answers),
    pluginPlan: planFor(catalog, partition, routes, { adapter, adapterClaims, proposedClaims }),
  };
  // A report that does not match its own schema is a bug here, not bad input: let it surface.
  return { report: AuditReportSchema.parse(report), model, samples };
}

async function readRegistry(db: ReadOnlySession, catalog: Catalog): Promise<Set<string> | null> {
  const registry = findRegistryTable(catalog.tables);
  if (!registry) return null;
  const rows = await db.tryQuery<{ table_name: string }>(
    `select table_name from ${quoteIdent(registry.schema)}.${quoteIdent(registry.name)}`,
  );
  return new Set((rows ?? []).map((r) => r.table_name.toLowerCase()));
}

function summarize(answers: Answer[]): AuditReport['summary'] {
  const ids = (status: Answer['status']) => answers.filter((a) => a.status === status).map((a) => a.id);
  return { implemented: ids('exists'), partial: ids('partial'), missing: ids('missing'), notChecked: ids('not_checked') };
}

interface PlanInputs {
  adapter: AdapterDescription;
  adapterClaims: ClaimCheck[];
  proposedClaims: HostClaim[];
}

function planFor(catalog: Catalog, partition: TablePartition, routes: RouteProbe[] | null, inputs: PlanInputs): AuditReport['pluginPlan'] {
  const present = new Set(catalog.tables.map((t) => t.name.toLowerCase()));
  const recorded = new Set(partition.installedByPortal.filter((t) => t.recorded).map((t) => t.table.split('.').pop()));
  return {
    tables: PLUGIN_TABLES.map((t) => {
      const keeper = hostKeeper(t, inputs);
      const state = recorded.has(t.name)
        ? 'installed'
        : t.unlessHostHas && keeper
          ? 'host_keeps'
          : present.has(t.name)
            ? 'name_taken_by_host'
            : 'will_create';
      const purpose = t.whenHostHas && keeper ? t.whenHostHas.purpose : t.purpose;
      return { name: t.name, purpose, state, hostTable: keeper?.table ?? null, note: keeper?.note ?? null };
    }),
    routes: PLUGIN_ROUTES.map((r) => {
      const probe = routes?.find((p) => p.path === r.collidesWith);
      return {
        mount: r.mount,
        purpose: r.purpose,
        conflict: routeServed(probe) ? `the host already answers GET ${r.collidesWith} with ${probe?.status}` : null,
      };
    }),
  };
}

/**
 * Where the host keeps what a plugin table would otherwise hold. The plan describes the plugin on
 * this host as the report proposes it (the proposed claims); the migrations follow the adapter's
 * actual claims, so where the two differ the note says what the chosen adapter would do instead.
 */
function hostKeeper(
  table: PluginTable,
  { adapter, adapterClaims, proposedClaims }: PlanInputs,
): { table: string; note: string | null } | null {
  const concept = table.unlessHostHas ?? table.whenHostHas?.concept;
  if (!concept) return null;
  const claimed = adapterClaims.find((c) => c.concept === concept && c.claimed);
  const proposed = proposedClaims.find((c) => c.concept === concept);
  if (claimed?.table && proposed) return { table: claimed.table, note: null };
  if (adapter.name === NO_ADAPTER) {
    if (!proposed) return null;
    const effect = table.unlessHostHas ? `its migrations would create ${table.name}` : 'the portal would keep its own passwords';
    return { table: proposed.table, note: `no host binding named: unless its adapter claims ${concept} (the proposed claim), ${effect}` };
  }
  if (claimed?.table)
    return {
      table: claimed.table,
      note: `the adapter ${adapter.name} claims ${concept} here, though the audit did not find it: check that claim`,
    };
  if (proposed) {
    const effect = table.unlessHostHas
      ? `its migrations would still create ${table.name}`
      : 'the portal would still keep its own passwords';
    return {
      table: proposed.table,
      note: `the adapter ${adapter.name} does not claim ${concept}, so as it stands ${effect}: add the proposed ${concept} claim`,
    };
  }
  return null;
}

function describeDatabase(databaseUrl: string): string {
  let url: URL;
  try {
    url = new URL(databaseUrl);
  } catch {
    throw new AuditError('--database-url is not a URL (expected postgres://user@host:port/database).', 2);
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new AuditError(`--database-url must start with postgres:// or postgresql://, got ${url.protocol}//`, 2);
  }
  return `${url.hostname}:${url.port || '5432'}${url.pathname}`;
}
