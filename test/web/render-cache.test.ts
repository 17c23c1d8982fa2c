// Templates are compiled once per process (pages, layout and included partials), in the portal's
// own cache, leaving ejs's global cache to the host; outside production an edited file is compiled
// again on its next render, and only then. They are found by name in core's folder and each
// feature's, whichever holds them, and no name is in two folders.
import { expect } from 'chai';
import ejs from 'ejs';
import fs, { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { compiledTemplate, renderTemplate, useViewFolders, VIEWS_DIR, viewFile } from '../../src/core/web/render.ts';
import { FEATURE_MANIFESTS } from '../../src/features/manifests.ts';
import { offersManifest } from '../../src/features/offers/manifest.ts';

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

  const folders = [VIEWS_DIR, ...FEATURE_MANIFESTS.flatMap((feature) => (feature.views ? [feature.views] : []))];

  it("finds each template in the folder that holds it: core's or its feature's", function () {
    expect(viewFile('errors/standalone')).to.equal(path.join(VIEWS_DIR, 'errors/standalone.ejs'));
    expect(viewFile('offers/show')).to.equal(path.join(offersManifest.views!, 'offers/show.ejs'));
    expect(viewFile('decisions/accept')).to.equal(path.join(offersManifest.views!, 'decisions/accept.ejs'));
    expect(() => viewFile('offers/nowhere')).to.throw(/No template offers\/nowhere/);
  });

  it('includes partials without a file-system check per include: every include names its file from a views folder', function () {
    const relative: string[] = [];
    let includes = 0;
    for (const folder of folders) {
      for (const name of readdirSync(folder, { recursive: true }) as string[]) {
        if (!name.endsWith('.ejs')) continue;
        for (const match of readFileSync(path.join(folder, name), 'utf8').matchAll(/include\(\s*['"`]([^'"`]+)['"`]/g)) {
          includes++;
          if (!match[1]!.startsWith('/')) relative.push(`${name}: ${match[1]}`);
        }
      }
    }
    expect(includes, 'the features include partials (the reader is not blind)').to.be.greaterThan(50);
    expect(relative, 'includes relative to their file').to.deep.equal([]);

    // A page of one folder includes a partial of another, which includes one of core's: found from
    // the index, with no file-system check. The scratch folders stay registered for the process.
    const pages = mkdtempSync(path.join(tmpdir(), 'portal-views-'));
    const parts = mkdtempSync(path.join(tmpdir(), 'portal-views-'));
    mkdirSync(path.join(pages, 'scratch-page'));
    mkdirSync(path.join(parts, 'scratch-part'));
    writeFileSync(path.join(pages, 'scratch-page/show.ejs'), "<%- include('/scratch-part/_code', { message: 'Wrong code' }) %>");
    writeFileSync(path.join(parts, 'scratch-part/_code.ejs'), "<%- include('/partials/field-error', { id: 'code', message }) %>");
    writeFileSync(path.join(pages, 'scratch-page/relative.ejs'), "<%- include('../scratch-part/_code', { message: 'Wrong code' }) %>");
    useViewFolders([pages, parts]);
    // A relative include would be looked for beside its file only, and on disk at every render.
    expect(() => renderTemplate('scratch-page/relative', {})).to.throw(/by its name from a views folder/);

    const existsSync = fs.existsSync;
    let checks = 0;
    fs.existsSync = (target) => {
      checks++;
      return existsSync(target);
    };
    try {
      expect(renderTemplate('scratch-page/show', {})).to.contain('Wrong code');
      expect(renderTemplate('scratch-page/show', {})).to.contain('Wrong code');
      expect(checks, 'file-system checks for root includes across folders').to.equal(0);
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

  it('refuses a template two folders hold, and keeps finding the others', function () {
    const twin = mkdtempSync(path.join(tmpdir(), 'portal-views-'));
    mkdirSync(path.join(twin, 'offers'));
    writeFileSync(path.join(twin, 'offers/show.ejs'), 'twin');
    try {
      expect(() => useViewFolders([twin])).to.throw(/The template offers\/show is in two folders/);
      expect(viewFile('offers/show')).to.equal(path.join(offersManifest.views!, 'offers/show.ejs'));
    } finally {
      rmSync(twin, { recursive: true });
    }
  });
});
