"""A process that keeps freed memory reuses a large block from a worker thread without
faulting its pages in again; one that does not pays for every page, every time.

Each case runs in a child interpreter: malloc's settings are the whole process's.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from jamak.asr.registry import ModelRegistry

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


# A child that keeps freed memory and loads a model: how much more anonymous memory it
# holds once the model is loaded, in MB. ``load`` names how it loads.
LOAD_AND_MEASURE = """
import sys
from pathlib import Path
from jamak.asr.heap import keep_freed_memory
assert keep_freed_memory()
from faster_whisper import WhisperModel
from jamak.asr.loading import load_model

def anonymous_mb():
    with open("/proc/self/smaps_rollup") as rollup:
        line = next(line for line in rollup if line.startswith("Anonymous:"))
    return int(line.split()[1]) / 1024

path, load = Path(sys.argv[1]), sys.argv[2]
before = anonymous_mb()
if load == "jamak":
    model = load_model(path, device="cpu", compute_type="int8", cpu_threads=1)
else:
    model = WhisperModel(str(path), device="cpu", compute_type="int8", cpu_threads=1)
print(anonymous_mb() - before)
"""


def memory_held_after_loading(model: Path, load: str) -> float:
    done = subprocess.run(
        [sys.executable, "-c", LOAD_AND_MEASURE, str(model), load],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return float(done.stdout.split()[-1])


def test_a_model_load_leaves_none_of_its_transient_memory_kept(
    model_registry: ModelRegistry,
) -> None:
    """The weights file is read whole and converted: kept, those blocks stayed resident for
    the process's life (tiny.en: 204 MB held after a plain load, 78 MB through jamak's)."""
    model = model_registry.resolve("tiny.en")
    plain = memory_held_after_loading(model, "plain")
    ours = memory_held_after_loading(model, "jamak")
    assert ours < 0.6 * plain, (ours, plain)


def test_outside_a_load_freed_memory_is_kept_again() -> None:
    """After a model is loaded, large blocks go back to the kept heap."""
    after_a_load = (
        KEEP + "\nfrom jamak.asr.heap import loading_apart\n" + "with loading_apart():\n    pass\n"
    )
    assert page_faults_reusing_a_block(first=after_a_load) < PAGES_PER_BLOCK // 10


def anonymous_mb_after_freeing_a_block(*, then: str) -> float:
    """Anonymous memory of a child that keeps freed memory, after a worker thread freed a
    200 MB block it had filled, and after ``then`` ran."""
    script = KEEP + textwrap.dedent(
        f"""
        import ctypes, threading
        libc = ctypes.CDLL("libc.so.6")
        libc.malloc.restype = ctypes.c_void_p
        libc.malloc.argtypes = [ctypes.c_size_t]
        libc.free.argtypes = [ctypes.c_void_p]
        def fill_and_free():
            block = libc.malloc({BLOCK_MB} * 2**20)
            ctypes.memset(block, 1, {BLOCK_MB} * 2**20)
            libc.free(block)
        thread = threading.Thread(target=fill_and_free)
        thread.start()
        thread.join()
        {then}
        with open("/proc/self/smaps_rollup") as rollup:
            line = next(line for line in rollup if line.startswith("Anonymous:"))
        print(int(line.split()[1]) / 1024)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    return float(done.stdout.split()[-1])


def test_freed_memory_given_back_leaves_the_process() -> None:
    kept = anonymous_mb_after_freeing_a_block(then="pass")
    given_back = anonymous_mb_after_freeing_a_block(
        then="from jamak.asr.heap import give_back_freed_memory; give_back_freed_memory()"
    )
    assert kept - given_back > 0.75 * BLOCK_MB, (kept, given_back)
