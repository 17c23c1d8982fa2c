// A statement that spans workspaces on purpose says so at its very start (knex's .comment()), where
// the shard-routing checks and the Citus stage look for it; the same words inside a select list
// are not at the start, and the Citus stage then fails on the statement. Read from the source, so
// a background job that the page tests never record cannot slip by.
import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));
/** The placeholder as it stands in the source (built, so that it is not read as one here). */
const MARK = ['$', '{ACROSS_WORKSPACES}'].join('');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** The uses of ACROSS_WORKSPACES in SQL that are not the argument of .comment(), as file:line. */
function misplacedMarks(files: Array<{ name: string; text: string }>): string[] {
  return files.flatMap(({ name, text }) =>
    text
      .split('\n')
      .map((line, index) => ({ line, at: `${name}:${index + 1}` }))
      .filter(({ line }) => line.includes(MARK) && !/\.comment\(`\$\{ACROSS_WORKSPACES\}/.test(line))
      .map(({ at }) => at),
  );
}

describe('statements that span workspaces', function () {
  it('say so with .comment(), at the start of their SQL', function () {
    const files = sourceFiles(SRC).map((file) => ({ name: path.relative(SRC, file), text: readFileSync(file, 'utf8') }));
    expect(files.filter((f) => f.text.includes(MARK)).length).to.be.greaterThan(3);
    expect(misplacedMarks(files)).to.deep.equal([]);
  });

  it('finds a mark inside a select list', function () {
    const inSelect = `db('t').select(db.raw(\`/* ${MARK}: why */ workspace_id\`))`;
    const atStart = `db('t').comment(\`${MARK}: why\`).select('workspace_id')`;
    expect(misplacedMarks([{ name: 'q.ts', text: `${atStart}\n${inSelect}` }])).to.deep.equal(['q.ts:2']);
  });
});
