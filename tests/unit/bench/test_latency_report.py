"""The service latency run as the report prints it, and the short job it picks."""

from __future__ import annotations

from pathlib import Path

from bench.corpus import Clip
from bench.report import latency_table
from bench.run import _short_clip
from bench.service import epoch_s


def clip(name: str, language: str = "en") -> Clip:
    return Clip(
        name, Path(f"{name}.wav"), language, 1.0, "words" if language != "none" else "", True
    )


def test_the_latency_table_shows_behind_alone_and_their_ratio() -> None:
    latency = {
        "long_files": ["long.mp3", "long.mp3"],
        "short_file": "en_jfk.flac",
        "statuses": ["succeeded"] * 4,
        "first_job_done_s": 12.0,
        "long_jobs_done_s": 40.0,
        "short_behind_long_s": 30.0,
        "short_alone_s": 3.0,
        "short_processing_behind_s": 2.5,
        "short_processing_alone_s": None,
        "behind_over_alone": 10.0,
    }
    text = latency_table(latency)
    assert "en_jfk.flac submitted behind long.mp3, long.mp3" in text
    assert "30.0 s (processing 2.5 s)" in text and "3.0 s (processing —)" in text
    assert "10.0×" in text and "12.0 s" in text


def test_a_failed_latency_run_says_why() -> None:
    assert "failed: boom" in latency_table({"note": "failed: boom"})


def test_the_named_short_clip_comes_from_the_whole_corpus_else_the_first_speech() -> None:
    every = (clip("noise", "none"), clip("en_a"), clip("en_jfk"))
    assert _short_clip(every, every[:2], "en_jfk").name == "en_jfk"
    assert _short_clip(every, every[:2], "missing").name == "en_a"


def test_job_times_are_read_as_epoch_seconds() -> None:
    assert epoch_s("1970-01-01T00:01:00Z") == 60.0
    assert epoch_s(None) is None
