// The audit engine as a library: inspect the host read-only, recognise what it has, probe its
// routes if asked, and answer the Customer Portal Audit Report. The CLI only parses flags and
// writes files; tests and the plugin call runAudit directly.
import { checkClaims, DEFAULT_ADAPTER, resolveAdapter } from './adapters.ts';
import { readCatalog } from './catalog/read-catalog.ts';
import { withReadOnlySession, type ReadOnlySession } from './catalog/read-only-session.ts';
import type { Catalog } from './catalog/types.ts';
import { AuditError } from './errors.ts';
import { buildFindings } from './findings/build-findings.ts';
import { quoteIdent, takeSamples } from './findings/samples.ts';
import { PLUGIN_ROUTES, PLUGIN_TABLES } from './plugin-plan.ts';
import { findRegistryTable, partitionTables, type TablePartition } from './portal-tables.ts';
import { answerQuestions } from './questions/answer-questions.ts';
import { buildSchemaModel } from './recognition/schema-model.ts';
import { recognizeTableConcepts } from './recognition/score-tables.ts';
import { AUDIT_REPORT_VERSION, AuditReportSchema, type Answer, type AuditReport, type RouteProbe } from './report-schema.ts';
import { parseAppUrl, probeRoutes, routeServed } from './routes/probe-routes.ts';

export interface AuditOptions {
  databaseUrl: string;
  appUrl?: string | undefined;
  /** Adapter name from audit/adapters.ts; defaults to reference-crm. */
  adapter?: string | undefined;
  /** Per-request timeout for route probes. */
  probeTimeoutMs?: number | undefined;
}

export async function runAudit(options: AuditOptions): Promise<AuditReport> {
  const started = Date.now();
  // Bad input fails before anything connects.
  const adapter = resolveAdapter(options.adapter ?? DEFAULT_ADAPTER);
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

  const report: AuditReport = {
    version: AUDIT_REPORT_VERSION,
    generatedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    adapter: { name: adapter.name, description: adapter.description, claims: adapter.claims },
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
    adapterClaims: checkClaims(adapter, findings),
    summary: summarize(answers),
    pluginPlan: planFor(catalog, partition, routes),
  };
  // A report that does not match its own schema is a bug here, not bad input: let it surface.
  return AuditReportSchema.parse(report);
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

function planFor(catalog: Catalog, partition: TablePartition, routes: RouteProbe[] | null): AuditReport['pluginPlan'] {
  const present = new Set(catalog.tables.map((t) => t.name.toLowerCase()));
  const recorded = new Set(partition.installedByPortal.filter((t) => t.recorded).map((t) => t.table.split('.').pop()));
  return {
    tables: PLUGIN_TABLES.map((t) => ({
      name: t.name,
      purpose: t.purpose,
      state: recorded.has(t.name) ? 'installed' : present.has(t.name) ? 'name_taken_by_host' : 'will_create',
    })),
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
