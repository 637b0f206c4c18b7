#!/usr/bin/env python3
"""Shows whether this machine's disk stalls O_SYNC writers (docs/benchmarks.md, Cluster, "C1's p99").

Usage: scripts/disk-stall-probe.py [WRITERS] [SECONDS] [DIRECTORY]
Each writer overwrites a preallocated 16 MB file with 4 KB O_SYNC writes as fast as it can and reports its writes/s
and every write that took over 4 ms, as "millisecond within the second (duration)". Stalls that line up across the
writers at a fixed period point at a rate limiter in front of the disk rather than at any program.
Environment, to tell a limit on requests from one on bytes: PROBE_PACE=N caps each writer at N writes/s,
PROBE_BLOCK=BYTES sets the write size (a multiple of 4096), PROBE_DSYNC=1 opens with O_DSYNC instead of O_SYNC.
"""
import os
import sys
import tempfile
import time
from multiprocessing import Process

BLOCK = int(os.environ.get("PROBE_BLOCK", "4096"))
BLOCKS = (16 << 20) // BLOCK
PACE = float(os.environ.get("PROBE_PACE", "0"))  # writes/s per writer; 0: as fast as it can
SYNC = os.O_DSYNC if os.environ.get("PROBE_DSYNC") == "1" else os.O_SYNC
SLOW = 0.004


def write(path, seconds):
    fd = os.open(path, os.O_WRONLY | os.O_CREAT)
    os.pwrite(fd, b"\0" * (BLOCK * BLOCKS), 0)  # preallocated: the probe measures writes, not block allocation
    os.fsync(fd)
    os.close(fd)
    fd = os.open(path, os.O_WRONLY | SYNC)
    data = b"x" * BLOCK
    start = time.perf_counter()
    writes, slow, i = 0, [], 0
    while True:
        before = time.perf_counter()
        os.pwrite(fd, data, (i % BLOCKS) * BLOCK)
        after = time.perf_counter()
        i += 1
        writes += 1
        if after - before > SLOW:
            slow.append(((before - start) * 1000 % 1000, (after - before) * 1000))
        if after - start > seconds:
            break
        while PACE and time.perf_counter() < start + writes / PACE:
            time.sleep(0.0002)
    os.close(fd)
    os.unlink(path)
    print(f"{os.path.basename(path)}: {writes / seconds:,.0f} writes/s, {len(slow)} over {SLOW * 1000:.0f} ms: "
          + " ".join(f"{at:.0f}({took:.1f})" for at, took in slow[:30]), flush=True)


if __name__ == "__main__":
    writers = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 3
    directory = sys.argv[3] if len(sys.argv) > 3 else tempfile.gettempdir()
    probes = [Process(target=write, args=(os.path.join(directory, f"stall-probe-{n}"), seconds)) for n in range(writers)]
    for probe in probes:
        probe.start()
    for probe in probes:
        probe.join()
