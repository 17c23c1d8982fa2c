// AUDIT_REPORT.md from an AuditReport. Deterministic: the same schema (and data samples, and
// routes) gives the same text, byte for byte, even on another server or database, so a test can
// regenerate it and a diff shows real changes only. Hence no timestamps, durations, query counts,
// host names, ports or database names here; they live in the JSON.
import { NO_ADAPTER } from './adapters.ts';
import { PLUGIN_BOOKKEEPING_TABLES } from './plugin-plan.ts';
import { notProposedBecause } from './proposed-claims.ts';
import {
  HOST_CONCEPTS,
  SECTION_TITLES,
  type Answer,
  type AuditReport,
  type ConceptFinding,
  type Evidence,
  type Section,
  type Status,
} from './report-schema.ts';

const STATUS_LABEL: Record<Status, string> = {
  exists: 'exists',
  partial: 'partial',
  missing: 'missing',
  not_checked: 'not checked',
};

export interface RenderOptions {
  /** How this file was produced, shown under the title (a committed report says how to regenerate it). */
  origin?: string;
}

export function renderMarkdown(report: AuditReport, options: RenderOptions = {}): string {
  const out: string[] = [];
  const push = (...lines: string[]) => out.push(...lines);

  push('# Customer Portal Audit Report', '');
  push(`**${report.sureness.text}**`, '');
  if (options.origin) push(options.origin, '');
  push(
    `${report.adapter.name === NO_ADAPTER ? 'No host binding named' : `Adapter \`${report.adapter.name}\``}; ${report.database.hostTables} host tables inspected in schema${report.database.schemas.length === 1 ? '' : 's'} ` +
      `${report.database.schemas.map(code).join(', ') || '(none)'}; routes ${report.routes.probed ? 'probed' : 'not probed'}. ` +
      'The database and app addresses are in the JSON report (`--json`).',
    '',
  );
  push(
    `> Read-only: the audit ran in one READ ONLY transaction that was rolled back at the end${report.database.wroteNothing ? ' and never wrote anything' : ''}. ` +
      'The tables the portal created (recorded in its registry, `portal_owned_tables`) and migration bookkeeping (`*knex_migrations*`) ' +
      'are ignored when judging what the host has; they are listed under "Tables set aside". A host\'s own `client_*` or `portal_*` tables count as the host\'s.',
    '',
  );

  push('## How to read this report', '');
  push(
    '- **exists**: the host fully has it. Decision **keep**: the plugin does not touch it.',
    '- **partial**: the host has part of it. Decision **complete**: the plugin adds only the missing part, says what exactly.',
    '- **missing**: nothing found; the answer says what was looked at. Decision **add**: the plugin provides it.',
    '- **unsure** (host data only): two tables could hold it; the report names both and what decides between them, and relies on neither until a person confirms one.',
    '- **not checked**: only probing the running app can tell; run again with `--app-url`.',
    '- Evidence cites schema-qualified tables and columns, constraints, indexes and route status codes. ' +
      'A table chosen for a concept carries a confidence between 0 and 1; a pick below 0.65 is marked *low confidence* and should be checked by a person.',
    '',
  );

  renderSummary(report, push);
  renderPlan(report, push);
  renderProposedClaims(report, push);
  renderClaims(report, push);
  for (const section of Object.keys(SECTION_TITLES) as Section[]) renderSection(report, section, push);
  renderConcepts(report, push);
  renderSchema(report, push);
  renderRoutes(report, push);
  return `${out
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trimEnd()}\n`;
}

type Push = (...lines: string[]) => void;

function renderSummary(report: AuditReport, push: Push): void {
  const byId = new Map(report.answers.map((a) => [a.id, a]));
  const groups: Array<[string, string[]]> = [
    ['Already implemented', report.summary.implemented],
    ['Partially implemented', report.summary.partial],
    ['Missing', report.summary.missing],
    ['Not checked', report.summary.notChecked],
  ];
  push('## Summary', '', '| | Count | Questions |', '|---|---:|---|');
  for (const [title, ids] of groups) push(`| ${title} | ${ids.length} | ${ids.join(', ') || '-'} |`);
  push('');
  for (const [title, ids] of groups) {
    if (ids.length === 0) continue;
    push(`### ${title}`, '');
    for (const id of ids) {
      const a = byId.get(id);
      if (a) push(`- **${a.id}** ${a.question} **${a.decision.kind}**: ${a.decision.text}`);
    }
    push('');
  }
}

