// Native C baselines for bench/sections/native.ts: where the hardware stops on this machine, timed
// in the same minutes as the WebAssembly kernel. Not part of the package. Three kernels over the
// same double array as the WASM engine (the dump that section writes), one call per
// document, `\n` chunks on their own, ids checked against the WASM engine's by a checksum:
//   plain16  one trie walk per start byte (the "plain walk"), 16-byte records
//            (base, check, f64 score), push-style DP: best[e] = max(best[s] + score), strict >
//            over increasing s (the reference's tie rule);
//   split    the same walk over 8-byte (base, check) records and a parallel f64 score array;
//   lockstep assembly/index.ts's `single` (all starts in lockstep, one stream), written plainly.
//
//   gcc -O3 -march=native -o walk walk.c && ./walk DUMP.trie DOCS.docs... (then see main)
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct { int32_t base, check; double score; } Rec;
typedef struct { int32_t base, check; } BaseCheck;
typedef struct { double bs; int32_t node, start, base, pad; } Walk;

static Rec *nodes;
static BaseCheck *nodes8;
static double *scores8;
static const int32_t *nodeIds;
static int32_t rootBase;
static double *best;
static int32_t *lastNode, *lastStart;
static Walk *live;

static unsigned char *readAll(const char *path, long *n) {
  FILE *f = fopen(path, "rb");
  if (!f) { perror(path); exit(2); }
  fseek(f, 0, SEEK_END);
  *n = ftell(f);
  fseek(f, 0, SEEK_SET);
  unsigned char *b = malloc(*n);
  if (fread(b, 1, *n, f) != (size_t)*n) { perror(path); exit(2); }
  fclose(f);
  return b;
}

// The ids of x[0..n), last to first, folded into h (the harness folds its ids the same way).
static uint32_t fold(int n, uint32_t h) {
  for (int e = n; e > 0; e = lastStart[e]) h = h * 31u + (uint32_t)nodeIds[lastNode[e]];
  return h;
}

// End of the chunk starting at a: after a run of `\n` followed by another byte.
static int chunkEnd(const unsigned char *x, int n, int a) {
  int b = a + 1;
  while (b < n && !(x[b - 1] == 10 && x[b] != 10)) b++;
  return b;
}

// The plain walk; `splitLayout` is a constant in each caller, so gcc compiles two loops, one per
// layout, with no test left inside them.
static inline __attribute__((always_inline)) uint32_t plainWalk(const unsigned char *x, int n, uint32_t h, const int splitLayout) {
  for (int a = 0, b; a < n; a = b) {
    b = chunkEnd(x, n, a);
    best[a] = 0;
    for (int e = a + 1; e <= b; e++) best[e] = -1.0 / 0.0;
    for (int s = a; s < b; s++) {
      const double bs = best[s];
      int32_t node = 0, base = rootBase;
      for (int e = s; e < b; e++) {
        const int32_t next = base + x[e];
        const int32_t check = splitLayout ? nodes8[next].check : nodes[next].check;
        if (check != node) break;
        const double c = bs + (splitLayout ? scores8[next] : nodes[next].score);
        if (c > best[e + 1]) { best[e + 1] = c; lastNode[e + 1] = next; lastStart[e + 1] = s; }
        node = next;
        base = splitLayout ? nodes8[next].base : nodes[next].base;
      }
    }
  }
  return fold(n, h);
}

static uint32_t plain16(const unsigned char *x, int n, uint32_t h) { return plainWalk(x, n, h, 0); }
static uint32_t split(const unsigned char *x, int n, uint32_t h) { return plainWalk(x, n, h, 1); }

