"""Which decoded segments are Whisper's inventions rather than speech.

The figures in these cases are what ``base`` reported on real clips (see bench/README.md,
"Results across CPU kernel families" and "Words faster than speech"): the cases sit where
the measured classes sit, not on a rule's edge.
"""

from dataclasses import replace

import pytest

from jamak.asr.hallucinations import (
    Evidence,
    is_annotation,
    is_babble,
    is_hallucination,
    why_invented,
)

# Speech the detector heard, decoded with confidence.
SPEECH = Evidence(
    text=" Good morning, everyone.",
    no_speech_prob=0.02,
    avg_logprob=-0.3,
    compression_ratio=1.4,
    heard_share=0.93,
    word_probability=0.92,
)
# Whispered speech: the detector hears almost none of it, the decoder is sure of it.
WHISPERED = replace(
    SPEECH,
    text=" This is all very whisper.",
    no_speech_prob=0.08,
    avg_logprob=-0.63,
    heard_share=0.09,
    word_probability=0.92,
)
# Whale song in the quiet beside detected "speech", on AVX2 kernels.
WHALE = Evidence(
    text=" I'm sorry, I'm sorry, I'm sorry.",
    no_speech_prob=0.60,
    avg_logprob=-1.34,
    compression_ratio=1.43,
    heard_share=0.0,
    word_probability=0.42,
)


@pytest.mark.parametrize(
    ("text", "no_speech_prob", "dropped"),
    [
        (" m m m m m m m m", 0.53, True),  # whale song, as base wrote it
        (" Ah ah ah ah ah.", 0.4, True),
        (" m m m m m m m m", 0.05, False),  # Whisper is sure there is speech: keep it
        (" Ha ha ha! Montreal! Ha ha ha! Forced! Ha ha ha!", 0.45, False),  # words between
        (" No, no, no.", 0.5, False),  # too short to judge
    ],
)
def test_babble(text: str, no_speech_prob: float, dropped: bool) -> None:
    assert is_babble(text, no_speech_prob) is dropped


def test_whispers_own_silence_rule_and_loops_hold_whatever_the_detector_heard() -> None:
    assert not is_hallucination(SPEECH)
    assert why_invented(replace(SPEECH, no_speech_prob=0.7, avg_logprob=-1.2)) == (
        "Whisper's silence rule"
    )
    looping = replace(SPEECH, text=" the the the the the the the", compression_ratio=3.1)
    assert why_invented(looping) == "a repetition loop"


@pytest.mark.parametrize(
    "text",
    [' ["Pomp and Circumstance"]', " [Music]", " (applause)", " ♪ ♪", " [MUSIC PLAYING]."],
)
def test_sound_annotations_are_not_speech(text: str) -> None:
    assert is_annotation(text)
    assert is_hallucination(replace(SPEECH, text=text))


@pytest.mark.parametrize("text", [" Hello (quietly) there.", " [laughs] That's right.", " ", ""])
def test_text_around_an_annotation_is_speech(text: str) -> None:
    assert not is_annotation(text)


def test_unheard_text_goes_on_any_doubt_of_the_decoder() -> None:
    assert why_invented(WHALE) == "little speech heard there, and the decoder doubts it"
    # Each doubt on its own is enough where the detector heard nothing ...
    sure = replace(WHALE, no_speech_prob=0.05, avg_logprob=-0.3, word_probability=0.9)
    assert not is_hallucination(sure)
    for doubt in (
        {"no_speech_prob": 0.33},  # "Music" over music
        {"avg_logprob": -1.01},
        {"word_probability": 0.45},
        {"forced": True},  # read again after Whisper looped
        {"text": " Thank you."},  # Whisper's stock text for non-speech
    ):
        assert is_hallucination(replace(sure, **doubt)), doubt  # type: ignore[arg-type]


def test_speech_the_detector_missed_is_kept_when_the_decoder_is_sure() -> None:
    assert not is_hallucination(WHISPERED)
    falsetto = replace(WHISPERED, no_speech_prob=0.18, avg_logprob=-0.56, word_probability=0.83)
    assert not is_hallucination(falsetto)


def test_the_window_s_no_speech_figure_is_no_doubt_in_a_read_with_heard_speech() -> None:
    """Falsetto after speech in one window (the joined recording): Whisper wavers on the
    window as a whole (0.44) while sure of every sentence; the detector heard the sentence
    before it, not the falsetto."""
    falsetto = replace(
        WHISPERED,
        text=" This is all very high pitched!",
        no_speech_prob=0.44,
        avg_logprob=-0.41,
        heard_share=0.0,
        word_probability=0.82,
    )
    assert is_hallucination(falsetto)  # nothing in its read was heard: the figure counts
    in_speech = replace(falsetto, read_heard=True)
    assert not is_hallucination(in_speech)
    # The segment's own doubts still count.
    assert is_hallucination(replace(in_speech, word_probability=0.45))
    assert is_hallucination(replace(in_speech, text=" Thank you."))
    assert is_hallucination(replace(in_speech, avg_logprob=-1.01))


def test_doubtful_speech_the_detector_heard_is_kept() -> None:
    """Breathy speech ("Montreal, Forest, Alainer."): the decoder has doubts, but the
    detector heard a quarter of it."""
    breathy = Evidence(
        text=" Montreal, Forest, Alainer.",
        no_speech_prob=0.39,
        avg_logprob=-1.21,
        compression_ratio=1.0,
        heard_share=0.27,
        word_probability=0.59,
    )
    assert not is_hallucination(breathy)
    assert is_hallucination(replace(breathy, heard_share=0.03))


def test_without_word_times_the_other_doubts_still_count() -> None:
    assert not is_hallucination(replace(WHISPERED, word_probability=None))
    assert is_hallucination(replace(WHALE, word_probability=None))


def test_after_a_loop_the_detector_must_have_heard_more() -> None:
    """Whale song's " Oh", read again after a loop: the detector heard 18 % of it."""
    oh = replace(WHALE, text=" Oh", no_speech_prob=0.59, heard_share=0.18, forced=True)
    assert is_hallucination(oh)
    laughter = Evidence(" Ha, ha!", 0.09, -1.23, 1.0, heard_share=0.33, forced=True)
    assert not is_hallucination(laughter)


def test_words_squeezed_into_less_time_than_speech_takes_are_invented() -> None:
    """tiny.en's first read of a part starting mid-sentence: sentences it hears later in
    the window, written first with all nine words at one instant, then the real speech.
    The detector heard speech there and the decoder is sure of itself, so only the pace
    gives the invention away."""
    sure = replace(SPEECH, text=" The quick brown fox jumps over the lazy dog.", word_count=9)
    assert is_hallucination(replace(sure, words_per_second=float("inf")))
    assert is_hallucination(replace(sure, words_per_second=14.1))  # nine words in 0.64 s
    # The fastest speech measured on the corpus: Japanese read fast, 6.0 Whisper words a
    # second; and a short burst, too few words for a rate to mean anything.
    assert not is_hallucination(replace(sure, words_per_second=6.0))
    assert not is_hallucination(replace(sure, text=" No, no.", words_per_second=20.0, word_count=2))
    assert not is_hallucination(replace(sure, words_per_second=None, word_count=0))
