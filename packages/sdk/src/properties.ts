/**
 * `java.util.Properties.load` semantics, which HERE's Java SDK uses for `credentials.properties`: `=`, `:` or
 * whitespace separate key and value, whitespace around the separator is dropped, `#` and `!` start comment lines,
 * a line ending in an odd number of backslashes continues on the next one (its leading whitespace dropped), and
 * `\t \n \r \f \uXXXX` escapes are decoded (any other escaped character stands for itself).
 */
export function parseProperties(text: string): Map<string, string> {
  const entries = new Map<string, string>();
  for (const line of logicalLines(text)) {
    const { key, value } = splitEntry(line);
    entries.set(decodeEscapes(key), decodeEscapes(value));
  }
  return entries;
}

const WHITESPACE = new Set([' ', '\t', '\f']);

function* logicalLines(text: string): Generator<string> {
  const natural = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  let pending: string | undefined;
  for (const raw of natural) {
    const line = pending === undefined ? trimStart(raw) : pending + trimStart(raw);
    if (pending === undefined && (line === '' || line.startsWith('#') || line.startsWith('!'))) continue;
    if (endsWithOddBackslashes(line)) {
      pending = line.slice(0, -1);
      continue;
    }
    pending = undefined;
    yield line;
  }
  if (pending !== undefined && pending !== '') yield pending;
}

function trimStart(line: string): string {
  let index = 0;
  while (index < line.length && WHITESPACE.has(line.charAt(index))) index += 1;
  return line.slice(index);
}

function endsWithOddBackslashes(line: string): boolean {
  let count = 0;
  for (let index = line.length - 1; index >= 0 && line.charAt(index) === '\\'; index -= 1) count += 1;
  return count % 2 === 1;
}

function splitEntry(line: string): { key: string; value: string } {
  let index = 0;
  while (index < line.length) {
    const character = line.charAt(index);
    if (character === '\\') {
      index += 2;
      continue;
    }
    if (character === '=' || character === ':' || WHITESPACE.has(character)) break;
    index += 1;
  }
  const key = line.slice(0, index);
  let rest = trimStart(line.slice(index));
  if (rest.startsWith('=') || rest.startsWith(':')) rest = trimStart(rest.slice(1));
  return { key, value: rest };
}

const ESCAPES: Record<string, string> = { t: '\t', n: '\n', r: '\r', f: '\f' };

function decodeEscapes(value: string): string {
  return value.replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_whole, escaped: string) => {
    if (escaped.length === 5) return String.fromCharCode(Number.parseInt(escaped.slice(1), 16));
    return ESCAPES[escaped] ?? escaped;
  });
}
