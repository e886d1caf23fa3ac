"""What every ObjectStore promises: bytes round-trip, writes are all-or-nothing, prefixes
delete only what they name, and keys that could escape the store are refused."""

from __future__ import annotations

import io
import os
from concurrent.futures import ThreadPoolExecutor

import pytest

from jamak.errors import ObjectNotFoundError, StorageError
from jamak.jobs.ports import ObjectStore


class BreaksHalfway(io.RawIOBase):
    """A source that fails after some bytes, like an upload whose client went away."""

    def __init__(self, good_bytes: int) -> None:
        self._left = good_bytes

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        if self._left <= 0:
            raise ConnectionResetError("client went away")
        count = min(len(buffer), self._left, 64 * 1024)
        buffer[:count] = b"x" * count
        self._left -= count
        return count


def test_bytes_round_trip(object_store: ObjectStore) -> None:
    object_store.put_bytes("jobs/a/subtitles.srt", "1\nhéllo\n".encode())
    with object_store.open("jobs/a/subtitles.srt") as stream:
        assert stream.read() == "1\nhéllo\n".encode()
    assert object_store.size("jobs/a/subtitles.srt") == len("1\nhéllo\n".encode())


def test_a_file_streams_in_and_reports_its_size(object_store: ObjectStore) -> None:
    data = os.urandom(3 * 1024 * 1024 + 17)
    assert object_store.put_file("jobs/a/media", io.BytesIO(data)) == len(data)
    with object_store.open("jobs/a/media") as stream:
        assert stream.read() == data
    assert object_store.size("jobs/a/media") == len(data)


def test_a_write_replaces_the_whole_object(object_store: ObjectStore) -> None:
    object_store.put_bytes("jobs/a/subtitles.srt", b"a much longer first version")
    object_store.put_bytes("jobs/a/subtitles.srt", b"short")
    with object_store.open("jobs/a/subtitles.srt") as stream:
        assert stream.read() == b"short"


def test_a_failed_write_leaves_the_old_object(object_store: ObjectStore) -> None:
    object_store.put_bytes("jobs/a/media", b"old bytes")
    with pytest.raises(ConnectionResetError):
        object_store.put_file("jobs/a/media", io.BufferedReader(BreaksHalfway(200_000)))
    with object_store.open("jobs/a/media") as stream:
        assert stream.read() == b"old bytes"


def test_local_path_holds_the_objects_bytes(object_store: ObjectStore) -> None:
    object_store.put_bytes("jobs/a/media", b"RIFF....WAVE")
    with object_store.local_path("jobs/a/media") as path:
        assert path.read_bytes() == b"RIFF....WAVE"


def test_missing_objects_are_not_found(object_store: ObjectStore) -> None:
    object_store.put_bytes("jobs/a/media", b"x")
    with pytest.raises(ObjectNotFoundError):
        object_store.open("jobs/b/media")
    with pytest.raises(ObjectNotFoundError):
        object_store.size("jobs/b/media")
    with pytest.raises(ObjectNotFoundError), object_store.local_path("jobs/b/media"):
        pass
    with pytest.raises(ObjectNotFoundError):
        object_store.open("jobs/a")  # a "folder" is not an object


def test_delete_prefix_removes_only_what_it_names(object_store: ObjectStore) -> None:
    keys = [
        "jobs/a/media",
        "jobs/a/subtitles.srt",
        "jobs/a/nested/part",
        "jobs/ab/media",
        "jobs/b/media",
    ]
    for key in keys:
        object_store.put_bytes(key, key.encode())
    object_store.delete_prefix("jobs/a/")
    for key in keys[:3]:
        with pytest.raises(ObjectNotFoundError):
            object_store.open(key)
    for key in keys[3:]:
        with object_store.open(key) as stream:
            assert stream.read() == key.encode()
    object_store.delete_prefix("jobs/a/")  # nothing left: harmless
    object_store.delete_prefix("jobs/zzz/")  # never existed: harmless


def test_delete_prefix_is_a_string_prefix(object_store: ObjectStore) -> None:
    object_store.put_bytes("jobs/a/subtitles.srt", b"1")
    object_store.put_bytes("jobs/a/subtitles.vtt", b"2")
    object_store.put_bytes("jobs/a/media", b"3")
    object_store.delete_prefix("jobs/a/subtitles.")
    with pytest.raises(ObjectNotFoundError):
        object_store.open("jobs/a/subtitles.vtt")
    assert object_store.size("jobs/a/media") == 1


BAD_KEYS = [
    "",
    "/etc/passwd",
    "../outside",
    "jobs/../../outside",
    "jobs/a/..",
    "jobs//media",
    "jobs/./media",
    "jobs/a/",
    "jobs\\a",
    "jobs/a b",
    "jobs/ä",
    "jobs/a\x00b",
    "~/media",
]


@pytest.mark.parametrize("key", BAD_KEYS)
def test_unsafe_keys_are_refused(object_store: ObjectStore, key: str) -> None:
    with pytest.raises(StorageError):
        object_store.put_bytes(key, b"x")
    with pytest.raises(StorageError):
        object_store.open(key)


@pytest.mark.parametrize("prefix", ["", "/", "../", "jobs/../", "/etc/"])
def test_unsafe_prefixes_are_refused(object_store: ObjectStore, prefix: str) -> None:
    object_store.put_bytes("jobs/a/media", b"keep me")
    with pytest.raises(StorageError):
        object_store.delete_prefix(prefix)
    assert object_store.size("jobs/a/media") == 7


def test_writability_checks_run_side_by_side_and_leave_every_object_alone(
    object_store: ObjectStore,
) -> None:
    # Several load balancers may probe at once: no probe may trip over another's bytes.
    object_store.put_bytes("jobs/a/media", b"keep me")
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda _: object_store.check_writable(), range(32)))
    assert results == [None] * 32
    with object_store.open("jobs/a/media") as stream:
        assert stream.read() == b"keep me"
