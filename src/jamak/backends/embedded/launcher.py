"""The embedded launcher: there is nothing to push, because workers poll the SQLite queue.

A new job is already visible to every worker the moment it is stored as queued, and a
cancel is seen by the worker running it through the store (its next progress report or
lease renewal finds the job cancelled), so both calls only leave a trace in the log.
"""

from __future__ import annotations

import logging

from jamak.jobs.model import Job

logger = logging.getLogger(__name__)


class LocalLauncher:
    def launch(self, job: Job) -> None:
        logger.debug("job %s queued for local workers", job.id)

    def cancel(self, job: Job) -> None:
        logger.debug("job %s cancelled; its worker sees it through the store", job.id)
