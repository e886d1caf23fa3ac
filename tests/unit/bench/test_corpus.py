"""Reading a corpus folder: languages, non-speech, unverified references, --quick."""

from __future__ import annotations

from pathlib import Path

import pytest
from bench.corpus import CorpusError, quick_selection, read_corpus

from tests.unit.bench.conftest import ManifestRow, write_corpus

ROWS = (
    ManifestRow("en_a", "en_a.wav", "en", "First reference."),
    ManifestRow("de_a", "de_a.mp3", "de", "Guten Tag."),
    ManifestRow("en_b", "en_b.flac", "en", "Second one.", "MACHINE transcript (contains an error)"),
    ManifestRow("silence", "silence.wav", "none", "", "no speech (empty reference)"),
    ManifestRow("en_c", "en_c.wav", "en", "Third."),
    ManifestRow("noise", "noise.ogg", "none"),
    ManifestRow("en_d", "en_d.wav", "en", "Fourth.", "ASR OUTPUT ONLY (not verified)"),
    ManifestRow("en_e", "en_e.wav", "en", "Fifth."),
    ManifestRow("music", "music.ogg", "none"),
)


def test_reads_only_the_languages_asked_for_in_manifest_order(tmp_path: Path) -> None:
    clips = read_corpus(write_corpus(tmp_path, ROWS), languages=["en", "none"])

    assert [c.name for c in clips] == [
        "en_a",
        "en_b",
        "silence",
        "en_c",
        "noise",
        "en_d",
        "en_e",
        "music",
    ]
    assert clips[0].reference == "First reference."
    assert clips[0].path == tmp_path / "en_a.wav"
    assert clips[0].duration_s == pytest.approx(1.0)


def test_non_speech_clips_expect_nothing(tmp_path: Path) -> None:
    clips = {c.name: c for c in read_corpus(write_corpus(tmp_path, ROWS), languages=["none"])}

    assert set(clips) == {"silence", "noise", "music"}
    assert all(not c.is_speech and c.reference == "" and c.scored for c in clips.values())


def test_recogniser_output_references_are_timed_but_not_scored(tmp_path: Path) -> None:
    clips = {c.name: c for c in read_corpus(write_corpus(tmp_path, ROWS), languages=["en"])}

    assert not clips["en_b"].scored  # "MACHINE transcript"
    assert not clips["en_d"].scored  # "ASR OUTPUT ONLY"
    assert clips["en_a"].scored and clips["en_e"].scored


def test_quick_keeps_a_few_scored_speech_clips_and_a_few_non_speech(tmp_path: Path) -> None:
    clips = read_corpus(write_corpus(tmp_path, ROWS), languages=["en", "none"])

    assert [c.name for c in quick_selection(clips)] == ["en_a", "silence", "en_c", "noise", "en_e"]


def test_a_folder_without_manifest_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match=r"MANIFEST\.tsv"):
        read_corpus(tmp_path, languages=["en"])


def test_a_missing_media_file_is_named(tmp_path: Path) -> None:
    write_corpus(tmp_path, [ManifestRow("gone", "gone.wav", "en", "x")], touch_media=False)

    with pytest.raises(CorpusError, match="gone"):
        read_corpus(tmp_path, languages=["en"])


def test_clips_sharing_a_file_stem_are_refused(tmp_path: Path) -> None:
    # jamak transcribe names outputs <stem>.json, so these two would overwrite each other.
    rows = [ManifestRow("one", "clip.wav", "en", "a"), ManifestRow("two", "clip.mp3", "en", "b")]

    with pytest.raises(CorpusError, match="clip"):
        read_corpus(write_corpus(tmp_path, rows), languages=["en"])
