"""Subtitle timing that follows the voice, with the real base model on speech whose pauses
are known: sentences spoken by espeak-ng, joined with silences of set lengths."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from jamak.asr.options import RecognitionOptions
from jamak.asr.registry import ModelRegistry
from jamak.pipeline import SubtitleRequest, transcribe_file
from jamak.subtitles import Cue, build_cues, check_cues
from jamak.transcript import Transcript
from tests.support.media import read_samples, speak, write_wav

pytestmark = pytest.mark.model

SENTENCES = (
    "The birch canoe slid on the smooth planks.",
    "Glue the sheet to the dark blue background.",
    "Four hours of steady work faced us.",
)
SILENCES_S = (1.4, 1.2, 2.0, 1.0)  # before, between and after the sentences


def _clip(
    tmp_path: Path, *, talk_behind_db: float | None = None
) -> tuple[Path, list[tuple[float, float]]]:
    """The clip and each sentence's voice (first and last audible sample), in seconds;
    with ``talk_behind_db``, talk runs behind the speaker all through, that many decibels
    under the speech (three streams of the sentences played backwards: voice-like sound
    the detector calls speech, with no words to hear)."""
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
    audio = np.concatenate(pieces)
    if talk_behind_db is not None:
        audio = audio + _talk(pieces[1::2], len(audio), audio, talk_behind_db)
    path = write_wav(tmp_path / "paused.wav", audio[None, :], rate)
    return path, utterances


def _talk(
    sentences: list[np.ndarray], length: int, speech: np.ndarray, under_db: float
) -> np.ndarray:
    backwards = np.concatenate([s[::-1] for s in sentences])
    streams = [
        np.roll(np.resize(backwards, length), shift) for shift in (0, length // 3, 2 * length // 3)
    ]
    talk = np.sum(streams, axis=0)
    voiced = speech[np.abs(speech) > 0.003]
    gain = np.sqrt(np.mean(voiced**2) / np.mean(talk**2) / 10 ** (under_db / 10))
    mixed: np.ndarray = (talk * gain).astype(np.float32)
    return mixed


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

    cues = _readable_cues(transcript)
    for onset, offset in utterances:
        # Appears with the voice (not before the pause ends, not late), stays past its end.
        _assert_starts_with_the_voice(cues, onset, offset, search_s=0.3)
        last = max((c for c in cues if c.start_s < offset), key=lambda c: c.start_s)
        assert last.end_s >= offset, (offset, last)
    # No cue is shown over silence alone.
    assert all(any(c.start_s < b and c.end_s > a for a, b in utterances) for c in cues)


def test_cues_start_with_the_voice_over_talk_behind_it(
    model_registry: ModelRegistry, tmp_path: Path
) -> None:
    """The detector calls the talk speech, so there is no silence to find: a sentence's
    first word (which Whisper stretches back over the pause) starts where the speaker, 15 dB
    louder than the talk, comes in."""
    path, utterances = _clip(tmp_path, talk_behind_db=15.0)
    recognizer = model_registry.recognizer("base")
    transcript = transcribe_file(
        path, recognizer=recognizer, options=RecognitionOptions(language="en")
    )
    cues = _readable_cues(transcript)
    for onset, offset in utterances:
        _assert_starts_with_the_voice(cues, onset, offset, search_s=1.0)


def _readable_cues(transcript: Transcript) -> list[Cue]:
    rules = SubtitleRequest(()).rules_for(transcript.language)
    cues = build_cues(transcript.segments, rules, language=transcript.language)
    assert check_cues(cues, rules, language=transcript.language) == []
    return list(cues)


def _assert_starts_with_the_voice(
    cues: list[Cue], onset: float, offset: float, *, search_s: float
) -> None:
    """The first cue starting within ``search_s`` before the voice (or during it) starts
    from 200 ms before the voice to 100 ms after it."""
    starting = [c for c in cues if onset - search_s <= c.start_s <= offset]
    assert starting, (onset, cues)
    assert onset - 0.2 <= starting[0].start_s <= onset + 0.1, (onset, starting[0], cues)
