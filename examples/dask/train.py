#!/usr/bin/env python3
"""Train a BytePiece model on a Dask cluster, byte-identical to one `bytepiece train`.

    inputs ──► N shards ──► count-ngrams --shard K/N (one task per shard)
           ──► merge-counts in a tree (fan-in --fan-in), the last merge prunes (--min-count)
           ──► count-pieces --shard K/N (one task per shard, with the pruned model)
           ──► merge-counts in a tree ──► finish-training ──► OUTPUT (or OUTPUT.<size> each)

Counts are exact integers in sorted, checksummed files; a merge sums them, so any split into
shards and any tree of merges gives the same bytes, and the models are those of `bytepiece train`
on the same inputs (docs/design.md, "Training in stages").

Here (a LocalCluster of --workers processes):
    python3 examples/dask/train.py corpus/*.jsonl --jsonl --vocab 32000 -o my.model --shards 16

On a cluster (`dask scheduler` on one machine, `dask worker tcp://HOST:8786` on each): inputs,
--work-dir and -o must be at the same paths on every machine (a shared directory), and
`bytepiece` must run there (give --bytepiece if it is not `npx bytepiece`):
    python3 train.py /shared/corpus/*.jsonl --jsonl --vocab 32000 -o /shared/my.model \\
        --scheduler tcp://HOST:8786 --shards 256 --work-dir /shared/tmp

Shards are cut by the CLI itself (`--shard K/N`, the rule of `bytepiece encode --shard`): each
task reads only the byte range of the documents (files; lines with --lines/--jsonl) that start in
its share, so nothing is pre-split or copied. A task that fails stops the run with its error
(exit 1); nothing is written to OUTPUT, and the work folder is removed. Every stage file is
written under a temporary name and renamed when complete, so a rerun simply redoes and
overwrites. Needs Dask distributed (Debian: python3-distributed; pip: distributed).
"""

import argparse
import os
import shutil
import sys
import time

from bytepiece_dask import add_cluster_flags, bytepiece_command, check_input_flags, positive, reporter, run, start_client, work_folder


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("inputs", nargs="+", help="input files (paths every worker can read)")
    # The flags of `bytepiece train`.
    p.add_argument("--vocab", required=True, help="vocabulary size(s), e.g. 8000 or 8000,4000 (each >= 259)")
    p.add_argument("-o", "--output", required=True, help="output PREFIX (several sizes: PREFIX.<size>)")
    p.add_argument("--order", type=positive("--order"), help="order of the byte n-gram model (default 6)")
    p.add_argument("--min-count", type=positive("--min-count"), default=2, help="least count of an n-gram and of a multi-byte piece (default 2)")
    p.add_argument("--max-piece-length", type=positive("--max-piece-length"), help="longest piece in bytes (default 36)")
    p.add_argument("--isolate-digits", action="store_true", help="every decimal digit is a training chunk of its own")
    p.add_argument("--no-ensure-unicode", action="store_true", help="allow pieces that start inside a UTF-8 character")
    p.add_argument("--lines", action="store_true", help="one document per line")
    p.add_argument("--jsonl", action="store_true", help="inputs are JSONL, one document per record")
    p.add_argument("--field", help='JSONL field holding the text (default "text")')
    p.add_argument("-f", "--format", choices=["json", "binary"], default="json", help="model format (default json)")
    p.add_argument("--memory", type=positive("--memory"), help="MiB of n-gram counts a task holds before spilling sorted runs (default 1024)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress and no summary on stderr")
    # The cluster.
    add_cluster_flags(p, 2, "counting")
    p.add_argument("--fan-in", type=positive("--fan-in"), default=4, help="files per merge task (default 4)")
    a = p.parse_args(argv)
    check_input_flags(p, a)
    if a.fan_in < 2:
        p.error("--fan-in must be at least 2")
    return a


# The Dask tasks: each runs one stage of the CLI on a worker and returns the path it wrote.

def count_ngrams(bytepiece, flags, inputs, shard, out):
    run(bytepiece + ["count-ngrams", "--quiet", "--shard", shard, *flags, "-o", out, *inputs])
    return out


def count_pieces(bytepiece, flags, inputs, shard, model, out):
    run(bytepiece + ["count-pieces", "--quiet", "--shard", shard, *flags, "--model", model, "-o", out, *inputs])
    return out


def merge(bytepiece, inputs, out, min_count=None):
    prune = ["--min-count", str(min_count)] if min_count is not None else []
    run(bytepiece + ["merge-counts", "--quiet", *prune, "-o", out, *inputs])
    return out


def finish(bytepiece, flags, pieces, output):
    run(bytepiece + ["finish-training", "--quiet", *flags, "-o", output, pieces])
    return output


