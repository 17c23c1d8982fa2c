// Mocha's root hooks for every run (.mocharc*.json `require`): what one test process made for all
// its files is removed once they have run.
import { dropSeededTemplate } from './database.ts';

export const mochaHooks = {
  async afterAll(): Promise<void> {
    await dropSeededTemplate();
  },
};
