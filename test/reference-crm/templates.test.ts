// Covers the template rule for the reference CRM views: data is only ever printed escaped (<%=);
// the unescaped tag (<%-) appears only to include another template.
import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { VIEWS_DIR } from '../../plugins/reference-crm/web/render.ts';

function templates(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? templates(join(dir, entry.name)) : entry.name.endsWith('.ejs') ? [join(dir, entry.name)] : [],
  );
}

describe('reference CRM templates', function () {
  it('print data only with escaped output', function () {
    const files = templates(VIEWS_DIR);
    expect(files.length).to.be.greaterThan(20);
    const offenders: string[] = [];
    for (const file of files) {
      const source = readFileSync(file, 'utf8');
      for (const match of source.matchAll(/<%-(.*?)%>/gs)) {
        if (!/^\s*include\((['"])[\w./-]+\1(,[^%]*)?\)\s*$/s.test(match[1] ?? '')) {
          offenders.push(`${relative(VIEWS_DIR, file)}: ${match[0]}`);
        }
      }
    }
    expect(offenders).to.deep.equal([]);
  });
});
