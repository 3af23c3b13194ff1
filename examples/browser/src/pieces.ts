// How a piece is shown on a chip: its text where its bytes are whole UTF-8 characters, hex where
// it holds part of a character (byte-level models cut characters), symbols for invisible ones.

/** Text; hex bytes of a partial UTF-8 character; or a symbol standing for an invisible character. */
export type Part = { kind: 'text'; text: string } | { kind: 'hex'; bytes: number[] } | { kind: 'symbol'; symbol: string; name: string };

const INVISIBLE: Record<number, [string, string]> = {
  0x20: ['·', 'space'],
  0x09: ['⇥', 'tab'],
  0x0a: ['↵', 'line feed'],
  0x0d: ['␍', 'carriage return'],
  0xa0: ['⍽', 'no-break space'],
  0x3000: ['□', 'ideographic space'],
  0x200d: ['ZWJ', 'zero-width joiner'],
  0xfe0f: ['VS16', 'variation selector 16'],
  0xfeff: ['BOM', 'byte order mark'],
};

/** Length of the well-formed UTF-8 sequence at bytes[i], or 0 if there is none. */
export function sequenceLength(bytes: Uint8Array, i: number): number {
  const b0 = bytes[i]!;
  const cont = (k: number, lo = 0x80, hi = 0xbf) => i + k < bytes.length && bytes[i + k]! >= lo && bytes[i + k]! <= hi;
  if (b0 < 0x80) return 1;
  if (b0 >= 0xc2 && b0 <= 0xdf) return cont(1) ? 2 : 0;
  if (b0 >= 0xe0 && b0 <= 0xef) return cont(1, b0 === 0xe0 ? 0xa0 : 0x80, b0 === 0xed ? 0x9f : 0xbf) && cont(2) ? 3 : 0;
  if (b0 >= 0xf0 && b0 <= 0xf4) return cont(1, b0 === 0xf0 ? 0x90 : 0x80, b0 === 0xf4 ? 0x8f : 0xbf) && cont(2) && cont(3) ? 4 : 0;
  return 0;
}

const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

/** Splits a piece into displayable parts. */
export function pieceParts(bytes: Uint8Array): Part[] {
  const parts: Part[] = [];
  const push = (part: Part) => {
    const last = parts[parts.length - 1];
    if (last?.kind === 'text' && part.kind === 'text') last.text += part.text;
    else if (last?.kind === 'hex' && part.kind === 'hex') last.bytes.push(...part.bytes);
    else parts.push(part);
  };
  for (let i = 0; i < bytes.length;) {
    const len = sequenceLength(bytes, i);
    if (len === 0) {
      push({ kind: 'hex', bytes: [bytes[i]!] });
      i++;
      continue;
    }
    const ch = decoder.decode(bytes.subarray(i, i + len));
    const cp = ch.codePointAt(0)!;
    const invisible = INVISIBLE[cp];
    if (invisible) push({ kind: 'symbol', symbol: invisible[0], name: invisible[1] });
    else if (cp < 0x20 || cp === 0x7f || (cp >= 0x80 && cp < 0xa0))
      push({ kind: 'symbol', symbol: `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`, name: 'control character' });
    else push({ kind: 'text', text: ch });
    i += len;
  }
  return parts;
}

/** True if the piece holds part of a UTF-8 character (it starts or ends inside one). */
export const splitsCharacter = (parts: Part[]) => parts.some((p) => p.kind === 'hex');

export const hex = (bytes: ArrayLike<number>) => Array.from(bytes, (b) => b.toString(16).toUpperCase().padStart(2, '0')).join(' ');
