// What an image upload (the workspace's logo) may be, read from its bytes by file-type
// (src/core/files/file-types.ts detectImageType): PNG (an animated one too), JPEG, WebP and GIF,
// and nothing else, whatever the name or the declared type said.
import { expect } from 'chai';
import { detectImageType } from '../../src/core/files/file-types.ts';
import { smallPdf } from '../support/upload-fixtures.ts';

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
const GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01]);
const WEBP = Buffer.concat([Buffer.from('RIFF'), Buffer.from([0x24, 0, 0, 0]), Buffer.from('WEBPVP8 '), Buffer.alloc(20)]);

/** A PNG whose first chunk after the header is acTL: an animated PNG. */
function animatedPng(): Buffer {
  const ihdrEnd = 8 + 8 + 13 + 4;
  const acTL = Buffer.concat([Buffer.from([0, 0, 0, 8]), Buffer.from('acTL'), Buffer.alloc(8), Buffer.alloc(4)]);
  return Buffer.concat([PNG.subarray(0, ihdrEnd), acTL, PNG.subarray(ihdrEnd)]);
}

describe('image type of an upload, from its bytes', function () {
  it('names PNG, JPEG, WebP and GIF, and an animated PNG as a PNG', async function () {
    expect(await detectImageType(PNG)).to.equal('image/png');
    expect(await detectImageType(JPEG)).to.equal('image/jpeg');
    expect(await detectImageType(WEBP)).to.equal('image/webp');
    expect(await detectImageType(GIF)).to.equal('image/gif');
    expect(await detectImageType(animatedPng())).to.equal('image/png');
  });

  it('refuses text, a PDF and nothing at all', async function () {
    expect(await detectImageType(Buffer.from('just some text, not an image\n'))).to.equal(null);
    expect(await detectImageType(smallPdf())).to.equal(null);
    expect(await detectImageType(Buffer.alloc(0))).to.equal(null);
  });
});
