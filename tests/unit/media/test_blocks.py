"""iter_audio_blocks hands out the same audio as decode_audio, in fixed-length blocks."""

from __future__ import annotations

import numpy as np
import pytest

from jamak.media import SAMPLE_RATE, decode_audio, iter_audio_blocks
from tests.support.matrix import MediaCase


@pytest.mark.parametrize("name", ["wav", "mp3", "mkv"])
def test_blocks_join_up_to_the_whole_decode(media_matrix: dict[str, MediaCase], name: str) -> None:
    path = media_matrix[name].path

    blocks = list(iter_audio_blocks(path, block_s=1.0))

    assert all(block.size == SAMPLE_RATE for block in blocks[:-1])
    assert 0 < blocks[-1].size <= SAMPLE_RATE
    assert all(block.dtype == np.float32 for block in blocks)
    np.testing.assert_array_equal(np.concatenate(blocks), decode_audio(path).samples)


def test_default_block_is_thirty_seconds_and_a_short_file_is_one_block(
    media_matrix: dict[str, MediaCase],
) -> None:
    blocks = list(iter_audio_blocks(media_matrix["flac"].path))

    assert len(blocks) == 1
    assert blocks[0].size < 30 * SAMPLE_RATE


def test_blocks_do_not_share_memory(media_matrix: dict[str, MediaCase]) -> None:
    blocks = list(iter_audio_blocks(media_matrix["wav"].path, block_s=0.5))

    assert len(blocks) > 2
    assert not np.shares_memory(blocks[0], blocks[1])


def test_stream_index_applies_to_blocks(media_matrix: dict[str, MediaCase]) -> None:
    path = media_matrix["mp4"].path
    np.testing.assert_array_equal(
        np.concatenate(list(iter_audio_blocks(path, stream_index=0))),
        decode_audio(path).samples,
    )


@pytest.mark.parametrize("block_s", [0.0, -1.0])
def test_block_length_must_be_positive(media_matrix: dict[str, MediaCase], block_s: float) -> None:
    with pytest.raises(ValueError, match="block_s must be positive"):
        iter_audio_blocks(media_matrix["wav"].path, block_s=block_s)
