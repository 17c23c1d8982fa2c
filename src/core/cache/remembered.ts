// A pure function's last answers, kept in memory up to a number of them: past it they are all
// forgotten at once (no order to keep) and asked again as they come. A key answered with undefined
// is not kept, so a key that has no answer (a forged session cookie) fills nothing.
export function remembered<K, V>(compute: (key: K) => V | undefined, limit: number): (key: K) => V | undefined {
  const answers = new Map<K, V>();
  return (key) => {
    let answer = answers.get(key);
    if (answer === undefined) {
      answer = compute(key);
      if (answer === undefined) return undefined;
      if (answers.size >= limit) answers.clear();
      answers.set(key, answer);
    }
    return answer;
  };
}
