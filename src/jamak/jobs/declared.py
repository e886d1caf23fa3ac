"""The length a stored media file's header declares, read without decoding it.

Read at submit (the embedded queue's express lane claims short jobs by it, before any worker
has touched them) and when a worker decides whether to split a job. A header that can't be
read is not an error here: the length is then unknown, and decoding the file later fails the
job with the usual message.
"""

from __future__ import annotations

from jamak.errors import JamakError
from jamak.jobs.ports import ObjectStore
from jamak.media import probe


def declared_duration_s(objects: ObjectStore, key: str) -> float | None:
    """The duration in the header of the object at ``key``; None when it declares none or
    can't be read."""
    try:
        with objects.local_path(key) as path:
            return probe(path).duration_s
    except (JamakError, OSError):
        return None
