#!/usr/bin/env python3
"""Counts the block requests a command issues and how long each took (docs/benchmarks.md, Cluster, "C1's p99").

Usage (root): scripts/block-trace.py COMMAND [ARGS...]
Records the kernel's block_rq_issue / block_rq_complete events (tracefs) while COMMAND runs, then prints, per second,
the data writes (WS), metadata writes (WSM: ext4's journal and fast commits) and cache flushes (FF) issued, their
latencies, and every request that took over 4 ms. It tells which requests a workload costs the disk, which
/proc/diskstats cannot.
"""
import collections
import os
import re
import subprocess
import sys

TRACING = "/sys/kernel/tracing"
EVENTS = ("block_rq_issue", "block_rq_complete")
SLOW = 0.004
# "<task>-<pid> [cpu] flags <time>: block_rq_issue: <dev> <rwbs> <bytes> () <sector> + <sectors> ... [<comm>]"
REQUEST = re.compile(r"\s([\d.]+): block_rq_(issue|complete): \S+ (\S+) (?:\d+ )?\(\) (\d+) ")


def tracefs(name, value):
    with open(os.path.join(TRACING, name), "w") as file:
        file.write(value)


def record(command):
    if not os.path.exists(os.path.join(TRACING, "trace")):
        subprocess.run(["mount", "-t", "tracefs", "nodev", TRACING], check=True)
    tracefs("tracing_on", "0")
    tracefs("trace", "")
    tracefs("buffer_size_kb", "65536")
    for event in EVENTS:
        tracefs(f"events/block/{event}/enable", "1")
    tracefs("tracing_on", "1")
    try:
        subprocess.run(command)
    finally:
        tracefs("tracing_on", "0")
        for event in EVENTS:
            tracefs(f"events/block/{event}/enable", "0")
    with open(os.path.join(TRACING, "trace")) as file:
        return file.readlines()


def pair(lines):
    """(issued at, took, kind) per request; flushes carry no sector, so they are paired first in, first out."""
    issued, requests = collections.defaultdict(list), []
    for line in lines:
        match = REQUEST.search(line)
        if not match:
            continue
        at, event, kind, sector = match.groups()
        key = (kind, "" if kind.startswith("F") else sector)
        if event == "issue":
            issued[key].append(float(at))
        elif issued[key]:
            start = issued[key].pop(0)
            requests.append((start, float(at) - start, kind))
    return sorted(requests)


def report(requests):
    if not requests:
        print("no block requests")
        return
    start = requests[0][0]
    kinds = sorted({kind for _, _, kind in requests})
    print("second " + " ".join(f"{kind:>7}" for kind in kinds))
    per_second = collections.defaultdict(collections.Counter)
    for at, _, kind in requests:
        per_second[int(at - start)][kind] += 1
    for second in sorted(per_second):
        print(f"{second:6} " + " ".join(f"{per_second[second][kind]:7}" for kind in kinds))
    for kind in kinds:
        took = sorted(t * 1000 for _, t, k in requests if k == kind)
        print(f"{kind}: n={len(took)} p50={took[len(took) // 2]:.2f} p99={took[int(len(took) * .99)]:.2f} "
              f"max={took[-1]:.2f} ms")
    slow = [(at, t, kind) for at, t, kind in requests if t > SLOW]
    print(f"{len(slow)} over {SLOW * 1000:.0f} ms (second.millisecond, took, kind):")
    print(" ".join(f"{at - start:.3f}({t * 1000:.1f} {kind})" for at, t, kind in slow[:200]))


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    report(pair(record(sys.argv[1:])))
