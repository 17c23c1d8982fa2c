// Where a test run's time goes: reads the lines test/support/root-hooks.ts wrote with TEST_TIMINGS
// set (one per file: its path and wall time, set-up included) and prints the slowest files, then
// the time by folder. With several runs' lines in one file, a file's times are added up.
//
//   npx tsx scripts/test-timings.ts TIMINGS_FILE [how many files, 30 by default]
import { readFileSync } from 'node:fs';
import path from 'node:path';

const [source, howMany = '30'] = process.argv.slice(2);
if (!source) {
  console.error('usage: tsx scripts/test-timings.ts TIMINGS_FILE [N]');
  process.exit(2);
}

const byFile = new Map<string, number>();
for (const line of readFileSync(source, 'utf8').split('\n')) {
  if (!line.trim()) continue;
  const { file, ms } = JSON.parse(line) as { file: string; ms: number };
  const relative = path.relative(process.cwd(), file);
  byFile.set(relative, (byFile.get(relative) ?? 0) + ms);
}

const total = [...byFile.values()].reduce((sum, ms) => sum + ms, 0);
const seconds = (ms: number) => (ms / 1000).toFixed(1).padStart(8);
const share = (ms: number) => `${((100 * ms) / Math.max(total, 1)).toFixed(1).padStart(5)} %`;

console.log(`${byFile.size} files, ${(total / 1000).toFixed(0)} s of file time (summed over parallel workers)\n`);
console.log('slowest files:');
for (const [file, ms] of [...byFile].sort((a, b) => b[1] - a[1]).slice(0, Number(howMany))) {
  console.log(`${seconds(ms)} s ${share(ms)}  ${file}`);
}

const byFolder = new Map<string, number>();
for (const [file, ms] of byFile) byFolder.set(path.dirname(file), (byFolder.get(path.dirname(file)) ?? 0) + ms);
console.log('\nby folder:');
for (const [folder, ms] of [...byFolder].sort((a, b) => b[1] - a[1])) console.log(`${seconds(ms)} s ${share(ms)}  ${folder}`);
