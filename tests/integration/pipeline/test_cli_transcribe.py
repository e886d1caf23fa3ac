"""`jamak transcribe` as users run it: a real subprocess, real files, the real model."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pycaption
import pytest
import srt
import webvtt

import jamak
from jamak.subtitles import Cue, check_cues
from jamak.subtitles.rules import SubtitleRules
from tests.support.matrix import MediaCase

pytestmark = pytest.mark.model

JAMAK = [sys.executable, "-m", "jamak.cli"]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*JAMAK, *args], capture_output=True, text=True, timeout=600, check=False)


def test_several_files_one_bad_the_rest_finish(
    media_matrix: dict[str, MediaCase], bad_files: dict[str, Path], tmp_path: Path
) -> None:
    good = [_renamed(media_matrix[suffix].path, tmp_path, suffix) for suffix in ("mp3", "mkv")]
    bad = bad_files["png_as_mp4"]
    out = tmp_path / "subs"
    result = _run(
        "transcribe",
        *map(str, [good[0], bad, good[1]]),
        "--output-dir",
        str(out),
        "--format",
        "srt,vtt,txt,tsv,json,smi",
        "--model",
        "tiny.en",
    )
    assert result.returncode == 1, result.stderr
    failure_lines = [line for line in result.stderr.splitlines() if bad.name in line]
    assert failure_lines and "PNG" in failure_lines[0]
    assert len(failure_lines) == 1
    for source in good:
        stem = source.stem
        subs = list(srt.parse((out / f"{stem}.srt").read_text(encoding="utf-8")))
        assert subs
        vtt = webvtt.read(str(out / f"{stem}.vtt"))
        assert len(vtt.captions) == len(subs)
        sami = (out / f"{stem}.smi").read_text(encoding="utf-8-sig")
        sami_captions = pycaption.SAMIReader().read(sami).get_captions("en-US")
        assert [(round(c.start / 1000), round(c.end / 1000)) for c in sami_captions] == [
            (round(s.start.total_seconds() * 1000), round(s.end.total_seconds() * 1000))
            for s in subs
        ]
        data = json.loads((out / f"{stem}.json").read_text(encoding="utf-8"))
        assert {"language", "duration", "text", "segments", "cues"} <= data.keys()
        # How it was made, so two machines' results can be told apart.
        assert data["model"] == "tiny.en"
        assert data["device"] == "cpu"
        assert data["compute_type"].startswith(("int8", "float"))
        assert data["cpu_kernels"] in ("GENERIC", "AVX", "AVX2", "AVX512", "NEON")
        assert data["cpu_matrix_library"] in ("MKL", "DNNL", "")
        assert data["jamak_version"] == jamak.__version__
        assert data["segments"][0]["words"][0].keys() >= {"start", "end", "word", "probability"}
        assert (out / f"{stem}.txt").read_text(encoding="utf-8").strip()
        assert (out / f"{stem}.tsv").read_text(encoding="utf-8").startswith("start\tend\ttext")
        cues = [
            Cue(s.start.total_seconds(), s.end.total_seconds(), tuple(s.content.split("\n")))
            for s in subs
        ]
        assert check_cues(cues, SubtitleRules()) == []
    assert not (out / f"{bad.stem}.srt").exists()


def test_a_file_that_would_overwrite_anothers_subtitles_is_refused(
    media_matrix: dict[str, MediaCase], tmp_path: Path
) -> None:
    wav, mp3 = media_matrix["wav"].path, media_matrix["mp3"].path
    assert wav.stem == mp3.stem
    out = tmp_path / "subs"
    result = _run("transcribe", str(wav), str(mp3), "-o", str(out), "--model", "tiny.en")
    assert result.returncode == 1
    clash = [line for line in result.stderr.splitlines() if "would overwrite" in line]
    assert len(clash) == 1 and mp3.name in clash[0] and wav.name in clash[0]
    assert [p.name for p in out.iterdir()] == [f"{wav.stem}.srt"]


def test_a_folder_gets_subtitles_beside_each_recording_in_its_tree(
    media_matrix: dict[str, MediaCase], tmp_path: Path
) -> None:
    """`-o` the folder itself: each subtitle lands beside its recording, two recordings of
    one name in two subfolders keep their own, and other files are left alone. A recording
    also named on its own is written at the top as well: two inputs, one source."""
    folder = tmp_path / "lectures"
    for sub, case in (("week 1", "wav"), ("week 2", "mp3")):
        (folder / sub).mkdir(parents=True)
        source = media_matrix[case].path
        (folder / sub / f"intro{source.suffix}").write_bytes(source.read_bytes())
    (folder / "notes.txt").write_text("not a recording", encoding="utf-8")
    empty = tmp_path / "photos"
    empty.mkdir()
    result = _run(
        "transcribe",
        str(folder),
        str(empty),
        str(folder / "week 1" / f"intro{media_matrix['wav'].path.suffix}"),
        "-j",
        "2",
        "-o",
        str(folder),
        "-f",
        "srt,smi",
        "--model",
        "tiny.en",
    )
    assert result.returncode == 1, result.stderr  # the folder without recordings
    failures = [line for line in result.stderr.splitlines() if "✗" in line]
    assert len(failures) == 1 and "photos" in failures[0], result.stderr
    for sub in ("week 1", "week 2"):
        subs = list(srt.parse((folder / sub / "intro.srt").read_text(encoding="utf-8")))
        assert subs, sub
        assert (folder / sub / "intro.smi").read_text(encoding="utf-8-sig").startswith("<SAMI>")
    assert (folder / "intro.srt").read_text(encoding="utf-8") == (
        folder / "week 1" / "intro.srt"
    ).read_text(encoding="utf-8")
    assert sorted(p.name for p in folder.iterdir()) == [
        "intro.smi",
        "intro.srt",
        "notes.txt",
        "week 1",
        "week 2",
    ]


def test_only_folders_without_recordings_fail_before_any_model_is_loaded(
    tmp_path: Path,
) -> None:
    (tmp_path / "photos").mkdir()
    (tmp_path / "photos" / "cover.jpg").write_bytes(b"not media either")
    result = _run("transcribe", str(tmp_path / "photos"), "--model", "no-such-model")
    assert result.returncode == 1, result.stderr  # 2 would be the unknown model's
    assert "no audio or video files in this folder" in result.stderr
    assert "1 of 1 files failed" in result.stderr


def test_skip_existing_leaves_out_files_whose_subtitles_are_all_there(
    media_matrix: dict[str, MediaCase], tmp_path: Path
) -> None:
    """A stopped run over a folder goes on: a file with every subtitle asked for is left
    out, one missing a format is read again, and without the flag every file is read."""
    folder = tmp_path / "talks"
    folder.mkdir()
    done, todo = (_renamed(media_matrix[s].path, folder, s) for s in ("wav", "mp3"))
    kept = "1\n00:00:00,000 --> 00:00:01,000\nkept from the stopped run\n"
    (folder / f"{done.stem}.srt").write_text(kept, encoding="utf-8")
    (folder / f"{todo.stem}.srt").write_text(kept, encoding="utf-8")  # its .smi is missing
    argv = ["transcribe", str(folder), "-o", str(folder), "-f", "srt,smi", "--model", "tiny.en"]
    (folder / f"{done.stem}.smi").write_text("kept", encoding="utf-8")

    result = _run(*argv, "--skip-existing")
    assert result.returncode == 0, result.stderr
    assert "1 left out" in result.stderr
    assert (folder / f"{done.stem}.srt").read_text(encoding="utf-8") == kept
    assert (folder / f"{todo.stem}.srt").read_text(encoding="utf-8") != kept
    assert (folder / f"{todo.stem}.smi").read_text(encoding="utf-8-sig").startswith("<SAMI>")

    assert _run(*argv).returncode == 0
    assert (folder / f"{done.stem}.srt").read_text(encoding="utf-8") != kept


def test_all_good_files_exit_zero_with_progress(
    media_matrix: dict[str, MediaCase], tmp_path: Path
) -> None:
    result = _run(
        "transcribe",
        str(media_matrix["wav"].path),
        "-o",
        str(tmp_path),
        "--model",
        "tiny.en",
    )
    assert result.returncode == 0, result.stderr
    assert " s" in result.stderr  # the audio-seconds progress column
    assert (tmp_path / f"{media_matrix['wav'].path.stem}.srt").read_text(encoding="utf-8")


def test_the_fast_speed_writes_subtitles(
    media_matrix: dict[str, MediaCase], tmp_path: Path
) -> None:
    wav = media_matrix["wav"].path
    result = _run(
        "transcribe", str(wav), "-o", str(tmp_path), "--model", "tiny.en", "--speed", "fast"
    )
    assert result.returncode == 0, result.stderr
    assert list(srt.parse((tmp_path / f"{wav.stem}.srt").read_text(encoding="utf-8")))


def test_an_unknown_speed_is_refused_naming_the_choices() -> None:
    result = _run("transcribe", "whatever.wav", "--speed", "slow")
    assert result.returncode == 2
    assert all(name in result.stderr for name in ("'slow'", "fast", "balanced", "accurate"))


def test_help_offers_the_speeds_and_shows_the_defaults() -> None:
    wide = {**os.environ, "COLUMNS": "200"}  # the choices on one line
    result = subprocess.run(
        [*JAMAK, "transcribe", "--help"], capture_output=True, text=True, env=wide, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "--speed" in result.stdout and "fast|balanced|accurate" in result.stdout
    # However the help is wrapped, each default is there, brackets and all.
    words = " ".join(result.stdout.split())
    assert "[default: srt]" in words
    assert "[default: (JAMAK_SPEED, else balanced)]" in words
    assert "[default: (JAMAK_MODEL, else base)]" in words


def test_an_unknown_format_is_refused_before_any_work(tmp_path: Path) -> None:
    result = _run("transcribe", "whatever.wav", "--format", "srt,docx")
    assert result.returncode == 2
    assert "docx" in result.stderr and "vtt" in result.stderr


def test_an_unknown_model_is_a_clear_error(media_matrix: dict[str, MediaCase]) -> None:
    result = _run("transcribe", str(media_matrix["wav"].path), "--model", "nope")
    assert result.returncode == 2
    assert "unknown model 'nope'" in result.stderr


def test_a_model_folder_the_engine_cannot_load_ends_the_command_clearly(
    media_matrix: dict[str, MediaCase], tmp_path: Path
) -> None:
    """A folder given by path is used unchecked, and the model loads while the first file
    decodes: a damaged one still ends the command with one message, not a traceback per
    file, and writes nothing."""
    damaged = tmp_path / "my-model"
    damaged.mkdir()
    (damaged / "model.bin").write_bytes(b"not a CTranslate2 model")
    out = tmp_path / "subs"
    sources = [_renamed(media_matrix[suffix].path, tmp_path, suffix) for suffix in ("wav", "mp3")]
    result = _run(
        "transcribe", *map(str, sources), "--model", str(damaged), "--output-dir", str(out)
    )
    assert result.returncode == 2, result.stderr
    assert f"could not load the model in {damaged}" in " ".join(result.stderr.split())
    assert "Traceback" not in result.stderr
    assert not list(out.glob("*.srt"))


def test_models_list_shows_the_offline_models() -> None:
    result = _run("models", "list")
    assert result.returncode == 0, result.stderr
    assert "tiny.en" in result.stdout and "base" in result.stdout


def test_files_at_once_or_one_by_one_give_the_same_subtitles(
    media_matrix: dict[str, MediaCase], tmp_path: Path
) -> None:
    """Recognising several files at once is a speed choice only."""
    sources = [str(_renamed(media_matrix[s].path, tmp_path, s)) for s in ("wav", "mp3", "ogg")]
    texts = {}
    for jobs in ("1", "3"):
        out = tmp_path / jobs
        result = _run("transcribe", *sources, "-o", str(out), "--model", "tiny.en", "-j", jobs)
        assert result.returncode == 0, result.stderr
        texts[jobs] = sorted((p.name, p.read_text(encoding="utf-8")) for p in out.glob("*.srt"))
    assert len(texts["1"]) == 3
    assert texts["1"] == texts["3"]


def _renamed(source: Path, folder: Path, tag: str) -> Path:
    """A copy under a name of its own: the media matrix's files all share one stem."""
    copy = folder / f"{source.stem}-{tag}{source.suffix}"
    copy.write_bytes(source.read_bytes())
    return copy
