"""The one path every worker runs for a job: the embedded pool, and the AWS Batch container
(``jamak worker run JOB_ID``) alike.

:func:`run_job` takes a job from queued or running to a final status and never raises for a
failure of the job itself: a :class:`JamakError` (unreadable media, unknown model) fails
the job with its message, anything else fails it with a short "internal error" while the
traceback goes to the log, so one bad file can never take a worker down. Only when the job
store refuses even the failure (:class:`BackendBusyError`: locked, throttled) does the error
leave: the job stays claimed, and its lease brings it back. The job's outputs
go to fixed keys, so a retry overwrites a half-finished attempt cleanly.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import get_args

from jamak.asr.options import RecognitionOptions, Task
from jamak.asr.speed import SPEEDS, is_speed, with_speed
from jamak.errors import (
    JobError,
)
from jamak.jobs.keys import document_key, output_key
from jamak.jobs.limits import JobLimits
from jamak.jobs.listening import listening_copy_file, store_listening_copy
from jamak.jobs.media_names import named_as_uploaded
from jamak.jobs.model import DOCUMENT_FORMAT, DOCUMENT_OUTPUT, Job, JobOptions
from jamak.jobs.ports import JobStore, ObjectStore, ProgressUpdate
from jamak.jobs.progress_reporter import DEFAULT_INTERVAL_S, ProgressReporter
from jamak.jobs.recognizers import RecognizerProvider
from jamak.jobs.steps import guarded, mark_running, mark_succeeded, stored
from jamak.pipeline import RenderedSubtitle, SubtitleRequest, transcribe_to_subtitles

logger = logging.getLogger(__name__)

_TASKS: tuple[Task, ...] = get_args(Task)
_DEFAULT_LIMITS = JobLimits()


def run_job(
    job: Job,
    *,
    store: JobStore,
    objects: ObjectStore,
    recognizers: RecognizerProvider,
    worker_id: str | None = None,
    stop_requested: Callable[[], bool] | None = None,
    recognition: RecognitionOptions | None = None,
    progress_interval_s: float = DEFAULT_INTERVAL_S,
    limits: JobLimits = _DEFAULT_LIMITS,
    hand_back_above_s: float | None = None,
) -> Job:
    """Run ``job`` and return it as stored afterwards.

    ``stop_requested`` is polled between recognition batches; when it turns true (the
    worker is shutting down, or lost its lease) the job stops where it is and its stored
    status is left for the caller to settle. ``recognition`` carries the deployment's
    decoding defaults (beam and batch size); the job's own options go over it. ``limits``
    bound what the file may declare and how long the job may run; past either, the job
    fails with a message saying which. ``hand_back_above_s`` (a worker that takes only short
    jobs): a file measured longer stops as if its worker stopped, its length recorded
    (:class:`JobHandedBackError`), for the caller to hand back.

    A busy object store (S3 throttled past its retries) fails the job with a message saying
    so, like any :class:`JamakError`. Only a job store too busy to take even that outcome
    raises :class:`BackendBusyError`: nothing here can record the job then, so the caller's
    backstop must (``jamak worker run`` exits non-zero and the state machine marks the job
    failed).
    """
    running = mark_running(store, job.id)
    if running is None:
        return stored(store, job)
    logger.info("job %s: started (worker %s, attempt %d)", job.id, worker_id, running.attempts)
    reporter = job_reporter(
        store,
        job.id,
        progress_interval_s,
        stop_requested,
        limits,
        hand_back_above_s=hand_back_above_s,
    )
    return guarded(
        store,
        running,
        lambda current: _transcribe(
            current,
            store=store,
            objects=objects,
            recognizers=recognizers,
            reporter=reporter,
            recognition=recognition or RecognitionOptions(),
            limits=limits,
        ),
        what="job",
    )


def recognition_options(options: JobOptions, defaults: RecognitionOptions) -> RecognitionOptions:
    """The recogniser's options for a job: the deployment's defaults, then the job's own,
    decoded at the job's speed (the deployment's beam stays the beam of a search).

    A job is stored data (JSON in a table, written by whichever version of jamak), so its
    task and speed are checked against the recogniser's types once more before recognition."""
    if options.task not in _TASKS:
        raise JobError(f"unknown task {options.task!r}; use one of: {', '.join(_TASKS)}")
    if not is_speed(options.speed):
        raise JobError(f"unknown speed {options.speed!r}; use one of: {', '.join(SPEEDS)}")
    own = replace(
        defaults,
        language=options.language,
        task=options.task,
        initial_prompt=options.initial_prompt,
    )
    return with_speed(own, options.speed)


