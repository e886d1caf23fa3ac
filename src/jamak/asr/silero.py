"""Silero's voice detector, opened as two halves so that jamak's two readings share one.

jamak reads a file's speech probabilities twice (:mod:`jamak.asr.vad`): once in context, the
detector's recurrent state carried through the whole file, and once in short blocks, each
from a fresh state. Silero is a per-frame encoder (a short-time spectrum and convolutions,
each 32 ms frame on its own) followed by an LSTM over the frames; the two readings differ
only in the LSTM's state. Run whole, as faster-whisper runs it, each reading pays for the
encoder over the whole file: the encoder is nearly all of the detector's time (on a
20-minute file 2.7 s of one core, the LSTM 0.2 s). Split at the LSTM, the encoder runs once,
on both cores, and only the LSTM twice. The probabilities are those of the whole model run
as faster-whisper runs it, frame for frame (bench/README.md, "One detector pass for two
readings").

The cut is made in the model file faster-whisper ships when a detector is opened (a few
milliseconds, :mod:`jamak.asr.graph_cut`); nothing derived from it is stored.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from jamak.asr.graph_cut import cut_before
from jamak.asr.speech_map import FRAME, Probabilities

CONTEXT = 64  # samples of the frame before that the detector hears with each frame
STATE_SHAPE = (1, 1, 128)  # the LSTM's h and c
FEATURES = ("frames", 1, 128)  # the encoder's output: the LSTM's input, a frame a step
# Frames encoded per chunk: a whole number of fresh blocks, so no block spans two chunks,
# and small enough that a chunk's encoder input (about 2.3 MB per 1000 frames) stays small.
CHUNK_FRAMES = 5000

Frames = npt.NDArray[np.float32]


def silero_model_path() -> Path:
    """The detector faster-whisper ships (its own ``get_vad_model`` opens the same file)."""
    from faster_whisper.utils import get_assets_path

    return Path(get_assets_path()) / "silero_vad_v6.onnx"


@dataclass(frozen=True, slots=True)
class Readings:
    """Both readings of a file, one probability per frame each."""

    in_context: Probabilities
    fresh: Probabilities


class SileroDetector:
    """The detector's two halves, each an ONNX Runtime session of one thread (the encoder's
    is run from ``threads`` threads at once on parts of a chunk). Sessions are safe to run
    from several threads; one detector serves a process's recognitions one after another."""

    def __init__(self, path: Path | None = None, *, threads: int = 2) -> None:
        halves = cut_before((path or silero_model_path()).read_bytes(), "LSTM", FEATURES)
        self._split = halves.tensor
        self._encoder = _session(halves.before)
        self._decoder = _session(halves.after)
        self._threads = max(1, threads)

    def readings(
        self, samples: npt.NDArray[np.float32], *, fresh_block: int, gain: np.float32 | None = None
    ) -> Readings:
        """``samples``: the file, its last frame completed with silence. ``fresh_block``:
        frames per fresh block. ``gain``: the file is heard multiplied by it and clipped to
        [-1, 1], a chunk at a time, so a levelled copy of a long file is never held whole.

        Each frame is heard with the last ``CONTEXT`` samples of the frame before it, and
        the first frame with silence, as faster-whisper feeds the detector; within a fresh
        block likewise, the block read as if it were a file of its own (so its first frame
        hears silence before it and its last frame's closing samples are silenced, as
        faster-whisper silences a file's). Only the frames whose input differs between the
        readings (about two per block) are encoded twice."""
        total = -(-len(samples) // FRAME)
        chunk = max(fresh_block, CHUNK_FRAMES // fresh_block * fresh_block)
        state = _zero_state()
        in_context: list[Probabilities] = []
        fresh: list[Probabilities] = []
        with ThreadPoolExecutor(self._threads, thread_name_prefix="vad") as pool:
            for start in range(0, total, chunk):
                stop = min(start + chunk, total)
                heard = _heard_frames(samples, max(start - 1, 0), stop, gain)
                before = heard[0] if start > 0 else None
                frames = heard[1:] if start > 0 else heard
                whole = _inputs(frames, before, at_end=stop == total, block=None)
                blocks = _inputs(frames, before, at_end=stop == total, block=fresh_block)
                features = self._encode(whole, pool)
                differ = np.flatnonzero(np.any(whole != blocks, axis=1))
                fresh_features = features.copy()
                if differ.size:
                    fresh_features[differ] = self._encode(blocks[differ], pool)
                context_run = pool.submit(self._decode, features, state)
                fresh_probs = [
                    self._decode(fresh_features[i : i + fresh_block], _zero_state())[0]
                    for i in range(0, stop - start, fresh_block)
                ]
                probs, state = context_run.result()
                in_context.append(probs)
                fresh.extend(fresh_probs)
        return Readings(_joined(in_context), _joined(fresh))

    def _encode(self, inputs: Frames, pool: ThreadPoolExecutor) -> npt.NDArray[np.float32]:
        parts = np.array_split(inputs, min(self._threads, len(inputs)))
        run = self._encoder.run
        outputs = pool.map(lambda part: run([self._split], {"input": part})[0], parts)
        return np.concatenate(list(outputs), axis=0)

    def _decode(
        self, features: npt.NDArray[np.float32], state: tuple[Frames, Frames]
    ) -> tuple[Probabilities, tuple[Frames, Frames]]:
        h, c = state
        probs, h, c = self._decoder.run(None, {self._split: features, "h": h, "c": c})
        return np.asarray(probs, dtype=np.float32).reshape(-1), (h, c)


def _heard_frames(
    samples: npt.NDArray[np.float32], start: int, stop: int, gain: np.float32 | None
) -> Frames:
    """Frames ``start:stop`` of the file as the detector hears them: a new array, levelled
    by ``gain`` where given, the file's last frame completed with silence."""
    heard = np.zeros((stop - start, FRAME), dtype=np.float32)
    piece = samples[start * FRAME : stop * FRAME]
    flat = heard.reshape(-1)
    flat[: len(piece)] = piece
    if gain is not None:
        np.multiply(flat, gain, out=flat)
        np.clip(flat, -1.0, 1.0, out=flat)
    return heard


def _inputs(frames: Frames, before: Frames | None, *, at_end: bool, block: int | None) -> Frames:
    """The detector's input rows for ``frames``: each frame after the closing ``CONTEXT``
    samples of the one before, as faster-whisper builds them for a file. ``before``: the
    frame ahead of the first, None at the file's start (heard as silence). ``at_end``: the
    last frame is the file's. ``block``: the frames read as fresh blocks of that many (the
    first frame begins one), each built as a file of its own; None: read as one stretch of
    the whole file."""
    rows = np.empty((len(frames), CONTEXT + FRAME), dtype=np.float32)
    rows[:, CONTEXT:] = frames
    rows[1:, :CONTEXT] = frames[:-1, -CONTEXT:]
    rows[0, :CONTEXT] = before[-CONTEXT:] if before is not None else 0.0
    if block is None:
        if at_end:
            rows[-1, -CONTEXT:] = 0.0  # a file's closing samples are silenced
        return rows
    rows[::block, :CONTEXT] = 0.0
    rows[block - 1 :: block, -CONTEXT:] = 0.0
    rows[-1, -CONTEXT:] = 0.0  # the last block's, however short
    return rows


def _zero_state() -> tuple[Frames, Frames]:
    return np.zeros(STATE_SHAPE, np.float32), np.zeros(STATE_SHAPE, np.float32)


def _joined(pieces: Sequence[Probabilities]) -> Probabilities:
    if not pieces:
        return np.zeros(0, dtype=np.float32)
    return np.concatenate(pieces).astype(np.float32, copy=False)


def _session(model: bytes) -> Any:
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.inter_op_num_threads = 1
    options.intra_op_num_threads = 1
    options.log_severity_level = 4
    return onnxruntime.InferenceSession(
        model, providers=["CPUExecutionProvider"], sess_options=options
    )
