"""When a greedy read is worth a beam search: the decoder's own doubt about it.

Beam search costs a CPU about twice the decoding time of a greedy read, and on most speech
it writes the same words: a beam helps where the best next token is a close call. The
decoder says where that is. A read whose average log-probability is low had close calls
(or guessed), and a read that loops is greedy decoding's typical failure (openai/whisper
falls back on the same two signs, there from beam search to sampling). A third sign is
greedy decoding's own: a read that writes again a run of what its prompt already says is
copying its context, not hearing the audio (seen on AVX kernels: a sonnet's closing couplet
read as the sentence before it, once more). But speakers do say things again (a passage read
twice, a refrain), and a beam search of every such read made a recording with repeated
passages half again as slow. So a read that copies its prompt is first read once more,
greedily and with no prompt: if that read says the same words, the audio said them and the
greedy read stands (letters, not tokens: without a prompt Whisper may write other casing
and punctuation). Only reads still in doubt are read again by beam search
(``balanced``, :mod:`jamak.asr.speed`). What the presets cost and buy is measured in
bench/README.md ("Results (issue 14): speed where users live"), and Whisper's own bar for a
failed read (-1.0) against this one in "Whisper's bar for a doubtful read". A beam search
is stopped a little past its greedy read (``BEAM_EXTRA_TOKENS``): where the greedy read
stopped, a beam can otherwise run on to Whisper's limit.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from difflib import SequenceMatcher

from jamak.asr.decoder import DecodedRead, Unprompted
from jamak.asr.hallucinations import NO_SPEECH_PROB
from jamak.asr.keeping import Judge, loops
from jamak.asr.timestamps import resume_point

# A greedy read with an average log-probability under this is read again by beam search.
DOUBTFUL_GREEDY_AVG_LOGPROB = -0.5
# A read sharing a run of this many text tokens with its prompt copies it (about six words:
# longer than the set phrases speech repeats from one sentence to the next).
COPIED_RUN_TOKENS = 8
# Two reads of one window say the same when each has at least this share of its letters
# matched, in order, in the other (difflib's matching blocks). Measured on the one-speaker MFA
# recording, where a read and its unprompted read differ in fillers and misheard words, the
# shares of the 14 pairs: 11 at 0.86-0.98, and three at 0.58-0.81 where the prompted read was
# a quarter shorter. A read that drops one sentence of six, or one repeat of three
# (Whisper's prompted greedy read skips a sentence said again), falls under it.
SAME_TEXT_SHARE = 0.85
# A beam search of a doubtful greedy read reads the same audio, so it may write a likelier
# wording, or speech the greedy read stopped short of, but not pages more: it is stopped this
# many tokens past the greedy read's length. Measured on the corpus and three 20-minute
# recordings: of 36 reads searched again for doubts other than a loop, 32 wrote at most 33
# tokens more than their greedy read (7 -> 40 the most); 4 ran on to Whisper's 224-token
# limit, over whale song, a cartoon's soundtrack and two stretches of the recordings, for
# 3.2-3.5 s of a core each (bench/README.md, "Beam searches stopped past their greedy read").
# A loop's search (its greedy read at Whisper's limit) is not stopped any sooner.
BEAM_EXTRA_TOKENS = 48


def worth_a_beam(
    read: DecodedRead,
    prompt: Sequence[int],
    unprompted: Unprompted,
    *,
    timestamp_begin: int,
    judge: Judge,
) -> bool:
    """A read with any text the decoder was unsure of, that loops (a speaker saying a
    sentence again, heard by the detector in ``judge``, does not:
    :func:`jamak.asr.keeping.loops`), or that repeats its prompt unless the audio heard
    without the prompt says the same (tokens from ``timestamp_begin`` on are times, not
    text).

    A read that loops where the decoder also says there is no speech (Whisper's no-speech
    bar) is the exception: over music and animal song the beam loops just as the greedy
    read did, for twice the time, before the retries under a repetition penalty
    (:func:`jamak.asr.keeping.settle`) read it anyway. Such a read goes straight to them.
    Measured: every such read of the evaluation corpus and two 20-minute recordings (4, all
    non-speech) looped again under the beam (bench/README.md, "Loops where Whisper hears no
    speech")."""
    if not read.tokens:
        return False
    if loops(read, judge):
        return read.no_speech_prob <= NO_SPEECH_PROB
    if read.avg_logprob < DOUBTFUL_GREEDY_AVG_LOGPROB:
        return True
    if not copies(read, prompt, timestamp_begin=timestamp_begin):
        return False
    return not agree(read, unprompted())


def copies(read: DecodedRead, prompt: Sequence[int], *, timestamp_begin: int) -> bool:
    """Whether the read's text holds a run of ``COPIED_RUN_TOKENS`` tokens of its prompt's
    text. Timestamps are left out of both: they differ between reads of the same words."""
    size = COPIED_RUN_TOKENS
    text = [t for segment in read.segments for t in segment.tokens if t < timestamp_begin]
    context = [t for t in prompt if t < timestamp_begin]
    runs = {tuple(context[i : i + size]) for i in range(len(context) - size + 1)}
    return any(tuple(text[i : i + size]) in runs for i in range(len(text) - size + 1))


def agree(read: DecodedRead, other: DecodedRead) -> bool:
    """Whether two reads of one window say the same: their letters and digits, in any
    script, line up (casing, spaces and punctuation left out), neither with much the other
    lacks."""
    ours, theirs = _letters(read), _letters(other)
    if not ours or not theirs:
        return ours == theirs
    blocks = SequenceMatcher(a=ours, b=theirs, autojunk=False).get_matching_blocks()
    matched = sum(block.size for block in blocks)
    return matched >= SAME_TEXT_SHARE * max(len(ours), len(theirs))


def _letters(read: DecodedRead) -> str:
    return _NOT_LETTERS.sub("", " ".join(segment.text for segment in read.segments).lower())


_NOT_LETTERS = re.compile(r"[\W_]+")


def beam_token_limit(greedy_tokens: int) -> int:
    """The most tokens a beam search of a greedy read of ``greedy_tokens`` may write."""
    return greedy_tokens + BEAM_EXTRA_TOKENS


def beam_read_stands(tokens: Sequence[int], limit: int, *, timestamp_begin: int) -> bool:
    """Whether a beam search of a doubtful greedy read replaces it. One that ended before
    its ``limit`` (:func:`beam_token_limit`) does. One stopped at the limit does only where
    it has a whole segment to stand on: reading goes on after it, as after any read Whisper
    did not finish. One stopped there without one has written nothing whole (Whisper would
    take the window for read, over speech the greedy read wrote), so the greedy read stands."""
    return len(tokens) < limit or resume_point(tokens, timestamp_begin) is not None
