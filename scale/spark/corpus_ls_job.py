#!/usr/bin/env python3
"""The corpus-ls archive job on Apache Spark: map, gazetteer, map again, reduce.

    spark-submit [--master MASTER] scale/spark/corpus_ls_job.py \
        --binary target/release/corpus-ls --root ARCHIVE [--root ARCHIVE2 ...] \
        --work WORK --out SNAPSHOTS [--slices N]

1. The driver lists the archive with `corpus-ls archive list` (the load's own walk: ignore
   files, corpus-ls.toml include/exclude).
2. The binary is shipped to every executor (`SparkContext.addFile`); `mapPartitions` runs
   `corpus-ls extract --files-from -` on each slice of the listing, writing one Parquet part
   per slice under WORK. Lowercase dumps are left for the second pass.
3. The driver joins the first-pass parts into the corpus gazetteer (`corpus-ls gazetteer`),
   ships it, and a second `mapPartitions` extracts the dumps with it.
4. The driver runs `corpus-ls reduce` over every part: the snapshot folder under
   SNAPSHOTS/<i>-<name of the archive folder>/.

ARCHIVE, WORK and SNAPSHOTS must be paths every executor and the driver see (one machine, or a
shared filesystem such as NFS mounted at the same path). Prints one JSON line: the snapshot
folder, counts, the time of each stage, and the peak resident memory of any corpus-ls process
(per task, the largest of them); one line an archive.
"""
import argparse
import json
import os
import resource
import subprocess
import sys
import time


def run_extract(binary_name, root, work, prefix, gazetteer_name):
    """The mapPartitions function: one `corpus-ls extract` over the slice's files."""

    def task(index, files):
        from pyspark import SparkFiles

        files = list(files)
        if not files:
            return
        binary = SparkFiles.get(binary_name)
        # addFile does not keep the mode bits everywhere.
        os.chmod(binary, 0o755)
        out = os.path.join(work, "%s-%05d" % (prefix, index))
        cmd = [binary, "--no-cache", "extract", "--root", root, "--files-from", "-", "-o", out]
        if gazetteer_name:
            cmd += ["--gazetteer", SparkFiles.get(gazetteer_name)]
        t0 = time.time()
        p = subprocess.run(cmd, input="\n".join(files) + "\n", text=True, capture_output=True)
        if p.returncode != 0:
            raise RuntimeError("corpus-ls extract failed on slice %d: %s" % (index, p.stderr))
        deferred_path = os.path.join(out, "deferred.txt")
        with open(deferred_path, encoding="utf-8") as fh:
            deferred = [l for l in fh.read().split("\n") if l]
        peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        yield {
            "part": out,
            "files": len(files),
            "deferred": deferred,
            "seconds": time.time() - t0,
            "peak_rss_mb": peak_kb / 1024.0,
            "host": os.uname().nodename,
        }

    return task


def driver_run(cmd):
    p = subprocess.run(cmd, text=True, capture_output=True)
    if p.returncode != 0:
        sys.exit("corpus-ls failed: %s\n%s" % (" ".join(cmd), p.stderr))
    return p.stdout


def run_job(sc, binary, root, work, out, slices):
    """The four stages over one archive; returns the summary."""
    os.makedirs(work, exist_ok=True)
    times = {}
    t = time.time()
    files = [l for l in driver_run([binary, "--no-cache", "archive", "list", root]).split("\n") if l]
    times["list"] = time.time() - t
    name = os.path.basename(binary)

    t = time.time()
    first = (
        sc.parallelize(files, min(slices, max(1, len(files))))
        .mapPartitionsWithIndex(run_extract(name, root, work, "p1", None))
        .collect()
    )
    times["map"] = time.time() - t

    t = time.time()
    gazetteer = os.path.join(work, "gazetteer.jsonl")
    driver_run([binary, "--no-cache", "gazetteer", "--root", root, "-o", gazetteer]
               + [r["part"] for r in first])
    times["gazetteer"] = time.time() - t

    t = time.time()
    deferred = sorted(d for r in first for d in r["deferred"])
    second = []
    if deferred:
        # One name a job: addFile refuses a second file of the same name with other bytes.
        shipped = "gazetteer-%s.jsonl" % os.path.basename(work)
        copy = os.path.join(work, shipped)
        with open(gazetteer, "rb") as src, open(copy, "wb") as dst:
            dst.write(src.read())
        sc.addFile(copy)
        second = (
            sc.parallelize(deferred, min(slices, len(deferred)))
            .mapPartitionsWithIndex(run_extract(name, root, work, "p2", shipped))
            .collect()
        )
    times["map_dumps"] = time.time() - t

    t = time.time()
    parts = [r["part"] for r in first + second]
    snapshot = driver_run([binary, "--no-cache", "reduce", "--root", root, "-o", out] + parts).strip()
    times["reduce"] = time.time() - t
    tasks = first + second
    return {
        "root": root,
        "snapshot": snapshot,
        "files": len(files),
        "dumps": len(deferred),
        "tasks": len(tasks),
        "seconds": {k: round(v, 2) for k, v in times.items()},
        "task_seconds_total": round(sum(r["seconds"] for r in tasks), 2),
        "peak_rss_mb_per_task_max": round(max((r["peak_rss_mb"] for r in tasks), default=0), 1),
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--binary", required=True, help="the corpus-ls binary (Linux, the executors' arch)")
    ap.add_argument("--root", required=True, action="append",
                    help="an archive folder (repeat for several archives in one application)")
    ap.add_argument("--work", required=True, help="a folder for the parts")
    ap.add_argument("--out", required=True, help="the folder of snapshots (one subfolder an archive)")
    ap.add_argument("--slices", type=int, default=0, help="map tasks (default: 2 per core)")
    args = ap.parse_args()
    binary = os.path.abspath(args.binary)

    from pyspark import SparkContext

    sc = SparkContext.getOrCreate()
    sc.setLogLevel("WARN")
    slices = args.slices or max(2, 2 * sc.defaultParallelism)
    sc.addFile(binary)
    for i, root in enumerate(args.root):
        root = os.path.abspath(root)
        tag = "%d-%s" % (i, os.path.basename(root.rstrip("/")) or "root")
        work = os.path.join(os.path.abspath(args.work), tag)
        out = os.path.join(os.path.abspath(args.out), tag)
        print(json.dumps(run_job(sc, binary, root, work, out, slices)), flush=True)
    sc.stop()


if __name__ == "__main__":
    main()
