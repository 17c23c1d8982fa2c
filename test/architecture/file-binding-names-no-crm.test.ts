// The generic binding is written for no CRM: no code of plugins/file-binding/ names one, nor one of
// their tables. What a CRM keeps where is its binding file's (bindings/*.yaml); a comment may give a
// CRM's table as an example of what a file may say, the code may not act on it.
import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const folder = path.join(root, 'plugins/file-binding');

/** The CRMs the project has met, and words only their tables use. */
const CRM_WORDS =
  /espocrm|dolibarr|llx_|invoice_?ninja|frontaccounting|tryton|\balga\b|alga_?psa|fossbilling|invoiceplane|debtor_trans|party_party/i;

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return filesUnder(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** The code of a file without its comments (a line comment starts the line or follows a space). */
const codeOf = (file: string) =>
  readFileSync(file, 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/(^|\s)\/\/.*$/gm, '$1');

describe('architecture: the file binding names no CRM', function () {
  it('has no CRM name and no CRM table in the code of plugins/file-binding/', function () {
    const files = filesUnder(folder);
    expect(files.length).to.be.greaterThan(10);
    const naming = files.flatMap((file) =>
      codeOf(file)
        .split('\n')
        .flatMap((line, i) => (CRM_WORDS.test(line) ? [`${path.relative(root, file)}:${i + 1}: ${line.trim()}`] : [])),
    );
    expect(naming).to.deep.equal([]);
  });
});
