// Token budgets without tokenizing all of a long text: isWithinTokenLimit and truncate. The text
// is taken in windows of whole chunks (SPEC §2: a `\n` run ends a chunk; NFC and segmentation
// never cross one), only as far as the budget needs; a chunk too long for the budget is proved
// so by its UTF-8 length alone (no piece is longer than the model's longest), and truncate takes
// the first tokens of such a chunk from a prefix of it, window by window (LineWindows).
import { concat } from '../engine/line-windows.js';
import { toWellFormed } from '../text/normalize.js';
import { isNfcBoundary, utf8Length } from '../text/nfc-boundary.js';
import { changedSegments, tokenSpans } from '../text/offsets.js';

/** What the limit functions need from a Tokenizer. */
export interface LimitContext {
  /** NFC of a window of the caller's text starting at `base` (a lone surrogate: encode's error, naming its offset in the whole text, or U+FFFD). */
  normalize(window: string, base: number): string;
  /** Tokens of a normalized text (split at `\n` runs). */
  count(normalized: string): number;
  encode(normalized: string): Uint32Array;
  /** Segments one chunk given in parts as LineWindows does (first window `window` bytes): its ids as they become final. */
  chunkWindows(window: number): { push(bytes: Uint8Array): Uint32Array; end(): Uint32Array };
  readonly lengths: Int32Array;
  readonly maxPieceLength: number;
}

