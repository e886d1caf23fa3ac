"""Media named as uploaded while a job runs, and what a worker killed mid-job leaves."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from jamak.jobs.media_names import named_as_uploaded, remove_abandoned
from jamak.jobs.model import Job


def _job(filename: str) -> Job:
    return Job(id="j1", owner="alice", filename=filename, media_key="jobs/j1/media")


def _killed_mid_job(folder: Path, stored: Path) -> None:
    """A child process that is SIGKILLed while it holds a media name, as the pool kills a
    worker past its job's time limit."""
    script = textwrap.dedent(
        f"""
        import os, signal
        from pathlib import Path
        from jamak.jobs.media_names import named_as_uploaded
        from jamak.jobs.model import Job
        job = Job(id="j2", owner="bob", filename="talk.mp4", media_key="k")
        with named_as_uploaded(Path({str(stored)!r}), job, folder=Path({str(folder)!r})):
            os.kill(os.getpid(), signal.SIGKILL)
        """
    )
    done = subprocess.run([sys.executable, "-c", script], check=False, timeout=60)
    assert done.returncode == -signal.SIGKILL


def test_the_media_takes_the_uploaded_name_for_the_job_and_no_longer(tmp_path: Path) -> None:
    stored = tmp_path / "media"
    stored.write_bytes(b"audio")
    with named_as_uploaded(stored, _job("../../Lecture 1.mp4"), folder=tmp_path) as media:
        assert media.name == "Lecture 1.mp4"
        assert media.read_bytes() == b"audio"
    assert not media.exists()
    assert not media.parent.exists()


def test_a_starting_worker_removes_only_what_stopped_workers_left(tmp_path: Path) -> None:
    stored = tmp_path / "media"
    stored.write_bytes(b"audio")
    _killed_mid_job(tmp_path, stored)
    (left,) = tmp_path.glob("jamak-job-*")
    dead_pid = left.name.split("-")[2]
    stranger = tmp_path / f"jamak-job-{dead_pid}-notes"  # not links only: somebody's files
    stranger.mkdir()
    (stranger / "notes.txt").write_text("keep me")
    with named_as_uploaded(stored, _job("talk.mp4"), folder=tmp_path) as running:
        assert remove_abandoned(tmp_path) == 1
        assert not left.exists()
        assert running.exists()  # this process is alive: its job goes on
    assert (stranger / "notes.txt").read_text() == "keep me"
    assert stored.read_bytes() == b"audio"  # a link removed, never what it points to
    assert str(os.getpid()) in running.parent.name


def test_folders_of_another_pid_namespace_are_left_to_it(tmp_path: Path) -> None:
    """Two containers sharing one temporary folder: the other's worker ids mean nothing
    here, so its folders stay, however dead their id looks; a folder an older jamak named
    by the bare id of a gone process is removed as before."""
    stored = tmp_path / "media"
    stored.write_bytes(b"audio")
    _killed_mid_job(tmp_path, stored)
    (ours,) = tmp_path.glob("jamak-job-*")
    namespace, dead_pid = ours.name.split("-")[2].split(".")
    other_namespace = str(int(namespace) + 1)
    theirs = tmp_path / f"jamak-job-{other_namespace}.{dead_pid}-x1"
    older = tmp_path / f"jamak-job-{dead_pid}-x2"
    for folder in (theirs, older):
        folder.mkdir()
        (folder / "talk.mp4").symlink_to(stored)

    assert remove_abandoned(tmp_path) == 2

    assert theirs.exists() and not ours.exists() and not older.exists()
