"""``python -m bench.run --quick`` end to end: every system, real tiny.en, generated clips."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bench.run import main

from jamak.media import decode_audio
from tests.support.media import make_noise, speak
from tests.unit.bench.conftest import ManifestRow, write_corpus

# Sentences tiny.en gets (nearly) right from espeak-ng's voice.
SENTENCES = {
    "en_weather": "The weather today is sunny and warm.",
    "en_coffee": "I would like a cup of coffee with milk.",
}


@pytest.fixture(scope="module")
def tiny_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    rows = []
    for name, text in SENTENCES.items():
        path = speak(text, folder / f"{name}.wav")
        rows.append(ManifestRow(name, path.name, "en", text, duration_s=_seconds(path)))
    noise = make_noise(folder / "noise.wav", 2.0, amplitude=0.05)
    rows.append(ManifestRow("noise", noise.name, "none", duration_s=2.0))
    return write_corpus(folder, rows)


def _seconds(path: Path) -> float:
    return decode_audio(path).duration_s


@pytest.mark.model
def test_quick_run_measures_every_system_on_the_same_clips(
    tiny_corpus: Path, tmp_path: Path
) -> None:
    out = tmp_path / "results"
    arguments = ["--quick", "--corpus", str(tiny_corpus), "--model", "tiny.en"]
    arguments += ["--long-minutes", "0.25", "--out", str(out), "--anchor-seed", "7"]

    assert main(arguments) == 0

    [report_path] = out.glob("bench-*[0-9].json")
    report = json.loads(report_path.read_text(encoding="utf-8"))
    assert report["decoding"]["model"] == "tiny.en"
    assert report["decoding"]["anchor_seed"] == 7  # the anchors' sampling is reproducible
    assert report["corpus"]["clips"] == 3
    clips, long = report["sections"]
    assert (clips["name"], clips["items"], long["name"], long["items"]) == ("clips", 3, "long", 1)
    assert long["audio_s"] >= 15.0
    systems = ["fw-sequential", "fw-batched", "jamak-cli", "jamak-cli-fast", "jamak-service"]
    for section in (clips, long):
        rows = {row["system"]: row for row in section["rows"]}
        assert list(rows) == systems
        for system, row in rows.items():
            assert row["ran"], f"{section['name']}: {system} did not run: {row['note']}"
            assert row["failed_items"] == 0
            assert row["wall_s"] > 0 and row["peak_rss_mb"] > 50
            [wer] = row["error_rates"]
            assert wer["metric"] == "wer" and wer["value"] < 0.5, (section["name"], system)
        assert rows["fw-sequential"]["vs_fw_sequential"] == 1.0
    assert [p["system"] for p in long["profiles"]] == ["jamak", "fw-batched"]
    for found in long["profiles"]:
        stages = {row["stage"]: row for row in found["stages"]}
        assert stages["encoder"]["calls"] >= 1 and stages["decoder"]["seconds"] > 0
        assert found["machine"]["cpu_kernels"] == report["machine"]["cpu_kernels"]
    assert set(report["latency"]["statuses"]) == {"succeeded"}
    assert report["latency"]["short_behind_long_s"] > 0
    clip_rows = {row["system"]: row for row in clips["rows"]}
    assert clip_rows["jamak-cli"]["non_speech_words"] == 0  # VAD: noise is never decoded

    texts = json.loads(next(out.glob("bench-*-texts.json")).read_text(encoding="utf-8"))
    assert "coffee" in texts["clips"]["jamak-service"]["en_coffee"].lower()
