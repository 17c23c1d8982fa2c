// A statement that spans workspaces on purpose says so at its very start (knex's .comment() on a
// select, or the statement written out with the mark first: knex leaves a builder's comment off a
// delete, an update or an insert), where the shard-routing checks and the Citus stage look for it;
// the same words inside a select list are not at the start, and the Citus stage then fails on the
// statement. Read from the source, so
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

const COMMENT_MARK = /\.comment\(`\$\{ACROSS_WORKSPACES\}/;
/** A whole statement written out, the mark first: `/* ${…}: why *\/ delete from …`. */
const STATEMENT_MARK = /`\/\* \$\{ACROSS_WORKSPACES\}[^`]*?\*\/\s*(select|with|delete|update|insert)\b/i;
/** knex leaves a builder's comment off a write: the statement would go unmarked. */
const WRITE_IN_CHAIN = /\.(delete|del|update|insert)\(/;

/**
 * The uses of ACROSS_WORKSPACES in SQL that would not lead the statement as sent, as file:line:
 * the argument of .comment() on a select, or a statement written out that starts with it.
 */
function misplacedMarks(files: Array<{ name: string; text: string }>): string[] {
  return files.flatMap(({ name, text }) => {
    const lines = text.split('\n');
    return lines
      .map((line, index) => ({ line, index, at: `${name}:${index + 1}` }))
      .filter(({ line, index }) => {
        if (!line.includes(MARK)) return false;
        if (STATEMENT_MARK.test(line)) return false;
        if (!COMMENT_MARK.test(line)) return true;
        // The rest of the builder's chain, to the end of its statement.
        const rest = `${line.slice(line.search(COMMENT_MARK))}\n${lines.slice(index + 1).join('\n')}`;
        return WRITE_IN_CHAIN.test(rest.slice(0, rest.indexOf(';') + 1 || undefined));
      })
      .map(({ at }) => at);
  });
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

  it('finds a comment knex would leave off a write, and takes a write written out with its mark first', function () {
    const onDelete = `return db('t')\n  .comment(\`${MARK}: why\`)\n  .where('at', '<', x)\n  .delete();`;
    const onSelect = `return db('t')\n  .comment(\`${MARK}: why\`)\n  .select('id');\nawait db('u').delete();`;
    const writtenOut = `db.raw(\n  \`/* ${MARK}: why */ delete from t where at < ?\`,\n  [x],\n);`;
    const files = [
      { name: 'delete.ts', text: onDelete },
      { name: 'select.ts', text: onSelect },
      { name: 'raw.ts', text: writtenOut },
    ];
    expect(misplacedMarks(files)).to.deep.equal(['delete.ts:2']);
  });
});
