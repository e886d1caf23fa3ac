"""A jamak server in a process of its own, for the chaos soak to kill and start again.

``python -m tests.integration.api.soak_server DATA_DIR PORT`` wires the server the way
``jamak serve`` does (see :mod:`tests.integration.api.live_server`), with two worker
processes and the scripted recogniser, short leases so a killed worker's job returns within
seconds, and attempts enough that bad luck can't fail a job. SIGTERM stops it gracefully;
SIGKILL is the crash the soak is about.
"""

from __future__ import annotations

import functools
import signal
import sys
import threading
from pathlib import Path

from jamak.jobs.recognizers import scripted_recognizers
from tests.integration.api.live_server import live_server, server_settings

WORKERS = 2


def main(data_dir: Path, port: int) -> None:
    settings = server_settings(
        data_dir,
        port=port,
        lease_s=2.0,
        max_attempts=50,
        max_active_jobs_per_user=0,
    )
    scripted = functools.partial(scripted_recognizers, steps=3, seconds_per_step=0.05)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda signum, frame: stop.set())
    with live_server(settings, workers=WORKERS, recognizer_factory=scripted):
        print("ready", flush=True)
        stop.wait()


if __name__ == "__main__":
    main(Path(sys.argv[1]), int(sys.argv[2]))
