"""What the Dask drivers (encode.py, train.py) share: finding the bytepiece CLI, running it as a
task, checking positive-integer flags and starting the cluster."""

import argparse
import os
import shlex
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO_CLI = os.path.join(HERE, "..", "..", "dist", "cli.js")


def default_bytepiece():
    """This checkout's built CLI if there is one, else the installed package's."""
    if os.path.exists(REPO_CLI) and shutil.which("node"):
        return [shutil.which("node"), os.path.abspath(REPO_CLI)]
    return ["npx", "--no-install", "bytepiece"]


def bytepiece_command(given):
    """The command that runs the CLI on the workers: --bytepiece as given, else the default."""
    return shlex.split(given) if given else default_bytepiece()


def positive(name):
    """An argparse type: a positive integer, else an error naming the flag."""
    def parse(value):
        try:
            n = int(value)
        except ValueError:
            n = 0
        if n < 1 or str(n) != value.strip():
            raise argparse.ArgumentTypeError(f"{name} must be a positive integer, got {value!r}")
        return n
    return parse


def add_cluster_flags(p, shards_default, what):
    """The flags every driver adds to its CLI's: where the cluster is and how work is cut."""
    p.add_argument("--scheduler", metavar="ADDRESS", help="Dask scheduler address (default: a LocalCluster here)")
    p.add_argument("--workers", type=positive("--workers"), default=os.cpu_count() or 1, help="LocalCluster worker processes (default: cores)")
    p.add_argument("--shards", type=positive("--shards"), help=f"number of shards (default: {shards_default} per LocalCluster worker, else 64)")
    p.add_argument("--task-threads", type=positive("--task-threads"), default=1, help=f"threads of each {what} task (default 1: one per Dask worker)")
    p.add_argument("--work-dir", help="directory for intermediate files, shared by all workers (default: beside OUTPUT)")
    p.add_argument("--bytepiece", help="command that runs the CLI on the workers, e.g. 'npx bytepiece' (default: this checkout's dist/cli.js, else npx bytepiece)")


def check_input_flags(p, a):
    if a.lines and a.jsonl:
        p.error("--lines and --jsonl exclude each other")
    if a.field is not None and not a.jsonl:
        p.error("--field only applies with --jsonl")


def run(command):
    """Runs a bytepiece command; raises with its own one-line error when it fails."""
    r = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if r.returncode != 0:
        lines = [line for line in r.stderr.splitlines() if line.strip()]
        ours = [line for line in lines if line.startswith("bytepiece: ")]
        # bytepiece's own one-line error; else (a crash) the end of what it printed.
        message = ours[-1] if ours else " | ".join(lines[-5:]) or f"exit code {r.returncode}"
        raise RuntimeError(f"{message} (exit code {r.returncode}; command: {shlex.join(command)})")
    return r.stderr


def start_client(scheduler, workers):
    """A Dask client: of the scheduler at ADDRESS, else of a new LocalCluster of `workers`
    single-threaded processes. Returns (client, cluster or None); close the cluster after."""
    # Imported here so `--help` works without Dask installed.
    import logging
    from dask.distributed import Client, LocalCluster

    cluster = None
    if scheduler:
        client = Client(scheduler)
    else:
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                               dashboard_address=None, silence_logs=logging.ERROR)
        client = Client(cluster)
    # The tasks call run() from this module: ship it to the workers (a remote worker has no copy).
    client.upload_file(os.path.abspath(__file__))
    return client, cluster


def work_folder(output, work_dir, kind):
    """A fresh folder for intermediate files, in --work-dir or beside the output (hidden)."""
    parent = os.path.abspath(work_dir or os.path.dirname(output))
    os.makedirs(parent, exist_ok=True)
    return tempfile.mkdtemp(prefix=f".{os.path.basename(output)}.{kind}.", dir=parent)


def reporter(name, quiet):
    """say(*message): a progress line on stderr, prefixed with the driver's name; nothing if quiet."""
    return (lambda *m: None) if quiet else (lambda *m: print(f"{name}:", *m, file=sys.stderr, flush=True))
