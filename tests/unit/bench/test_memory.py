"""Peak memory is measured over the whole process tree, children included."""

from __future__ import annotations

import subprocess
import sys

from bench.memory import PeakMemorySampler, tree_rss_bytes

MIB = 1 << 20

# A parent that starts a child holding 200 MiB for a moment, then both exit.
_PARENT = """
import subprocess, sys
child = "data = bytearray(200 * 1024 * 1024); import time; time.sleep(1.5)"
subprocess.run([sys.executable, "-c", child], check=True)
"""


def test_a_child_processes_memory_counts_toward_the_peak() -> None:
    process = subprocess.Popen([sys.executable, "-c", _PARENT])
    with PeakMemorySampler(process.pid, interval_s=0.05) as memory:
        process.wait(timeout=30)

    assert process.returncode == 0
    assert memory.peak_bytes > 200 * MIB


def test_a_finished_process_holds_nothing() -> None:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait(timeout=30)

    assert tree_rss_bytes(process.pid) == 0
