/**
 * A target is known by its URL without the password: that is what the control database stores
 * and what every message shows, so a credential is never written anywhere.
 */
export function targetKey(url: string): string {
  try {
    const u = new URL(url);
    u.password = '';
    return u.toString();
  } catch {
    return '<unparsable database URL>';
  }
}

/** `text` with the password of `url` (plain or URL-encoded) masked: driver errors may quote it. */
export function redact(text: string, url: string): string {
  let password = '';
  try {
    password = new URL(url).password;
  } catch {
    return text;
  }
  if (!password) return text;
  return text.split(password).join('***').split(decodeURIComponent(password)).join('***');
}

/** Runs `fn` over `items`, at most `limit` at a time; every item finishes before it resolves. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
