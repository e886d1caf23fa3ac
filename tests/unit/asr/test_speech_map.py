"""A file's speech map, and the stretch of it a part of the file reads."""

from __future__ import annotations

import numpy as np
import pytest

from jamak.asr.speech_map import FRAME, FRAME_S, SpeechMap

FILE = SpeechMap(np.arange(100, dtype=np.float32) / 100)


def test_a_stretch_from_a_frame_boundary_is_the_files_frames_from_there() -> None:
    stretch = FILE.stretch(10 * FRAME_S, 20 * FRAME)

    assert stretch is not None
    assert stretch.frame_s == FILE.frame_s
    np.testing.assert_array_equal(stretch.probabilities, FILE.probabilities[10:30])


def test_a_stretch_counts_every_started_frame_as_the_detector_does() -> None:
    stretch = FILE.stretch(10 * FRAME_S, 20 * FRAME + 1)

    assert stretch is not None
    np.testing.assert_array_equal(stretch.probabilities, FILE.probabilities[10:31])


def test_a_stretch_past_the_files_end_is_silence_there() -> None:
    stretch = FILE.stretch(95 * FRAME_S, 10 * FRAME)

    assert stretch is not None
    np.testing.assert_array_equal(stretch.probabilities[:5], FILE.probabilities[95:])
    np.testing.assert_array_equal(stretch.probabilities[5:], np.zeros(5, dtype=np.float32))


@pytest.mark.parametrize("start_s", [10.5 * FRAME_S, 10 * FRAME_S + 1 / 16_000, -FRAME_S])
def test_no_stretch_from_between_frames_or_before_the_file(start_s: float) -> None:
    assert FILE.stretch(start_s, 20 * FRAME) is None


def test_the_heard_share_counts_frames_at_the_threshold() -> None:
    assert FILE.heard_share([(0.0, 100 * FRAME_S)], 0.5) == pytest.approx(0.5)
    assert FILE.heard_share([], 0.5) == 0.0


def test_heard_seconds_count_the_frames_at_the_threshold_that_spans_reach_into() -> None:
    assert FILE.heard_s([(0.0, 100 * FRAME_S)], 0.5) == pytest.approx(50 * FRAME_S)
    assert FILE.heard_s([(40 * FRAME_S, 60 * FRAME_S)], 0.5) == pytest.approx(10 * FRAME_S)
    # a span reaching half into a frame counts it; spans apart add up
    assert FILE.heard_s([(50 * FRAME_S, 50.5 * FRAME_S), (90 * FRAME_S, 92 * FRAME_S)], 0.5) == (
        pytest.approx(3 * FRAME_S)
    )
    assert FILE.heard_s([], 0.5) == 0.0
