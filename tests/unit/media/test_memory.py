"""Decoding a long file costs about the size of its output, not a multiple of it.

A 2-hour recording is 460 MB as 16 kHz float32; collecting chunks and concatenating them, or
converting through float64, would need two or three times that. Peak memory is measured in a
fresh interpreter, since this process's own peak says nothing about one call.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import media
from tests.support.matrix import SpeechClip

_MEASURE = """
import json, resource, sys
from jamak.media import decode_audio

def peak_bytes():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux reports KiB

decode_audio(sys.argv[1])  # load codecs and first-use tables before the baseline
before = peak_bytes()
audio = decode_audio(sys.argv[2])
print(json.dumps({"growth": peak_bytes() - before, "output": audio.samples.nbytes}))
"""
# Everything beyond the output array: the resampler, one packet's frames, interpreter noise.
_OVERHEAD_ALLOWED = 16 * 1024 * 1024
_TEN_MINUTES_S = 600.0


@pytest.fixture(scope="module")
def ten_minute_flac(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out_dir = tmp_path_factory.mktemp("long")
    wav = media.make_noise(out_dir / "long.wav", _TEN_MINUTES_S, amplitude=0.1, sample_rate=22_050)
    flac = media.encode(wav, out_dir / "long.flac", codec="flac")
    wav.unlink()
    return flac


@pytest.mark.skipif(sys.platform != "linux", reason="ru_maxrss is in KiB only on Linux")
def test_peak_memory_stays_near_the_output_size(
    ten_minute_flac: Path, speech_wav: SpeechClip
) -> None:
    result = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(speech_wav.path), str(ten_minute_flac)],
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    )
    measured = json.loads(result.stdout)

    assert measured["output"] == pytest.approx(_TEN_MINUTES_S * 16_000 * 4, rel=0.001)
    assert measured["growth"] < measured["output"] + _OVERHEAD_ALLOWED
