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
