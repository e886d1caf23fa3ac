"""Small transcripts for subtitle tests, built from plain text with evenly spaced word times."""

from __future__ import annotations

from jamak.transcript import Segment, Transcript, Word


def spoken(
    text: str,
    *,
    start_s: float = 0.0,
    word_s: float = 0.3,
    gap_s: float = 0.05,
    spaced: bool = True,
) -> Segment:
    """A segment saying ``text`` word by word (characters, when ``spaced`` is False)."""
    tokens = text.split() if spaced else list(text.replace(" ", ""))
    words = []
    at_s = start_s
    for token in tokens:
        words.append(Word(at_s, at_s + word_s, f" {token}" if spaced else token, 0.9))
        at_s += word_s + gap_s
    joined = "".join(w.text for w in words)
    return Segment(start_s, words[-1].end_s if words else start_s, joined, tuple(words))


def english_transcript() -> Transcript:
    return Transcript(
        language="en",
        duration_s=14.0,
        segments=(
            spoken("Hello, and welcome to the show.", start_s=0.5),
            spoken(
                "Today we talk about subtitles & why <timing> matters so much to viewers.",
                start_s=3.0,
                word_s=0.25,
            ),
            spoken("Thank you.", start_s=12.0),
        ),
        language_probability=0.98,
        model="tiny.en",
    )


def korean_transcript() -> Transcript:
    return Transcript(
        language="ko",
        duration_s=12.0,
        segments=(
            spoken("안녕하세요. 오늘은 날씨가 정말 좋네요.", start_s=0.4, word_s=0.45),
            spoken("우리는 공원에 가서 산책을 했습니다.", start_s=4.0, word_s=0.45),
            spoken("그리고 맛있는 점심을 먹었어요.", start_s=8.0, word_s=0.45),
        ),
        language_probability=0.95,
        model="base",
    )
