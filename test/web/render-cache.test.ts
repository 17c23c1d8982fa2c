// Templates are compiled once per process (pages, layout and included partials), in the portal's
// own cache, leaving ejs's global cache to the host; outside production an edited file is compiled
// again on its next render, and only then.
import { expect } from 'chai';
import ejs from 'ejs';
import fs, { readdirSync, readFileSync, statSync, utimesSync } from 'node:fs';
import path from 'node:path';
import { compiledTemplate, renderTemplate, VIEWS_DIR } from '../../src/core/web/render.ts';

describe('template cache', function () {
  const file = path.join(VIEWS_DIR, 'errors/standalone.ejs');
  const model = {
    status: 404,
    heading: 'Not found',
    message: 'Nothing here',
    assets: '/portal/assets',
    t: (key: string) => key,
    locale: 'en',
  };

  it("compiles a page once and reuses it; the host's ejs cache stays as it was", function () {
    const hostCache = ejs.cache;
    const first = renderTemplate('errors/standalone', model);
    const compiled = compiledTemplate(file);
    expect(compiled).to.be.a('function');
    expect(ejs.cache).to.equal(hostCache);
    expect(hostCache.get(file)).to.equal(undefined);
    expect(renderTemplate('errors/standalone', model)).to.equal(first);
    expect(compiledTemplate(file)).to.equal(compiled);
  });

  it('compiles a template again after its file changed (outside production)', function () {
    renderTemplate('errors/standalone', model);
    const before = compiledTemplate(file);
    const { atime, mtime } = statSync(file);
    try {
      const later = new Date(Date.now() + 5_000);
      utimesSync(file, later, later);
      expect(compiledTemplate(file), 'stale after the change').to.equal(undefined);
      expect(renderTemplate('errors/standalone', model)).to.contain('Nothing here');
      const after = compiledTemplate(file);
      expect(after).to.be.a('function').and.not.equal(before);
      renderTemplate('errors/standalone', model);
      expect(compiledTemplate(file)).to.equal(after);
    } finally {
      utimesSync(file, atime, mtime);
    }
  });

  it('includes partials without a file-system check per include: every include names its file from the views folder', function () {
    const relative: string[] = [];
    for (const name of readdirSync(VIEWS_DIR, { recursive: true }) as string[]) {
      if (!name.endsWith('.ejs')) continue;
      for (const match of readFileSync(path.join(VIEWS_DIR, name), 'utf8').matchAll(/include\(\s*['"]([^'"]+)['"]/g)) {
        if (!match[1]!.startsWith('/')) relative.push(`${name}: ${match[1]}`);
      }
    }
    expect(relative, 'includes relative to their file').to.deep.equal([]);

    const existsSync = fs.existsSync;
    let checks = 0;
    fs.existsSync = (target) => {
      checks++;
      return existsSync(target);
    };
    try {
      const html = ejs.render(
        "<%- include('/partials/field-error', { id: 'code', message: 'Wrong code' }) %>",
        {},
        { filename: path.join(VIEWS_DIR, 'auth/test.ejs'), root: VIEWS_DIR },
      );
      expect(html).to.contain('Wrong code');
      expect(checks, 'file-system checks for a root include').to.equal(0);
      ejs.render(
        "<%- include('../partials/field-error', { id: 'code', message: 'Wrong code' }) %>",
        {},
        { filename: path.join(VIEWS_DIR, 'auth/test.ejs'), root: VIEWS_DIR },
      );
      expect(checks, 'a relative include checks the file').to.be.greaterThan(0);
    } finally {
      fs.existsSync = existsSync;
    }
  });
});
