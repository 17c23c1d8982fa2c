// The words the portal writes into a host's own records for its staff: the event when a client
// decides on work shared for approval (Dolibarr's agenda event, Alga PSA's interaction) and the
// note of a Dolibarr ticket opened about a device. Each is in the language the host is set up in
// where the portal speaks it, German or French, whatever shape the host gives the tag; English
// otherwise. (Dolibarr's device tests check the note again on its real schema, where it is there.)
import { expect } from 'chai';
import { deviceNote } from '../../plugins/dolibarr/tickets.ts';
import { approvalDecisionText, approvalNoteLanguage } from '../../plugins/shared/approval-note.ts';

const decision = {
  title: ' Homepage design ',
  version: 2,
  comment: 'Move the logo.',
  point: { x: 0.25, y: 0.5, page: 3 },
  fileSha256: 'a'.repeat(64),
};

describe('the notes the portal writes into a host, in its language', function () {
  it("reads the host's language from Dolibarr's and Alga PSA's tags", function () {
    expect(
      ['de_DE', 'de', 'DE-at', ' de_CH ', 'fr_FR', 'fr', 'fr-BE', 'FR_ca', 'en_US', 'es_ES', '', null, undefined, 'french'].map(
        approvalNoteLanguage,
      ),
    ).to.deep.equal(['de', 'de', 'de', 'de', 'fr', 'fr', 'fr', 'fr', 'en', 'en', 'en', 'en', 'en', 'en']);
  });

  it('writes the title and the note in French for a French host', function () {
    expect(approvalDecisionText('fr', { ...decision, outcome: 'changes_requested' })).to.deep.equal({
      title: 'Modifications demandées : Homepage design, version 2',
      note: [
        'Move the logo.',
        'Endroit : 25 % depuis la gauche, 50 % depuis le haut, page 3',
        `SHA-256 de la version 2 décidée : ${'a'.repeat(64)}`,
      ].join('\n\n'),
    });
    expect(approvalDecisionText('fr', { ...decision, outcome: 'approved', comment: '', point: null }).title).to.equal(
      'Validé : Homepage design, version 2',
    );
  });

  it('keeps German and English as they were', function () {
    expect(approvalDecisionText('de', { ...decision, outcome: 'approved', comment: '', point: null })).to.deep.equal({
      title: 'Freigegeben: Homepage design, Version 2',
      note: `SHA-256 der entschiedenen Version 2: ${'a'.repeat(64)}`,
    });
    expect(approvalDecisionText('en', { ...decision, outcome: 'approved', comment: '', point: null }).title).to.equal(
      'Approved: Homepage design, version 2',
    );
  });

  it("names a ticket's device in the language Dolibarr is set up in", function () {
    const router = { product_ref: 'RT-1', product_label: 'Router', batch: 'SN-9' };
    expect(deviceNote('fr_FR', router)).to.equal('Concerne l’appareil Router, numéro de série SN-9.');
    expect(deviceNote('fr_BE', { ...router, batch: null })).to.equal('Concerne l’appareil Router.');
    expect(deviceNote('de_DE', router)).to.equal('Betrifft das Gerät Router, Seriennummer SN-9.');
    expect(deviceNote('es_ES', router)).to.equal('About the device Router, serial number SN-9.');
    expect(deviceNote(null, { ...router, product_label: ' ' })).to.equal('About the device RT-1, serial number SN-9.');
  });
});
