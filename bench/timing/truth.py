"""The timing ground truth: where each word of each clip starts and ends, known without
any recogniser.

* Synthesized files: Harvard sentences spoken one by one by espeak-ng (word starts from
  its word events, see :mod:`bench.timing.speech`), separated by pauses of 0.6–2.5 s, a
  quiet lead of 1–2 s before the first (Whisper likes to start the first word at 0 s), in
  several voices and rates, with white noise at 30, 20 and 12 dB SNR in half the files.
  A sentence's first word starts at its first audible sample; a word ends at its last
  audible sample before the next word starts (espeak-ng reports only starts).
* The GRID clip's hand-checked ``.align`` (word times in 1/25000 s) and the MFA
  ``.TextGrid`` (utterance times only: its words have no times) from ``../shared/eval``,
  read where they are, never copied.
"""

from __future__ import annotations

import random
import re
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from bench.timing.speech import Spoken, Voice

AUDIBLE = 0.003  # |sample| above this is sound (espeak-ng's silence is digital zero)

SENTENCES = (
    "The birch canoe slid on the smooth planks.",
    "Glue the sheet to the dark blue background.",
    "It is easy to tell the depth of a well.",
    "These days a chicken leg is a rare dish.",
    "Rice is often served in round bowls.",
    "The juice of lemons makes fine punch.",
    "The box was thrown beside the parked truck.",
    "The hogs were fed chopped corn and garbage.",
    "Four hours of steady work faced us.",
    "A large size in stockings is hard to sell.",
    "The boy was there when the sun rose.",
    "A rod is used to catch pink salmon.",
    "The source of the huge river is the clear spring.",
    "Kick the ball straight and follow through.",
    "Help the woman get back to her feet.",
    "A pot of tea helps to pass the evening.",
    "Smoky fires lack flame and heat.",
    "The soft cushion broke the man's fall.",
    "The salt breeze came across from the sea.",
    "The girl at the booth sold fifty bonds.",
    "The small pup gnawed a hole in the sock.",
    "The fish twisted and turned on the bent hook.",
    "Press the pants and sew a button on the vest.",
    "The swan dive was far short of perfect.",
    "The beauty of the view stunned the young boy.",
    "Two blue fish swam in the tank.",
    "Her purse was full of useless trash.",
    "The colt reared and threw the tall rider.",
    "It snowed, rained, and hailed the same morning.",
    "Read verse out loud for pleasure.",
)
VOICES = (("en-us", 165), ("en", 150), ("en-us", 185), ("en", 175), ("en-us", 145), ("en", 195))
SNR_DB = (None, 30.0, None, 20.0, None, 12.0)


@dataclass(frozen=True, slots=True)
class TruthWord:
    text: str
    start_s: float
    end_s: float
    after_pause: bool  # the first word of an utterance


@dataclass(frozen=True, slots=True)
class Clip:
    name: str
    path: Path
    reference: str
    words: tuple[TruthWord, ...]  # empty when only utterance times are known
    utterances: tuple[tuple[float, float], ...]


def synthesized(out: Path, *, files: int = 6, per_file: int = 5, seed: int = 15) -> list[Clip]:
    rng = random.Random(seed)
    order = list(SENTENCES)
    rng.shuffle(order)
    out.mkdir(parents=True, exist_ok=True)
    clips = []
    for number in range(files):
        voice_name, rate = VOICES[number % len(VOICES)]
        voice = Voice(voice_name, rate)
        texts = [order[(number * per_file + k) % len(order)] for k in range(per_file)]
        clips.append(_one_file(out, f"synth{number}", voice, texts, SNR_DB[number], rng))
    return clips


