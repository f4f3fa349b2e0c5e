/** " (did you mean x?)" for a mistyped name, or "" when nothing is close. */
export function didYouMean(given: string, known: readonly string[]): string {
  const bare = given.replace(/^-+/, '');
  const dash = given.slice(0, given.length - bare.length);
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const name of known) {
    const d = distance(bare, name.replace(/^-+/, ''));
    if (d < bestDistance) [best, bestDistance] = [name, d];
  }
  const close = best !== undefined && (bestDistance <= 2 || best.startsWith(bare) || bare.startsWith(best));
  return close ? ` (did you mean ${best!.startsWith('-') ? best : dash + best}?)` : '';
}

/** Levenshtein distance; names are short. */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++)
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length]!;
}
