"""Where the voice is, to the nearest 10 ms: the detector's speech regions, edges sharpened
by frame energy.

Whisper's word times come from its cross-attention, which has no notion of silence: the
first word after a pause (or of a window) is often placed in the quiet before it, and words
end before the voice does. jamak already knows where the voice is: Silero's speech
probability for every 32 ms frame (:class:`jamak.asr.speech_map.SpeechMap`). Its regions say
*whether* a stretch is speech; their edges are only as fine as its frames and lag a little,
so each edge is moved to where the frame energy crosses the file's own speech level nearby.
Energy alone is not trusted far from a region (a door slam is loud, not speech).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

HOP_S = 0.01  # energy frames
SPEECH_THRESHOLD = 0.3  # the detector's own (jamak.asr.vad.VadSettings.threshold)...
HOLD_THRESHOLD = 0.15  # ...and the level speech must fall below to end
MIN_SILENCE_S = 0.1  # a shorter quiet is a stop closure or a breath inside speech
MIN_SPEECH_S = 0.06
EDGE_SEARCH_S = 0.1  # how far energy may move a detector edge
FLOOR_MARGIN_DB = 6.0  # speech energy: this far above the quiet of the file (10 ms frames
# of steady noise vary by well under a decibel)...
PEAK_RANGE_DB = 40.0  # ...and within this of its loud frames
AUDIBLE_DB = 15.0  # a stretch the detector called silence but this far above the quiet
FOREGROUND_RANGE_DB = 10.0  # the voice being subtitled: within this of its loud frames...
QUIET_LEAD_S = 0.2  # ...and a word that opens with this long below it opens in the background
VOICE_ONSET_S = 0.03  # the voice comes in where it stays that loud this long (a vowel does;
# a click or a peak of the talk behind it does not)


@dataclass(frozen=True, slots=True)
class Region:
    """A stretch of voice, in seconds from the start of the file."""

    start_s: float
    end_s: float


@dataclass(frozen=True, slots=True)
class Voicing:
    """The voice of a file: its regions, and the level of every 10 ms frame against the
    file's quiet (something may be there where the detector heard no voice: quiet or
    whispered speech it missed, or a noise)."""

    regions: tuple[Region, ...]
    above_floor_db: npt.NDArray[np.float64]
    foreground_db: float = np.inf  # frames this far above the quiet are the voice itself

    def audible(self, start_s: float, end_s: float) -> bool:
        """Whether the stretch is clearly sound, not room tone: its median frame at least
        ``AUDIBLE_DB`` above the file's quiet (room tone and hiss wander a few decibels
        above their 5th percentile; a whisper is tens of decibels louder)."""
        first = max(0, int(start_s / HOP_S))
        frames = self.above_floor_db[first : max(first + 1, round(end_s / HOP_S))]
        return bool(frames.size) and float(np.median(frames)) >= AUDIBLE_DB

    def foreground_onset(self, start_s: float, end_s: float) -> float | None:
        """Where the voice itself comes in, when a word placed at ``start_s`` opens with at
        least ``QUIET_LEAD_S`` of something quieter (babble, music, a room), which the
        detector may well have called speech: the first frame from which the file's voice
        level holds for ``VOICE_ONSET_S``, if one comes before ``end_s``; else ``None``."""
        first, stop = max(0, round(start_s / HOP_S)), round(end_s / HOP_S)
        lead, hold = round(QUIET_LEAD_S / HOP_S), round(VOICE_ONSET_S / HOP_S)
        loud = self.above_floor_db[first : stop + hold - 1] >= self.foreground_db
        if loud.size < hold:
            return None
        held = np.flatnonzero(np.convolve(loud, np.ones(hold), mode="valid") >= hold)
        if not held.size or held[0] < lead or first + held[0] >= stop:
            return None
        return (first + int(held[0])) * HOP_S


def find_voicing(
    probabilities: npt.NDArray[np.float32],
    frame_s: float,
    audio: npt.NDArray[np.float32],
    sample_rate: int,
) -> Voicing:
    above_floor_db, loud = _levels(audio, sample_rate)
    regions = voiced_regions(probabilities, frame_s, loud)
    return Voicing(regions, above_floor_db, _foreground(above_floor_db, regions))


def voiced_regions(
    probabilities: npt.NDArray[np.float32], frame_s: float, loud: npt.NDArray[np.bool_]
) -> tuple[Region, ...]:
    """The file's voice as disjoint, ordered regions (empty when the detector heard none)."""
    coarse = _detector_regions(probabilities, frame_s)
    if not coarse:
        return ()
    refined = [_sharpen(start, end, loud) for start, end in coarse]
    merged: list[Region] = []
    for region in refined:
        if merged and region.start_s - merged[-1].end_s < MIN_SILENCE_S:
            merged[-1] = Region(merged[-1].start_s, max(merged[-1].end_s, region.end_s))
        elif region.end_s - region.start_s >= MIN_SPEECH_S:
            merged.append(region)
    return tuple(merged)


