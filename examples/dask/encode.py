#!/usr/bin/env python3
"""Encode a corpus with bytepiece on a Dask cluster, exactly as one `bytepiece encode` would.

    inputs ──► N shares (`bytepiece encode --shard K/N`, one Dask task each)
           ──► `bytepiece concat` of the shares in order ──► OUTPUT (+ OUTPUT.idx)

The result is byte-identical to `bytepiece encode` over the same inputs: shares are cut on
document boundaries (files; lines with --lines/--jsonl) and `concat` rebases the .idx offsets.

Here (a LocalCluster of --workers processes):
    python3 examples/dask/encode.py corpus/*.jsonl --jsonl -f u32 -o ids.u32 --shards 16

On a cluster (`dask scheduler` on one machine, `dask worker tcp://HOST:8786` on each): inputs,
--work-dir and the model must be at the same paths on every machine (a shared directory), and
`bytepiece` must run there (give --bytepiece if it is not `npx bytepiece`):
    python3 encode.py /shared/corpus/*.jsonl --jsonl -f u32 -o /shared/ids.u32 \\
        --scheduler tcp://HOST:8786 --shards 256 --work-dir /shared/tmp

A task that fails stops the run with its error (exit 1); its partial shares are removed and no
OUTPUT is written (each share and the OUTPUT are written under a temporary name and renamed when
complete, so a rerun simply redoes and overwrites). Needs Dask distributed (Debian:
python3-distributed; pip: distributed).
"""

import argparse
import os
import shutil
import sys
import time

from bytepiece_dask import add_cluster_flags, bytepiece_command, check_input_flags, reporter, run, start_client, work_folder


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("inputs", nargs="+", help="input files (paths every worker can read)")
    p.add_argument("-o", "--output", required=True, help="output file (u16/u32 also write OUTPUT.idx)")
    p.add_argument("-m", "--model", help="model file (default: the package's built-in model)")
    p.add_argument("-f", "--format", choices=["jsonl", "u16", "u32"], default="jsonl", help="output format (default jsonl)")
    p.add_argument("--lines", action="store_true", help="one document per line")
    p.add_argument("--jsonl", action="store_true", help="inputs are JSONL, one document per record")
    p.add_argument("--field", help='JSONL field holding the text (default "text")')
    p.add_argument("--add-bos", action="store_true", help="put <bos> before each document")
    p.add_argument("--add-eos", action="store_true", help="put <eos> after each document")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress and no summary on stderr")
    add_cluster_flags(p, 4, "`bytepiece encode`")
    a = p.parse_args(argv)
    check_input_flags(p, a)
    return a


def encode_share(bytepiece, flags, inputs, k, n, out):
    """One Dask task: share K/N of the inputs → `out` (and out.idx). Runs on a worker."""
    run(bytepiece + ["encode", "--quiet", "--shard", f"{k}/{n}", *flags, "-o", out, *inputs])
    return out


def main(argv=None):
    a = parse_args(sys.argv[1:] if argv is None else argv)
    # Workers see the paths as given: make them absolute (the shared directory's paths).
    inputs = [os.path.abspath(p) for p in a.inputs]
    for p in inputs:
        if not os.path.isfile(p):
            sys.exit(f"encode.py: {p}: no such file")
    output = os.path.abspath(a.output)
    bytepiece = bytepiece_command(a.bytepiece)
    flags = ["-f", a.format, "-w", str(a.task_threads)]
    if a.model:
        flags += ["-m", os.path.abspath(a.model)]
    flags += [f for f, on in (("--lines", a.lines), ("--jsonl", a.jsonl), ("--add-bos", a.add_bos), ("--add-eos", a.add_eos)) if on]
    if a.field is not None:
        flags += ["--field", a.field]
    shards = a.shards or (4 * a.workers if a.scheduler is None else 64)
    ext = {"jsonl": "jsonl", "u16": "u16", "u32": "u32"}[a.format]
    work = work_folder(output, a.work_dir, "shares")
    say = reporter("encode.py", a.quiet)

    # Imported here so `--help` works without Dask installed.
    from dask.distributed import as_completed

    started = time.monotonic()
    cluster = None
    try:
        client, cluster = start_client(a.scheduler, a.workers)
        with client:
            say(f"{shards} shares on {len(client.scheduler_info()['workers'])} Dask workers; shares in {work}")
            parts = [os.path.join(work, f"share-{k:06d}-of-{shards}.{ext}") for k in range(1, shards + 1)]
            futures = [client.submit(encode_share, bytepiece, flags, inputs, k, shards, parts[k - 1], key=f"bytepiece-encode-{k}-of-{shards}-{os.getpid()}", pure=False)
                       for k in range(1, shards + 1)]
            index = {f.key: k for k, f in enumerate(futures, 1)}
            done = 0
            for future in as_completed(futures):
                if future.status != "finished":
                    k = index[future.key]
                    error = future.exception()
                    client.cancel(futures)
                    raise SystemExit(f"encode.py: share {k}/{shards} failed: {error}; no output written")
                done += 1
                say(f"share {index[future.key]}/{shards} done ({done}/{shards}, {time.monotonic() - started:.1f} s)")
        encoded = time.monotonic()
        run(bytepiece + ["concat", "--quiet", "-f", a.format, "-o", output, *parts])
        end = time.monotonic()
        size = sum(os.path.getsize(p) for p in inputs)
        say(f"encoded {size / 1e6:.1f} MB in {shards} shares in {encoded - started:.1f} s, "
            f"joined in {end - encoded:.1f} s; wrote {a.output}" + (f" and {a.output}.idx" if a.format != "jsonl" else ""))
    except RuntimeError as e:  # concat failed
        raise SystemExit(f"encode.py: concat failed: {e}; no output written")
    finally:
        if cluster is not None:
            cluster.close()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
