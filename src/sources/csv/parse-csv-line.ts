/**
 * Splits one CSV line into fields. Price files almost never quote anything, so the common case is a plain
 * split; only a line with a double quote takes the slower RFC 4180 path (quoted commas, doubled quotes).
 * A quoted field spanning lines is not supported: price rows are one line each, and such a line comes back
 * with its quote unclosed, which the caller reports as a malformed row.
 */
export function parseCsvLine(line: string): string[] {
  if (line.indexOf('"') === -1) return line.split(',');
  return parseQuoted(line);
}

/** True when the line holds a field whose opening quote never closes (a broken or multi-line record). */
export function hasUnclosedQuote(line: string): boolean {
  let inQuotes = false;
  for (let i = 0; i < line.length; i++) {
    if (line.charCodeAt(i) === 34) inQuotes = !inQuotes;
  }
  return inQuotes;
}

function parseQuoted(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  let i = 0;
  const n = line.length;
  while (i <= n) {
    if (line.charCodeAt(i) === 34) {
      // Quoted field: read to the closing quote; "" inside stands for one quote.
      i++;
      while (i < n) {
        const c = line.charCodeAt(i);
        if (c === 34) {
          if (line.charCodeAt(i + 1) === 34) {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        field += line[i];
        i++;
      }
      // Anything between the closing quote and the next comma is kept, as lenient readers do.
      while (i < n && line.charCodeAt(i) !== 44) field += line[i++];
    } else {
      const comma = line.indexOf(',', i);
      const end = comma === -1 ? n : comma;
      field += line.slice(i, end);
      i = end;
    }
    fields.push(field);
    field = '';
    i++; // past the comma (or past the end)
  }
  return fields;
}
