// The account page's time zone list (src/features/account/time-zones.ts): current names only
// (never ICU's older ones such as Asia/Calcutta or Europe/Kiev), grouped by region in the reader's
// language, each with today's offset; a zone saved under an older name selects its current one,
// and every value offered is one the preferences form accepts.
import { expect } from 'chai';
import { isTimeZone } from '../../../core/index.ts';
import { CURRENT_ZONE_NAMES, timeZoneOptionsHtml } from '../time-zones.ts';

const WINTER = new Date('2026-01-15T12:00:00Z');
const SUMMER = new Date('2026-07-15T12:00:00Z');

const values = (html: string) => [...html.matchAll(/<option value="([^"]+)"/g)].map((m) => m[1]!);
const groups = (html: string) => [...html.matchAll(/<optgroup label="([^"]+)"/g)].map((m) => m[1]!);

describe('time zones offered on the account page', function () {
  it('offers current names only, each one the preferences form accepts', function () {
    const offered = values(timeZoneOptionsHtml('en', '', WINTER));
    expect(offered.length).to.be.greaterThan(300);
    for (const old of Object.keys(CURRENT_ZONE_NAMES)) expect(offered, old).not.to.include(old);
    expect(offered).to.include.members(['Asia/Kolkata', 'Europe/Kyiv', 'Asia/Ho_Chi_Minh', 'America/Nuuk', 'UTC']);
    expect(new Set(offered).size).to.equal(offered.length);
    for (const zone of offered) expect(isTimeZone(zone), zone).to.equal(true);
  });

  it('groups them by region in the reader language, with the offset of the day', function () {
    const english = timeZoneOptionsHtml('en', '', WINTER);
    expect(groups(english)).to.include.members(['Europe', 'America', 'Asia', 'Indian Ocean']);
    expect(groups(timeZoneOptionsHtml('de', '', WINTER))).to.include.members(['Europa', 'Amerika', 'Asien', 'Indischer Ozean']);
    expect(english).to.contain('<option value="Asia/Kolkata">(UTC+05:30) Kolkata</option>');
    expect(english).to.contain('<option value="America/Argentina/Buenos_Aires">(UTC\u221203:00) Buenos Aires (Argentina)</option>');
    // Berlin moves with daylight saving time; the list says what holds on the day it is shown.
    expect(english).to.contain('>(UTC+01:00) Berlin<');
    expect(timeZoneOptionsHtml('en', '', SUMMER)).to.contain('>(UTC+02:00) Berlin<');
  });

  it('orders each region west to east by offset, then by place', function () {
    const europe = /<optgroup label="Europe">(.*?)<\/optgroup>/.exec(timeZoneOptionsHtml('en', '', WINTER))![1]!;
    const labels = [...europe.matchAll(/<option value="[^"]+">([^<]+)<\/option>/g)].map((m) => m[1]!);
    const minutes = labels.map((label) => {
      const [, sign, hours, mins] = /^\(UTC([+\u2212])(\d{2}):(\d{2})\)/.exec(label)!;
      return sign ? (sign === '+' ? 1 : -1) * (Number(hours) * 60 + Number(mins)) : 0;
    });
    expect(minutes).to.deep.equal([...minutes].sort((a, b) => a - b));
    const at = (label: string) => {
      expect(labels, label).to.include(label);
      return labels.indexOf(label);
    };
    expect(at('(UTC+00:00) Lisbon')).to.be.lessThan(at('(UTC+01:00) Berlin'));
    expect(at('(UTC+01:00) Amsterdam')).to.be.lessThan(at('(UTC+01:00) Berlin'));
    expect(at('(UTC+01:00) Berlin')).to.be.lessThan(at('(UTC+02:00) Kyiv'));
  });

  it('selects the saved zone, under its current name when it was saved under an older one', function () {
    const selected = (html: string) => [...html.matchAll(/<option value="([^"]+)" selected>/g)].map((m) => m[1]);
    expect(selected(timeZoneOptionsHtml('en', 'Europe/Berlin', WINTER))).to.deep.equal(['Europe/Berlin']);
    expect(selected(timeZoneOptionsHtml('en', 'Asia/Calcutta', WINTER))).to.deep.equal(['Asia/Kolkata']);
    expect(selected(timeZoneOptionsHtml('de', 'Europe/Kiev', WINTER))).to.deep.equal(['Europe/Kyiv']);
    expect(selected(timeZoneOptionsHtml('en', '', WINTER))).to.deep.equal([]);
    // The list kept for the next request has nothing selected.
    expect(selected(timeZoneOptionsHtml('en', '', WINTER))).to.deep.equal([]);
  });
});
