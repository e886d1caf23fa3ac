"""The hard rules hold for any word stream: random speech rates, words, silences and scripts.

Each example builds a transcript from random words (some segments without word times), lays
it out under random but valid rules, and asks :func:`check_cues` for violations. The text must
also survive: every character of the words appears in the cues, in order.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jamak.subtitles import SubtitleRules, build_cues, check_cues
from jamak.subtitles.rules import for_frame_rate
from jamak.transcript import UNSPACED_LANGUAGES, Segment, Word

PROPERTY_SETTINGS = settings(
    max_examples=150,
    deadline=None,
    database=None,  # keep no example database in the working tree
    suppress_health_check=[HealthCheck.too_slow],
)

_ALPHABETS = {
    "en": "abcdefghijklmnopqrstuvwxyz'",
    "ko": "가나다라마바사아자차카타파하습니요죠",
    "ja": "あいうえおかきくけこ日本語漢字カタナ",
    "zh": "我们你他的是在不了有和人这中大为上",
    "th": "กขคงจสวดีรับั่้",
}
_PUNCTUATION = ["", "", "", ".", ",", "?", "!", "。", "、", "，", "？"]


@st.composite
def word_streams(draw: st.DrawFn) -> tuple[str, list[Segment]]:
    language = draw(st.sampled_from(sorted(_ALPHABETS)))
    spaced = language not in UNSPACED_LANGUAGES
    # Speaking rate, from a fast talker (10 ms words, overlapping) to slow speech with silences.
    word_s = st.floats(0.0, 2.5)
    gap_s = st.one_of(st.floats(-0.3, 0.7), st.floats(0.5, 30.0))
    length = st.one_of(st.integers(1, 12), st.integers(13, 400))
    segments = []
    at_s = draw(st.floats(0.0, 5.0))
    for _ in range(draw(st.integers(0, 6))):
        words = []
        for _ in range(draw(st.integers(1, 25))):
            text = draw(st.text(_ALPHABETS[language], min_size=1, max_size=draw(length)))
            text += draw(st.sampled_from(_PUNCTUATION))
            text = f" {text}" if spaced else text
            if draw(st.integers(0, 9)) == 0:  # punctuation set off by a space: "mot ?"
                text += draw(st.sampled_from([" ?", " !", " :", " »"]))
            duration_s = draw(word_s)
            words.append(Word(at_s, at_s + duration_s, text, 0.5))
            at_s = max(0.0, at_s + duration_s + draw(gap_s))
        joined = "".join(w.text for w in words)
        timed = draw(st.booleans()) or draw(st.booleans())  # a quarter lack word times
        segments.append(
            Segment(words[0].start_s, words[-1].end_s, joined, tuple(words) if timed else ())
        )
    return language, segments


@st.composite
def rules_for(draw: st.DrawFn, language: str) -> SubtitleRules:
    rules = for_frame_rate(
        SubtitleRules.for_language(language),
        draw(st.sampled_from([None, 23.976, 24.0, 25.0, 29.97, 30.0, 50.0, 59.94])),
    )
    if draw(st.booleans()):
        return rules
    return rules.with_overrides(
        max_chars_per_line=draw(st.integers(4, 60)),
        max_lines=draw(st.integers(1, 3)),
        max_chars_per_s=draw(st.floats(3.0, 30.0)),
        lead_out_s=draw(st.floats(0.0, 2.0)),
        chain_gap_s=draw(st.floats(0.0, 2.0)),
    )


def _letters(text: str) -> str:
    return "".join(text.split())


@PROPERTY_SETTINGS
@given(stream=word_streams(), data=st.data())
def test_cues_keep_every_rule_for_any_word_stream(
    stream: tuple[str, list[Segment]], data: st.DataObject
) -> None:
    language, segments = stream
    rules = data.draw(rules_for(language))
    cues = build_cues(segments, rules, language=language)
    assert check_cues(cues, rules, language=language) == []
    spoken = "".join(_letters(s.text) for s in segments)
    assert "".join(_letters(cue.text) for cue in cues) == spoken


@PROPERTY_SETTINGS
@given(
    count=st.integers(1, 200),
    word_s=st.floats(0.0, 0.05),
    length=st.integers(1, 30),
    language=st.sampled_from(["en", "ko", "ja"]),
)
def test_speech_far_faster_than_reading_still_keeps_every_rule(
    count: int, word_s: float, length: int, language: str
) -> None:
    spaced = language not in UNSPACED_LANGUAGES
    letter = _ALPHABETS[language][0]
    words = tuple(
        Word(i * word_s, (i + 1) * word_s, (" " if spaced else "") + letter * length, 0.9)
        for i in range(count)
    )
    rules = SubtitleRules.for_language(language)
    cues = build_cues([Segment(0.0, count * word_s, "", words)], rules, language=language)
    assert check_cues(cues, rules, language=language) == []
    assert cues[0].start_s == 0.0
