"""The runner's progress callback: reports to the store, and stops the job when it should.

Recognition calls back between batches; this is the only moment a running job can be
stopped without killing the process, so the callback both writes progress (throttled, so a
fast recogniser doesn't hammer the store) and raises :class:`JobCancelledError` when the
stored job is no longer running (cancelled, deleted) or the worker was told to stop, and
:class:`JobTimeLimitError` once the job has run past its time limit.

A progress write the store refuses as busy (:class:`BackendBusyError`: DynamoDB throttled
past its retries) is skipped, not fatal: losing one step of a progress bar is better than
failing an hour of recognition, and the next report tries again (and sees a cancel then).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from jamak.errors import (
    BackendBusyError,
    JobCancelledError,
    JobHandedBackError,
    JobNotFoundError,
    JobTimeLimitError,
)
from jamak.jobs.model import JobStatus
from jamak.jobs.ports import JobStore, ProgressUpdate

logger = logging.getLogger(__name__)

# At most about two writes a second: smooth enough for a progress bar, cheap for the store.
DEFAULT_INTERVAL_S = 0.5


class ProgressReporter:
    def __init__(
        self,
        store: JobStore,
        job_id: str,
        *,
        min_interval_s: float = DEFAULT_INTERVAL_S,
        stop_requested: Callable[[], bool] | None = None,
        clock: Callable[[], float] = time.monotonic,
        time_limit_s: float | None = None,
        part: int | None = None,
        hand_back_above_s: float | None = None,
    ) -> None:
        """``hand_back_above_s`` (a worker that takes only short jobs): a file measured
        longer than this is handed back (:class:`JobHandedBackError`) once its length is
        recorded."""
        self._store = store
        self._job_id = job_id
        self._min_interval_s = min_interval_s
        self._stop_requested = stop_requested
        self._clock = clock
        self._last_report: float | None = None
        self._time_limit_s = time_limit_s
        self._part = part  # a part of a split job reports its own seconds (ProgressUpdate.part)
        self._deadline = None if time_limit_s is None else clock() + time_limit_s
        self._hand_back_above_s = hand_back_above_s

    def __call__(self, processed_s: float, total_s: float) -> None:
        if self._stop_requested is not None and self._stop_requested():
            raise JobCancelledError(f"job {self._job_id} stopped by its worker")
        now = self._clock()
        if self._deadline is not None and now > self._deadline:
            raise JobTimeLimitError(time_limit_message(self._time_limit_s or 0.0))
        too_long = self._hand_back_above_s is not None and total_s > self._hand_back_above_s
        if (
            not too_long
            and self._last_report is not None
            and now - self._last_report < self._min_interval_s
        ):
            return
        self._last_report = now
        percent = 100.0 * processed_s / total_s if total_s > 0 else 0.0
        # A part's total is the part's length, not the job's: the store sums the parts.
        duration_s = total_s if self._part is None else None
        try:
            self.report(
                ProgressUpdate(min(percent, 100.0), processed_s, duration_s, part=self._part)
            )
        except BackendBusyError as err:
            logger.warning("job %s: progress not recorded: %s", self._job_id, err)
        if too_long:
            raise JobHandedBackError(
                f"job {self._job_id} is {total_s:.0f} s long, more than its header declared"
            )

    def report(self, update: ProgressUpdate) -> None:
        """Store ``update`` now; raises JobCancelledError if the job stopped running."""
        try:
            job = self._store.record_progress(self._job_id, update)
        except JobNotFoundError:
            raise JobCancelledError(f"job {self._job_id} was deleted") from None
        if job.status is not JobStatus.RUNNING:
            raise JobCancelledError(f"job {self._job_id} is {job.status}")


def time_limit_message(limit_s: float) -> str:
    if limit_s >= 2 * 60 * 60:
        spent = f"{limit_s / 3600:g} hours"
    elif limit_s >= 2 * 60:
        spent = f"{limit_s / 60:g} minutes"
    else:
        spent = f"{limit_s:g} seconds"
    return (
        f"The job took longer than this server allows ({spent}) and was stopped. "
        "Try a shorter file, or a smaller model."
    )
