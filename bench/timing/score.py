"""Timing figures of one system over the clips, against the ground truth.

Words are paired with the truth by aligning the normalised word sequences (difflib), so a
misheard word is left out rather than compared with the wrong one. A word is the text
between spaces in every language: in Korean that is the eojeol (a stem with its particles
or endings, "시장에서"), which Whisper writes between spaces as Korean does; a word it
spaces differently from the reference is simply not paired. Normalised: lower case, only
letters (any script), digits and apostrophes kept. Truth times espeak-ng does not give
(a word spoken joined to another) are not scored. Figures:

* word starts (natural sentences): every paired word that does not open an utterance;
* first word after a pause: each utterance's first word, against the utterance's onset
  (works for clips with utterance times only, such as the MFA TextGrid);
* cue starts: ``-200 ms <= cue start - first word's start <= +100 ms``, for cues whose
  first word was heard right; and, heard right or not, for cues that open an utterance
  (their first word is the first written for it), against the utterance's onset, which is
  its first word's start in clips with timed words. When the voice starts matters whatever
  was written; a first word Whisper left out counts against the cue (it starts late);
* cue ends: at or after the last word's end (strict; and within 100 ms of it, the most a
  two-frame gap before the next cue can take), likewise for cues that close an utterance;
* cues over no speech: a cue that overlaps no utterance at all;
* readability: rules broken (:func:`jamak.subtitles.check_cues`); WER: corpus WER after
  Whisper's English normaliser (English) or its basic one (other languages: lower case,
  no punctuation), over eojeol in Korean; CER: the same over characters, spaces removed
  (Korean's usual measure, where a missed space is no lost word).
"""

from __future__ import annotations

import difflib
import re
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import jiwer
from whisper_normalizer.basic import BasicTextNormalizer
from whisper_normalizer.english import EnglishTextNormalizer

from bench.timing.systems import HypWord, Output
from bench.timing.truth import Clip, TruthWord

_ENGLISH = EnglishTextNormalizer()
_BASIC = BasicTextNormalizer()


def normalise(text: str, language: str) -> str:
    """The text as WER compares it, in ``language``'s normaliser."""
    return " ".join((_ENGLISH if language == "en" else _BASIC)(text).split())