function renderPlan(report: AuditReport, push: Push): void {
  push('## What the plugin adds for this host', '');
  push('Tables its migrations create (only when missing; host tables are never altered or dropped):', '');
  push('| Table | Purpose | State |', '|---|---|---|');
  const states = {
    will_create: 'will be created',
    installed: 'already installed by the portal',
    name_taken_by_host: '**name taken by a host table**: the migration would skip it; resolve before migrating',
  };
  const tables = report.pluginPlan.tables;
  for (const t of tables) if (t.state !== 'host_keeps') push(`| \`${t.name}\` | ${cell(t.purpose)} | ${states[t.state]} |`);
  push('', `Plus its bookkeeping: ${PLUGIN_BOOKKEEPING_TABLES.map(code).join(', ')}.`, '');

  const skipped = tables.filter((t) => t.state === 'host_keeps');
  const logins = tables.find((t) => t.name === 'client_users' && t.hostTable);
  if (skipped.length > 0 || logins) {
    push('What the host already keeps, and the plugin therefore does not duplicate:', '');
    for (const t of skipped) {
      push(
        `- ${code(t.name)} is **not created**: the host keeps comments in ${code(t.hostTable ?? '?')}, which the adapter reads and writes (CommentsPort).${t.note ? ` Note: ${t.note}.` : ''}`,
      );
    }
    if (logins) {
      push(
        `- The host keeps client logins in ${code(logins.hostTable ?? '?')}: the portal stores **no passwords**. ` +
          '`client_users` keeps only the link to the host contact, its status and sign-in time; passwords are checked and changed through the adapter (ClientCredentialsPort).' +
          `${logins.note ? ` Note: ${logins.note}.` : ''}`,
      );
    }
    push('');
  }

  push('Routes it mounts:', '', '| Mount | Purpose | Conflict |', '|---|---|---|');
  for (const r of report.pluginPlan.routes)
    push(`| \`${r.mount}\` | ${cell(r.purpose)} | ${r.conflict ? cell(r.conflict) : report.routes.probed ? 'none found' : 'not probed'} |`);
  push('');
}

function renderProposedClaims(report: AuditReport, push: Push): void {
  push('## Proposed adapter claims', '');
  push(
    'What an adapter for this host would declare in its `claims` (src/core/ports/host.ts `HostClaim`): for each host concept found, the chosen table and the columns the finding relied on. ' +
      'Copy it into `plugins/<your-crm>/adapter.ts` and trim it to what the adapter really reads; `portal.migrate()` checks every claimed table and column before it starts. ' +
      'The same list is `proposedClaims` in the JSON report.',
    '',
  );
  if (report.proposedClaims.length === 0) {
    push('Nothing to propose: the audit found none of the host concepts.', '');
  } else {
    push('```ts', 'claims: [');
    for (const c of report.proposedClaims) {
      const where = c.where
        ? `, where: { ${Object.entries(c.where)
            .map(([k, v]) => `${tsKey(k)}: ${typeof v === 'string' ? tsString(v) : String(v)}`)
            .join(', ')} }`
        : '';
      push(`  { concept: '${c.concept}', table: ${tsString(c.table)}, columns: [${c.columns.map(tsString).join(', ')}]${where} },`);
    }
    push('],', '```', '');
  }
  const concepts = new Map(report.concepts.map((c) => [c.id, c]));
  const left = HOST_CONCEPTS.filter((id) => !report.proposedClaims.some((c) => c.concept === id));
  if (left.length > 0) {
    push('Not proposed:', '');
    for (const id of left) {
      const finding = concepts.get(id);
      if (finding) push(`- ${id}: ${notProposedBecause(finding) ?? 'not proposed'}.`);
    }
    push('');
  }
}

