// The dashboard's cards of open tasks, active projects and open tickets say "More than 1,000 …"
// past SUMMARY_COUNT_LIMIT, as its other counts do: a host counts them to the limit and one more,
// so a count past it is not the real number. In English and German; at the limit, the number, in
// the locale's digits as the limit is.
import { expect } from 'chai';
import { formattersFor, type Locale, type RequestI18n, SUMMARY_COUNT_LIMIT, translator } from '../../../core/index.ts';
import { type PersonSummary, presentCards } from '../presenters.ts';

const i18nFor = (locale: Locale): RequestI18n => ({ locale, timeZone: 'UTC', t: translator(locale), fmt: formattersFor(locale, 'UTC') });

function summary(counted: number): PersonSummary {
  return {
    proposals: { open: 0, total: 0 },
    quotations: { open: 0, total: 0 },
    invoices: { unpaid: 0, overdue: 0, outstanding: [] },
    tasks: { open: counted },
    documents: { shared: 0 },
    projects: { active: counted },
    tickets: { open: counted, waiting: counted },
  };
}

/** The headline and details of the tasks, projects and tickets cards. */
function countedTexts(locale: Locale, counted: number): string[] {
  const cards = presentCards(i18nFor(locale), '/portal/demo', summary(counted), ['tasks', 'projects', 'tickets']);
  return cards.flatMap((card) => [card.headline, ...card.details.map((detail) => detail.text)]);
}

describe('dashboard cards of tasks, projects and tickets past the count limit', function () {
  it('say "More than 1,000" in English', function () {
    expect(countedTexts('en', SUMMARY_COUNT_LIMIT + 1)).to.deep.equal([
      'More than 1,000 open tasks for you',
      'More than 1,000 active projects',
      'More than 1,000 open support tickets',
      'More than 1,000 waiting for your answer',
    ]);
  });

  it('say "Mehr als 1.000" in German', function () {
    expect(countedTexts('de', SUMMARY_COUNT_LIMIT + 1)).to.deep.equal([
      'Mehr als 1.000 offene Aufgaben für Sie',
      'Mehr als 1.000 aktive Projekte',
      'Mehr als 1.000 offene Support-Tickets',
      'Mehr als 1.000 warten auf Ihre Antwort',
    ]);
  });

  it("give the number itself at the limit, in the locale's digits", function () {
    expect(countedTexts('en', SUMMARY_COUNT_LIMIT)).to.deep.equal([
      '1,000 open tasks for you',
      '1,000 active projects',
      '1,000 open support tickets',
      '1,000 waiting for your answer',
    ]);
    expect(countedTexts('de', SUMMARY_COUNT_LIMIT)).to.deep.equal([
      '1.000 offene Aufgaben für Sie',
      '1.000 aktive Projekte',
      '1.000 offene Support-Tickets',
      '1.000 warten auf Ihre Antwort',
    ]);
  });
});
