// Mocha's root hooks for every run (.mocharc*.json `require`): what one test process made for all
// its files is removed once they have run. Every test process finds the features' templates and
// translations, as a portal does, also in tests that render or translate without creating one.
// Every statement the portal's or the CRM's code sends on a workspace table names its workspace
// or says it spans workspaces (workspace-statements.ts): a test during which one did not fails,
// and one sent outside any test (a file's before or after hooks) fails the file.
import type { Context, Hook } from 'mocha';
import { useFeatureFolders } from '../../src/portal.ts';
import { dropSeededTemplate } from './database.ts';
import { takeViolations, watchWorkspaceStatements } from './workspace-statements.ts';

useFeatureFolders();
watchWorkspaceStatements();

const failure = (found: string) =>
  new Error(`statements on workspace tables without a workspace_id or the across-workspaces mark (docs/scaling.md):\n${found}`);

export const mochaHooks = {
  afterEach(this: Context): void {
    const found = takeViolations();
    // Fails the test that just ran, not the hook: the file's other tests still run.
    if (found) (this.test as Hook).error(failure(found));
  },
  async afterAll(): Promise<void> {
    const found = takeViolations();
    await dropSeededTemplate();
    if (found) throw failure(found);
  },
};
