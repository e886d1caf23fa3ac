"""Subtitle timing that follows the voice, with the real base model on speech whose pauses
are known: sentences spoken by espeak-ng, joined with silences of set lengths."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from jamak.asr.options import RecognitionOptions
from jamak.asr.registry import ModelRegistry
from jamak.pipeline import SubtitleRequest, transcribe_file
from jamak.subtitles import build_cues, check_cues
from tests.support.media import read_samples, speak, write_wav

pytestmark = pytest.mark.model

SENTENCES = (
    "The birch canoe slid on the smooth planks.",
    "Glue the sheet to the dark blue background.",
    "Four hours of steady work faced us.",
)
SILENCES_S = (1.4, 1.2, 2.0, 1.0)  # before, between and after the sentences


def _clip(tmp_path: Path) -> tuple[Path, list[tuple[float, float]]]:
    """The clip and each sentence's voice (first and last audible sample), in seconds."""
    pieces, utterances, rate, cursor = [], [], 0, 0
    for index, text in enumerate(SENTENCES):
        samples, rate = read_samples(speak(text, tmp_path / f"s{index}.wav"))
        mono = samples[0]
        silence = np.zeros(round(SILENCES_S[index] * rate), np.float32)
        cursor += len(silence)
        audible = np.flatnonzero(np.abs(mono) > 0.003)
        utterances.append(((cursor + audible[0]) / rate, (cursor + audible[-1] + 1) / rate))
        pieces += [silence, mono]
        cursor += len(mono)
    pieces.append(np.zeros(round(SILENCES_S[-1] * rate), np.float32))
    path = write_wav(tmp_path / "paused.wav", np.concatenate(pieces)[None, :], rate)
    return path, utterances


def test_words_and_cues_follow_the_voice(model_registry: ModelRegistry, tmp_path: Path) -> None:
    path, utterances = _clip(tmp_path)
    recognizer = model_registry.recognizer("base")
    options = RecognitionOptions(language="en")
    transcript = transcribe_file(path, recognizer=recognizer, options=options)
    plain = transcribe_file(
        path,
        recognizer=recognizer,
        options=RecognitionOptions(language="en", refine_word_times=False),
    )
    assert transcript.text == plain.text  # refining times never changes the words
    words = list(transcript.words())
    assert len(words) >= 18, transcript.text

    def voice_of(time_s: float) -> int | None:
        return next((i for i, (a, b) in enumerate(utterances) if a - 0.05 <= time_s < b), None)

    # No word starts in a silence, and each sentence's first word starts with its voice.
    assert all(voice_of(w.start_s) is not None for w in words), [(w.text, w.start_s) for w in words]
    for index, (onset, _) in enumerate(utterances):
        first = next(w for w in words if voice_of(w.start_s) == index)
        assert onset - 0.1 <= first.start_s <= onset + 0.1, (first, onset)

    rules = SubtitleRequest(()).rules_for(transcript.language)
    cues = build_cues(transcript.segments, rules, language=transcript.language)
    assert check_cues(cues, rules, language=transcript.language) == []
    for onset, offset in utterances:
        starting = [c for c in cues if onset - 0.3 <= c.start_s <= offset]
        assert starting, (onset, cues)
        # Appears with the voice (not before the pause ends, not late), stays past its end.
        assert onset - 0.2 <= starting[0].start_s <= onset + 0.1, (onset, starting[0])
        last = max((c for c in cues if c.start_s < offset), key=lambda c: c.start_s)
        assert last.end_s >= offset, (offset, last)
    # No cue is shown over silence alone.
    assert all(any(c.start_s < b and c.end_s > a for a, b in utterances) for c in cues)
