#!/usr/bin/env python3
"""The floor for throughput: read every corpus file below ROOT and split it into words.

usage: wordsplit_baseline.py ROOT
"""
import os
import re
import sys
import time

WORD = re.compile(r"\w+")


def main():
    root = sys.argv[1]
    t0 = time.perf_counter()
    files = words = size = 0
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        for f in filenames:
            if f.endswith((".txt", ".md", ".markdown")):
                with open(os.path.join(dirpath, f), "rb") as fh:
                    data = fh.read()
                size += len(data)
                words += len(WORD.findall(data.decode("utf-8", errors="replace")))
                files += 1
    dt = time.perf_counter() - t0
    print(f"{files} files, {size / 1e6:.1f} MB, {words} words in {dt:.2f} s ({size / 1e6 / dt:.1f} MB/s)")


if __name__ == "__main__":
    main()
