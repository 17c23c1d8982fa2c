// Reads StrykerJS JSON reports (mutation/reports/*.json) and prints, as Markdown, the score of each
// file and the surviving and uncovered mutants with the line they change. Several reports may hold
// the same mutant (same place, mutator and replacement): the last report given wins for it, so a
// rerun of part of the scope is listed after the run it corrects. A later report of a file whose
// source has changed since replaces everything earlier reports said of that file.
//   npx tsx scripts/mutation-summary.ts mutation/reports/auth-sessions.json mutation/reports/commerce.json
import { readFileSync } from 'node:fs';

interface Mutant {
  status: string;
  mutatorName: string;
  replacement?: string;
  location: { start: { line: number; column: number }; end: { line: number; column: number } };
}
interface Report {
  files: Record<string, { source: string; mutants: Mutant[] }>;
}

const DETECTED = new Set(['Killed', 'Timeout']);
const UNDETECTED = new Set(['Survived', 'NoCoverage']);

const byFile = new Map<string, { source: string; mutants: Map<string, Mutant> }>();
for (const reportFile of process.argv.slice(2)) {
  const report = JSON.parse(readFileSync(reportFile, 'utf8')) as Report;
  for (const [file, data] of Object.entries(report.files)) {
    const earlier = byFile.get(file);
    const known = earlier && earlier.source === data.source ? earlier : { source: data.source, mutants: new Map<string, Mutant>() };
    for (const mutant of data.mutants) {
      const { start, end } = mutant.location;
      known.mutants.set(
        `${start.line}:${start.column}-${end.line}:${end.column} ${mutant.mutatorName} ${mutant.replacement ?? ''}`,
        mutant,
      );
    }
    byFile.set(file, known);
  }
}
const files = new Map([...byFile].map(([file, { source, mutants }]) => [file, { source, mutants: [...mutants.values()] }]));

const count = (mutants: Mutant[], statuses: Set<string>) => mutants.filter((mutant) => statuses.has(mutant.status)).length;
const score = (detected: number, undetected: number) =>
  detected + undetected === 0 ? 'n/a' : `${((100 * detected) / (detected + undetected)).toFixed(1)} %`;

const rows = [...files].sort(([a], [b]) => a.localeCompare(b));
let detectedTotal = 0;
let undetectedTotal = 0;
console.log('| file | killed | timeout | survived | no coverage | score |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
for (const [file, { mutants }] of rows) {
  const detected = count(mutants, DETECTED);
  const undetected = count(mutants, UNDETECTED);
  detectedTotal += detected;
  undetectedTotal += undetected;
  const of = (status: string) => mutants.filter((mutant) => mutant.status === status).length;
  console.log(
    `| \`${file}\` | ${of('Killed')} | ${of('Timeout')} | ${of('Survived')} | ${of('NoCoverage')} | ${score(detected, undetected)} |`,
  );
}
console.log(`| **all** | | | | | **${score(detectedTotal, undetectedTotal)}** (${detectedTotal} of ${detectedTotal + undetectedTotal}) |`);

console.log('\nUndetected mutants:\n');
for (const [file, { source, mutants }] of rows) {
  const lines = source.split('\n');
  for (const mutant of mutants.filter((m) => UNDETECTED.has(m.status)).sort((a, b) => a.location.start.line - b.location.start.line)) {
    const line = mutant.location.start.line;
    const code = lines[line - 1]!.trim().replace(/\s+/g, ' ').slice(0, 100);
    const replacement = String(mutant.replacement ?? '')
      .replace(/\s+/g, ' ')
      .slice(0, 60);
    console.log(
      `- \`${file}:${line}\` ${mutant.mutatorName}${mutant.status === 'NoCoverage' ? ' (no coverage)' : ''}: \`${code}\` → \`${replacement}\``,
    );
  }
}
