/** `scheme://user:password@`, the password running to the last `@` before whitespace or a quote. */
const urlCredentials = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@"'<>]*):[^\s"'<>]*@/gi;

/** The password of a `scheme://user:password@host` URL, as written and decoded; none when it has none. */
function passwordsOf(url: string | undefined): string[] {
  const written = url ? /^[a-z][a-z0-9+.-]*:\/\/[^:/@]*:(.*)@[^@]*$/i.exec(url)?.[1] : undefined;
  if (!written) return [];
  let decoded = written;
  try {
    decoded = decodeURIComponent(written);
  } catch {
    // Not percent-encoded correctly: the written form is the only one that can appear.
  }
  return [...new Set([written, decoded, JSON.stringify(decoded).slice(1, -1)])];
}

/**
 * A function that hides credentials in text bound for a log or a terminal: the password of any URL with one, and
 * every occurrence of the passwords of the given URLs (a driver may quote them without the URL around them).
 */
export function credentialMasker(...urls: (string | undefined)[]): (text: string) => string {
  // Shorter strings would mask ordinary words; a password that short is no secret anyway.
  const secrets = urls.flatMap(passwordsOf).filter((secret) => secret.length >= 4);
  return (text) => {
    let masked = text.replace(urlCredentials, '$1:***@');
    for (const secret of secrets) masked = masked.replaceAll(secret, '***');
    return masked;
  };
}

/** Hides the password of any URL in `text`. */
export const maskCredentials = credentialMasker();
