// The drawn signature as strokes (src/features/offers/decisions/signature-strokes.ts): what the check lets through
// (bounded strokes and points, finite numbers inside the canvas, nothing but the known keys), the
// canonical JSON stored, the PNG drawn from them (fixed width whatever the canvas, a PNG the
// older check accepts) and how the accept schemas carry them.
import { expect } from 'chai';
import { AcceptProposalCommand, keptInput, PublicAcceptCommand } from '../../src/features/offers/decisions/commands.ts';
import { decodeSignaturePng } from '../../src/features/offers/decisions/signature-png.ts';
import {
  canonicalStrokes,
  MAX_POINTS,
  MAX_POINTS_PER_STROKE,
  MAX_STROKES,
  MAX_STROKES_FIELD_LENGTH,
  parseStrokes,
  RENDER_WIDTH,
  renderStrokesPng,
  signatureEvidence,
} from '../../src/features/offers/decisions/signature-strokes.ts';
import { realisticStrokes } from '../support/signature.ts';

const problemOf = (value: unknown) => {
  const checked = parseStrokes(typeof value === 'string' ? value : JSON.stringify(value));
  return 'problem' in checked ? checked.problem : 'ok';
};

describe('drawn signature strokes (security core)', function () {
  const good = realisticStrokes();

  it('takes a realistic signature and stores it rounded to a tenth, with only the known keys', function () {
    expect(problemOf(good)).to.equal('ok');
    const checked = parseStrokes(JSON.stringify({ ...good, s: [[10.04, 20.06, 30.15, 40]] }));
    expect(canonicalStrokes(checked as Exclude<typeof checked, { problem: unknown }>)).to.equal(
      '{"v":1,"w":600,"h":200,"s":[[10,20.1,30.2,40]]}',
    );
  });

  it('refuses what is not strokes: bad JSON, other shapes, text or huge numbers, odd pairs, unknown keys', function () {
    for (const bad of [
      '',
      'null',
      '{',
      '[]',
      '{"v":1,"w":600,"h":200,"s":[[1,2]],"x":1}',
      '{"v":2,"w":600,"h":200,"s":[[1,2]]}',
      '{"v":1,"w":600,"h":200,"s":[[1e999,2]]}',
      '{"v":1,"w":600,"h":200,"s":[["1",2]]}',
      '{"v":1,"w":600,"h":200,"s":[[1,2,3]]}',
      '{"v":1,"w":600,"h":200,"s":[]}',
      '{"v":1,"w":600,"h":200,"s":[[]]}',
      '{"v":1,"w":600,"h":200,"s":[[1,null]]}',
      '{"v":1,"w":10,"h":200,"s":[[1,2]]}',
      '{"v":1,"w":600,"h":5000,"s":[[1,2]]}',
      '{"__proto__":{"v":1},"w":600,"h":200,"s":[[1,2]]}',
    ]) {
      expect(problemOf(bad), bad).to.equal('invalid');
    }
  });

  it('refuses points far outside the canvas, and lets a finger slide a little past its edge', function () {
    expect(problemOf({ ...good, s: [[-15, 5, 615, 215]] })).to.equal('ok');
    expect(problemOf({ ...good, s: [[-25, 5]] })).to.equal('invalid');
    expect(problemOf({ ...good, s: [[5, 225]] })).to.equal('invalid');
  });

  it('bounds strokes, points per stroke, points in all and the field length', function () {
    const stroke = (points: number) => Array.from({ length: points * 2 }, (_, i) => i % 50);
    expect(problemOf({ ...good, s: Array.from({ length: MAX_STROKES }, () => stroke(2)) })).to.equal('ok');
    expect(problemOf({ ...good, s: Array.from({ length: MAX_STROKES + 1 }, () => stroke(2)) })).to.equal('too_large');
    expect(problemOf({ ...good, s: [stroke(MAX_POINTS_PER_STROKE)] })).to.equal('ok');
    expect(problemOf({ ...good, s: [stroke(MAX_POINTS_PER_STROKE + 1)] })).to.equal('too_large');
    const spread = Array.from({ length: 4 }, () => stroke(MAX_POINTS / 4));
    expect(problemOf({ ...good, s: spread })).to.equal('ok');
    expect(problemOf({ ...good, s: [...spread, stroke(1)] })).to.equal('too_large');
    expect(problemOf(' '.repeat(MAX_STROKES_FIELD_LENGTH + 1))).to.equal('too_large');
    // The longest strokes the schema allows, written as a browser would, fit the field.
    const longest = JSON.stringify({
      v: 1,
      w: 2400,
      h: 1200,
      s: Array.from({ length: 4 }, () => Array.from({ length: MAX_POINTS / 2 }, () => 2399.9)),
    });
    expect(longest.length).to.be.below(MAX_STROKES_FIELD_LENGTH);
  });

  it('draws a PNG of a fixed width from them, whatever the canvas size, that the PNG check accepts', function () {
    for (const [w, h] of [
      [600, 200],
      [308, 200],
      [1200, 400],
    ] as const) {
      const { png, width, height } = renderStrokesPng(realisticStrokes(w, h, 120));
      expect(width).to.equal(RENDER_WIDTH);
      expect(height).to.equal(Math.round((h * RENDER_WIDTH) / w));
      const checked = decodeSignaturePng(`data:image/png;base64,${png.toString('base64')}`);
      expect(checked, `${w}x${h}`).to.not.have.property('problem');
    }
  });

  it('is carried by the accept schemas as canonical JSON, drawn as PNG evidence, and kept for a form shown again only when valid', function () {
    const fingerprint = 'a'.repeat(64);
    const parsed = AcceptProposalCommand.parse({ typedName: 'Maria', consent: 'yes', fingerprint, signatureStrokes: JSON.stringify(good) });
    expect(JSON.parse(parsed.signatureStrokes!.json)).to.deep.equal(good);
    expect(parsed.signature).to.equal(null);
    const evidence = signatureEvidence(parsed);
    expect(evidence.signatureStrokes).to.equal(parsed.signatureStrokes!.json);
    expect(evidence.signaturePng!.subarray(1, 4).toString()).to.equal('PNG');
    expect(signatureEvidence({ signature: null, signatureStrokes: null })).to.deep.equal({ signaturePng: null, signatureStrokes: null });
    const refused = PublicAcceptCommand.safeParse({
      typedName: 'Dan',
      email: 'dan@x.test',
      consent: 'yes',
      fingerprint,
      signatureStrokes: '{"v":1}',
    });
    expect(refused.success ? [] : refused.error.issues.map((i) => `${i.path.join('.')}:${i.message}`)).to.deep.equal([
      'signatureStrokes:decisions:errors.signatureInvalid',
    ]);
    expect(
      AcceptProposalCommand.parse({ typedName: 'Maria', consent: 'yes', fingerprint, signatureStrokes: '' }).signatureStrokes,
    ).to.equal(null);
    expect(keptInput({ typedName: 'Maria', signatureStrokes: JSON.stringify(good) })).to.deep.equal({
      typedName: 'Maria',
      signatureStrokes: JSON.stringify(good),
    });
    expect(keptInput({ typedName: 'Maria', signatureStrokes: '{"v":1}' })).to.deep.equal({ typedName: 'Maria' });
  });
});
