/**
 * Text from outside (a CSV line, a file's first bytes) made safe to print on a terminal: control characters
 * and invalid UTF-8 (U+FFFD) shown as escapes, so a binary file cannot move the cursor, ring the bell or
 * switch the terminal's character set; cut to `max` characters with an ellipsis.
 */
export function printableText(text: string, max = 200): string {
  let out = '';
  for (const ch of text) {
    if (out.length >= max) return `${out}...`;
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '\t') out += '\\t';
    else if (code < 0x20 || (code >= 0x7f && code < 0xa0)) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else if (code === 0xfffd) out += '\\ufffd';
    else out += ch;
  }
  return out;
}