def _one_file(
    out: Path, name: str, voice: Voice, texts: list[str], snr_db: float | None, rng: random.Random
) -> Clip:
    rate = voice.sample_rate
    pieces: list[npt.NDArray[np.float32]] = []
    words: list[TruthWord] = []
    utterances: list[tuple[float, float]] = []
    cursor = round(rng.uniform(1.0, 2.0) * rate)
    pieces.append(np.zeros(cursor, np.float32))
    for index, text in enumerate(texts):
        spoken = voice.say(text)
        audible = np.flatnonzero(np.abs(spoken.samples) > AUDIBLE)
        first, last = int(audible[0]), int(audible[-1]) + 1
        words += _sentence_words(spoken, cursor, first, last)
        utterances.append(((cursor + first) / rate, (cursor + last) / rate))
        pieces.append(spoken.samples)
        cursor += len(spoken.samples)
        gap = round(rng.uniform(0.6, 2.5 if index + 1 < len(texts) else 1.0) * rate)
        pieces.append(np.zeros(gap, np.float32))
        cursor += gap
    audio = np.concatenate(pieces)
    if snr_db is not None:
        speech_power = float(np.mean(audio[np.abs(audio) > AUDIBLE] ** 2))
        noise = np.random.default_rng(len(name)).standard_normal(len(audio))
        audio = audio + (noise * np.sqrt(speech_power / 10 ** (snr_db / 10))).astype(np.float32)
    path = out / f"{name}.wav"
    _write_wav(path, audio, rate)
    suffix = "" if snr_db is None else f"_snr{snr_db:g}"
    return Clip(name + suffix, path, " ".join(texts), tuple(words), tuple(utterances))


def _sentence_words(spoken: Spoken, offset: int, first: int, last: int) -> list[TruthWord]:
    rate = spoken.sample_rate
    starts = [max(s, first) for s in spoken.starts]
    audible = np.abs(spoken.samples) > AUDIBLE
    ends = []
    for a, b in zip(starts, [*starts[1:], last], strict=True):
        sounding = np.flatnonzero(audible[a:b])  # a comma's pause is no part of the word
        ends.append(a + int(sounding[-1]) + 1 if sounding.size else b)
    return [
        TruthWord(text, (offset + a) / rate, (offset + b) / rate, k == 0)
        for k, (text, a, b) in enumerate(zip(spoken.words, starts, ends, strict=True))
    ]


def _write_wav(path: Path, audio: npt.NDArray[np.float32], rate: int) -> None:
    pcm = (np.clip(audio, -1.0, 1.0) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as handle:
        handle.setnchannels(1)
        handle.setsampwidth(2)
        handle.setframerate(rate)
        handle.writeframes(pcm.tobytes())


def grid(corpus: Path) -> list[Clip]:
    """GRID clips with a ``.align`` beside their video: silences (``sil``, ``sp``) dropped."""
    clips = []
    for align in sorted(corpus.glob("*.align")):
        media = next((p for p in corpus.glob(align.stem + ".*") if p.suffix == ".mpg"), None)
        if media is None:
            continue
        rows = [line.split() for line in align.read_text().splitlines() if line.strip()]
        spoken = [(w, int(a) / 25000, int(b) / 25000) for a, b, w in rows if w not in ("sil", "sp")]
        words = tuple(TruthWord(w, a, b, k == 0) for k, (w, a, b) in enumerate(spoken))
        text = " ".join(w for w, _, _ in spoken)
        clips.append(Clip(align.stem, media, text, words, ((words[0].start_s, words[-1].end_s),)))
    return clips


_INTERVAL = re.compile(r'xmin = ([\d.]+)\s+xmax = ([\d.]+)\s+text = "([^"]*)"', re.S)


def textgrids(corpus: Path) -> list[Clip]:
    """Utterance times from each ``.TextGrid`` (all tiers): its words are not timed."""
    clips = []
    for grid_path in sorted(corpus.glob("*.TextGrid")):
        media = next((p for p in corpus.glob(grid_path.stem + ".*") if p.suffix == ".wav"), None)
        if media is None:
            continue
        found = _INTERVAL.findall(grid_path.read_text(encoding="utf-8"))
        spoken = sorted((float(a), float(b), " ".join(t.split())) for a, b, t in found if t.strip())
        text = " ".join(t for _, _, t in spoken)
        utterances = tuple((a, b) for a, b, _ in spoken)
        clips.append(Clip(grid_path.stem, media, text, (), utterances))
    return clips
