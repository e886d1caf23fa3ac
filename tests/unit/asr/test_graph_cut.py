"""Cutting an ONNX model in two, on the detector model faster-whisper ships."""

from __future__ import annotations

import numpy as np
import onnxruntime
import pytest

from jamak.asr.graph_cut import cut_before
from jamak.asr.silero import FEATURES, STATE_SHAPE, silero_model_path


def _session(model: bytes) -> onnxruntime.InferenceSession:
    return onnxruntime.InferenceSession(model, providers=["CPUExecutionProvider"])


def test_the_halves_run_one_after_the_other_give_what_the_whole_model_gives() -> None:
    model = silero_model_path().read_bytes()
    halves = cut_before(model, "LSTM", FEATURES)
    frames = np.random.default_rng(7).normal(0, 0.1, (40, 576)).astype(np.float32)
    h = np.full(STATE_SHAPE, 0.1, np.float32)
    c = np.full(STATE_SHAPE, -0.1, np.float32)

    whole = _session(model).run(None, {"input": frames, "h": h, "c": c})
    (features,) = _session(halves.before).run(None, {"input": frames})
    after = _session(halves.after).run(None, {halves.tensor: features, "h": h, "c": c})

    assert features.shape == (40, 1, 128)
    for ours, theirs in zip(after, whole, strict=True):
        np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-6)


def test_a_cut_before_an_op_the_model_has_several_of_is_refused() -> None:
    with pytest.raises(ValueError, match="Conv nodes, not one"):
        cut_before(silero_model_path().read_bytes(), "Conv", FEATURES)


def test_a_cut_that_outputs_made_before_it_would_cross_is_refused() -> None:
    # hn and cn, the LSTM's new state, are outputs of the model made before its Sigmoid.
    with pytest.raises(ValueError, match="before its Sigmoid alone"):
        cut_before(silero_model_path().read_bytes(), "Sigmoid", ("frames", 1, 1))
