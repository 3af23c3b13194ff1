// A small model made here, for tests that must not depend on ../shared: every single byte (so any
// text tokenizes) plus a few longer pieces whose counts make them win.
import type { ModelJson } from '../../src/index.js';

export function smallModel(): ModelJson {
  const pieces: [Uint8Array, number][] = [];
  for (let b = 0; b < 256; b++) pieces.push([Uint8Array.of(b), 1]);
  for (const word of ['he', 'hel', 'hello', ' wo', 'rld', '世', '界', '世界']) pieces.push([new TextEncoder().encode(word), 50]);
  pieces.sort((a, b) => a[0].length - b[0].length || Buffer.compare(a[0], b[0]));
  const model: ModelJson = {};
  pieces.forEach(([bytes, count], i) => {
    model[Buffer.from(bytes).toString('base64')] = [i + 3, new TextDecoder().decode(bytes), count];
  });
  return model;
}

export const SMALL_TEXT = 'hello world, 世界!\nhello';
