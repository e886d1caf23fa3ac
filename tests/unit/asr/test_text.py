"""Text from Whisper is cleaned of broken and stray invisible characters, and only of them."""

import pytest

from jamak.asr.text import clean_text

ZWJ, ZWNJ, ZWSP = "\u200d", "\u200c", "\u200b"


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        (" 안녕하세요\ufffd", " 안녕하세요"),  # a character cut apart at a read's end
        (f" {ZWJ}{ZWJ}{ZWJ}\ufffd", ""),  # what base wrote on a piano piece
        (f" \u200e{ZWJ}{ZWJ}{ZWJ}\ufffd", ""),  # ... and on synthesised music, float32
        (f" hello{ZWSP} world", " hello world"),
        (f"{ZWJ}word{ZWJ}", "word"),  # joins nothing at either edge
        (f" a {ZWNJ} b", " a  b"),
        (" ", ""),
        ("\ufeffBOM", "BOM"),
    ],
)
def test_broken_and_stray_characters_go(raw: str, clean: str) -> None:
    assert clean_text(raw) == clean


@pytest.mark.parametrize(
    "text",
    [
        " Good morning, everyone.",
        " 오늘 날씨가 정말 좋네요.",
        "今日はいい天気ですね。",
        f" می{ZWNJ}خواهم",  # Persian: the non-joiner inside a word is spelling
        f" 👩{ZWJ}💻",  # an emoji sequence
        " क्‍ष",  # Devanagari with a joiner
        " \u200fשלום",  # a direction mark before Hebrew
    ],
)
def test_real_text_is_unchanged(text: str) -> None:
    assert clean_text(text) == text


def test_a_run_of_joiners_inside_a_word_becomes_one() -> None:
    assert clean_text(f"a{ZWJ}{ZWJ}{ZWJ}b") == f"a{ZWJ}b"
