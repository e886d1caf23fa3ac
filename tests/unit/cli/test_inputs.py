"""`jamak transcribe`'s arguments as inputs: files as given, folders as their recordings."""

from __future__ import annotations

from pathlib import Path, PurePath

from jamak.cli.inputs import Input, expand
from jamak.media import is_media_name


def touch(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"")
    return path


def test_a_file_is_taken_as_given_whatever_its_name(tmp_path: Path) -> None:
    notes = touch(tmp_path / "notes.txt")
    missing = tmp_path / "gone.mp4"
    inputs, empty = expand([notes, missing])
    assert inputs == [Input(notes, PurePath("notes")), Input(missing, PurePath("gone"))]
    assert empty == []


def test_a_folder_stands_for_its_recordings_in_its_own_tree(tmp_path: Path) -> None:
    folder = tmp_path / "lectures"
    week1 = touch(folder / "week 1" / "intro.MP4")
    week2 = touch(folder / "week 2" / "intro.mkv")
    talk = touch(folder / "talk.final.mp3")
    for other in ("cover.jpg", "notes.txt", "talk.final.srt", ".hidden.mp3"):
        touch(folder / other)
    touch(folder / ".cache" / "old.wav")
    inputs, empty = expand([folder])
    assert inputs == [
        Input(talk, PurePath("talk.final")),
        Input(week1, PurePath("week 1/intro")),
        Input(week2, PurePath("week 2/intro")),
    ]
    assert empty == []
    assert inputs[1].output(tmp_path / "out", "srt") == tmp_path / "out" / "week 1" / "intro.srt"
    assert inputs[1].label == "week 1/intro.MP4"
    assert inputs[0].label == "talk.final.mp3"


def test_a_folder_without_recordings_is_named_back(tmp_path: Path) -> None:
    folder = tmp_path / "photos"
    touch(folder / "a.jpg")
    clip = touch(tmp_path / "clip.wav")
    inputs, empty = expand([folder, clip])
    assert inputs == [Input(clip, PurePath("clip"))]
    assert empty == [folder]


def test_a_link_that_loops_ends_the_walk(tmp_path: Path) -> None:
    folder = tmp_path / "media"
    clip = touch(folder / "clip.flac")
    (folder / "again").symlink_to(folder, target_is_directory=True)
    inputs, _ = expand([folder])
    assert inputs == [Input(clip, PurePath("clip"))]


def test_media_names_are_told_by_suffix_in_any_case() -> None:
    assert all(is_media_name(PurePath(n)) for n in ("a.mp3", "b.MKV", "c.Opus", "d.webm"))
    assert not any(is_media_name(PurePath(n)) for n in ("a.srt", "b.smi", "c.json", "d"))
