"""Word times moved onto the voice: no word starts in a silence, no word ends before its
voice does.

Whisper's alignment puts the first word after a pause (and the first word of a window)
in the quiet before it, sometimes by seconds, and ends words early; subtitles built on
those times appear before anyone speaks and vanish while the words are still being said.
Given where the voice is (:func:`jamak.asr.voicing.voiced_regions`), each word is
corrected in two passes, keeping Whisper's order and text untouched:

* a word that starts in a silence starts at the next onset instead (words placed together
  in the silence move together, keeping their spacing as far as room allows), unless the
  silence is not quiet from the word to the onset: frames as loud as the file's speech
  there say the detector more likely missed quiet speech (a whisper, a voice trailing off)
  than that Whisper placed the word early;
* a word that ends a stretch of voice (the next word starts after a silence, or there is
  none) ends with that stretch: extended when it ran early, pulled back out of the silence
  when it ran late. It never passes the next word's start.

Only what the audio contradicts is changed; a word inside continuous speech keeps its
time, as nothing here knows better.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import replace

from jamak.asr.voicing import Region, Voicing
from jamak.transcript import Segment, Word

MIN_WORD_S = 0.02  # one timestamp step: a word never shrinks below it


def refine_segments(segments: Sequence[Segment], voicing: Voicing) -> tuple[Segment, ...]:
    """``segments`` with word (and so segment) times on the voice; text unchanged.

    Segments without words, and everything when no voice was found, are kept as they are.
    """
    words = [word for segment in segments for word in segment.words]
    if not words or not voicing.regions:
        return tuple(segments)
    moved = iter(_refine(words, voicing))
    out: list[Segment] = []
    for segment in segments:
        if not segment.words:
            out.append(segment)
            continue
        new = tuple(next(moved) for _ in segment.words)
        out.append(replace(segment, words=new, start_s=new[0].start_s, end_s=new[-1].end_s))
    return tuple(out)


def _refine(words: Sequence[Word], voicing: Voicing) -> list[Word]:
    regions, onsets = voicing.regions, [region.start_s for region in voicing.regions]
    starts = _starts_on_voice(words, voicing)
    out: list[Word] = []
    for index, word in enumerate(words):
        start = starts[index]
        following = starts[index + 1] if index + 1 < len(words) else None
        region = _region_of(start, regions, onsets)
        end = _end_on_voice(start, max(word.end_s, start), following, region)
        out.append(replace(word, start_s=start, end_s=end))
    return out


def _starts_on_voice(words: Sequence[Word], voicing: Voicing) -> list[float]:
    regions = voicing.regions
    onsets = [region.start_s for region in regions]
    out = [word.start_s for word in words]
    index = 0
    while index < len(out):
        onset = _onset_after_silence(out[index], regions, onsets)
        if onset is None:
            index += 1
            continue
        # The run of words that Whisper put in this same silence moves as one.
        run_end = index
        while run_end + 1 < len(out) and out[run_end + 1] < onset:
            run_end += 1
        if voicing.audible(out[index], onset):
            index = run_end + 1  # not silent after all: the detector missed something
            continue
        shift = onset - out[index]
        limit = out[run_end + 1] if run_end + 1 < len(out) else float("inf")
        for k in range(index, run_end + 1):
            room = limit - MIN_WORD_S * (run_end + 1 - k)
            out[k] = max(onset, min(out[k] + shift, room)) if k > index else onset
        index = run_end + 1
    for k in range(1, len(out)):
        out[k] = max(out[k], out[k - 1])  # never out of order
    return out


def _onset_after_silence(
    time_s: float, regions: Sequence[Region], onsets: Sequence[float]
) -> float | None:
    """The onset of the voice after ``time_s`` when ``time_s`` is in a silence, else None
    (also None after the last voice: nothing later to move to)."""
    after = bisect.bisect_right(onsets, time_s)
    inside = after > 0 and time_s < regions[after - 1].end_s
    if inside or after == len(regions):
        return None
    return onsets[after]


def _end_on_voice(
    start: float, end: float, following: float | None, region: Region | None
) -> float:
    if region is None:
        return end
    last_in_region = following is None or following >= region.end_s
    if last_in_region:
        end = region.end_s
    if following is not None:
        end = min(end, following)
    least = start + MIN_WORD_S if following is None else min(start + MIN_WORD_S, following)
    return max(end, least)


def _region_of(time_s: float, regions: Sequence[Region], onsets: Sequence[float]) -> Region | None:
    index = bisect.bisect_right(onsets, time_s) - 1
    if index >= 0 and time_s < regions[index].end_s:
        return regions[index]
    return None
