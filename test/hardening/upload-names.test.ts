// Bidirectional-text controls in upload names: the right-to-left override and its kin (U+202A–U+202E,
// U+2066–U+2069, U+200E, U+200F, U+061C) are removed from the name the portal stores, by the one
// function every upload path uses (documents page and message attachments), so
// "invoice<RLO>fdp.exe" cannot show as "invoiceexe.pdf".
import { expect } from 'chai';
import { detectAllowedType, safeFilename } from '../../src/core/files/file-types.ts';
import { checkAttachments } from '../../src/features/messages/attachments.ts';
import { smallPdf } from '../support/upload-fixtures.ts';

const CONTROLS = ['\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069', '\u200e', '\u200f', '\u061c'];
const ANY_CONTROL = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

describe('bidi controls in upload names', function () {
  let pdf: NonNullable<Awaited<ReturnType<typeof detectAllowedType>>>;
  before(async function () {
    pdf = (await detectAllowedType(smallPdf(), 'x.pdf', true))!;
    expect(pdf).to.not.equal(null);
  });

  for (const control of CONTROLS) {
    it(`removes U+${control.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')} from a stored name`, function () {
      const name = safeFilename(`report${control}final${control}.pdf`, pdf);
      expect(name).to.equal('reportfinal.pdf');
      expect(name).to.not.match(ANY_CONTROL);
    });
  }

  it('a right-to-left override cannot disguise the extension', function () {
    expect(safeFilename('invoice\u202efdp.exe.pdf', pdf)).to.equal('invoicefdp.exe.pdf');
    expect(safeFilename('\u202e\u2067\u200f', pdf)).to.equal('upload.pdf');
  });

  it('keeps right-to-left letters themselves', function () {
    expect(safeFilename('\u0641\u0627\u062a\u0648\u0631\u0629.pdf', pdf)).to.equal('\u0641\u0627\u062a\u0648\u0631\u0629.pdf');
  });

  it('message attachments are stored under the cleaned name', async function () {
    const content = smallPdf();
    const checked = await checkAttachments([
      { originalname: 'contract\u202efdp.exe\u2066.pdf', mimetype: 'application/pdf', size: content.length, buffer: content },
    ]);
    expect(checked.ok).to.equal(true);
    if (checked.ok) expect(checked.files[0]!.filename).to.equal('contractfdp.exe.pdf');
  });
});
