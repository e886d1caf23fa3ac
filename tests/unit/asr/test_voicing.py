"""Where the voice is: the detector's regions, edges sharpened by frame energy."""

from __future__ import annotations

import numpy as np
import pytest

from jamak.asr.voicing import Region, find_voicing

RATE = 16_000
FRAME_S = 0.032


def _audio(bursts: list[tuple[float, float]], seconds: float, level: float = 0.3) -> np.ndarray:
    rng = np.random.default_rng(1)
    audio = (rng.standard_normal(round(seconds * RATE)) * 0.001).astype(np.float32)
    for start, end in bursts:
        a, b = round(start * RATE), round(end * RATE)
        t = np.arange(b - a) / RATE
        audio[a:b] += (level * np.sin(2 * np.pi * 220 * t)).astype(np.float32)
    return audio


def _probabilities(speech: list[tuple[float, float]], seconds: float) -> np.ndarray:
    probs = np.full(int(seconds / FRAME_S), 0.02, dtype=np.float32)
    for start, end in speech:
        probs[int(start / FRAME_S) : int(end / FRAME_S) + 1] = 0.9
    return probs


def _regions(probs: np.ndarray, frame_s: float, audio: np.ndarray, rate: int) -> tuple[Region, ...]:
    return find_voicing(probs, frame_s, audio, rate).regions


def test_edges_land_on_the_energy_within_ten_milliseconds() -> None:
    bursts = [(1.234, 2.017), (3.561, 4.402)]
    # The detector's frames are coarse and lag: its speech starts a frame or two late.
    probs = _probabilities([(1.28, 2.05), (3.6, 4.45)], 6.0)
    regions = find_voicing(probs, FRAME_S, _audio(bursts, 6.0), RATE).regions
    assert len(regions) == 2
    for region, (start, end) in zip(regions, bursts, strict=True):
        assert region.start_s == pytest.approx(start, abs=0.011)
        assert region.end_s == pytest.approx(end, abs=0.011)


def test_a_loud_noise_the_detector_did_not_call_speech_is_not_voice() -> None:
    bursts = [(1.0, 2.0), (4.0, 4.5)]  # the second: a door slam
    regions = _regions(_probabilities([(1.0, 2.0)], 6.0), FRAME_S, _audio(bursts, 6.0), RATE)
    assert len(regions) == 1 and regions[0].end_s < 2.2


def test_a_pause_shorter_than_a_word_gap_stays_inside_the_voice() -> None:
    bursts = [(1.0, 1.5), (1.56, 2.0)]  # a 60 ms stop closure
    regions = _regions(_probabilities([(1.0, 2.0)], 6.0), FRAME_S, _audio(bursts, 6.0), RATE)
    assert len(regions) == 1


def test_quiet_recordings_are_judged_by_their_own_levels() -> None:
    bursts = [(1.0, 2.0)]
    audio = _audio(bursts, 4.0, level=0.003)
    regions = _regions(_probabilities([(1.05, 2.05)], 4.0), FRAME_S, audio, RATE)
    assert regions[0].start_s == pytest.approx(1.0, abs=0.011)


def test_no_speech_no_regions() -> None:
    probs = np.full(100, 0.01, dtype=np.float32)
    assert _regions(probs, FRAME_S, _audio([(1.0, 2.0)], 3.2), RATE) == ()


def test_frames_as_loud_as_speech_are_audible_even_where_the_detector_heard_none() -> None:
    audio = _audio([(1.0, 2.0), (3.0, 3.5)], 5.0)  # the second: a whisper the detector missed
    voicing = find_voicing(_probabilities([(1.0, 2.0)], 5.0), FRAME_S, audio, RATE)
    assert len(voicing.regions) == 1
    assert voicing.audible(3.0, 3.5)
    assert not voicing.audible(2.3, 2.9)
