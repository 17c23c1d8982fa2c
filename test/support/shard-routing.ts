// Which recorded statements Citus could not send to one node: a statement that reads or writes a
// table distributed by workspace (src/core/db/distribution.ts, and the reference CRM's own,
// plugins/reference-crm/migrations/distribution.ts) must name the workspace, by a
// workspace_id equality (or IN list) in its conditions or a workspace_id column in its INSERT,
// and each of its subqueries on such a table names it too, not only through the outer row's column;
// and it does not insert into such a table what it selects from one (insertsWhatItSelects), nor
// call a function that is not immutable in the update of its ON CONFLICT, which Citus refuses
// outright (updatesOnConflictWithAFunction).
// A statement that spans workspaces on purpose says so (ACROSS_WORKSPACES) and passes. A textual
// check of the SQL knex sends, so a join on workspace_id counts as naming it too; the Citus stage
// (test/citus/run.ts) runs the client journey on a cluster and fails on any statement on these
// tables that the coordinator sent to every shard.
import { expect } from 'chai';
import { CRM_DISTRIBUTION } from '../../plugins/reference-crm/migrations/distribution.ts';
import { ACROSS_WORKSPACES, TABLE_PLACEMENT } from '../../src/core/db/distribution.ts';

const byWorkspace = (plan: Readonly<Record<string, { kind: string }>>) =>
  Object.entries(plan)
    .filter(([, placement]) => placement.kind === 'by-workspace')
    .map(([table]) => table);
const PORTAL_WORKSPACE_TABLES = byWorkspace(TABLE_PLACEMENT);
/** The portal's workspace tables and the reference CRM's, which its binding reads for every page. */
const WORKSPACE_TABLES = [...PORTAL_WORKSPACE_TABLES, ...byWorkspace(CRM_DISTRIBUTION.tables)];

/** Any of the tables as a name of its own, compiled once: every statement of a test run is read against it. */
const mentionsAny = (tables: string[]) => new RegExp(`(^|[^a-z_])"?(${tables.join('|')})"?($|[^a-z_])`, 'i');
const MENTIONS_WORKSPACE_TABLE = mentionsAny(WORKSPACE_TABLES);
/**
 * The portal's own workspace tables only: what a statement of another host's binding (Alga PSA,
 * Dolibarr) may name, whose `clients`, `invoices` or `tasks` are that host's tables, not the
 * reference CRM's, and are never distributed by the portal.
 */
