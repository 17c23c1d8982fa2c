// The roles table in docs/features.md says, for every client permission, which built-in roles hold
// it. It is what an agency reads before giving roles, so it must say what the code grants: each
// permission has one row, and each row's marks equal BUILT_IN_ROLES.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { BUILT_IN_ROLES, CLIENT_PERMISSIONS, type BuiltInRole } from '../../src/core/policies/client-access.ts';

const COLUMNS: BuiltInRole[] = ['admin', 'full', 'billing', 'member'];

/** The permission table's rows: the permission (the row's first word) and its four role marks. */
function documentedRoles(): Map<string, boolean[]> {
  const doc = readFileSync(new URL('../../docs/features.md', import.meta.url), 'utf8');
  const start = doc.indexOf('| permission | goes with switch |');
  expect(start, 'the permissions table in docs/features.md').to.be.greaterThan(-1);
  const rows = new Map<string, boolean[]>();
  for (const line of doc.slice(start).split('\n').slice(2)) {
    if (!line.startsWith('|')) break;
    const cells = line
      .split('|')
      .slice(1, -1)
      .map((cell) => cell.trim());
    rows.set(
      cells[0]!.split(' ')[0]!,
      cells.slice(2, 6).map((mark) => mark === '✓'),
    );
  }
  return rows;
}

describe('the roles table in docs/features.md', function () {
  it('has a row for every client permission, with the built-in roles the code gives it', function () {
    const rows = documentedRoles();
    for (const permission of CLIENT_PERMISSIONS) {
      expect(rows.has(permission), `a row for ${permission}`).to.equal(true);
      const granted = COLUMNS.map((role) => BUILT_IN_ROLES[role].permissions.includes(permission));
      expect(rows.get(permission), `the roles holding ${permission}`).to.deep.equal(granted);
    }
  });
});
