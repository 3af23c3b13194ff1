// A 300 MB single line through EncodeTransform (issue 14 item 1): no `\n` anywhere, so the stream
// segments it in windows as it arrives (src/engine/line-windows.ts); the ids must be those of the
// engine over the whole line at once, and the text the encoder holds must stay bounded.
import { describe, expect, it } from 'vitest';
import { EncodeTransform, Tokenizer } from '../../src/node.js';
import { IncrementalEncoder, streamLines } from '../../src/api/incremental.js';
import { smallModel } from '../helpers/small-model.js';

const digest = (h: number, ids: Uint32Array) => {
  for (let i = 0; i < ids.length; i++) h = Math.imul(h ^ ids[i]!, 0x01000193);
  return h;
};

describe('a 300 MB line through the streams (WASM engine)', () => {
  const tok = Tokenizer.loadSync(smallModel(), { engine: 'wasm' });
  // NFC already (so encodeBytes of its UTF-8 is encode of it): words, CJK, digits.
  const unit = Array.from({ length: 200 }, (_, k) => ['hello', 'world', '世界', 'hel', 'rld', 'he', String(k)][k % 7]!).join(' ') + ' ';
  const part = unit.repeat(Math.ceil((1 << 20) / unit.length)); // ~1 M UTF-16 units a push
  const pushes = Math.ceil(300e6 / Buffer.byteLength(part));

  it('EncodeTransform: the ids of the whole line, the held text bounded', async () => {
    let want = 0x811c9dc5;
    let wantCount = 0;
    {
      const all = new Uint8Array(pushes * Buffer.byteLength(part));
      const one = Buffer.from(part);
      for (let k = 0; k < pushes; k++) all.set(one, k * one.length);
      const ids = tok.encodeBytes(all);
      want = digest(want, ids);
      wantCount = ids.length;
    }
    let got = 0x811c9dc5;
    let count = 0;
    const transform = new EncodeTransform(tok);
    transform.on('data', (ids: Uint32Array) => {
      got = digest(got, ids);
      count += ids.length;
    });
    const held: number[] = [];
    const encoder = (transform as unknown as { encoder: IncrementalEncoder }).encoder;
    for (let k = 0; k < pushes; k++) {
      if (!transform.write(part)) await new Promise((resolve) => transform.once('drain', resolve));
      held.push((encoder as unknown as { text: string }).text.length);
    }
    transform.end();
    await new Promise((resolve) => transform.on('end', resolve));
    expect(count).toBe(wantCount);
    expect(got).toBe(want);
    expect(Math.max(...held)).toBeLessThanOrEqual(streamLines.long + part.length);
  });
});
