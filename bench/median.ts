// The two medians the benchmarks report. A time measured request by request is reported as one of
// the times measured (of an even count, the upper middle one); a figure compared across rounds
// (req/s, CPU per request) as the usual median, the mean of the two middle values.

function sorted(values: readonly number[]): number[] {
  if (values.length === 0) throw new Error('a median of no values');
  return [...values].sort((a, b) => a - b);
}

/** The middle value; of an even count, the upper of the two middle ones. */
export function upperMedian(values: readonly number[]): number {
  const ordered = sorted(values);
  return ordered[Math.floor(ordered.length / 2)]!;
}

/** The middle value; of an even count, the mean of the two middle ones. */
export function median(values: readonly number[]): number {
  const ordered = sorted(values);
  const mid = Math.floor(ordered.length / 2);
  return ordered.length % 2 ? ordered[mid]! : (ordered[mid - 1]! + ordered[mid]!) / 2;
}
