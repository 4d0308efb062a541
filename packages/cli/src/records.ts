import { UsageError } from './io.js';

/**
 * Rows of a bulk-import file: a JSON array of objects, or CSV (RFC 4180: quoted fields, `""` escapes, CRLF) whose
 * first line names the columns. Each row keeps its line number (CSV) or position (JSON) for the failure report.
 */
export interface ImportRecord {
  /** Line in the CSV file, or 1-based index in the JSON array. */
  position: number;
  fields: Record<string, unknown>;
}

export function parseRecords(text: string, fileName: string): ImportRecord[] {
  if (fileName.toLowerCase().endsWith('.json') || /^\s*\[/.test(text)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new UsageError(`${fileName} is not valid JSON: ${(error as Error).message}`);
    }
    if (
      !Array.isArray(parsed) ||
      parsed.some((item) => typeof item !== 'object' || item === null || Array.isArray(item))
    ) {
      throw new UsageError(`${fileName} must hold a JSON array of objects.`);
    }
    return parsed.map((fields: Record<string, unknown>, index) => ({ position: index + 1, fields }));
  }
  const rows = parseCsv(text, fileName);
  const header = rows.shift();
  if (!header) throw new UsageError(`${fileName} is empty: its first line must name the columns.`);
  const names = header.cells.map((name) => name.trim());
  return rows
    .filter((row) => row.cells.some((cell) => cell.trim() !== ''))
    .map((row) => ({
      position: row.line,
      fields: Object.fromEntries(names.map((name, index) => [name, row.cells[index]?.trim() ?? ''])),
    }));
}

function parseCsv(text: string, fileName: string): Array<{ line: number; cells: string[] }> {
  const rows: Array<{ line: number; cells: string[] }> = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  const input = text.replace(/^\uFEFF/, '');
  for (let index = 0; index < input.length; index += 1) {
    const character = input.charAt(index);
    if (quoted) {
      if (character === '"' && input.charAt(index + 1) === '"') {
        cell += '"';
        index += 1;
      } else if (character === '"') {
        quoted = false;
      } else {
        if (character === '\n') line += 1;
        cell += character;
      }
    } else if (character === '"' && cell === '') {
      quoted = true;
    } else if (character === ',') {
      cells.push(cell);
      cell = '';
    } else if (character === '\n' || character === '\r') {
      if (character === '\r' && input.charAt(index + 1) === '\n') index += 1;
      cells.push(cell);
      rows.push({ line: rowLine, cells });
      cells = [];
      cell = '';
      line += 1;
      rowLine = line;
    } else {
      cell += character;
    }
  }
  if (quoted) throw new UsageError(`${fileName}: a quoted field opened on line ${rowLine} is never closed.`);
  if (cell !== '' || cells.length > 0) rows.push({ line: rowLine, cells: [...cells, cell] });
  return rows;
}
