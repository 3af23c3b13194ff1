// A slow, literal transliteration of the reference Trainer (bytepiece 0.6.3, SPEC §6) for tests:
// Python dicts become Maps keyed by Latin-1 strings, numpy's arrays become plain loops over every
// (a, b) pair with the full transition matrix, the Unigram tokenizer is SPEC §3's definition over
// all substrings. It shares nothing with src/train/ but the correctly rounded log.
import { lnCorrectlyRounded as ln } from '../../src/model/ln.js';

const enc = new TextEncoder();
const latin1 = (b: Uint8Array) => Array.from(b, (x) => String.fromCharCode(x)).join('');

export interface OracleParams {
  order: number;
  sizes: number[];
  maxPieceLength: number;
  minCount: number;
  isolateDigits: boolean;
  ensureUnicode: boolean;
}

/** normalize(text, 10000, isolate_digits) with Python's regex semantics, as Latin-1 byte strings. */
export function oracleChunks(text: string, isolateDigits: boolean): string[] {
  const cps = Array.from(text.normalize('NFC'));
  const digit = (c: string) => isolateDigits && /\p{Nd}/u.test(c);
  const out: string[] = [];
  let i = 0;
  while (i < cps.length) {
    if (digit(cps[i]!)) {
      out.push(cps[i]!);
      i++;
      continue;
    }
    let j = i;
    while (j < cps.length && j - i < 10000 && cps[j] !== '\n' && !digit(cps[j]!)) j++;
    let k = j;
    while (k < cps.length && k - j < 100 && cps[k] === '\n') k++;
    out.push(cps.slice(i, k).join(''));
    i = k;
  }
  return out.map((s) => latin1(enc.encode(s)));
}

function unigram(keep: Map<string, number>): (text: string) => string[] {
  let total = 0;
  for (const v of keep.values()) total += v;
  const lt = ln(total);
  const score = new Map<string, number>();
  let longest = 0;
  for (const [k, v] of keep) {
    score.set(k, ln(v) - lt);
    longest = Math.max(longest, k.length);
  }
  return (text) => {
    const n = text.length;
    const best = new Array<number>(n + 1).fill(-Infinity);
    const back = new Array<number>(n + 1).fill(0);
    best[0] = 0;
    for (let e = 1; e <= n; e++) {
      for (let s = Math.max(0, e - longest); s < e; s++) {
        const sc = score.get(text.slice(s, e));
        if (sc === undefined) continue;
        if (best[s]! + sc > best[e]!) {
          best[e] = best[s]! + sc;
          back[e] = s;
        }
      }
    }
    const pieces: string[] = [];
    for (let e = n; e > 0; e = back[e]!) pieces.push(text.slice(back[e]!, e));
    return pieces.reverse();
  };
}

export function oracleTrain(texts: string[], p: OracleParams): Map<string, number>[] {
  return prunePiecesOracle(oracleRawPieces(texts, p), p);
}

