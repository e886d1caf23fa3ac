"""An express worker takes a job by the length its header declares; a header that lies low
must not let a long file hold the lane kept for short ones. The file here is a real FLAC
whose STREAMINFO says 1 second and whose frames hold 40."""

from __future__ import annotations

from pathlib import Path

import pytest

from jamak.backends.memory import InMemoryJobStore, InMemoryObjectStore
from jamak.jobs.express import EXPRESS_OVERRUN
from jamak.jobs.model import JobStatus
from tests.support.hostile import flac_claiming
from tests.support.media import encode, make_tone

from .conftest import Submit, queue_worker

LANE_S = 10.0
SAMPLE_RATE = 16_000


def flac_of(seconds: float, folder: Path, *, claiming_s: float | None = None) -> bytes:
    wav = make_tone(folder / f"{seconds}.wav", seconds, sample_rate=SAMPLE_RATE)
    data = encode(wav, folder / f"{seconds}.flac", codec="flac").read_bytes()
    return data if claiming_s is None else flac_claiming(data, round(claiming_s * SAMPLE_RATE))


def test_a_file_far_longer_than_its_header_said_goes_back_to_the_other_workers(
    submit: Submit, store: InMemoryJobStore, objects: InMemoryObjectStore, tmp_path: Path
) -> None:
    liar = submit(flac_of(40.0, tmp_path, claiming_s=1.0), read_duration=True)
    assert liar.declared_s == pytest.approx(1.0)
    express = queue_worker(store, objects, worker_id="express", max_duration_s=LANE_S)
    regular = queue_worker(store, objects)

    express.run_next()

    handed_back = store.get(liar.id)
    assert handed_back.status is JobStatus.QUEUED
    assert handed_back.duration_s == pytest.approx(40.0, abs=0.1)  # measured, and kept
    assert handed_back.attempts == 0 and handed_back.error is None
    assert express.run_next() is None  # the lane does not take it again
    assert regular.run_next() is not None
    done = store.get(liar.id)
    assert done.status is JobStatus.SUCCEEDED and done.attempts == 1


def test_a_file_a_little_past_the_lane_is_finished_where_it_is(
    submit: Submit, store: InMemoryJobStore, objects: InMemoryObjectStore, tmp_path: Path
) -> None:
    # A header's length may be an estimate: within EXPRESS_OVERRUN of the lane, no lie.
    seconds = LANE_S * (1 + EXPRESS_OVERRUN) / 2
    job = submit(flac_of(seconds, tmp_path, claiming_s=LANE_S), read_duration=True)
    express = queue_worker(store, objects, worker_id="express", max_duration_s=LANE_S)

    express.run_next()

    assert store.get(job.id).status is JobStatus.SUCCEEDED
