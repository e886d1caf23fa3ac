"""The voice detector's two readings with its encoder run once: the probabilities of the
whole model run as faster-whisper runs it, in context over the file and from a fresh state
in blocks, on real speech over more than one of the detector's chunks."""

from __future__ import annotations

import numpy as np
from faster_whisper.vad import get_vad_model

from jamak.asr.silero import CHUNK_FRAMES, SileroDetector
from jamak.asr.speech_map import FRAME
from jamak.asr.vad import FRESH_BLOCK_FRAMES
from jamak.media import decode_audio
from tests.support.matrix import SpeechClip

BLOCK = FRESH_BLOCK_FRAMES


def _file(speech: np.ndarray, frames: int) -> np.ndarray:
    """Speech, silence and noise in turn, ``frames`` long: every kind of frame at chunk and
    block edges."""
    rng = np.random.default_rng(3)
    pieces, size = [], 0
    while size < frames * FRAME:
        for piece in (speech, np.zeros(7 * FRAME + 100), rng.normal(0, 0.05, 3 * FRAME + 11)):
            pieces.append(piece)
            size += len(piece)
    return np.concatenate(pieces)[: frames * FRAME].astype(np.float32)


def test_both_readings_are_the_whole_detectors_frame_for_frame(speech_wav: SpeechClip) -> None:
    speech = decode_audio(speech_wav.path).samples
    whole = get_vad_model()  # faster-whisper's own detector, run as it runs it
    detector = SileroDetector()

    for frames in (1, BLOCK - 1, BLOCK + 1, CHUNK_FRAMES, CHUNK_FRAMES + BLOCK + 3):
        samples = _file(speech, frames)
        readings = detector.readings(samples, fresh_block=BLOCK)

        in_context = np.asarray(whole(samples.copy())).reshape(-1)
        blocks = [
            samples[i : i + BLOCK * FRAME].copy() for i in range(0, len(samples), BLOCK * FRAME)
        ]
        fresh = np.concatenate([np.asarray(whole(block)).reshape(-1) for block in blocks])

        assert readings.in_context.shape == readings.fresh.shape == (frames,)
        np.testing.assert_allclose(readings.in_context, in_context, rtol=0, atol=1e-5)
        np.testing.assert_allclose(readings.fresh, fresh, rtol=0, atol=1e-5)
        if frames > BLOCK:  # a fresh state is heard: the readings differ somewhere
            assert not np.allclose(readings.in_context, readings.fresh, atol=1e-3)


def test_a_file_heard_levelled_is_heard_as_its_levelled_copy(speech_wav: SpeechClip) -> None:
    """The detector levels a file a chunk at a time (a long file's levelled copy is never
    held whole): the probabilities are those of the copy, levelled and completed with
    silence to whole frames beforehand, frame for frame."""
    speech = decode_audio(speech_wav.path).samples * np.float32(0.05)
    samples = _file(speech, CHUNK_FRAMES + BLOCK + 3)[: -FRAME // 3]  # a frame left unfinished
    gain = np.float32(9.5)
    copy = np.zeros(len(samples) + (-len(samples)) % FRAME, dtype=np.float32)
    copy[: len(samples)] = np.clip(samples * gain, -1.0, 1.0)
    detector = SileroDetector()

    levelled = detector.readings(samples, fresh_block=BLOCK, gain=gain)
    expected = detector.readings(copy, fresh_block=BLOCK)

    assert levelled.in_context.shape == (len(copy) // FRAME,)
    np.testing.assert_array_equal(levelled.in_context, expected.in_context)
    np.testing.assert_array_equal(levelled.fresh, expected.fresh)
    assert np.any(np.abs(samples * gain) > 1.0)  # the clipping was exercised