def rendered_formats(options: JobOptions) -> tuple[str, ...]:
    """The formats a job asked for, and the JSON document it keeps whether asked or not."""
    if DOCUMENT_FORMAT in options.formats:
        return options.formats
    return (*options.formats, DOCUMENT_FORMAT)


def subtitle_request(options: JobOptions) -> SubtitleRequest:
    """The formats and layout choices a job asked for (unknown formats fail here, before
    an hour of recognition), with its document."""
    return SubtitleRequest.named(
        rendered_formats(options),
        max_chars_per_line=options.max_chars_per_line,
        max_lines=options.max_lines,
        max_chars_per_s=options.max_chars_per_s,
    )


def _transcribe(
    job: Job,
    *,
    store: JobStore,
    objects: ObjectStore,
    recognizers: RecognizerProvider,
    reporter: ProgressReporter,
    recognition: RecognitionOptions,
    limits: JobLimits,
) -> Job:
    """The job's steps, in order: its options read (an unknown format or task fails here),
    its model had, the scratch disk checked against the media's size, a scratch file set
    aside where the upload needs a listening copy, the file transcribed into every format
    (the copy written from the samples as they are decoded), the stored status looked at a
    last time, then the subtitles and the listening copy stored at their fixed keys, and the
    job marked succeeded."""
    request = subtitle_request(job.options)
    decoding = recognition_options(job.options, recognition)
    recognizer = recognizers.for_model(job.options.model)
    with listening_copy_file(job) as copy:
        with local_media(job, objects, limits) as media:
            result = transcribe_to_subtitles(
                media,
                recognizer=recognizer,
                recognition=decoding,
                subtitles=request,
                on_progress=reporter,
                listening_copy=copy,
                limits=limits.media,
            )
        transcript = result.transcript
        # Also the last look at the stored status before writing anything.
        reporter.report(
            ProgressUpdate(100.0, transcript.duration_s, transcript.duration_s, transcript.language)
        )
        outputs = store_subtitles(job, result.subtitles, objects)
        store_listening_copy(job, copy, objects)
    return mark_succeeded(store, job, outputs)


def store_subtitles(
    job: Job, subtitles: tuple[RenderedSubtitle, ...], objects: ObjectStore
) -> dict[str, str]:
    """Each format the job asked for at its fixed key (a retry overwrites), and the JSON
    document under :data:`DOCUMENT_OUTPUT` (at JSON's own key where JSON was asked for);
    returns output name → key."""
    outputs: dict[str, str] = {}
    for subtitle in subtitles:  # the formats of rendered_formats: asked for, or the document
        asked = subtitle.format in job.options.formats
        key = output_key(job.id, subtitle.extension) if asked else document_key(job.id)
        objects.put_bytes(key, subtitle.text.encode("utf-8"))
        if asked:
            outputs[subtitle.format] = key
        if subtitle.format == DOCUMENT_FORMAT:
            outputs[DOCUMENT_OUTPUT] = key
    return outputs


def job_reporter(
    store: JobStore,
    job_id: str,
    interval_s: float,
    stop_requested: Callable[[], bool] | None,
    limits: JobLimits,
    part: int | None = None,
    *,
    hand_back_above_s: float | None = None,
) -> ProgressReporter:
    """The job's (or one part's) progress callback, which also ends it at its time limit."""
    return ProgressReporter(
        store,
        job_id,
        min_interval_s=interval_s,
        stop_requested=stop_requested,
        time_limit_s=limits.time_limit_s,
        part=part,
        hand_back_above_s=hand_back_above_s,
    )


@contextmanager
def local_media(job: Job, objects: ObjectStore, limits: JobLimits) -> Iterator[Path]:
    """The job's media as a local file under its uploaded name, the scratch disk checked
    first (before a byte is fetched): the one way every worker step reaches the media."""
    if limits.scratch.enabled:
        limits.scratch.check(objects.size(job.media_key))
    with objects.local_path(job.media_key) as path, named_as_uploaded(path, job) as media:
        yield media