function renderClaims(report: AuditReport, push: Push): void {
  if (report.adapter.name === NO_ADAPTER) {
    push('## Adapter claims against the schema', '');
    push(
      "No host binding was named, so no adapter's claims are compared with this host. To check the binding you are writing or running, " +
        'pass its name: `--host <name>` (or `--adapter <name>`); the proposed claims above are the starting point for one.',
      '',
    );
    return;
  }
  push(`## Adapter \`${report.adapter.name}\`: claims against the schema`, '');
  const claimed = new Set(report.adapter.claims.map((c) => c.concept));
  push(
    `This adapter claims ${claimed.size} of the ${HOST_CONCEPTS.length} host concepts; the plugin provides the others itself. ` +
      'Each claimed table and column must exist (the same check `portal.migrate()` runs before start-up); a concept the report proposes but the adapter does not claim would be duplicated by the plugin.',
    '',
  );
  const disagreements = report.adapterClaims.filter((c) => !c.agrees);
  push(
    disagreements.length === 0
      ? 'Every check agrees with the schema.'
      : `${disagreements.length} of ${report.adapterClaims.length} checks disagree with the schema.`,
    '',
  );
  push('| Concept | Adapter | Audit found | Agrees | Note |', '|---|---|---|---|---|');
  for (const c of report.adapterClaims) {
    const adapter = c.claimed ? `claims ${code(c.table ?? '?')}` : 'not claimed';
    const found = `${c.found}${c.foundTable ? ` (${code(c.foundTable)})` : ''}`;
    push(`| ${c.concept} | ${adapter} | ${found} | ${c.agrees ? 'yes' : '**no**'} | ${cell(c.note)} |`);
  }
  push('');
}

function renderSection(report: AuditReport, section: Section, push: Push): void {
  push(`## ${section}. ${SECTION_TITLES[section]}`, '');
  for (const a of report.answers.filter((x) => x.section === section)) renderAnswer(a, push);
}

function renderAnswer(a: Answer, push: Push): void {
  push(`### ${a.id}. ${a.question}`, '');
  push(`**Status:** ${STATUS_LABEL[a.status]}. **Decision:** ${a.decision.kind}: ${a.decision.text}`, '');
  push('Evidence:', '');
  for (const e of a.evidence) push(`- ${evidenceLine(e)}`);
  push('');
}

function renderConcepts(report: AuditReport, push: Push): void {
  push('## Host data recognised', '');
  push(
    "How each concept was matched to host tables (by name words in several languages, column signatures and foreign keys; never by this project's table names).",
    '',
  );
  push('| Concept | Status | Chosen | Confidence | Decision |', '|---|---|---|---:|---|');
  for (const c of report.concepts) {
    push(
      `| ${c.label} | ${c.status} | ${c.chosenTable ? code(c.chosenTable) : '-'} | ${c.chosenTable ? `${c.confidence.toFixed(2)}${c.lowConfidence ? ' (low)' : ''}` : '-'} | ${c.decision.kind} |`,
    );
  }
  push('');
  for (const c of report.concepts) renderConcept(c, push);
}

