"""The subtitle request: timing knobs over the rules, and a video's frames from its file."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from jamak.asr.fake import ScriptedRecognizer
from jamak.asr.options import RecognitionOptions
from jamak.pipeline import SubtitleRequest, transcribe_to_subtitles
from tests.support.media import make_tone, make_video


def test_timing_defaults_follow_broadcast_practice() -> None:
    rules = SubtitleRequest(()).rules_for("en")
    assert (rules.lead_out_s, rules.chain_gap_s, rules.min_gap_s) == (0.5, 0.5, 0.08)
    assert rules.frame_rate is None


def test_a_video_gets_its_frames_and_a_two_frame_gap() -> None:
    assert SubtitleRequest(()).rules_for("en", frame_rate=25.0).min_gap_s == 0.08
    rules = SubtitleRequest(()).rules_for("en", frame_rate=30000 / 1001)
    assert rules.frame_rate == pytest.approx(29.97, abs=0.01) and rules.min_gap_s == 0.066
    off = SubtitleRequest((), frame_accurate=False).rules_for("en", frame_rate=25.0)
    assert off.frame_rate is None


def test_the_user_sets_the_lead_out_and_the_chaining() -> None:
    rules = SubtitleRequest((), lead_out_s=0.0, chain_gap_s=1.0).rules_for("ja")
    assert (rules.lead_out_s, rules.chain_gap_s) == (0.0, 1.0)
    assert rules.max_chars_per_line == 16  # the language's own layout stays


def test_a_video_is_subtitled_on_its_frames(tmp_path: Path) -> None:
    video = make_video(tmp_path / "clip.mp4", audio_wav=make_tone(tmp_path / "t.wav", seconds=3.1))
    result = transcribe_to_subtitles(
        video,
        recognizer=ScriptedRecognizer("one two three four five six seven eight nine ten"),
        recognition=RecognitionOptions(),
        subtitles=SubtitleRequest.named(("srt",)),
    )
    times = re.findall(r"(\d\d):(\d\d):(\d\d),(\d\d\d)", result.subtitles[0].text)
    assert times
    milliseconds = [
        ((int(h) * 60 + int(m)) * 60 + int(s)) * 1000 + int(ms) for h, m, s, ms in times
    ]
    assert all(ms % 40 == 0 for ms in milliseconds), milliseconds  # 25 frames a second
