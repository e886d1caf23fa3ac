"""JSON: the public key names, rounded times, real UTF-8, and always valid JSON."""

from __future__ import annotations

import json
import math

from jamak.subtitles import Cue, SubtitleRules, build_cues, formats
from jamak.subtitles.formats.json import read_document
from jamak.transcript import Segment, Transcript, Word

from .factories import english_transcript, korean_transcript

JSON = formats.get("json")


def test_the_document_has_the_contracted_keys() -> None:
    transcript = korean_transcript()
    cues = build_cues(transcript.segments, SubtitleRules.for_language("ko"), language="ko")
    document = json.loads(JSON.render(transcript, cues))
    assert {"language", "duration", "text", "segments", "cues"} <= document.keys()
    assert document["language"] == "ko"
    assert document["text"] == transcript.text
    segment = document["segments"][0]
    assert {"start", "end", "text", "words"} <= segment.keys()
    assert set(segment["words"][0]) == {"start", "end", "word", "probability"}
    assert segment["words"][0]["word"] == " 안녕하세요."
    assert [set(c) for c in document["cues"]] == [{"start", "end", "text", "lines"}] * len(cues)
    assert document["cues"][0]["lines"] == list(cues[0].lines)


def test_text_is_written_as_utf8_not_escapes() -> None:
    text = JSON.render(korean_transcript(), ())
    assert "안녕하세요" in text
    assert "\\u" not in text


def test_times_are_seconds_rounded_to_milliseconds() -> None:
    word = Word(0.12345, 0.98765, " hi", 0.87654321)
    transcript = Transcript("en", 1.00049, (Segment(0.12345, 0.98765, " hi", (word,)),))
    document = json.loads(JSON.render(transcript, [Cue(0.123, 0.987, ("hi",))]))
    assert document["duration"] == 1.0
    assert document["segments"][0]["words"][0] == {
        "start": 0.123,
        "end": 0.988,
        "word": " hi",
        "probability": 0.8765,
    }
    assert document["cues"] == [{"start": 0.123, "end": 0.987, "text": "hi", "lines": ["hi"]}]


def test_non_finite_numbers_become_null_so_the_file_stays_valid_json() -> None:
    transcript = Transcript("en", 1.0, (Segment(0.0, 1.0, " hi", avg_logprob=float("-inf")),))
    document = json.loads(JSON.render(transcript, ()))
    assert document["segments"][0]["avg_logprob"] is None


def test_an_empty_transcript_gives_empty_lists() -> None:
    document = json.loads(JSON.render(Transcript("en", 0.0), ()))
    assert (document["text"], document["segments"], document["cues"]) == ("", [], [])


def test_a_document_reads_back_into_what_every_format_writes() -> None:
    """What a job keeps: each format written from the document read back is the format
    written from the transcript itself, and so is the document."""
    for transcript in (english_transcript(), korean_transcript()):
        rules = SubtitleRules.for_language(transcript.language)
        cues = build_cues(transcript.segments, rules, language=transcript.language)
        document = JSON.render(transcript, cues)
        read_transcript, read_cues = read_document(document.encode("utf-8"))
        assert read_transcript.language == transcript.language
        assert read_transcript.text == transcript.text
        for name in formats.names():
            fmt = formats.get(name)
            assert fmt.render(read_transcript, read_cues) == fmt.render(transcript, cues), name


def test_a_null_number_reads_back_as_nan() -> None:
    transcript = Transcript("en", 1.0, (Segment(0.0, 1.0, " hi", (), float("-inf")),))
    read_transcript, _ = read_document(JSON.render(transcript, ()))
    assert math.isnan(read_transcript.segments[0].avg_logprob)


def test_how_the_model_ran_reads_back_and_an_older_document_without_the_library_still_reads() -> (
    None
):
    """Jobs keep their JSON document and render other formats from it later, so a document
    written before ``cpu_matrix_library`` was kept must still read."""
    transcript = Transcript(
        "en",
        1.0,
        compute_type="int8_float32",
        device="cpu",
        cpu_kernels="AVX2",
        cpu_matrix_library="DNNL",
    )
    read_transcript, _ = read_document(JSON.render(transcript, ()))
    assert (read_transcript.cpu_kernels, read_transcript.cpu_matrix_library) == ("AVX2", "DNNL")
    older = json.loads(JSON.render(transcript, ()))
    del older["cpu_matrix_library"]
    read_older, _ = read_document(json.dumps(older))
    assert (read_older.cpu_kernels, read_older.cpu_matrix_library) == ("AVX2", "")
