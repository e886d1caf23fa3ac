"""Word times moved onto the voice: no word starts in a silence, no word ends before its
voice does.

Whisper's alignment puts the first word after a pause (and the first word of a window)
in the quiet before it, sometimes by seconds, and ends words early; subtitles built on
those times appear before anyone speaks and vanish while the words are still being said.
First every time is delayed by ``ALIGNMENT_LEAD_S`` (the alignment runs ahead of the
voice) and the words are put back in time order: the alignment of a read that stopped early
sometimes pins its last word to the window's end, after words of the next read. The
fewest words are moved (those off the longest run in order), each only as far as order
asks. Then, given where the voice is (:func:`jamak.asr.voicing.voiced_regions`), each word
is corrected in four passes, keeping that order and Whisper's text untouched:

* a word that starts in a silence starts at the next onset instead (words placed together
  in the silence move together, keeping their spacing as far as room allows), unless the
  silence is not quiet from the word to the onset: frames as loud as the file's speech
  there say the detector more likely missed quiet speech (a whisper, a voice trailing off)
  than that Whisper placed the word early;
* a word after a pause (as Whisper marks one: a segment's first word, a word after a gap
  or drawn out over one) that opens with sound quieter than the voice itself (talk behind
  the speaker, music, a noisy room, which the detector may call speech, so there is no
  silence to find) starts where the voice comes in, if it does within that word or the
  next (or words drawn out after them), which move with it; beyond that, words of
  ordinary length over quiet sound are taken as quietly spoken, which level alone cannot
  tell from talk behind;
* the first word of a stretch of voice that starts a little into it (up to 0.2 s) starts
  with it;
* a word that ends a stretch of voice (the next word starts after a silence, or there is
  none) ends with that stretch: extended when it ran early, pulled back out of the silence
  when it ran late. It never passes the next word's start.

Only what the audio contradicts is changed; a word inside continuous speech keeps its
time, as nothing here knows better.
"""

from __future__ import annotations

import bisect
import itertools
import math
import statistics
from collections.abc import Sequence
from dataclasses import replace

from jamak.asr.voicing import Region, Voicing
from jamak.transcript import Segment, Word

MIN_WORD_S = 0.02  # one timestamp step: a word never shrinks below it
# Whisper's alignment runs ahead of the voice: inside running speech its word starts are a
# median 50 ms before espeak-ng's word events (bench/README.md, "Timing"), which themselves
# come at or before the first audible sample. Every aligned time is delayed by one
# timestamp step, half that lead, before the voice is consulted.
ALIGNMENT_LEAD_S = 0.02
SNAP_BACK_S = 0.2  # the most a stretch's first word is moved back to the voice's onset


def refine_segments(segments: Sequence[Segment], voicing: Voicing) -> tuple[Segment, ...]:
    """``segments`` with word (and so segment) times on the voice; text unchanged.

    Segments without words are kept as they are; where no voice was found, words are only
    put in order.
    """
    words = [word for segment in segments for word in segment.words]
    if not words:
        return tuple(segments)
    opening, count = set(), 0
    for segment in segments:
        if segment.words:
            opening.add(count)  # Whisper's own timestamps put a boundary before it
        count += len(segment.words)
    moved = iter(_refine(words, voicing, opening))
    out: list[Segment] = []
    for segment in segments:
        if not segment.words:
            out.append(segment)
            continue
        new = tuple(next(moved) for _ in segment.words)
        out.append(replace(segment, words=new, start_s=new[0].start_s, end_s=new[-1].end_s))
    return tuple(out)


def _refine(words: Sequence[Word], voicing: Voicing, opening: set[int]) -> list[Word]:
    late = ALIGNMENT_LEAD_S
    words = _in_time_order(
        [replace(w, start_s=w.start_s + late, end_s=w.end_s + late) for w in words]
    )
    regions, onsets = voicing.regions, [region.start_s for region in voicing.regions]
    starts = _starts_on_voice(words, voicing)
    starts = _starts_out_of_background(words, starts, voicing, opening)
    starts = _starts_back_to_onsets(starts, voicing)
    out: list[Word] = []
    for index, word in enumerate(words):
        start = starts[index]
        following = starts[index + 1] if index + 1 < len(words) else None
        region = _region_of(start, regions, onsets)
        # A word moved past its own end was said up to the next word's start.
        said_to = word.end_s if word.end_s > start else (following or start)
        end = _end_on_voice(start, said_to, following, region)
        out.append(replace(word, start_s=start, end_s=end))
    return out


