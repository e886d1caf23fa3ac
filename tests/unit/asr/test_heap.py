"""A process that keeps freed memory reuses a large block from a worker thread without
faulting its pages in again; one that does not pays for every page, every time.

Each case runs in a child interpreter: malloc's settings are the whole process's.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="glibc's allocator: Linux only"
)

BLOCK_MB = 200
ROUNDS = 5
PAGES_PER_BLOCK = BLOCK_MB * 1024 * 1024 // 4096


KEEP = "from jamak.asr.heap import keep_freed_memory; assert keep_freed_memory()"
# The CLI as a user runs it, on a file that is not there: it reports the file and returns.
RUN_TRANSCRIBE = (
    "from jamak.cli.main import run; import sys; sys.argv = ['jamak', 'transcribe', "
    "'/nonexistent/talk.mp4', '--model', 'tiny.en']\n"
    "try:\n    run()\nexcept SystemExit:\n    pass"
)


def page_faults_reusing_a_block(*, first: str = "") -> int:
    """Minor page faults of a thread that mallocs, fills and frees a 200 MB block five
    times, after one warm-up round, as CTranslate2's threads do with attention buffers
    (plain malloc: numpy asks for huge pages, which hides the count, not the cost).
    ``first``: the code the child runs before."""
    script = (
        "import ctypes, resource, threading\n"
        + first
        + textwrap.dedent(
            f"""
        libc = ctypes.CDLL("libc.so.6")
        libc.malloc.restype = ctypes.c_void_p
        libc.malloc.argtypes = [ctypes.c_size_t]
        libc.free.argtypes = [ctypes.c_void_p]
        size = {BLOCK_MB} * 2**20
        faults = []
        def fill_and_free():
            block = libc.malloc(size)
            ctypes.memset(block, 1, size)
            libc.free(block)
        def work():
            fill_and_free()
            before = resource.getrusage(resource.RUSAGE_THREAD).ru_minflt
            for _ in range({ROUNDS}):
                fill_and_free()
            faults.append(resource.getrusage(resource.RUSAGE_THREAD).ru_minflt - before)
        thread = threading.Thread(target=work)
        thread.start()
        thread.join()
        print(faults[0])
        """
        )
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    return int(done.stdout.split()[-1])  # the last line: the CLI may print before it


def test_without_it_every_reuse_faults_in_the_whole_block() -> None:
    assert page_faults_reusing_a_block() >= ROUNDS * PAGES_PER_BLOCK // 2


def test_with_it_the_block_is_reused_without_page_faults() -> None:
    assert page_faults_reusing_a_block(first=KEEP) < PAGES_PER_BLOCK // 10


def test_jamak_transcribe_keeps_freed_memory_for_the_whole_process() -> None:
    """The setting is the entry point's to make (before any thread takes an arena): a
    process that ran ``jamak transcribe`` reuses the block like one that asked for it."""
    assert page_faults_reusing_a_block(first=RUN_TRANSCRIBE) < PAGES_PER_BLOCK // 10
