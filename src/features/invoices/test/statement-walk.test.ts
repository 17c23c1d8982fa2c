// Since the balance was last zero, found by walking back from today's balance (statementOf): the
// answer is the one the definition gives read forward over the whole history, however the walk's
// reads are cut, and a client last at zero within the quarter costs one read of days.
import { expect } from 'chai';
import { addDays } from '../../../core/index.ts';
import type { StatementPeriod } from '../port.ts';
import { type DailyMove, emptyStatement, movesInMemory, SINCE_ZERO, statementOf } from '../statement-period.ts';

const TODAY = '2026-11-30';
const SINCE: StatementPeriod = { from: SINCE_ZERO, before: null, timeZone: 'UTC' };

/**
 * The definition read forward, day by day over the whole history: each currency's run since its
 * last zero before its latest invoice, the weighed currencies' earliest run, and every currency
 * that moved on or after it weighed too, until none is added.
 */
function forward(moves: readonly DailyMove[]): string | null {
  const runs = new Map<string, { start: string | null; owed: boolean; latestIssue: string | null; latestMove: string }>();
  for (const currency of new Set(moves.map((move) => move.currency))) {
    const byDay = new Map<string, { net: number; issued: boolean }>();
    for (const move of moves.filter((m) => m.currency === currency)) {
      const day = byDay.get(move.day) ?? { net: 0, issued: false };
      day.net += move.charged - move.paid;
      day.issued ||= move.charged !== 0;
      byDay.set(move.day, day);
    }
    const days = [...byDay].sort(([a], [b]) => a.localeCompare(b));
    const latestIssue = days.filter(([, day]) => day.issued).at(-1)?.[0] ?? null;
    let balance = 0;
    let lastZero: string | null = null;
    for (const [day, { net }] of days) {
      balance += net;
      if (balance === 0 && latestIssue !== null && day < latestIssue) lastZero = day;
    }
    runs.set(currency, {
      start: lastZero === null ? null : addDays(lastZero, 1),
      owed: balance !== 0,
      latestIssue,
      latestMove: days.at(-1)![0],
    });
  }
  let weighed = [...runs].filter(([, run]) => run.owed).map(([currency]) => currency);
  if (weighed.length === 0) {
    const latest = [...runs.values()]
      .map((run) => run.latestIssue ?? '')
      .sort()
      .at(-1);
    if (!latest) return null;
    weighed = [...runs].filter(([, run]) => run.latestIssue === latest).map(([currency]) => currency);
  }
  for (;;) {
    const starts = weighed.map((currency) => runs.get(currency)!.start);
    if (starts.includes(null)) return null;
    const start = (starts as string[]).sort()[0]!;
    const more = [...runs].filter(([currency, run]) => !weighed.includes(currency) && run.latestMove >= start).map(([c]) => c);
    if (more.length === 0) return start;
    weighed.push(...more);
  }
}

/** A small deterministic generator, so a failure names the history it failed on. */
function randomOf(seed: number) {
  let state = seed;
  return (below: number) => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state % below;
  };
}

/** A client's history: invoices in one to three currencies over ten years, most paid in full, some in parts, some never. */
function historyOf(seed: number): DailyMove[] {
  const random = randomOf(seed);
  const currencies = ['EUR', 'USD', 'CHF'].slice(0, 1 + random(3));
  const moves: DailyMove[] = [];
  for (let i = 0, count = random(40); i < count; i++) {
    const currency = currencies[random(currencies.length)]!;
    const day = addDays(TODAY, -random(3_650));
    const cents = 1_000 * (1 + random(5));
    moves.push({ currency, day, charged: cents, paid: 0 });
    const fate = random(10);
    if (fate < 7) moves.push({ currency, day: addDays(day, random(60)), charged: 0, paid: cents });
    else if (fate < 9) moves.push({ currency, day: addDays(day, random(30)), charged: 0, paid: cents / 2 });
  }
  return moves;
}

/** The walk's answer, and the ranges of days it read. */
async function walk(moves: readonly DailyMove[], walkBack?: readonly number[]) {
  const memory = movesInMemory(moves);
  const ranges: Array<[string | null, string | null]> = [];
  const data = await statementOf(
    SINCE,
    {
      balances: memory.balances,
      moves: (from, before) => {
        ranges.push([from, before]);
        return memory.moves(from, before);
      },
      rows: async () => ({ invoices: [], payments: [] }),
    },
    { today: TODAY, ...(walkBack ? { walkBack } : {}) },
  );
  return { from: data.from, broughtForward: data.broughtForward, ranges };
}

