"""The express lane's two bounds on a job, apart from the worker so the composition root
can size the lane without importing the runner.

The lane exists so that a short clip never waits behind hours of audio (the embedded pool's
express workers, :mod:`jamak.backends.embedded.pool`); each bound keeps one kind of job
from holding it.
"""

from __future__ import annotations

# An express worker hands back a job measured longer than this many times its bound. A
# header's length may be an estimate (a variable-bitrate MP3 without an index), so a job a
# little past the bound is finished; one that is far past it lied, and would hold the lane
# that exists to keep short jobs from waiting.
EXPRESS_OVERRUN = 1.5
# An express worker's job fails after this many seconds for each second of the longest
# audio it keeps (its bound x EXPRESS_OVERRUN), and never sooner than
# EXPRESS_MIN_TIME_LIMIT_S. On one thread of the 2-core developers' CPU, base reads a 30-s
# window in about 2.3 s (encoder 1.3 s, a hundred tokens at 10 ms), and large-v3, some
# twenty times its size, would take about one and a half times real time: ten times leaves
# room for slower CPUs. The server's own limit (12 hours) is sized for six-hour files: a
# short job stuck inside one call (a demuxer spinning on a damaged file) would hold the
# lane, and every short job after it would wait behind the long ones, for that long.
EXPRESS_SECONDS_PER_AUDIO_SECOND = 10.0
# A job on the lane may first have to fetch its model (large-v3: 3 GB from the Hugging Face
# hub, about an hour at 1 MB/s), and the clock runs from when the worker takes the job.
EXPRESS_MIN_TIME_LIMIT_S = 3600.0


def express_time_limit_s(max_duration_s: float) -> float:
    """How long a job may run on an express worker whose bound is ``max_duration_s``: an
    hour at the 120-s default."""
    work_s = EXPRESS_SECONDS_PER_AUDIO_SECOND * max_duration_s * EXPRESS_OVERRUN
    return max(EXPRESS_MIN_TIME_LIMIT_S, work_s)
