// What a test pass would no longer send to its database engine if some files left it: reads the
// lines test/support/root-hooks.ts wrote with TEST_STATEMENTS set (one per file: the shapes of the
// statements the portal's and the CRM's code sent, values folded) and prints, for the files named,
// the shapes that no other file of the pass sent. Files that start a server of their own send their
// statements from that process, where they are not seen: judge those by what they start.
//
//   npx tsx scripts/test-statements.ts STATEMENTS_FILE PATH_PREFIX...
import { readFileSync } from 'node:fs';
import path from 'node:path';

const [source, ...prefixes] = process.argv.slice(2);
if (!source || prefixes.length === 0) {
  console.error('usage: tsx scripts/test-statements.ts STATEMENTS_FILE PATH_PREFIX...');
  process.exit(2);
}

const byFile = new Map<string, Set<string>>();
for (const line of readFileSync(source, 'utf8').split('\n')) {
  if (!line.trim()) continue;
  const { file, shapes } = JSON.parse(line) as { file: string; shapes: string[] };
  const relative = path.relative(process.cwd(), file);
  const known = byFile.get(relative) ?? new Set<string>();
  for (const shape of shapes) known.add(shape);
  byFile.set(relative, known);
}

const leaving = [...byFile.keys()].filter((file) => prefixes.some((prefix) => file.startsWith(prefix)));
const staying = new Set<string>();
for (const [file, shapes] of byFile) if (!leaving.includes(file)) for (const shape of shapes) staying.add(shape);
const all = new Set([...byFile.values()].flatMap((shapes) => [...shapes]));

console.log(`${byFile.size} files sent ${all.size} statement shapes; ${leaving.length} leaving, the other files send ${staying.size}\n`);
for (const file of leaving.sort()) {
  const only = [...(byFile.get(file) ?? [])].filter((shape) => !staying.has(shape));
  console.log(`${file}: ${byFile.get(file)?.size ?? 0} shapes, ${only.length} sent by no file that stays`);
  for (const shape of only) console.log(`    ${shape.slice(0, 240)}`);
}