/** A token budget: a non-negative safe integer, or a RangeError naming `name`. */
export function checkBudget(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a non-negative integer, got ${typeof value === 'number' ? String(value) : typeof value}`);
  }
  return value;
}

/**
 * The end of the last chunk that ends within `text[pos, pos + span)` (the text's end if the span
 * reaches it), or -1 if the chunk starting at `pos` goes past the span. Looks at no more than the
 * span: cost proportional to it, not to the text.
 */
function windowEnd(text: string, pos: number, span: number): number {
  if (pos + span >= text.length) return text.length;
  const region = text.slice(pos, pos + span);
  let k = region.lastIndexOf('\n');
  if (k < 0) return -1;
  if (k + 1 < region.length) return pos + k + 1; // the \n run ends inside the region
  // The region ends inside a \n run that may go on: end at the run before it, if any.
  while (k > 0 && region.charCodeAt(k - 1) === 10) k--;
  const before = k > 0 ? region.lastIndexOf('\n', k - 1) : -1;
  return before < 0 ? -1 : pos + before + 1;
}

/**
 * Whether the text from `pos` (a chunk start) has more than `remaining` tokens, proved from the
 * NFC UTF-8 length of `text[pos, to)` cut at an NFC boundary: no token is longer than
 * `maxPieceLength` bytes. False when that is not enough to tell (NFC shrank it a lot).
 */
function provesMore(ctx: LimitContext, text: string, pos: number, to: number, remaining: number): boolean {
  let cut = to;
  while (cut > pos && !isNfcBoundary(text, cut)) cut--;
  if (cut <= pos) return false;
  return utf8Length(ctx.normalize(text.slice(pos, cut), pos)) > remaining * ctx.maxPieceLength;
}

/** Units to look at for `remaining` tokens: enough for remaining + 1 tokens of the longest piece. */
const spanFor = (ctx: LimitContext, remaining: number) => Math.min(Number.MAX_SAFE_INTEGER, (remaining + 1) * ctx.maxPieceLength + 1);

/**
 * The number of ids `encode(text)` (with `bos`/`eos`) would give if at most `limit`, else false;
 * the cost grows with `limit`, not with the length of `text`.
 */
export function isWithinTokenLimit(ctx: LimitContext, text: string, limit: number, bos: number, eos: number): number | false {
  const budget = limit - bos - eos;
  if (budget < 0) return false;
  let count = 0;
  let pos = 0;
  while (pos < text.length) {
    const remaining = budget - count;
    let span = spanFor(ctx, remaining);
    let end = windowEnd(text, pos, span);
    while (end < 0) {
      if (provesMore(ctx, text, pos, pos + span, remaining)) return false;
      span *= 2;
      end = windowEnd(text, pos, span);
    }
    count += ctx.count(ctx.normalize(text.slice(pos, end), pos));
    if (count > budget) return false;
    pos = end;
  }
  return count + bos + eos;
}

/**
 * The longest prefix of `text` whose ids (with `bos`/`eos`, at most `maxTokens` of them) are the
 * first ids of `encode(text)`, cut between code points. Windows of whole chunks are counted
 * until one does not fit (a chunk longer than the budget's span: its first tokens only, see
 * chunkHead); inside it, the cut is placed after as many tokens as fit, at a token boundary that
 * is also a code point boundary of the original, and checked by encoding the prefix.
 */
export function truncate(ctx: LimitContext, text: string, maxTokens: number, bos: number, eos: number): string {
  const budget = maxTokens - bos - eos;
  if (budget < 0) return '';
  let count = 0;
  let pos = 0;
  while (pos < text.length) {
    const remaining = budget - count;
    const span = spanFor(ctx, remaining);
    let end = windowEnd(text, pos, span);
    let normalized: string | undefined;
    let ids: Uint32Array;
    if (end >= 0) {
      normalized = ctx.normalize(text.slice(pos, end), pos);
      ids = ctx.encode(normalized); // encoded, not just counted: the window that overflows needs its ids
    } else {
      ({ end, ids } = chunkHead(ctx, text, pos, remaining));
    }
    if (count + ids.length <= budget) {
      count += ids.length; // all of a chunk: chunkHead stops early only past `remaining`
      pos = end;
      continue;
    }
    const window = text.slice(pos, end);
    normalized ??= ctx.normalize(window, pos);
    return text.slice(0, pos + cutInside(ctx, window, normalized, ids, remaining, pos));
  }
  return text;
}

const encoder = new TextEncoder();

/**
 * The first ids of the chunk that starts at `pos` (and runs past the budget's span): more than
 * `keep` of them, or all of them if the chunk ends first; `end` is where the text they come from
 * ends (the chunk's end when all). The chunk is read in parts cut at NFC boundaries (NFC of the
 * parts = NFC of the whole) and segmented window by window: a window's ids are final where the
 * best paths meet (LineWindows), long before the line ends. Sized for typical text (4 bytes a
 * token), not for the worst case (the longest piece): each part is a little more than a window,
 * so each is segmented as it arrives, and reading stops once the ids suffice. So the cost follows
 * `keep`, not the length of the line.
 */
function chunkHead(ctx: LimitContext, text: string, pos: number, keep: number): { end: number; ids: Uint32Array } {
  const L = ctx.maxPieceLength;
  const window = 4 * (keep + 1) + 4 * L;
  const windows = ctx.chunkWindows(window);
  const parts: Uint32Array[] = [];
  let got = 0;
  let from = pos;
  let step = window + L; // units: at least as many bytes
  for (;;) {
    let to = Math.min(text.length, from + step);
    const last = chunkEndIn(text, from, to);
    if (last >= 0) to = last;
    else while (to > from && !isNfcBoundary(text, to)) to--;
    if (to > from) {
      const ids = windows.push(encoder.encode(ctx.normalize(text.slice(from, to), from)));
      parts.push(ids);
      got += ids.length;
      from = to;
    } else step *= 2; // no NFC boundary in a whole step (marks on marks): read further
    if (last >= 0) {
      parts.push(windows.end());
      return { end: last, ids: concat(parts) };
    }
    if (got > keep) return { end: from, ids: concat(parts) };
  }
}

/**
 * The end of the chunk being read if it is in (from, to], else -1; no chunk ends at `from` or
 * before it since the chunk's start (a `\n` run ends it: the first position after one). Reads
 * `text[from, to]` only.
 */
function chunkEndIn(text: string, from: number, to: number): number {
  const k = text.slice(from, to).indexOf('\n');
  if (k < 0) return to === text.length ? to : -1;
  let e = from + k;
  while (e < to && text.charCodeAt(e) === 10) e++;
  if (e < to) return e;
  return to === text.length || text.charCodeAt(to) !== 10 ? to : -1;
}

/**
 * In a window of whole chunks with more than `keep` tokens (`ids`, at least `keep + 1` of them):
 * the longest prefix (in units) whose tokens are the window's first ≤ keep tokens. A token
 * boundary at an atom boundary (see tokenSpans) is taken as is. One inside an atom that NFC
 * changes is tried at each code point boundary of that atom, from the right, by encoding the
 * prefix. One inside a code point NFC leaves alone (a piece holding part of a character) is
 * passed over: a prefix of NFC-stable text is NFC-stable, so a cut before that code point has
 * fewer bytes than these tokens.
 */
function cutInside(ctx: LimitContext, window: string, normalized: string, ids: Uint32Array, keep: number, base: number): number {
  const original = normalized === window ? window : toWellFormed(window);
  const segments = changedSegments(original, normalized);
  const changedStarts = new Set<number>();
  for (let i = 0; i < segments.length; i += 4) changedStarts.add(segments[i]!);
  const { starts, ends } = tokenSpans(original, segments, ids, 0, keep + 1, ctx.lengths, false);
  const firstTokens = (cut: number, k: number) => {
    const got = ctx.encode(ctx.normalize(window.slice(0, cut), base));
    if (got.length !== k) return false;
    for (let i = 0; i < k; i++) if (got[i] !== ids[i]) return false;
    return true;
  };
  for (let k = keep; k > 0; k--) {
    const atomStart = starts[k]!;
    const atomEnd = ends[k - 1]!;
    if (atomEnd <= atomStart) return atomEnd; // clean: the prefix's NFC is exactly these k tokens
    if (!changedStarts.has(atomStart)) continue;
    for (let cut = atomEnd - 1; cut > atomStart; cut--) {
      const c = original.charCodeAt(cut);
      if (c >= 0xdc00 && c <= 0xdfff) continue; // inside a surrogate pair
      if (firstTokens(cut, k)) return cut;
    }
    if (firstTokens(atomStart, k)) return atomStart;
  }
  return 0;
}
