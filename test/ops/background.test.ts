// Background work is told apart from a request's once something asks (the query counter does, as
// it loads), across awaits, and never leaks into the code that started it.
import { expect } from 'chai';
import { backgroundWorker, inBackground, trackBackgroundWork } from '../../src/core/ops/background.ts';

describe('background work', function () {
  it('is named inside inBackground, across awaits, and not outside it', async function () {
    trackBackgroundWork();
    const seen = await inBackground('mail outbox', async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      return backgroundWorker();
    });
    expect(seen).to.equal('mail outbox');
    expect(backgroundWorker()).to.equal(undefined);
    expect(inBackground('housekeeping', () => 42)).to.equal(42);
  });
});