function renderConcept(c: ConceptFinding, push: Push): void {
  push(`### ${c.label}`, '');
  if (c.chosenTable) {
    push(
      `${c.status === 'partial' ? 'Partial' : c.status === 'unsure' ? `Unsure: ${code(c.chosenTable)} or ${c.runnerUp?.table ? code(c.runnerUp.table) : 'no table'}; best` : 'Found'}: ${c.status === 'unsure' ? '' : `${code(c.chosenTable)}, `}confidence ${c.confidence.toFixed(2)}${c.lowConfidence ? ' (**low confidence**: check before relying on it)' : ''}.`,
      '',
    );
  } else {
    push(`Not found${c.status === 'partial' ? ' in full' : ''}.`, '');
  }
  const chosen = c.candidates.find((x) => x.table === c.chosenTable);
  if (chosen) push(`- Why: ${chosen.reasons.join('; ')}`);
  for (const e of c.evidence.slice(0, 8)) push(`- ${evidenceLine(e)}`);
  if (c.runnerUp) {
    push(
      `- Runner-up: ${c.runnerUp.table ? `${code(c.runnerUp.table)} ${c.runnerUp.confidence.toFixed(2)}` : 'none'}. What decides: ${c.runnerUp.decidedBy}.`,
    );
  }
  const others = c.candidates.filter((x) => x.table !== c.chosenTable);
  if (others.length > 0) {
    push(
      `- ${c.chosenTable ? 'Other candidates' : 'Candidates rejected'}: ${others.map((x) => `${code(x.table)} ${x.confidence.toFixed(2)} (${x.reasons.join('; ')})`).join('; ')}`,
    );
  }
  for (const n of c.notes) push(`- Note: ${n}`);
  push(`- Looked at: ${c.lookedAt}`);
  push(`- Decision: ${c.decision.kind}: ${c.decision.text}`, '');
}

function renderSchema(report: AuditReport, push: Push): void {
  const d = report.database;
  push('## Schema overview', '');
  push(
    `- Relations inspected: ${d.relationsInspected} (${d.hostTables} host tables after setting the portal's and bookkeeping tables aside).`,
  );
  push(`- Table-name prefix set aside when matching names: ${d.tablePrefix ? code(d.tablePrefix) : 'none'}.`);
  push(
    d.tenant
      ? `- Tenant column: ${code(d.tenant.column)} on ${d.tenant.tables} of ${d.tenant.of} host tables${d.tenant.table ? `, pointing to ${code(d.tenant.table)}` : ''}.`
      : '- Tenant column: none found (no column on a large part of the schema names a workspace, tenant or entity).',
  );
  push('', '## Tables set aside', '');
  const ig = report.ignoredTables;
  push(
    `- Installed by the portal: ${ig.installedByPortal.length > 0 ? ig.installedByPortal.map((t) => `${code(t.table)}${t.recorded ? '' : ' (bookkeeping)'}`).join(', ') : 'none (the portal is not installed in this database)'}.`,
  );
  push(
    `- Host tables under the name of a table the portal creates: ${ig.reservedPrefix.length > 0 ? `${ig.reservedPrefix.map(code).join(', ')}; counted as the host's (the portal did not create them), and the portal migrations would collide with them: rename them first` : 'none'}.`,
  );
  push(`- Migration bookkeeping: ${ig.bookkeeping.length > 0 ? ig.bookkeeping.map(code).join(', ') : 'none'}.`, '');
}

function renderRoutes(report: AuditReport, push: Push): void {
  push('## Routes probed', '');
  if (!report.routes.probed) {
    push(
      "Not probed: run with `--app-url` to check the host's `/client`, `/portal`, `/login` and public pages (GET only, redirects not followed).",
      '',
    );
    return;
  }
  push('Safe GET requests to the app (`--app-url`), redirects not followed.', '');
  push('| Route | Status | Reading |', '|---|---|---|');
  for (const r of report.routes.results) {
    push(
      `| \`${r.method} ${r.path}\` | ${r.status ?? `no answer (${cell(r.error ?? '')})`}${r.location ? ` → ${cell(r.location)}` : ''} | ${r.reading.replace('_', ' ')} |`,
    );
  }
  push('');
}

function evidenceLine(e: Evidence): string {
  return e.kind === 'absence' ? `not found: ${e.ref}: ${e.detail}` : `${code(e.ref)}: ${e.detail}`;
}

function code(text: string): string {
  return `\`${text.replace(/`/g, "'")}\``;
}

/** A TypeScript string literal, so the block pastes into an adapter even for odd identifiers. */
function tsString(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function tsKey(text: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(text) ? text : tsString(text);
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}