/** The n-gram Viterbi's pieces and counts (SPEC §6.1-6.4), before pruning. */
export function oracleRawPieces(texts: string[], p: OracleParams): Map<string, number> {
  const chunks = texts.flatMap((t) => oracleChunks(t, p.isolateDigits));
  // count_ngrams
  const ngrams: Map<string, number>[] = Array.from({ length: p.order + 1 }, () => new Map());
  for (const t of chunks)
    for (let i = 0; i < t.length; i++)
      for (let j = 0; j <= p.order; j++) {
        const k = t.slice(i, i + j);
        ngrams[j]!.set(k, (ngrams[j]!.get(k) ?? 0) + 1);
      }
  // prune_ngrams
  for (let b = 0; b < 256; b++) {
    const k = String.fromCharCode(b);
    if (!ngrams[1]!.has(k)) {
      ngrams[1]!.set(k, 1);
      ngrams[0]!.set('', ngrams[0]!.get('')! + 1);
    }
  }
  const logp: Map<string, number>[] = new Array(p.order + 1);
  for (let i = p.order; i >= 0; i--) {
    const m = new Map<string, number>();
    for (const [k, v] of ngrams[i]!) if (k.length === i && v >= (i > 1 ? p.minCount : 0)) m.set(k, ln(v));
    logp[i] = m;
    if (i < p.order) {
      const next = new Map<string, number>();
      for (const [k, v] of logp[i + 1]!) next.set(k, v - m.get(k.slice(0, i))!);
      logp[i + 1] = next;
    }
  }
  // _tokenize + count_pieces
  const O = p.order;
  const trans = (a: number, b: number) => (b === 0 || b === Math.min(a + 1, O - 1) ? 0 : -Infinity);
  const pieces = new Map<string, number>();
  for (const text of chunks) {
    const n = text.length;
    const nodes = Array.from({ length: n }, () => new Array<number>(O).fill(-Infinity));
    for (let j = 0; j < O; j++) for (let i = j; i < n; i++) nodes[i]![j] = logp[j + 1]!.get(text.slice(i - j, i + 1)) ?? -Infinity;
    if (p.ensureUnicode)
      for (let i = 0; i < n; i++) {
        const c = text.charCodeAt(i);
        if (c >= 128 && c < 192) nodes[i]![0] = -Infinity;
      }
    const routes: number[][] = [];
    for (let i = 1; i < n; i++) {
      const row: number[] = [];
      const next: number[] = [];
      for (let b = 0; b < O; b++) {
        let best = -Infinity;
        let arg = -1;
        for (let a = 0; a < O; a++) {
          const c = nodes[i - 1]![a]! + trans(a, b) + nodes[i]![b]!;
          if (arg < 0 || c > best) {
            best = c;
            arg = a;
          }
        }
        row.push(arg);
        next.push(best);
      }
      routes.push(row);
      nodes[i] = next;
    }
    const last = nodes[n - 1]!;
    let s = 0;
    for (let b = 1; b < O; b++) if (last[b]! > last[s]!) s = b;
    const route = [s];
    for (let i = 1; i < n; i++) route.push(routes[routes.length - i]![route[route.length - 1]!]!);
    route.reverse();
    const starts = route.flatMap((st, i) => (st === 0 ? [i] : []));
    starts.push(n);
    for (let k = 0; k + 1 < starts.length; k++) {
      const piece = text.slice(starts[k], starts[k + 1]);
      pieces.set(piece, (pieces.get(piece) ?? 0) + 1);
    }
  }
  return pieces;
}

function prunePiecesOracle(pieces: Map<string, number>, p: OracleParams): Map<string, number>[] {
  // prune_pieces
  const split = (keep: Map<string, number>, drop: Iterable<[string, number]>) => {
    const tok = unigram(keep);
    const counter = new Map<string, number>();
    for (const [k, v] of drop) for (const q of tok(k)) counter.set(q, (counter.get(q) ?? 0) + v);
    return counter;
  };
  const settle = (keep: Map<string, number>) => {
    for (;;) {
      const before = keep.size;
      keep = split(keep, keep);
      if (keep.size === before) return keep;
    }
  };
  for (let b = 0; b < 256; b++) {
    const k = String.fromCharCode(b);
    if (!pieces.has(k)) pieces.set(k, 1);
  }
  let keep = new Map<string, number>();
  const drop = new Map<string, number>();
  for (const [k, v] of pieces) {
    if (k.length === 1 || (k.length <= p.maxPieceLength && v >= p.minCount)) keep.set(k, v);
    else drop.set(k, v);
  }
  for (const [k, v] of split(keep, drop)) keep.set(k, keep.get(k)! + v);
  keep = settle(keep);
  const finals: Map<string, number>[] = [];
  for (const size of [...p.sizes].sort((a, b) => b - a)) {
    if (keep.size <= size - 3) {
      finals.push(keep);
      continue;
    }
    const sorted = [...keep].sort(
      (x, y) => (x[0].length > 1 ? 1 : 0) - (y[0].length > 1 ? 1 : 0) || y[1] - x[1] || y[0].length - x[0].length || (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0),
    );
    keep = new Map(sorted.slice(0, size - 3));
    for (const [k, v] of split(keep, sorted.slice(size - 3))) keep.set(k, keep.get(k)! + v);
    keep = settle(keep);
    finals.push(keep);
  }
  return finals;
}

/** Pieces of a result in id order with counts: `[latin1 piece, count]`. */
export function sortedPieces(m: Map<string, number>): [string, number][] {
  return [...m].sort((x, y) => x[0].length - y[0].length || (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
}
