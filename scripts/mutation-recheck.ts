// Runs again, with every test of one test file for each mutant (coverageAnalysis "all"), the lines
// where a mutation run left mutants undetected. A perTest run picks each mutant's tests by the
// coverage it recorded, and it can miss the test that detects a mutant: on the security core, mutants
// that failed a test when applied by hand were reported as surviving. The recheck's report then
// stands for those lines (list it after the first run's report in scripts/mutation-summary.ts).
//   npx tsx scripts/mutation-recheck.ts <report.json> <path filter> <test file> <name>
//   npx tsx scripts/mutation-recheck.ts mutation/reports/commerce.json src/features/offers/decisions/ test/security-core/decisions.test.ts decisions
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

const [reportFile, filter, testFile, name] = process.argv.slice(2);
if (!reportFile || !filter || !testFile || !name)
  throw new Error('usage: mutation-recheck.ts <report.json> <path filter> <test file> <name>');

const report = JSON.parse(readFileSync(reportFile, 'utf8')) as {
  files: Record<string, { mutants: Array<{ status: string; location: { start: { line: number } } }> }>;
};
const ranges = Object.entries(report.files)
  .filter(([file]) => file.includes(filter))
  .flatMap(([file, { mutants }]) =>
    [...new Set(mutants.filter((m) => m.status === 'Survived' || m.status === 'NoCoverage').map((m) => m.location.start.line))].map(
      (line) => `${file}:${line}-${line}`,
    ),
  );
if (ranges.length === 0) {
  console.log(`${name}: nothing undetected under ${filter}`);
  process.exit(0);
}

// Every other option as in the commerce configuration (runner, checker, timeouts, sandbox).
const config = JSON.parse(readFileSync('mutation/stryker.commerce.config.json', 'utf8'));
Object.assign(config, {
  mutate: ranges,
  mochaOptions: { ...config.mochaOptions, spec: [testFile] },
  coverageAnalysis: 'all',
  // Stryker runs static mutants too with "all"; it refuses ignoreStatic with it.
  ignoreStatic: false,
  incremental: false,
  jsonReporter: { fileName: `mutation/reports/recheck-${name}.json` },
  htmlReporter: { fileName: `mutation/reports/recheck-${name}.html` },
  tempDirName: `mutation/.stryker-tmp-recheck-${name}`,
});
delete config.incrementalFile;
const configFile = `mutation/stryker.recheck-${name}.config.json`;
writeFileSync(configFile, `${JSON.stringify(config, null, 2)}\n`);
console.log(`${name}: ${ranges.join(', ')}`);
execFileSync('sh', ['scripts/mutation.sh'], { stdio: 'inherit', env: { ...process.env, STRYKER_CONFIG: configFile } });