@dataclass
class Tally:
    word_errors: list[float] = field(default_factory=list)
    first_errors: list[float] = field(default_factory=list)
    cue_starts: list[float] = field(default_factory=list)  # cue start - truth start
    cue_ends: list[float] = field(default_factory=list)  # cue end - truth end
    by_utterance: list[int] = field(default_factory=lambda: [0, 0])  # starts, ends
    cues: int = 0
    over_no_speech: int = 0
    violations: int = 0
    references: list[str] = field(default_factory=list)
    hypotheses: list[str] = field(default_factory=list)

    def add(self, clip: Clip, out: Output) -> None:
        pairs = _pairs(clip.words, out.words)
        self.word_errors += [
            h.start_s - t.start_s for t, h in pairs.values() if t.start_known and not t.after_pause
        ]
        spans = _written_spans(clip.utterances, out.words)
        self.first_errors += [out.words[a].start_s - clip.utterances[u][0] for u, (a, _) in spans]
        timed = bool(clip.words)  # utterance edges are word edges (not so for the MFA clip)
        opening = {a: clip.utterances[u][0] for u, (a, _) in spans} if timed else {}
        closing = {b: clip.utterances[u][1] for u, (_, b) in spans} if timed else {}
        for cue in out.cues:
            self.cues += 1
            if not any(cue.start_s < b and cue.end_s > a for a, b in clip.utterances):
                self.over_no_speech += 1
            if cue.first in pairs and pairs[cue.first][0].start_known:
                self.cue_starts.append(cue.start_s - pairs[cue.first][0].start_s)
            elif cue.first in opening:
                self.cue_starts.append(cue.start_s - opening[cue.first])
                self.by_utterance[0] += 1
            if cue.last in pairs and pairs[cue.last][0].end_known:
                self.cue_ends.append(cue.end_s - pairs[cue.last][0].end_s)
            elif cue.last in closing:
                self.cue_ends.append(cue.end_s - closing[cue.last])
                self.by_utterance[1] += 1
        self.violations += out.violations
        self.references.append(normalise(clip.reference, clip.language))
        self.hypotheses.append(normalise(out.text, clip.language))

    def row(self) -> dict[str, float | int]:
        def share(values: Sequence[float], ok: Callable[[float], bool]) -> float:
            return 100 * sum(1 for v in values if ok(v)) / len(values) if values else 0.0

        words, firsts = self.word_errors, self.first_errors
        return {
            "word_start_median_abs_ms": _ms(statistics.median(map(abs, words))) if words else 0,
            "word_start_median_ms": _ms(statistics.median(words)) if words else 0,
            "word_start_within_200ms_pct": share(words, lambda v: abs(v) <= 0.2),
            "words_scored": len(words),
            "first_word_median_ms": _ms(statistics.median(firsts)) if firsts else 0,
            "first_word_median_abs_ms": _ms(statistics.median(map(abs, firsts))) if firsts else 0,
            "first_words_scored": len(self.first_errors),
            "cue_start_ok_pct": share(self.cue_starts, lambda v: -0.2 <= v <= 0.1),
            "cue_start_late_max_ms": _ms(max(self.cue_starts)) if self.cue_starts else 0,
            "cue_starts_scored": len(self.cue_starts),
            "cue_ends_scored": len(self.cue_ends),
            "cue_starts_by_utterance": self.by_utterance[0],
            "cue_ends_by_utterance": self.by_utterance[1],
            "first_word_late_over_100ms": sum(1 for v in self.first_errors if v > 0.1),
            "first_word_early_over_200ms": sum(1 for v in self.first_errors if v < -0.2),
            "cue_end_at_or_after_pct": share(self.cue_ends, lambda v: v >= -0.0005),
            "cue_end_within_100ms_pct": share(self.cue_ends, lambda v: v >= -0.1),
            "cues": self.cues,
            "cues_over_no_speech": self.over_no_speech,
            "readability_violations": self.violations,
            "wer_pct": 100 * jiwer.wer(self.references, self.hypotheses),
            "cer_pct": 100 * jiwer.cer(_unspaced(self.references), _unspaced(self.hypotheses)),
        }


def _ms(seconds: float) -> int:
    return round(seconds * 1000)


def _unspaced(texts: list[str]) -> list[str]:
    return ["".join(text.split()) for text in texts]


def _key(text: str) -> str:
    return re.sub(r"[^\w']|_", "", text.lower())


def _pairs(
    truth: Sequence[TruthWord], hyp: Sequence[HypWord]
) -> dict[int, tuple[TruthWord, HypWord]]:
    """Hypothesis word index -> (truth word, hypothesis word), for words heard right."""
    matcher = difflib.SequenceMatcher(
        a=[_key(w.text) for w in truth], b=[_key(w.text) for w in hyp], autojunk=False
    )
    pairs = {}
    for block in matcher.get_matching_blocks():
        for k in range(block.size):
            pairs[block.b + k] = (truth[block.a + k], hyp[block.b + k])
    return pairs


def _written_spans(
    utterances: Sequence[tuple[float, float]], words: Sequence[HypWord]
) -> list[tuple[int, tuple[int, int]]]:
    """Each utterance's written words, as (utterance, (first word, last word)) in order:
    a word belongs to the utterance nearest to its middle."""
    spans: dict[int, tuple[int, int]] = {}
    for index, word in enumerate(words):
        middle = (word.start_s + word.end_s) / 2
        nearest = min(
            range(len(utterances)),
            key=lambda i: max(utterances[i][0] - middle, middle - utterances[i][1], 0.0),
        )
        first, _ = spans.get(nearest, (index, index))
        spans[nearest] = (first, index)
    return sorted(spans.items())
