// Mocha's root hooks for every run (.mocharc*.json `require`): what one test process made for all
// its files is removed once they have run. Every test process finds the features' templates and
// translations, as a portal does, also in tests that render or translate without creating one.
// Every statement the portal's or the CRM's code sends on a workspace table names its workspace
// or says it spans workspaces (workspace-statements.ts): a test during which one did not fails,
// and one sent outside any test (a file's before or after hooks) fails the file. With TEST_TIMINGS
// set to a path, each file's wall time, set-up included, is added to it as a line of JSON, with the
// CPU its test process spent and that of the processes it started and saw end (scripts/
// test-timings.ts prints the table: with every core busy, CPU is what a file costs the run); with
// TEST_STATEMENTS set, the shapes of the app's statements it sent (scripts/test-statements.ts).
// The databases the test processes made (each file's, and the templates they copy them from:
// database.ts) are dropped once, by the run's main process, when every file has run: in a parallel
// run the root hooks below run once per file, so they cannot.
import { appendFileSync } from 'node:fs';
import type { Context, Hook } from 'mocha';
import { endedChildrenCpuMs } from '../../bench/proc-stats.ts';
import { useFeatureFolders } from '../../src/portal.ts';
import { dropDatabasesOfDeadRuns, dropDatabasesOfRun } from './database.ts';
import { takeStatementShapes, takeViolations, watchWorkspaceStatements } from './workspace-statements.ts';

useFeatureFolders();
watchWorkspaceStatements();

const failure = (found: string) =>
  new Error(`statements on workspace tables without a workspace_id or the across-workspaces mark (docs/scaling.md):\n${found}`);

let startedAt = 0;
let startedCpu = { own: 0, children: 0 };

/**
 * CPU milliseconds so far: this process's (all its threads), and its ended children's, which
 * Linux counts once a child is waited for (0 elsewhere).
 */
function cpuSoFar(): { own: number; children: number } {
  const { user, system } = process.cpuUsage();
  let children = 0;
  try {
    children = endedChildrenCpuMs('self');
  } catch {
    // Not Linux: the children's share is unknown.
  }
  return { own: (user + system) / 1000, children };
}

/**
 * The file a root suite ran, where it ran one: in parallel mode each file runs in a root of its own;
 * a serial run's one root holds them all, and its time is no one file's.
 */
function fileOf(root: Mocha.Suite | undefined): string | null {
  const files = new Set((root?.suites ?? []).map((suite) => suite.file).filter((file): file is string => Boolean(file)));
  return files.size === 1 ? [...files][0]! : null;
}

/** In the run's main process, before any test process starts: the name its databases carry. */
export async function mochaGlobalSetup(): Promise<void> {
  process.env.TEST_RUN ??= String(process.pid);
  await dropDatabasesOfDeadRuns();
}

/** In the run's main process, after every file: the databases its test processes made. */
export async function mochaGlobalTeardown(): Promise<void> {
  await dropDatabasesOfRun();
}

export const mochaHooks = {
  beforeAll(): void {
    startedAt = performance.now();
    startedCpu = cpuSoFar();
  },
  afterEach(this: Context): void {
    const found = takeViolations();
    // Fails the test that just ran, not the hook: the file's other tests still run.
    if (found) (this.test as Hook).error(failure(found));
  },
  async afterAll(this: Context): Promise<void> {
    const timings = process.env.TEST_TIMINGS;
    if (timings) {
      const file = fileOf(this.test?.parent);
      const cpu = cpuSoFar();
      const line = {
        file,
        ms: Math.round(performance.now() - startedAt),
        cpuMs: Math.round(cpu.own - startedCpu.own),
        childCpuMs: Math.round(cpu.children - startedCpu.children),
      };
      if (file) appendFileSync(timings, `${JSON.stringify(line)}\n`);
    }
    const statements = process.env.TEST_STATEMENTS;
    if (statements) {
      const file = fileOf(this.test?.parent);
      const shapes = takeStatementShapes();
      if (file) appendFileSync(statements, `${JSON.stringify({ file, shapes })}\n`);
    }
    const found = takeViolations();
    if (found) throw failure(found);
  },
};
