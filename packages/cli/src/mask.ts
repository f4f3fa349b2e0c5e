/**
 * Credentials never reach the terminal: the password of every URL in a message becomes `***`,
 * and so does the password of the URL the command was given wherever else it shows up (a driver
 * may quote the connection string in pieces).
 */
export function maskSecrets(text: string, url?: string): string {
  let out = text.replace(/([a-z][a-z0-9+.-]*:\/\/[^:/?#@\s]*):[^@/\s]*@/gi, '$1:***@');
  // As written in the URL (percent-encoded) and as the driver uses it (decoded).
  for (const password of url ? passwordsOf(url) : []) {
    if (password.length >= 3) out = out.split(password).join('***');
  }
  return out;
}

function passwordsOf(url: string): string[] {
  try {
    const p = new URL(url).password;
    return p ? [p, decodeURIComponent(p)] : [];
  } catch {
    return [];
  }
}