def _detector_regions(probs: npt.NDArray[np.float32], frame_s: float) -> list[tuple[float, float]]:
    """Hysteresis over the detector's frames, as :mod:`jamak.asr.vad` does, but keeping
    silences down to ``MIN_SILENCE_S`` (the planner wants half a second; a word edge
    wants every pause) and adding no padding."""
    min_silence = max(1, round(MIN_SILENCE_S / frame_s))
    spans: list[tuple[float, float]] = []
    start: int | None = None
    last = 0
    for i, p in enumerate(probs.tolist()):
        if start is None:
            if p >= SPEECH_THRESHOLD:
                start, last = i, i
        elif p >= HOLD_THRESHOLD:
            last = i
        elif i - last >= min_silence:
            spans.append((start * frame_s, (last + 1) * frame_s))
            start = None
    if start is not None:
        spans.append((start * frame_s, (last + 1) * frame_s))
    return spans


def _foreground(above_floor_db: npt.NDArray[np.float64], regions: tuple[Region, ...]) -> float:
    """The level above which a frame is the voice itself, not what goes on behind it:
    within ``FOREGROUND_RANGE_DB`` of the loud frames (90th percentile) of the file's
    voice. Background talk mixed 15 dB under a speaker peaks about 12 dB under the
    speaker's loud frames; the speaker's vowels reach them every syllable or two."""
    inside = np.zeros(len(above_floor_db), dtype=np.bool_)
    for region in regions:
        inside[round(region.start_s / HOP_S) : round(region.end_s / HOP_S)] = True
    if not inside.any():
        return float(np.inf)
    return float(np.percentile(above_floor_db[inside], 90)) - FOREGROUND_RANGE_DB


def _levels(
    audio: npt.NDArray[np.float32], sample_rate: int
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.bool_]]:
    """Per 10 ms frame: its level above the file's quiet (dB), and whether it is as loud as
    speech. Levels are the file's own, so a quiet recording and a loud one are alike."""
    hop = max(1, round(HOP_S * sample_rate))
    count = len(audio) // hop
    if count == 0:
        return np.zeros(0), np.zeros(0, dtype=np.bool_)
    # A view and one sum per frame: a float64 copy of a long file is hundreds of megabytes
    # of fresh memory, which took 2 s of a 20-minute file's 51 (bench/README.md, "Levels
    # without a copy of the file").
    frames = audio[: count * hop].reshape(count, hop)
    power = np.einsum("ij,ij->i", frames, frames).astype(np.float64) / hop
    level = 10 * np.log10(power + 1e-12)
    floor, peak = np.percentile(level, 5), np.percentile(level, 99)
    loud: npt.NDArray[np.bool_] = level >= max(floor + FLOOR_MARGIN_DB, peak - PEAK_RANGE_DB)
    above: npt.NDArray[np.float64] = level - floor
    return above, loud


def _sharpen(start_s: float, end_s: float, loud: npt.NDArray[np.bool_]) -> Region:
    """Move each edge to the first (last) loud frame within ``EDGE_SEARCH_S`` of it, if any."""
    reach = round(EDGE_SEARCH_S / HOP_S)
    first, stop = round(start_s / HOP_S), round(end_s / HOP_S)
    lo, hi = max(0, first - reach), min(len(loud), first + reach)
    onsets = np.flatnonzero(loud[lo:hi])
    new_start = (lo + int(onsets[0])) * HOP_S if onsets.size else start_s
    lo, hi = max(0, stop - reach), min(len(loud), stop + reach)
    offsets = np.flatnonzero(loud[lo:hi])
    new_end = (lo + int(offsets[-1]) + 1) * HOP_S if offsets.size else end_s
    return Region(new_start, max(new_end, new_start))
