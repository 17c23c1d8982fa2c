// Mocha's root hooks for every run (.mocharc*.json `require`): what one test process made for all
// its files is removed once they have run. Every test process finds the features' templates and
// translations, as a portal does, also in tests that render or translate without creating one.
import { useFeatureFolders } from '../../src/portal.ts';
import { dropSeededTemplate } from './database.ts';

useFeatureFolders();

export const mochaHooks = {
  async afterAll(): Promise<void> {
    await dropSeededTemplate();
  },
};
