"""Which decoded windows are Whisper's inventions rather than speech."""

import pytest

from jamak.asr.hallucinations import is_babble, is_hallucination


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


def test_whispers_own_silence_rule_and_loops() -> None:
    speech = {"no_speech_prob": 0.02, "avg_logprob": -0.3, "compression_ratio": 1.4}
    assert not is_hallucination(" Good morning, everyone.", **speech)
    silent = {**speech, "no_speech_prob": 0.7, "avg_logprob": -1.2}
    assert is_hallucination(" Thank you.", **silent)
    loop = {**speech, "compression_ratio": 3.1}
    assert is_hallucination(" the the the the the the the the the the the the", **loop)


def test_stock_phrases_are_dropped_only_when_whisper_has_doubts() -> None:
    """Whale song heard in the quiet around detected "speech": base wrote " Oh" with a
    no-speech probability of 0.51, under Whisper's own 0.6."""
    doubtful = {"no_speech_prob": 0.51, "avg_logprob": -1.11, "compression_ratio": 0.3}
    assert is_hallucination(" Oh", **doubtful)
    assert is_hallucination(" Thank you.", **doubtful)
    assert not is_hallucination(" Oh, right.", **doubtful)
    sure_of_speech = {**doubtful, "no_speech_prob": 0.1}
    assert not is_hallucination(" Oh", **sure_of_speech)


def test_a_reading_forced_out_of_a_loop_is_dropped_on_doubt() -> None:
    """Big Buck Bunny's music, read again after base looped on it: 0.49 and -1.48."""
    doubtful = {"no_speech_prob": 0.49, "avg_logprob": -1.48, "compression_ratio": 1.2}
    text = " I don't know if it's true or not."
    assert not is_hallucination(text, **doubtful)
    assert is_hallucination(text, **doubtful, forced=True)
    laughter = {**doubtful, "no_speech_prob": 0.28}  # "Ha ha ha, Montreal." after a loop
    assert not is_hallucination(" Ha ha ha, Montreal.", **laughter, forced=True)