def merge_tree(client, bytepiece, files, fan_in, work, name, min_count=None):
    """Merges futures of count files in a tree of `fan_in`-file merges; the last merge prunes."""
    level = 0
    if len(files) == 1 and min_count is None:
        return files[0]
    while True:
        level += 1
        last = len(files) <= fan_in
        groups = [files[i:i + fan_in] for i in range(0, len(files), fan_in)]
        merged = []
        for i, group in enumerate(groups):
            if len(group) == 1 and not last:
                merged.append(group[0])
                continue
            out = os.path.join(work, f"{name}-merge-{level}-{i:06d}")
            merged.append(client.submit(merge, bytepiece, group, out, min_count if last else None,
                                        key=f"bytepiece-merge-{name}-{level}-{i}-{os.getpid()}", pure=False))
        files = merged
        if last:
            return files[0]


def work_sizes(work, model, pieces):
    """The intermediate files' sizes by stage (MB), for sizing a cluster's shared storage."""
    names = os.listdir(work)
    def mb(paths):
        return f"{sum(os.path.getsize(os.path.join(work, p)) for p in paths) / 1e6:.1f} MB"
    return ", ".join([
        f"n-gram counts of the shards {mb([n for n in names if n.endswith('.ngrams')])}",
        f"their merges {mb([n for n in names if n.startswith('ngrams-merge-') and n != os.path.basename(model)])}",
        f"pruned model {mb([os.path.basename(model)])}",
        f"piece counts of the shards {mb([n for n in names if n.endswith('.pieces')])}",
        f"their merges {mb([n for n in names if n.startswith('pieces-merge-')])}",
        f"(all merged: {mb([os.path.basename(pieces)])})",
    ])


def main(argv=None):
    a = parse_args(sys.argv[1:] if argv is None else argv)
    inputs = [os.path.abspath(p) for p in a.inputs]
    for p in inputs:
        if not os.path.isfile(p):
            sys.exit(f"train.py: {p}: no such file")
    output = os.path.abspath(a.output)
    bytepiece = bytepiece_command(a.bytepiece)
    mode = ["--jsonl"] if a.jsonl else ["--lines"] if a.lines else []
    if a.field is not None:
        mode += ["--field", a.field]
    threads = ["-w", str(a.task_threads)]
    ngram_flags = mode + threads + (["--order", str(a.order)] if a.order else []) + (["--isolate-digits"] if a.isolate_digits else []) \
        + (["--memory", str(a.memory)] if a.memory else [])
    piece_flags = mode + threads + (["--no-ensure-unicode"] if a.no_ensure_unicode else [])
    finish_flags = ["--vocab", a.vocab, "-f", a.format, "--min-count", str(a.min_count)] \
        + (["--max-piece-length", str(a.max_piece_length)] if a.max_piece_length else [])
    shards = a.shards or (2 * a.workers if a.scheduler is None else 64)
    work = work_folder(output, a.work_dir, "train")
    say = reporter("train.py", a.quiet)

    started = time.monotonic()
    cluster = None
    stage = "starting the cluster"
    parts = [f"{k}/{shards}" for k in range(1, shards + 1)]
    try:
        client, cluster = start_client(a.scheduler, a.workers)
        with client:
            ready = time.monotonic()
            say(f"{len(parts)} shards on {len(client.scheduler_info()['workers'])} Dask workers (ready in {ready - started:.1f} s); work files in {work}")
            pid = os.getpid()
            stage = "counting n-grams"
            counts = [client.submit(count_ngrams, bytepiece, ngram_flags, inputs, part, os.path.join(work, f"shard-{k:06d}.ngrams"),
                                    key=f"bytepiece-count-ngrams-{k}-{pid}", pure=False) for k, part in enumerate(parts, 1)]
            model = merge_tree(client, bytepiece, counts, a.fan_in, work, "ngrams", a.min_count)
            model.result()
            counted = time.monotonic()
            say(f"n-grams counted, merged and pruned in {counted - ready:.1f} s")
            stage = "counting pieces"
            pieces = [client.submit(count_pieces, bytepiece, piece_flags, inputs, part, model, os.path.join(work, f"shard-{k:06d}.pieces"),
                                    key=f"bytepiece-count-pieces-{k}-{pid}", pure=False) for k, part in enumerate(parts, 1)]
            merged = merge_tree(client, bytepiece, pieces, a.fan_in, work, "pieces")
            merged_path = merged if isinstance(merged, str) else merged.result()
            pieced = time.monotonic()
            say(f"pieces counted and merged in {pieced - counted:.1f} s")
            stage = "finishing"
            client.submit(finish, bytepiece, finish_flags, merged, output, key=f"bytepiece-finish-{pid}", pure=False).result()
            end = time.monotonic()
            say("work files: " + work_sizes(work, model.result(), merged_path))
        size = sum(os.path.getsize(p) for p in inputs)
        say(f"trained on {size / 1e6:.1f} MB in {len(parts)} shards in {end - started:.1f} s "
            f"(cluster {ready - started:.1f} s, n-grams {counted - ready:.1f} s, pieces {pieced - counted:.1f} s, "
            f"finish {end - pieced:.1f} s); wrote "
            + (a.output if "," not in a.vocab else ", ".join(f"{a.output}.{v}" for v in a.vocab.split(","))))
    except Exception as e:  # a task's error (its bytepiece message) or the cluster's
        raise SystemExit(f"train.py: {stage} failed: {e}; no model written")
    finally:
        if cluster is not None:
            cluster.close()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
