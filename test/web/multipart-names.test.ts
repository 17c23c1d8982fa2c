// Browsers escape exactly three characters in a multipart field's or file's name (the HTML
// standard's multipart/form-data encoding); the portal reads the name as it was typed.
import { expect } from 'chai';
import { typedMultipartName } from '../../src/core/web/multipart-names.ts';

describe('multipart names as typed', function () {
  it('turns %0A, %0D and %22 back into a line feed, a carriage return and a quote, in either case', function () {
    expect(typedMultipartName('Report %22final%22%0D%0Av2.pdf')).to.equal('Report "final"\r\nv2.pdf');
    expect(typedMultipartName('a%0a%0d%22b')).to.equal('a\n\r"b');
  });

  it('leaves every other percent sequence and plain names as they are', function () {
    expect(typedMultipartName('50%25 off %20 %2F.pdf')).to.equal('50%25 off %20 %2F.pdf');
    expect(typedMultipartName('Über uns.pdf')).to.equal('Über uns.pdf');
  });
});
