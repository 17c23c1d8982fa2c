// BENCHMARKS.md: `npm run bench` writes the report, and the scripts measured apart from it
// (bench/floor.ts, bench/citus-scale.ts) each write a section of their own, which the report keeps.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './bench-apps.ts';

export const BENCHMARKS_FILE = path.join(ROOT, 'BENCHMARKS.md');

/** The sections written by scripts of their own, by heading, in the order the report ends with them. */
export const SECTIONS_OF_THEIR_OWN = ['The signed-in floor', 'Citus against one PostgreSQL'];

/** A section (its `## ` heading to the next heading of that level, or the end) as the file has it. */
const sectionPattern = (heading: string) => new RegExp(`\\n?## ${heading}\\n[\\s\\S]*?(?=\\n## |$)`);

/** Each section of its own the file has now, in order, to put back after a new report. */
export function sectionsOfTheirOwn(): string[] {
  if (!existsSync(BENCHMARKS_FILE)) return [];
  const current = readFileSync(BENCHMARKS_FILE, 'utf8');
  return SECTIONS_OF_THEIR_OWN.flatMap((heading) => sectionPattern(heading).exec(current)?.[0].trim() ?? []);
}

/** Writes `lines` (a section starting with its `## ` heading) in place of the file's, or at its end. */
export function writeSection(heading: string, lines: string[]): void {
  const current = readFileSync(BENCHMARKS_FILE, 'utf8');
  const pattern = sectionPattern(heading);
  const section = lines.join('\n').trim();
  writeFileSync(
    BENCHMARKS_FILE,
    pattern.test(current) ? `${current.replace(pattern, () => `\n${section}\n`).trimEnd()}\n` : `${current.trimEnd()}\n\n${section}\n`,
  );
}
