// Templates are compiled without ejs's `with (data)`, reading the names they use from the data as
// variables: the names are found in the compiled source, every template of the portal compiles that
// way, and it renders what the `with` form renders. An include sees its includer's data and its own
// values on top, and an error names the template's line.
import { expect } from 'chai';
import ejs from 'ejs';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { compileTemplate, renderTemplate, type RunTemplate, useViewFolders, VIEWS_DIR } from '../../src/core/web/render.ts';
import { templateLocals } from '../../src/core/web/template-locals.ts';
import { FEATURE_MANIFESTS } from '../../src/features/manifests.ts';

/** The names a template's text reads, as render.ts finds them. */
function localsOf(text: string): string[] {
  const probe = new ejs.Template(text, { _with: false, compileDebug: false });
  probe.compile();
  return templateLocals(probe.source);
}

const noIncludes = (): RunTemplate => {
  throw new Error('this template includes nothing');
};

describe('template locals', function () {
  it("takes the names a template reads (a loop's own too), not properties, JavaScript words, globals or its top-level declarations", function () {
    const names = localsOf(
      [
        '<% const shown = items.filter((item) => item.visible); %>',
        '<h1><%= title %></h1>',
        '<% for (const row of shown) { %><p><%= fmt.money(row.cents, currency) %></p><% } %>',
        '<% if (typeof notice !== "undefined" && notice) { %><%= JSON.stringify(notice) %><% } %>',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: the template's own JavaScript, with a template literal in it
        '<a href="<%= `${base}/x?to=${encodeURIComponent(next)}` %>"><%= locals.label ?? t("a:b.c") %></a>',
        '<%# a comment naming nothing: ghost %><% // another one: spirit %>',
        '<%= Object.keys(extra).length / pages %><%= text.replace(/[a-z]+\\/ignored/g, "") %>',
      ].join('\n'),
    );
    expect(names).to.deep.equal([
      'base',
      'currency',
      'extra',
      'fmt',
      'item',
      'items',
      'next',
      'notice',
      'pages',
      'row',
      't',
      'text',
      'title',
    ]);
  });

  it('leaves out the names a top-level destructuring declares, and keeps those a loop declares', function () {
    const names = localsOf(
      '<% const [tone, icon] = pick(status); %><%= tone %><%= icon %><% for (const [k, v] of pairs) { %><%= k %><%= v %><% } %>',
    );
    expect(names).to.deep.equal(['k', 'pairs', 'pick', 'status', 'v']);
  });

  it('renders as the with form does, a name missing from the data being undefined', function () {
    const text = '<%= title %>|<%= typeof missing %>|<% for (const n of list) { %><%= n %>,<% } %>|<%= locals.extra ?? "none" %>';
    const data = { title: 'Invoices', list: [1, 2] };
    const expected = ejs.compile(text)(data);
    expect(compileTemplate(text, 'inline.ejs', true, noIncludes)(data))
      .to.equal(expected)
      .and.to.equal('Invoices|undefined|1,2,|none');
  });

  it("gives an include its includer's data with its own values on top, and leaves the includer's as it was", function () {
    const folder = mkdtempSync(path.join(tmpdir(), 'portal-views-'));
    mkdirSync(path.join(folder, 'scratch-locals'));
    writeFileSync(path.join(folder, 'scratch-locals/_part.ejs'), '<%= label %>/<%= title %>');
    writeFileSync(path.join(folder, 'scratch-locals/page.ejs'), "<%- include('/scratch-locals/_part', { label: 'own' }) %>|<%= label %>");
    useViewFolders([folder]);
    const model = { title: 'T', label: 'page' };
    expect(renderTemplate('scratch-locals/page', model)).to.equal('own/T|page');
    expect(model).to.deep.equal({ title: 'T', label: 'page' });
  });

  it("gives an include given values an object of the names it and its own includes read, the includer's where it gave none", function () {
    const folder = mkdtempSync(path.join(tmpdir(), 'portal-views-'));
    mkdirSync(path.join(folder, 'scratch-shape'));
    const write = (name: string, text: string) => writeFileSync(path.join(folder, `scratch-shape/${name}.ejs`), text);
    // _inner reads `title`, which only the page has: _outer, given values of its own, must carry it.
    write('_inner', '<%= title %>:<%= locals.note ?? "no note" %>');
    write('_outer', "[<%= label %>|<%= typeof hint %>|<%- include('/scratch-shape/_inner') %>]");
    write('page', "<%- include('/scratch-shape/_outer', { label: 'own', hint: undefined }) %><%= hint %>");
    useViewFolders([folder]);
    const polluted = Object.prototype as Record<string, unknown>;
    polluted.note = 'from the prototype';
    try {
      // An own value left undefined hides the includer's; nothing is read from Object's prototype.
      expect(renderTemplate('scratch-shape/page', { title: 'T', hint: 'page hint' })).to.equal('[own|undefined|T:no note]page hint');
    } finally {
      delete polluted.note;
    }
  });

  it('compiles the includers of a changed template again, so they carry the names it reads now (outside production)', function () {
    const folder = mkdtempSync(path.join(tmpdir(), 'portal-views-'));
    mkdirSync(path.join(folder, 'scratch-edit'));
    const part = path.join(folder, 'scratch-edit/_part.ejs');
    writeFileSync(part, '<%= label %>');
    writeFileSync(path.join(folder, 'scratch-edit/page.ejs'), "<%- include('/scratch-edit/_part', { label: 'own' }) %>");
    useViewFolders([folder]);
    expect(renderTemplate('scratch-edit/page', { title: 'T' })).to.equal('own');
    writeFileSync(part, '<%= label %>/<%= title %>');
    const later = new Date(Date.now() + 5_000);
    utimesSync(part, later, later);
    expect(renderTemplate('scratch-edit/page', { title: 'T' })).to.equal('own/T');
  });

  it("lets an include named by a variable see its includer's data through its prototype", function () {
    const folder = mkdtempSync(path.join(tmpdir(), 'portal-views-'));
    mkdirSync(path.join(folder, 'scratch-dynamic'));
    writeFileSync(path.join(folder, 'scratch-dynamic/_part.ejs'), '<%= label %>/<%= title %>');
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the template's own JavaScript, an include named by a template literal
    writeFileSync(path.join(folder, 'scratch-dynamic/_named.ejs'), '<%- include(`/${part}`) %>');
    writeFileSync(path.join(folder, 'scratch-dynamic/page.ejs'), "<%- include('/scratch-dynamic/_named', { label: 'own' }) %>");
    useViewFolders([folder]);
    expect(renderTemplate('scratch-dynamic/page', { title: 'T', part: 'scratch-dynamic/_part' })).to.equal('own/T');
  });

  it('names the template file and line of an error, as ejs does', function () {
    const run = compileTemplate('<p>\n<%= missing.name %>\n</p>', '/views/broken.ejs', true, noIncludes);
    expect(() => run({})).to.throw(
      /\/views\/broken\.ejs:2\n[\s\S]* >> 2\| <%= missing\.name %>[\s\S]*Cannot read properties of undefined \(reading .name.\)/,
    );
  });

  it('compiles every template of core and the features, with and without the lines for errors', function () {
    const folders = [VIEWS_DIR, ...FEATURE_MANIFESTS.flatMap((feature) => (feature.views ? [feature.views] : []))];
    let compiled = 0;
    for (const folder of folders) {
      for (const name of readdirSync(folder, { recursive: true }) as string[]) {
        if (!name.endsWith('.ejs')) continue;
        const filename = path.join(folder, name);
        // As outside production (with the template's lines for errors) and as in production (without).
        for (const debug of [true, false])
          expect(() => compileTemplate(readFileSync(filename, 'utf8'), filename, debug, noIncludes), filename).not.to.throw();
        compiled++;
      }
    }
    expect(compiled).to.be.greaterThan(80);
  });
});