def _in_time_order(words: Sequence[Word]) -> list[Word]:
    """``words`` with starts that never go back in time. The words on a longest
    non-decreasing run of starts keep their times: one stray word (the last word of a read
    pinned to the window's end, before the next read's words) is the one to move, not every
    word after it. Each other word is clamped between its kept neighbours, so it moves only
    as far as order asks."""
    starts = [word.start_s for word in words]
    kept = _longest_ordered_run(starts)
    floors = list(
        itertools.accumulate((starts[k] if k in kept else 0.0 for k in range(len(starts))), max)
    )
    ceilings = list(
        itertools.accumulate(
            (starts[k] if k in kept else math.inf for k in reversed(range(len(starts)))), min
        )
    )[::-1]
    out = list(words)
    for index, word in enumerate(words):
        if index in kept:
            continue  # floors/ceilings at a stray word are its kept neighbours' starts
        start = min(max(word.start_s, floors[index]), ceilings[index])
        out[index] = replace(
            word, start_s=start, end_s=min(max(word.end_s, start), ceilings[index])
        )
    return out


def _longest_ordered_run(values: Sequence[float]) -> set[int]:
    """Indices of a longest non-decreasing subsequence of ``values`` (patience sorting)."""
    tails: list[float] = []  # smallest tail of a run of each length
    tail_index: list[int] = []
    previous = [-1] * len(values)
    for index, value in enumerate(values):
        length = bisect.bisect_right(tails, value)
        if length == len(tails):
            tails.append(value)
            tail_index.append(index)
        else:
            tails[length] = value
            tail_index[length] = index
        previous[index] = tail_index[length - 1] if length else -1
    kept: set[int] = set()
    index = tail_index[-1] if tail_index else -1
    while index >= 0:
        kept.add(index)
        index = previous[index]
    return kept


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
        _move_run(out, index, run_end, onset)
        index = run_end + 1
    return _never_back(out)


def _drawn_out(words: Sequence[Word]) -> list[bool]:
    """Which words Whisper drew out to over twice the median word: a pause absorbed into
    them (Whisper's own word timing looks for the same)."""
    longest = 2 * statistics.median(word.end_s - word.start_s for word in words)
    return [word.end_s - word.start_s > longest for word in words]


def _starts_out_of_background(
    words: Sequence[Word], starts: list[float], voicing: Voicing, opening: set[int]
) -> list[float]:
    """A word after a pause (a segment's first, a word after a gap or drawn out over one)
    that opens with something quieter than the voice (talk behind the speaker, music, a
    noisy room: sound the detector may call speech, so the silence pass left it) starts
    where the voice comes in, if it does within that word or the next, or further on
    through words drawn out after them; the words before that point move with it, as in
    a silence. Further than that, a word of ordinary length over quiet sound is more
    likely quietly spoken than misplaced: level alone cannot tell soft speech from talk
    behind it."""
    out = list(starts)
    drawn = _drawn_out(words)
    first = 0
    while first < len(words):
        after_pause = (
            first == 0
            or first in opening
            or drawn[first]
            or words[first].start_s - words[first - 1].end_s >= MIN_WORD_S
        )
        if not after_pause:
            first += 1
            continue
        last = min(first + 1, len(words) - 1)
        while last + 1 < len(words) and drawn[last + 1]:
            last += 1
        onset = voicing.foreground_onset(out[first], max(words[last].end_s, out[last]) - MIN_WORD_S)
        if onset is None:
            first += 1
            continue
        run_end = first
        while run_end < last and out[run_end + 1] < onset:
            run_end += 1
        _move_run(out, first, run_end, onset)
        first = run_end + 1
    return _never_back(out)


def _starts_back_to_onsets(starts: list[float], voicing: Voicing) -> list[float]:
    """The first word in a stretch of voice that starts a little into it (less than
    ``SNAP_BACK_S``) starts with it: Whisper's alignment put it late, or the voice before
    it is a sound it did not write (a breath, an "uh") that the cue may as well show."""
    regions = voicing.regions
    onsets = [region.start_s for region in regions]
    out = list(starts)
    for k, start in enumerate(starts):
        index = bisect.bisect_right(onsets, start) - 1
        if index < 0 or start >= regions[index].end_s:
            continue
        onset = onsets[index]
        if k > 0 and out[k - 1] >= onset:
            continue  # not the first word of its stretch
        if 0 < start - onset <= SNAP_BACK_S:
            out[k] = onset
    return out


def _never_back(starts: list[float]) -> list[float]:
    """``starts`` with none before the one before it (a moved word never overtakes)."""
    return list(itertools.accumulate(starts, max))


def _move_run(starts: list[float], first: int, last: int, onset: float) -> None:
    """Words ``first..last`` (starts before ``onset``) moved to start at ``onset`` or
    after, keeping their spacing as far as the next word leaves room."""
    shift = onset - starts[first]
    limit = starts[last + 1] if last + 1 < len(starts) else math.inf
    for k in range(first, last + 1):
        room = limit - MIN_WORD_S * (last + 1 - k)
        starts[k] = max(onset, min(starts[k] + shift, room)) if k > first else onset


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
