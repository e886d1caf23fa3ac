"""The speed preset as a job carries it: what each preset asks of the decoder, how a job
stores it (and reads one stored before presets existed), and what the runner hands the
recogniser."""

from __future__ import annotations

import pytest

from jamak.asr.options import RecognitionOptions
from jamak.asr.speed import DEFAULT_SPEED, SPEEDS, is_speed, with_speed
from jamak.backends.memory import InMemoryJobStore, InMemoryObjectStore
from jamak.errors import JobError
from jamak.jobs.model import Job, JobOptions, JobStatus
from jamak.jobs.recognizers import ScriptedRecognizers
from jamak.jobs.runner import recognition_options, run_job

from .conftest import Submit

DEFAULTS = RecognitionOptions(beam_size=4, batch_size=3)


@pytest.mark.parametrize(
    ("speed", "greedy_first", "beam_size"),
    [("accurate", False, 4), ("balanced", True, 4), ("fast", True, 1)],
)
def test_each_speed_sets_how_reads_are_decoded_and_nothing_else(
    speed: str, greedy_first: bool, beam_size: int
) -> None:
    assert is_speed(speed)
    decoded = with_speed(DEFAULTS, speed)  # type: ignore[arg-type]
    assert (decoded.greedy_first, decoded.beam_size) == (greedy_first, beam_size)
    assert decoded.batch_size == DEFAULTS.batch_size


def test_the_speeds_on_offer_run_fastest_first_with_balanced_the_default() -> None:
    assert SPEEDS == ("fast", "balanced", "accurate")
    assert DEFAULT_SPEED == "balanced"
    assert not is_speed("slow")
    with pytest.raises(ValueError, match="unknown speed 'slow'"):
        with_speed(DEFAULTS, "slow")  # type: ignore[arg-type]


def test_a_jobs_speed_survives_its_round_trip_through_storage() -> None:
    options = JobOptions(model="tiny", speed="fast")
    assert options.to_dict()["speed"] == "fast"
    assert JobOptions.from_dict(options.to_dict()) == options
    job = Job(id="j", owner="ana", filename="a.wav", media_key="m", options=options)
    assert Job.from_dict(job.to_dict()).options.speed == "fast"


def test_a_job_stored_before_speeds_existed_reads_as_balanced() -> None:
    stored = JobOptions(model="tiny").to_dict()
    del stored["speed"]
    assert JobOptions.from_dict(stored).speed == "balanced"


@pytest.mark.parametrize("speed", SPEEDS)
def test_the_runner_decodes_at_the_jobs_speed_over_the_deployment_defaults(speed: str) -> None:
    options = JobOptions(language="ko", speed=speed)  # type: ignore[arg-type]
    assert recognition_options(options, DEFAULTS) == with_speed(
        RecognitionOptions(language="ko", beam_size=4, batch_size=3),
        speed,  # type: ignore[arg-type]
    )


def test_a_stored_unknown_speed_is_refused_in_words() -> None:
    with pytest.raises(JobError, match="unknown speed 'turbo'; use one of: fast, balanced"):
        recognition_options(JobOptions(speed="turbo"), DEFAULTS)  # type: ignore[arg-type]


def test_a_job_with_an_unknown_speed_fails_before_recognition(
    submit: Submit, store: InMemoryJobStore, objects: InMemoryObjectStore
) -> None:
    job = submit(speed="turbo")
    done = run_job(job, store=store, objects=objects, recognizers=ScriptedRecognizers())
    assert done.status is JobStatus.FAILED
    assert done.error == "unknown speed 'turbo'; use one of: fast, balanced, accurate"