describe('statement of account: walking back to the last zero', function () {
  it('finds what the definition read forward finds, on 500 histories, however the reads are cut', async function () {
    for (let seed = 1; seed <= 500; seed++) {
      const moves = historyOf(seed);
      const expected = forward(moves);
      const whole = await walk(moves, []);
      expect(whole.from, `history ${seed}, one read`).to.equal(expected);
      for (const cuts of [undefined, [1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233, 377, 610, 987, 1_597, 2_584]]) {
        const cut = await walk(moves, cuts);
        expect([cut.from, cut.broughtForward], `history ${seed}, cut ${cuts ? 'finely' : 'as by default'}`).to.deep.equal([
          whole.from,
          whole.broughtForward,
        ]);
      }
    }
  });

  it('brings forward what was owed before the period, from today’s balance less what moved since', async function () {
    // USD: 100 paid to zero in 2024, then 50 and 30 open; EUR: 20 open since 2020, never at zero.
    const moves: DailyMove[] = [
      { currency: 'USD', day: '2024-03-01', charged: 10_000, paid: 0 },
      { currency: 'USD', day: '2024-03-10', charged: 0, paid: 10_000 },
      { currency: 'USD', day: '2026-10-01', charged: 5_000, paid: 0 },
      { currency: 'USD', day: '2026-11-01', charged: 3_000, paid: 0 },
      { currency: 'EUR', day: '2020-05-01', charged: 2_000, paid: 0 },
      { currency: 'EUR', day: '2026-11-02', charged: 1_000, paid: 0 },
    ];
    const data = await walk(moves);
    // USD's run starts after 10 March 2024; EUR was never at zero before its latest invoice.
    expect(data.from).to.equal(null);
    const usdOnly = await walk(moves.filter((move) => move.currency === 'USD'));
    expect(usdOnly.from).to.equal('2024-03-11');
    expect(usdOnly.broughtForward).to.deep.equal([]);
    const year = await statementOf(
      { from: '2026-01-01', before: '2027-01-01', timeZone: 'UTC' },
      {
        ...movesInMemory(moves),
        rows: async () => ({ invoices: [], payments: [] }),
      },
      { today: TODAY },
    );
    expect(year.broughtForward).to.deep.equal([{ currency: 'EUR', cents: 2_000 }]);
  });

  it('reads one quarter of days for a client last at zero within it, whatever came before', async function () {
    const moves: DailyMove[] = [];
    for (let i = 0; i < 1_000; i++) {
      const day = addDays('2016-01-01', i * 3);
      moves.push({ currency: 'USD', day, charged: 12_000, paid: 0 }, { currency: 'USD', day: addDays(day, 10), charged: 0, paid: 12_000 });
    }
    moves.push(
      { currency: 'USD', day: '2026-11-01', charged: 5_000, paid: 0 },
      { currency: 'USD', day: '2026-11-10', charged: 0, paid: 5_000 },
      { currency: 'USD', day: '2026-11-20', charged: 7_000, paid: 0 },
    );
    const data = await walk(moves);
    expect(data.from).to.equal('2026-11-11');
    expect(data.ranges).to.deep.equal([[addDays(TODAY, -92), null]]);
  });

  it('sends the first read of days without waiting for today’s balance', async function () {
    const memory = movesInMemory([{ currency: 'USD', day: '2026-11-20', charged: 7_000, paid: 0 }]);
    for (const period of [SINCE, { from: '2026-01-01', before: '2027-01-01', timeZone: 'UTC' }]) {
      let movesAsked = 0;
      let movesAskedWhenBalanceAnswered = -1;
      await statementOf(
        period,
        {
          balances: async () => {
            // The balance answers a turn later, as a database would.
            await new Promise((resolve) => setImmediate(resolve));
            movesAskedWhenBalanceAnswered = movesAsked;
            return memory.balances();
          },
          moves: (from, before) => {
            movesAsked++;
            return memory.moves(from, before);
          },
          rows: async () => ({ invoices: [], payments: [] }),
        },
        { today: TODAY },
      );
      expect(movesAskedWhenBalanceAnswered, period.from).to.equal(1);
    }
  });

  it('gives a client the host does not know what a client with no history gets', async function () {
    const none = { ...movesInMemory([]), rows: async () => ({ invoices: [], payments: [] }) };
    for (const period of [SINCE, { from: '2025-01-01', before: '2026-01-01', timeZone: 'Europe/Paris' }]) {
      expect(emptyStatement(period), period.from).to.deep.equal(await statementOf(period, none, { today: TODAY }));
    }
  });
});
