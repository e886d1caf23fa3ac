"""Plain text: the transcript as prose, with a paragraph per stretch of speech."""

from __future__ import annotations

from jamak.subtitles import formats
from jamak.transcript import Segment, Transcript

TXT = formats.get("txt")


def test_segments_run_on_and_a_long_silence_starts_a_paragraph() -> None:
    transcript = Transcript(
        "en",
        20.0,
        (
            Segment(0.0, 2.0, " Hello there."),
            Segment(2.5, 4.0, " How are you?"),
            Segment(9.0, 10.0, " Later that day."),
        ),
    )
    assert TXT.render(transcript, ()) == "Hello there. How are you?\n\nLater that day.\n"


def test_unspaced_languages_join_segments_without_spaces() -> None:
    transcript = Transcript(
        "ja", 5.0, (Segment(0.0, 1.0, "こんにちは。"), Segment(1.2, 2.0, "元気ですか？"))
    )
    assert TXT.render(transcript, ()) == "こんにちは。元気ですか？\n"


def test_korean_segments_keep_their_spaces() -> None:
    transcript = Transcript(
        "ko", 5.0, (Segment(0.0, 1.0, " 안녕하세요."), Segment(1.2, 2.0, " 반갑습니다."))
    )
    assert TXT.render(transcript, ()) == "안녕하세요. 반갑습니다.\n"


def test_an_empty_transcript_gives_an_empty_text_file() -> None:
    blank = Transcript("en", 3.0, (Segment(0.0, 1.0, "  "),))
    assert TXT.render(Transcript("en", 0.0), ()) == ""
    assert TXT.render(blank, ()) == ""
