// Where a test run's time goes: reads the lines test/support/root-hooks.ts wrote with TEST_TIMINGS
// set (one per file: its path, wall time, set-up included, and CPU: its test process's and that of
// the processes it started) and prints the files that cost the most CPU, then the time by folder.
// With every core busy, a file's CPU is what it costs the run; its wall time, stretched by the
// files beside it, is shown for the long poles. With several runs' lines in one file, a file's
// times are added up.
//
//   npx tsx scripts/test-timings.ts TIMINGS_FILE [how many files, 30 by default]
import { readFileSync } from 'node:fs';
import path from 'node:path';

const [source, howMany = '30'] = process.argv.slice(2);
if (!source) {
  console.error('usage: tsx scripts/test-timings.ts TIMINGS_FILE [N]');
  process.exit(2);
}

interface Cost {
  ms: number;
  cpuMs: number;
  childCpuMs: number;
}

const NOTHING: Cost = { ms: 0, cpuMs: 0, childCpuMs: 0 };
const plus = (a: Cost, b: Cost): Cost => ({ ms: a.ms + b.ms, cpuMs: a.cpuMs + b.cpuMs, childCpuMs: a.childCpuMs + b.childCpuMs });

const byFile = new Map<string, Cost>();
for (const line of readFileSync(source, 'utf8').split('\n')) {
  if (!line.trim()) continue;
  const { file, ms, cpuMs = 0, childCpuMs = 0 } = JSON.parse(line) as { file: string } & Partial<Cost> & { ms: number };
  const relative = path.relative(process.cwd(), file);
  byFile.set(relative, plus(byFile.get(relative) ?? NOTHING, { ms, cpuMs, childCpuMs }));
}

const sum = (costs: Iterable<Cost>, key: keyof Cost) => [...costs].reduce((total, cost) => total + cost[key], 0);
const cpu = (cost: Cost) => cost.cpuMs + cost.childCpuMs;
const totalCpu = sum(byFile.values(), 'cpuMs') + sum(byFile.values(), 'childCpuMs');
const seconds = (ms: number) => (ms / 1000).toFixed(1).padStart(7);
const share = (ms: number) => `${((100 * ms) / Math.max(totalCpu, 1)).toFixed(1).padStart(5)} %`;

console.log(
  `${byFile.size} files: ${(sum(byFile.values(), 'ms') / 1000).toFixed(0)} s of file time (summed over parallel workers), ` +
    `${(sum(byFile.values(), 'cpuMs') / 1000).toFixed(0)} s of test-process CPU and ${(sum(byFile.values(), 'childCpuMs') / 1000).toFixed(0)} s of the processes they started\n`,
);
console.log('    CPU   share     own children   wall  file');
for (const [file, cost] of [...byFile].sort((a, b) => cpu(b[1]) - cpu(a[1])).slice(0, Number(howMany))) {
  console.log(`${seconds(cpu(cost))} ${share(cpu(cost))} ${seconds(cost.cpuMs)} ${seconds(cost.childCpuMs)} ${seconds(cost.ms)}  ${file}`);
}

const byFolder = new Map<string, Cost>();
for (const [file, cost] of byFile) byFolder.set(path.dirname(file), plus(byFolder.get(path.dirname(file)) ?? NOTHING, cost));
console.log('\nby folder:\n    CPU   share   wall  folder');
for (const [folder, cost] of [...byFolder].sort((a, b) => cpu(b[1]) - cpu(a[1]))) {
  console.log(`${seconds(cpu(cost))} ${share(cpu(cost))} ${seconds(cost.ms)}  ${folder}`);
}
