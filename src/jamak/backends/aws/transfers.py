"""S3's limits on presigned transfers, and the part size that fits a file within them.

The transfer vocabulary (:class:`~jamak.jobs.ports.DirectUploads` and its values) is a port
in :mod:`jamak.jobs.ports`; this module only knows S3's own numbers.
"""

from __future__ import annotations

import math

MIB = 1024 * 1024
MIN_PART_BYTES = 5 * MIB  # S3's floor for every part but the last
MAX_PARTS = 10_000  # S3's ceiling on parts per upload
MAX_SINGLE_PUT_BYTES = 5 * 1024 * MIB  # S3's ceiling on one PUT


def part_size_for(size_bytes: int, preferred_part_bytes: int) -> int:
    """A part size S3 accepts for ``size_bytes``: at least 5 MiB, and large enough that the
    file fits in 10,000 parts."""
    return max(MIN_PART_BYTES, preferred_part_bytes, math.ceil(size_bytes / MAX_PARTS))


def part_lengths(size_bytes: int, part_size: int) -> list[int]:
    """The length of each part, in order: ``part_size`` bytes, the last one what remains.
    Each part's URL is signed for its length, so this is also what the client must send."""
    count = math.ceil(size_bytes / part_size)
    return [min(part_size, size_bytes - index * part_size) for index in range(count)]
