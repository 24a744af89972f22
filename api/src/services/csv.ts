/**
 * A strict RFC 4180 CSV reader: comma-separated, fields optionally quoted
 * with `"` (a quote inside doubled), CRLF or LF line ends. Anything else —
 * a quote inside an unquoted field, text after a closing quote, an
 * unterminated quote — is an error naming the line.
 */
export class CsvError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
  }
}

/** Rows with the line each starts on; blank lines are skipped. */
export function parseCsv(text: string): { line: number; fields: string[] }[] {
  const rows: { line: number; fields: string[] }[] = [];
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let rowLine = 1;
  let i = 0;
  let quoted = false;
  let afterQuote = false;
  const endField = () => {
    fields.push(field);
    field = '';
    afterQuote = false;
  };
  const endRow = () => {
    endField();
    if (!(fields.length === 1 && fields[0] === '')) rows.push({ line: rowLine, fields });
    fields = [];
  };
  const src = text.startsWith('\ufeff') ? text.slice(1) : text;
  while (i < src.length) {
    const ch = src[i]!;
    if (quoted) {
      if (ch === '"') {
        if (src[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        afterQuote = true;
      } else {
        if (ch === '\n') line += 1;
        field += ch;
      }
      i += 1;
      continue;
    }
    if (ch === ',') endField();
    else if (ch === '\r' && src[i + 1] === '\n') {
      endRow();
      i += 1;
      line += 1;
      rowLine = line;
    } else if (ch === '\n') {
      endRow();
      line += 1;
      rowLine = line;
    } else if (afterQuote) throw new CsvError(line, 'text after a closing quote');
    else if (ch === '"') {
      if (field !== '') throw new CsvError(line, 'a quote inside an unquoted field');
      quoted = true;
    } else field += ch;
    i += 1;
  }
  if (quoted) throw new CsvError(rowLine, 'a quoted field is never closed');
  if (field !== '' || fields.length > 0 || afterQuote) endRow();
  return rows;
}
