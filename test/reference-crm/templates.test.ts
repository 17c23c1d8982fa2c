// Covers the template rule for the reference CRM views: data is only ever printed escaped (<%=);
// the unescaped tag (<%-) appears only to include another template, or to place the HTML the
// portal rendered (and escaped) itself into the CRM's layout (HostLayoutPort.staffPage).
import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { VIEWS_DIR } from '../../plugins/reference-crm/web/render.ts';

function templates(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? templates(join(dir, entry.name)) : entry.name.endsWith('.ejs') ? [join(dir, entry.name)] : [],
  );
}

// The portal's own staff pages, rendered by the portal's escaped templates, placed in the CRM's page.
const RENDERED_BY_THE_PORTAL = new Set(['partials/top.ejs: <%- layout.head %>', 'plugin-page.ejs: <%- body %>']);

describe('reference CRM templates', function () {
  it('print data only with escaped output', function () {
    const files = templates(VIEWS_DIR);
    expect(files.length).to.be.greaterThan(20);
    const offenders: string[] = [];
    for (const file of files) {
      const source = readFileSync(file, 'utf8');
      for (const match of source.matchAll(/<%-(.*?)%>/gs)) {
        const where = `${relative(VIEWS_DIR, file)}: ${match[0]}`;
        if (!/^\s*include\((['"])[\w./-]+\1(,[^%]*)?\)\s*$/s.test(match[1] ?? '') && !RENDERED_BY_THE_PORTAL.has(where)) {
          offenders.push(where);
        }
      }
    }
    expect(offenders).to.deep.equal([]);
  });
});
