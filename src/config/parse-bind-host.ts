import { isIP } from 'node:net';

/** A DNS name as a listener resolves it: dot-separated labels of letters, digits and inner hyphens. */
const HOST_NAME = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i;

/**
 * The address the server will bind, parsed once so that the loopback check and `listen` see the same value:
 * an IPv6 literal may come in brackets as in a URL (`[::1]` -> `::1`); anything with white space, a port,
 * a scheme or characters no address has is refused (null), rather than passing the check and failing to bind.
 */
export function parseBindHost(text: string): string | null {
  if (text === '' || /\s/.test(text)) return null;
  const unbracketed = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  if (unbracketed !== text && isIP(unbracketed) !== 6) return null;
  if (isIP(unbracketed) !== 0) return unbracketed.toLowerCase();
  return HOST_NAME.test(unbracketed) ? unbracketed.toLowerCase() : null;
}
