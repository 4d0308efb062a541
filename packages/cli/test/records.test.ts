import { describe, expect, it } from 'vitest';
import { UsageError } from '../src/io.js';
import { parseRecords } from '../src/records.js';

describe('bulk import files', () => {
  it('CSV: quoted fields with commas, escaped quotes and line breaks keep their line numbers', () => {
    const records = parseRecords('name,description\n"a, b","say ""hi"""\n"multi\nline",x\n\nlast,\n', 'apps.csv');
    expect(records).toEqual([
      { position: 2, fields: { name: 'a, b', description: 'say "hi"' } },
      { position: 3, fields: { name: 'multi\nline', description: 'x' } },
      { position: 6, fields: { name: 'last', description: '' } },
    ]);
  });

  it('CSV: CRLF, a BOM, spaces around values and a missing last newline', () => {
    expect(parseRecords('\uFEFF email , firstName\r\n ada@example.com , Ada', 'users.csv')).toEqual([
      { position: 2, fields: { email: 'ada@example.com', firstName: 'Ada' } },
    ]);
  });

  it('JSON arrays of objects, by extension or content', () => {
    expect(parseRecords('[{"name":"x"}]', 'apps.txt')).toEqual([{ position: 1, fields: { name: 'x' } }]);
    expect(() => parseRecords('{"name":"x"}', 'apps.json')).toThrow(UsageError);
    expect(() => parseRecords('[1]', 'apps.json')).toThrow('must hold a JSON array of objects');
    expect(() => parseRecords('[', 'apps.json')).toThrow('is not valid JSON');
  });

  it('an empty file or an unclosed quote is a usage error', () => {
    expect(() => parseRecords('', 'apps.csv')).toThrow('its first line must name the columns');
    expect(() => parseRecords('name\n"open\n', 'apps.csv')).toThrow('a quoted field opened on line 2 is never closed');
  });
});
