// A Help article's excerpt, as every binding makes it from the article's blocks (the list of
// articles and the suggestions beside a new ticket show it): list items and paragraphs without a
// closing stop stay apart, headings are left out, and a long body is cut at a word.
import { expect } from 'chai';
import { excerptOf, markdownBlocks } from '../../plugins/shared/knowledge-text.ts';

describe('Help article excerpts', function () {
  it('keeps a separator between list items instead of running them together', function () {
    const blocks = markdownBlocks('# Paying by card\n\nTo change your card:\n\n- Open Settings\n- Choose Billing\n- Save the new card');
    expect(excerptOf(blocks)).to.equal('To change your card: Open Settings · Choose Billing · Save the new card');
  });

  it('joins sentences with a space, as written', function () {
    const blocks = markdownBlocks('We send invoices monthly.\n\nPay within 14 days!');
    expect(excerptOf(blocks)).to.equal('We send invoices monthly. Pay within 14 days!');
  });

  it('cuts a long body at a word, without a separator left dangling', function () {
    const blocks = markdownBlocks(['- first item here', '- second item here', '- third item here'].join('\n'));
    expect(excerptOf(blocks, 40)).to.equal('first item here · second item here…');
  });
});
