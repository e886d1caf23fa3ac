"""What the local object store adds to the contract: real files under one root, nothing
left behind by a failed write, and no way out of the root."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest

from jamak.backends.embedded import LocalObjectStore
from jamak.errors import StorageError

# Run in a child process: a file-size limit (RLIMIT_FSIZE) makes the kernel refuse a write
# past the limit with EFBIG, a real failed write(2) like a full disk's ENOSPC. The store
# first holds "jobs/a/out.srt" = b"old"; then the limit is set and ``statement`` runs.
_UNDER_A_FILE_SIZE_LIMIT = """
import resource, signal, sys
from pathlib import Path
from jamak.backends.embedded import LocalObjectStore
from jamak.errors import StorageFullError

store = LocalObjectStore(Path(sys.argv[1]))
store.put_bytes("jobs/a/out.srt", b"old")
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
_, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
resource.setrlimit(resource.RLIMIT_FSIZE, (int(sys.argv[2]), hard))
try:
    exec(sys.argv[3])
except StorageFullError as err:
    print("refused:", err)
"""


def run_under_file_size_limit(root: Path, limit_bytes: int, statement: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", _UNDER_A_FILE_SIZE_LIMIT, str(root), str(limit_bytes), statement],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert not result.stderr, result.stderr
    return result.stdout


class Broken(io.RawIOBase):
    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        raise OSError("disk went away")


def test_local_path_is_the_stored_file_itself(tmp_path: Path) -> None:
    store = LocalObjectStore(tmp_path / "objects")
    store.put_bytes("jobs/a/media", b"data")
    with store.local_path("jobs/a/media") as path:
        assert path == (tmp_path / "objects" / "jobs" / "a" / "media").resolve()


def test_a_failed_write_leaves_no_temporary_file(tmp_path: Path) -> None:
    store = LocalObjectStore(tmp_path / "objects")
    store.put_bytes("jobs/a/media", b"old")
    with pytest.raises(OSError, match="disk went away"):
        store.put_file("jobs/a/media", io.BufferedReader(Broken()))
    assert sorted(p.name for p in (tmp_path / "objects" / "jobs" / "a").iterdir()) == ["media"]


def test_a_write_that_runs_out_of_space_keeps_the_old_object_and_says_so(
    tmp_path: Path,
) -> None:
    root = tmp_path / "objects"
    said = run_under_file_size_limit(
        root, 64 * 1024, 'store.put_bytes("jobs/a/out.srt", b"x" * (1 << 20))'
    )
    assert said.startswith("refused: The server's disk is full")
    assert "out.srt" in said
    folder = root / "jobs" / "a"
    assert sorted(p.name for p in folder.iterdir()) == ["out.srt"]  # no temporary file left
    assert (folder / "out.srt").read_bytes() == b"old"


def test_deleting_a_jobs_prefix_removes_its_folder(tmp_path: Path) -> None:
    store = LocalObjectStore(tmp_path / "objects")
    store.put_bytes("jobs/a/media", b"1")
    store.put_bytes("jobs/a/subtitles.srt", b"2")
    store.put_bytes("jobs/b/media", b"3")
    store.delete_prefix("jobs/a/")
    assert not (tmp_path / "objects" / "jobs" / "a").exists()
    assert (tmp_path / "objects" / "jobs" / "b" / "media").read_bytes() == b"3"


def test_no_key_reaches_outside_the_root(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("keep out")
    store = LocalObjectStore(tmp_path / "objects")
    for key in ["../secret.txt", str(secret), "jobs/../../secret.txt"]:
        with pytest.raises(StorageError):
            store.open(key)
        with pytest.raises(StorageError):
            store.put_bytes(key, b"overwritten")
        with pytest.raises(StorageError):
            store.delete_prefix(key)
    assert secret.read_text() == "keep out"


def test_the_writability_check_leaves_nothing_behind(tmp_path: Path) -> None:
    root = tmp_path / "objects"
    store = LocalObjectStore(root)
    store.put_bytes("jobs/a/media", b"1")
    before = sorted(str(path.relative_to(root)) for path in root.rglob("*"))
    for _ in range(3):
        store.check_writable()
    assert sorted(str(path.relative_to(root)) for path in root.rglob("*")) == before


def test_a_disk_that_takes_no_more_bytes_fails_the_writability_check(tmp_path: Path) -> None:
    root = tmp_path / "objects"
    said = run_under_file_size_limit(root, 1, "store.check_writable(); print('writable')")
    assert said.startswith("refused: The server's disk is full"), said
    assert [path.name for path in root.iterdir()] == ["jobs"]  # the probe's file went too


def test_a_store_whose_root_is_not_a_folder_is_not_writable(tmp_path: Path) -> None:
    root = tmp_path / "objects"
    store = LocalObjectStore(root)
    root.rmdir()
    root.write_text("a file where the objects folder should be")
    with pytest.raises(OSError):
        store.check_writable()