const MENTIONS_PORTAL_TABLE = mentionsAny(PORTAL_WORKSPACE_TABLES);
// An insert names it in its columns; so does the insert of a change counted with its log (a CTE).
const namesWorkspace = (statement: string) =>
  /workspace_id"?\s*(=|in\s*\()/i.test(statement) ||
  /^\s*(with\s+\w+\s+as\s*\(\s*)?insert\s+into\s+"?[a-z_]+"?\s*\([^)]*workspace_id/i.test(statement);

/**
 * A workspace_id compared with anything but another workspace_id column: a placeholder, a constant,
 * an IN list or an expression. `li.workspace_id = o.workspace_id` alone does not name a workspace.
 */
const namesWorkspaceOtherThanByColumn = (statement: string) =>
  [...statement.matchAll(/workspace_id"?\s*(?:=\s*any\s*\(|=|in\s*\()\s*(\S+)/gi)].some(
    ([, other]) => !/^"?[a-z_]+"?\."?workspace_id"?/i.test(other!),
  );

/** Each parenthesised `(select …)` of a statement, with its own parentheses. */
function subqueries(statement: string): string[] {
  const found: string[] = [];
  const opening = /\(\s*select\b/gi;
  for (let match = opening.exec(statement); match; match = opening.exec(statement)) {
    let depth = 0;
    for (let i = match.index; i < statement.length; i++) {
      if (statement[i] === '(') depth++;
      else if (statement[i] === ')' && --depth === 0) {
        found.push(statement.slice(match.index, i + 1));
        break;
      }
    }
  }
  return found;
}

/**
 * A subquery on a workspace table that finds its workspace only through the outer row
 * (`li.workspace_id = o.workspace_id`): Citus's router does not carry the outer statement's
 * workspace into it, and sends the statement to every shard. Each subquery names the value itself.
 */
const subqueryMissesItsWorkspace = (statement: string, tables: RegExp) =>
  subqueries(statement).some((subquery) => tables.test(subquery) && !namesWorkspaceOtherThanByColumn(subquery));

/**
 * An insert into a workspace table of what a select reads from one. Citus sends such a statement to
 * the workspace's shard only in some forms: pushed down whole where the rows keep their own
 * workspace_id and the target has no volatile default, or collected on the coordinator from a
 * select it could still prune. Into a table with a serial id it went to every shard ("order again":
 * "Sequences cannot be used in router queries", Citus 13.0), and under a generic plan it refused
 * every such insert. A read, then an insert of the values, goes to the workspace's shard in every
 * case, so the rule keeps the form out altogether.
 */
const INSERT_SELECT = /^\s*insert\s+into\s+"?([a-z_]+)"?\s*\([^)]*\)\s*select\b([\s\S]*)$/i;
const insertsWhatItSelects = (statement: string, tables: RegExp) => {
  const match = INSERT_SELECT.exec(statement);
  return match !== null && tables.test(match[1]!) && /\bfrom\b/i.test(match[2]!) && tables.test(match[2]!);
};

/**
 * An insert into a workspace table whose ON CONFLICT update calls a function that is not immutable
 * (now(), CURRENT_TIMESTAMP, random(), …). Citus refuses it on a distributed table ("functions used
 * in the DO UPDATE SET clause of INSERTs on distributed tables must be marked IMMUTABLE", Citus
 * 13.0: a staff member's notification marked read failed so on the cluster). The inserted row's
 * own value says the same and passes: `excluded.column`, its default evaluated with the values.
 */
const ON_CONFLICT_UPDATE =
  /\binsert\s+into\s+"?([a-z_]+)"?[\s\S]*?\bon\s+conflict\b[\s\S]*?\bdo\s+update\s+set\b([\s\S]*?)(?:\breturning\b|$)/i;
const NOT_IMMUTABLE =
  /\b(current_timestamp|current_date|current_time|localtimestamp|localtime)\b|\b(now|clock_timestamp|statement_timestamp|transaction_timestamp|random|gen_random_uuid|nextval)\s*\(/i;
const updatesOnConflictWithAFunction = (statement: string, tables: RegExp) => {
  const match = ON_CONFLICT_UPDATE.exec(statement);
  return match !== null && tables.test(match[1]!) && NOT_IMMUTABLE.test(match[2]!);
};

/**
 * The statements among `sql` that touch a workspace table without naming the workspace, in the
 * statement or in one of its subqueries, or that insert what they select from one, or that Citus
 * refuses for a function in their ON CONFLICT update (above). `portalTablesOnly` for statements
 * of another host's binding.
 */
export function statementsReachingEveryShard(sql: string[], options: { portalTablesOnly?: boolean } = {}): string[] {
  const tables = options.portalTablesOnly ? MENTIONS_PORTAL_TABLE : MENTIONS_WORKSPACE_TABLE;
  return sql.filter(
    (statement) =>
      tables.test(statement) &&
      !saysItSpansWorkspaces(statement) &&
      (!namesWorkspace(statement) ||
        subqueryMissesItsWorkspace(statement, tables) ||
        insertsWhatItSelects(statement, tables) ||
        updatesOnConflictWithAFunction(statement, tables)),
  );
}

export const touchesWorkspaceTable = (statement: string) => MENTIONS_WORKSPACE_TABLE.test(statement);
export const saysItSpansWorkspaces = (statement: string) => statement.trimStart().startsWith(`/* ${ACROSS_WORKSPACES}`);

/** Fails, naming them, when any statement of a request (`what`) touches a workspace table without naming the workspace. */
export function expectEachNamesItsWorkspace(sql: string[], what: string): void {
  expect(statementsReachingEveryShard(sql), `${what}: statements without a workspace_id`).to.deep.equal([]);
}
