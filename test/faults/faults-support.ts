// What every fault test shares: when they run, and the one-line numbers they report.
//
// They run once, on the real-PostgreSQL stage (DATABASE_URL set): each file starts its own private
// cluster anyway (it has to stop and restart it), so running them again on the embedded stage would
// measure the same thing twice and cost minutes of the CI budget.
import { missingBinaries } from './support/cluster.ts';

function faultsSkipReason(): string | null {
  if (!process.env.DATABASE_URL) {
    return 'fault tests run once, on the real-PostgreSQL stage (DATABASE_URL set); they start their own private cluster either way';
  }
  return missingBinaries();
}

/** Skips the suite with its reason printed, or returns false so the suite runs. */
export function skipFaultsUnlessPossible(context: Mocha.Context): void {
  const reason = faultsSkipReason();
  if (reason) {
    console.log(`      (skipped: ${reason})`);
    context.skip();
  }
}

/** A measured number, printed under the test so CI logs carry it. */
export function report(line: string): void {
  console.log(`      [measured] ${line}`);
}