static uint32_t lockstep(const unsigned char *x, int n, uint32_t h) {
  int count = 0;
  double bestPrev = 0;
  unsigned prev = 0;
  for (int i = 0; i < n; i++) {
    const unsigned c = x[i];
    if (prev == 10 && c != 10) { count = 0; bestPrev = 0; }
    prev = c;
    double top = -1.0 / 0.0;
    int32_t topNode = 0, topStart = 0;
    int w = 0;
    for (int r = 0; r < count; r++) {
      const Walk k = live[r];
      const int32_t next = k.base + (int32_t)c;
      const Rec rec = nodes[next];
      const int alive = rec.check == k.node;
      const double score = k.bs + rec.score;
      if (alive && score > top) { top = score; topNode = next; topStart = k.start; }
      live[w] = (Walk){ k.bs, next, k.start, rec.base, 0 };
      w += alive;
    }
    const int32_t one = rootBase + (int32_t)c; // every byte is a piece
    const double score = bestPrev + nodes[one].score;
    if (score > top) { top = score; topNode = one; topStart = i; }
    live[w++] = (Walk){ bestPrev, one, i, nodes[one].base, 0 };
    count = w;
    lastNode[i + 1] = topNode;
    lastStart[i + 1] = topStart;
    bestPrev = top;
  }
  return fold(n, h);
}

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

typedef struct { const unsigned char *bytes; long size; long total; } Docs;

// Serves passes over the documents: reads "CORPUS KERNEL" (indices) per line on stdin, runs that
// kernel once over every document of that corpus, answers "ns_per_byte checksum". A server so
// that the harness can alternate one native pass and one WASM pass at a time: this machine's speed
// swings by up to 2x from one second to the next, and only passes side by side compare.
int main(int argc, char **argv) {
  if (argc < 3) { fprintf(stderr, "usage: walk DUMP.trie DOCS.docs...\n"); return 2; }
  long trieBytes;
  // Dump: i32 node count, i32 rootBase, i32 maxPieceLength, i32 0; 16-byte records; i32 node ids.
  unsigned char *dump = readAll(argv[1], &trieBytes);
  const int32_t *header = (const int32_t *)dump;
  const int32_t size = header[0], maxPiece = header[2];
  rootBase = header[1];
  nodes = aligned_alloc(64, ((size_t)size * 16 + 63) & ~(size_t)63);
  memcpy(nodes, dump + 16, (size_t)size * 16);
  nodeIds = (const int32_t *)(dump + 16 + (size_t)size * 16);
  nodes8 = aligned_alloc(64, ((size_t)size * 8 + 63) & ~(size_t)63);
  scores8 = aligned_alloc(64, ((size_t)size * 8 + 63) & ~(size_t)63);
  for (int32_t i = 0; i < size; i++) {
    nodes8[i] = (BaseCheck){ nodes[i].base, nodes[i].check };
    scores8[i] = nodes[i].score;
  }
  live = malloc(sizeof(Walk) * (maxPiece + 2));
  // Documents: i32 byte length, then the bytes.
  const int corpora = argc - 2;
  Docs *all = malloc(sizeof(Docs) * corpora);
  int longest = 0;
  for (int c = 0; c < corpora; c++) {
    all[c].bytes = readAll(argv[2 + c], &all[c].size);
    all[c].total = 0;
    for (long p = 0; p < all[c].size;) {
      int32_t len;
      memcpy(&len, all[c].bytes + p, 4);
      all[c].total += len;
      if (len > longest) longest = len;
      p += 4 + len;
    }
  }
  best = malloc(sizeof(double) * (longest + 2));
  lastNode = malloc(sizeof(int32_t) * (longest + 2));
  lastStart = malloc(sizeof(int32_t) * (longest + 2));
  uint32_t (*const kernels[])(const unsigned char *, int, uint32_t) = { plain16, split, lockstep };
  int c, k;
  while (scanf("%d %d", &c, &k) == 2) {
    if (c < 0 || c >= corpora || k < 0 || k > 2) { fprintf(stderr, "bad request %d %d\n", c, k); return 2; }
    uint32_t h = 0;
    const double t0 = now();
    for (long p = 0; p < all[c].size;) {
      int32_t len;
      memcpy(&len, all[c].bytes + p, 4);
      h = kernels[k](all[c].bytes + p + 4, len, h);
      p += 4 + len;
    }
    printf("%.4f %u\n", (now() - t0) * 1e9 / all[c].total, h);
    fflush(stdout);
  }
  return 0;
}
