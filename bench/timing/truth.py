"""The timing ground truth: where each word of each clip starts and ends, known without
any recogniser.

* Synthesized files (:func:`synthesized`), per language (English, Korean): sentences
  (:mod:`bench.timing.sentences`) spoken one by one by espeak-ng (word starts from its
  word events, see :mod:`bench.timing.speech`), after a quiet lead of 1–2 s (Whisper
  likes to start the first word at 0 s). The conditions are crossed by design rather than
  chosen: each file takes the next voice variant, rate (130–210 words a minute) and
  background (:data:`BACKGROUNDS`) in turn; every pause is drawn from one of three bands
  (short 0.3–0.5 s, under the cue chaining gap; medium 0.5–1.2 s; long 1.2–3 s).
  A sentence's first word starts at its first audible sample; a word ends at its last
  audible sample before the next timed word starts (espeak-ng reports only starts). A
  word espeak-ng speaks joined to another has no start of its own (and the word before it
  no end of its own): it is kept for pairing but not scored where it is unknown.
* The GRID clip's hand-checked ``.align`` (word times in 1/25000 s) and the MFA
  ``.TextGrid`` (utterance times only: its words have no times) from ``../shared/eval``,
  read where they are, never copied.
"""

from __future__ import annotations

import random
import re
import wave
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import numpy.typing as npt

from bench.timing import backgrounds
from bench.timing.sentences import SENTENCES
from bench.timing.speech import Spoken, Voice

AUDIBLE = 0.003  # |sample| above this is sound (espeak-ng's silence is digital zero)

VOICES = {
    "en": ("en-us", "en+m7", "en-us+f3", "en", "en-us+m3", "en-gb-x-rp+f2", "en-us-nyc", "en+m1"),
    "ko": ("ko", "ko+f3", "ko+m7", "ko+f2", "ko+m3"),
}
RATES_WPM = (130, 150, 170, 190, 210)
# (kind, SNR dB): clean twice, white noise at four levels, music-like tones, babble.
BACKGROUNDS: tuple[tuple[str, float | None], ...] = (
    ("clean", None),
    ("white", 30.0),
    ("white", 20.0),
    ("tones", 15.0),
    ("clean", None),
    ("white", 12.0),
    ("white", 6.0),
    ("babble", 15.0),
)
PAUSE_BANDS_S = ((0.3, 0.5), (0.5, 1.2), (1.2, 3.0))


@dataclass(frozen=True, slots=True)
class TruthWord:
    text: str
    start_s: float
    end_s: float
    after_pause: bool  # the first word of an utterance
    start_known: bool = True  # False: spoken joined to the word before, no start of its own
    end_known: bool = True  # False: the next word is joined to it, no end of its own


@dataclass(frozen=True, slots=True)
class Clip:
    name: str
    path: Path
    reference: str
    words: tuple[TruthWord, ...]  # empty when only utterance times are known
    utterances: tuple[tuple[float, float], ...]
    language: str = "en"
    condition: str = "recorded"  # synthesized: the background, "clean", "white12dB", ...


def synthesized(
    out: Path,
    *,
    files: int = 16,
    per_file: int = 5,
    seed: int = 15,
    languages: tuple[str, ...] = ("en", "ko"),
) -> list[Clip]:
    """``files`` files of ``per_file`` sentences for each language, the same every time."""
    out.mkdir(parents=True, exist_ok=True)
    clips = []
    for language in languages:
        rng = random.Random(f"{seed}-{language}")
        order = list(SENTENCES[language])
        rng.shuffle(order)
        voices = VOICES[language]
        for number in range(files):
            voice_name = voices[number % len(voices)]
            rate = RATES_WPM[number % len(RATES_WPM)]
            kind, snr_db = BACKGROUNDS[number % len(BACKGROUNDS)]
            texts = [order[(number * per_file + k) % len(order)] for k in range(per_file)]
            condition = kind + ("" if snr_db is None else f"{snr_db:g}dB")
            name = f"{language}{number:02d}_{voice_name.replace('+', '_')}_{rate}wpm_{condition}"
            clip = _one_file(out, name, Voice(voice_name, rate), texts, (kind, snr_db), rng)
            clips.append(replace(clip, language=language, condition=condition))
    return clips


def _one_file(
    out: Path,
    name: str,
    voice: Voice,
    texts: list[str],
    background: tuple[str, float | None],
    rng: random.Random,
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
        low, high = rng.choice(PAUSE_BANDS_S) if index + 1 < len(texts) else (1.0, 1.0)
        gap = round(rng.uniform(low, high) * rate)
        pieces.append(np.zeros(gap, np.float32))
        cursor += gap
    audio = np.concatenate(pieces)
    kind, snr_db = background
    if snr_db is not None:
        noise_rng = np.random.default_rng(rng.randrange(2**32))
        make = _background(kind, voice, texts)
        audio = backgrounds.mix(audio, make(len(audio), rate, noise_rng), snr_db, AUDIBLE)
    path = out / f"{name}.wav"
    _write_wav(path, audio, rate)
    return Clip(name, path, " ".join(texts), tuple(words), tuple(utterances))


def _background(
    kind: str, voice: Voice, texts: list[str]
) -> Callable[[int, int, np.random.Generator], npt.NDArray[np.float32]]:
    if kind == "white":
        return backgrounds.white
    if kind == "tones":
        return backgrounds.tones
    if kind == "babble":  # the file's own sentences, backwards: no words to recognise
        return backgrounds.babble([voice.say(text).samples for text in texts])
    raise ValueError(f"unknown background {kind!r}")


def _sentence_words(spoken: Spoken, offset: int, first: int, last: int) -> list[TruthWord]:
    """The sentence's words on the file's clock. A timed word's group runs to the next
    timed word: words inside it (joined by espeak-ng) share its times, flagged unknown."""
    rate = spoken.sample_rate
    starts = list(spoken.starts)
    starts[0] = first  # the sentence opens with its first word, event or not
    timed = [k for k, s in enumerate(starts) if s is not None]
    audible = np.abs(spoken.samples) > AUDIBLE
    out: list[TruthWord] = []
    for k, next_k in zip(timed, [*timed[1:], len(starts)], strict=True):
        a = max(int(starts[k] or 0), first)
        b = last if next_k == len(starts) else max(int(starts[next_k] or 0), a)
        sounding = np.flatnonzero(audible[a:b])  # a comma's pause is no part of the word
        end = a + int(sounding[-1]) + 1 if sounding.size else b
        for j in range(k, next_k):
            out.append(
                TruthWord(
                    spoken.words[j],
                    (offset + a) / rate,
                    (offset + end) / rate,
                    after_pause=j == 0,
                    start_known=j == k,
                    end_known=j == next_k - 1,
                )
            )
    return out


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
