"""One long job as parts on several workers: plan, parts, merge.

Three steps, each a short worker run that can happen on a different machine (AWS Batch jobs
of one Step Functions execution): :func:`plan_job` decodes the file, finds its silences and
stores the part plan (:mod:`jamak.asr.parts`) and the decoded audio at fixed keys, or, for a
file too short to split, runs the whole job there and then (no second machine to wait for);
:func:`run_part` reads its own stretch of that audio (decoding a long file again in every
part cost each part as long as the plan's decode), recognises it and stores its transcript
at that part's fixed key;
:func:`merge_job` joins the parts' transcripts (:mod:`jamak.asr.seams`), renders the
subtitles and marks the job succeeded, as :func:`jamak.jobs.runner.run_job` does.

Every step is idempotent: a retried part overwrites its own key and nothing else, so a
failed part is retried alone. A part's failure of the job's own making (a
:class:`JamakError`) fails the job with its message; anything else (a lost machine, a bug)
is left to the caller to retry. Progress counts every part: each reports its own seconds
(ProgressUpdate.part) and the store sums them.
"""

from __future__ import annotations

import json
import logging
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from typing import BinaryIO, cast

import numpy as np

from jamak.asr.options import RecognitionOptions
from jamak.asr.parts import Part, PartPlan, plan_parts
from jamak.asr.recognizer import SAMPLE_RATE, Audio
from jamak.asr.seams import merge_parts, shifted, transcript_from_dict, transcript_to_dict
from jamak.asr.speech_map import SpeechMap
from jamak.errors import (
    JamakError,
    JobCancelledError,
    JobError,
    MediaError,
    ObjectNotFoundError,
)
from jamak.jobs.keys import part_audio_key, part_plan_key, part_speech_key, part_transcript_key
from jamak.jobs.limits import JobLimits
from jamak.jobs.listening import listening_copy_file, store_listening_copy
from jamak.jobs.model import Job, JobStatus
from jamak.jobs.ports import JobStore, ObjectStore, ProgressUpdate
from jamak.jobs.progress_reporter import DEFAULT_INTERVAL_S, ProgressReporter
from jamak.jobs.recognizers import RecognizerProvider
from jamak.jobs.runner import (
    job_reporter,
    local_media,
    recognition_options,
    rendered_formats,
    run_job,
    store_subtitles,
)
from jamak.jobs.runner import subtitle_request as _subtitle_request
from jamak.jobs.steps import fail, guarded, mark_running, mark_succeeded, stored
from jamak.media import DecodedAudio, decode_audio, write_listening_copy
from jamak.pipeline import render_subtitles

logger = logging.getLogger(__name__)
_STORED = np.dtype("<f4")  # the parts' audio, exactly as decoded


def plan_job(
    job: Job,
    *,
    store: JobStore,
    objects: ObjectStore,
    recognizers: RecognizerProvider,
    recognition: RecognitionOptions | None = None,
    limits: JobLimits,
    worker_id: str | None = None,
    stop_requested: Callable[[], bool] | None = None,
    progress_interval_s: float = DEFAULT_INTERVAL_S,
) -> Job:
    """Plan ``job``'s parts; a file of one part is transcribed whole, here. Returns the
    job as stored: running with ``parts`` > 1 when its parts are to run."""
    running = mark_running(store, job.id)
    if running is None:
        return stored(store, job)
    planned = guarded(
        store, running, lambda current: _plan(current, store, objects, limits), what="plan"
    )
    if planned.status is not JobStatus.RUNNING or planned.parts > 1:
        return planned
    return run_job(
        planned,
        store=store,
        objects=objects,
        recognizers=recognizers,
        worker_id=worker_id,
        stop_requested=stop_requested,
        recognition=recognition,
        progress_interval_s=progress_interval_s,
        limits=limits,
    )


def _plan(job: Job, store: JobStore, objects: ObjectStore, limits: JobLimits) -> Job:
    from jamak.asr.vad import speech_map  # the recognition libraries, on workers only

    audio = _decode(job, objects, limits)
    heard = speech_map(audio.samples)
    plan = plan_parts(heard.probabilities, heard.frame_s, audio.duration_s, limits.parts)
    if len(plan.parts) < 2:
        return job
    with listening_copy_file(job) as copy:
        if copy is not None:
            try:
                write_listening_copy(audio.samples, copy)
            except MediaError as err:
                logger.warning("job %s: %s", job.id, err)
        store_listening_copy(job, copy, objects)
    _store_audio(audio.samples, objects, job.id)
    objects.put_bytes(part_speech_key(job.id), heard.probabilities.astype(_STORED).tobytes())
    objects.put_bytes(part_plan_key(job.id), json.dumps(plan.to_dict()).encode())
    update = ProgressUpdate(0.0, 0.0, audio.duration_s, parts=len(plan.parts))
    ProgressReporter(store, job.id).report(update)
    logger.info("job %s: %d parts of %.0f s audio", job.id, len(plan.parts), audio.duration_s)
    return stored(store, job)


def run_part(
    job: Job,
    index: int,
    *,
    store: JobStore,
    objects: ObjectStore,
    recognizers: RecognizerProvider,
    recognition: RecognitionOptions | None = None,
    limits: JobLimits,
    worker_id: str | None = None,
    stop_requested: Callable[[], bool] | None = None,
    progress_interval_s: float = DEFAULT_INTERVAL_S,
) -> Job:
    """Recognise part ``index`` and store its transcript. Returns the job as stored (still
    running while other parts are). A failure that is not the job's (lost machine, a bug)
    raises, for the caller to retry this part."""
    current = stored(store, job)
    if current.status is not JobStatus.RUNNING:
        return current
    logger.info("job %s: part %d started (worker %s)", job.id, index, worker_id)
    started = time.monotonic()
    reporter = job_reporter(store, job.id, progress_interval_s, stop_requested, limits, index)
    try:
        plan = read_plan(objects, job.id)
        if not 0 <= index < len(plan.parts):
            raise JobError(f"job {job.id} has {len(plan.parts)} parts, not a part {index}")
        part = plan.parts[index]
        decoding = recognition_options(current.options, recognition or RecognitionOptions())
        recognizer = recognizers.for_model(current.options.model)
        piece = _part_audio(current, part, objects, limits)
        speech = _part_speech(current.id, part, len(piece), objects)
        owned_s = min(part.end_s, plan.duration_s) - part.start_s

        def on_progress(processed_s: float, total_s: float) -> None:
            reporter(owned_s * processed_s / total_s if total_s > 0 else 0.0, owned_s)

        heard = recognizer.recognize(
            piece, options=decoding, on_progress=on_progress, speech=speech
        )
        transcript = shifted(heard, part.read_start_s)
        payload = json.dumps(transcript_to_dict(transcript)).encode()
        objects.put_bytes(part_transcript_key(job.id, index), payload)
        reporter.report(ProgressUpdate(0.0, owned_s, part=index))
        logger.info(
            "job %s: part %d done: %.0f s of audio in %.1f s",
            job.id,
            index,
            owned_s,
            time.monotonic() - started,
        )
    except JobCancelledError as stopped:
        logger.info("job %s: part %d stopped: %s", job.id, index, stopped)
    except JamakError as err:
        logger.info("job %s: part %d failed: %s", job.id, index, err)
        return fail(store, current, str(err), kind=type(err).__name__)
    return stored(store, current)


def merge_job(
    job: Job,
    *,
    store: JobStore,
    objects: ObjectStore,
) -> Job:
    """Join the parts' transcripts, store the subtitles and mark the job succeeded."""
    current = stored(store, job)
    if current.status is not JobStatus.RUNNING:
        return current
    return guarded(store, current, lambda running: _merge(running, store, objects), what="merge")


def _merge(job: Job, store: JobStore, objects: ObjectStore) -> Job:
    request = _subtitle_request(job.options)
    plan = read_plan(objects, job.id)
    transcripts = []
    for part in plan.parts:
        try:
            with objects.open(part_transcript_key(job.id, part.index)) as source:
                transcripts.append(transcript_from_dict(json.load(source)))
        except ObjectNotFoundError:
            raise JobError(
                f"part {part.index + 1} of {len(plan.parts)} has no transcript"
            ) from None
    merged = replace(merge_parts(plan, transcripts), duration_s=plan.duration_s)
    rules = request.rules_for(merged.language)
    subtitles = render_subtitles(merged, format_names=rendered_formats(job.options), rules=rules)
    ProgressReporter(store, job.id).report(
        ProgressUpdate(100.0, plan.duration_s, plan.duration_s, merged.language)
    )
    done = mark_succeeded(store, job, store_subtitles(job, subtitles, objects))
    _drop_part_audio(objects, job.id)
    return done


def _drop_part_audio(objects: ObjectStore, job_id: str) -> None:
    """Only parts read the plan's audio (230 MB an hour) and speech map. Best effort: the
    job is done, so a store that will not delete them now (a worker role without the right)
    leaves them to the job's own deletion or expiry, and says so."""
    try:
        objects.delete_prefix(part_audio_key(job_id))
        objects.delete_prefix(part_speech_key(job_id))
    except Exception as err:  # tidying up never fails a finished job
        logger.warning("job %s: the parts' audio was not deleted: %s", job_id, err)


def read_plan(objects: ObjectStore, job_id: str) -> PartPlan:
    try:
        with objects.open(part_plan_key(job_id)) as source:
            return PartPlan.from_dict(json.load(source))
    except ObjectNotFoundError:
        raise JobError(f"job {job_id} has no part plan (was it planned?)") from None


def _store_audio(samples: Audio, objects: ObjectStore, job_id: str) -> None:
    """The decoded audio for the parts, written through a scratch file (no second copy of
    an hour of audio in memory)."""
    with tempfile.TemporaryFile() as scratch:
        samples.astype(_STORED, copy=False).tofile(scratch)
        scratch.seek(0)
        objects.put_file(part_audio_key(job_id), cast(BinaryIO, scratch))


def _part_audio(job: Job, part: Part, objects: ObjectStore, limits: JobLimits) -> Audio:
    """The samples part ``part`` reads, from the plan's decoded audio; a job planned
    before the plan kept its audio decodes the file again."""
    first = round(part.read_start_s * SAMPLE_RATE)
    count = max(0, round(part.read_end_s * SAMPLE_RATE) - first)
    try:
        with objects.local_path(part_audio_key(job.id)) as path:
            size = _STORED.itemsize
            stored = max(0, path.stat().st_size // size - first)
            piece = np.fromfile(path, dtype=_STORED, count=min(count, stored), offset=first * size)
    except ObjectNotFoundError:
        return _decode(job, objects, limits).samples[first : first + count]
    return piece.astype(np.float32, copy=False)


def _part_speech(job_id: str, part: Part, samples: int, objects: ObjectStore) -> SpeechMap | None:
    """The plan's speech map over the ``samples`` part ``part`` reads, so the part need not
    run the detector over them again; ``None`` for a job planned before plans kept the map
    (or before parts started on its frames): that part runs the detector itself."""
    try:
        with objects.open(part_speech_key(job_id)) as source:
            probabilities = np.frombuffer(source.read(), dtype=_STORED).astype(np.float32)
    except ObjectNotFoundError:
        return None
    return SpeechMap(probabilities).stretch(part.read_start_s, samples)


def _decode(job: Job, objects: ObjectStore, limits: JobLimits) -> DecodedAudio:
    with local_media(job, objects, limits) as media:
        return decode_audio(media, limits=limits.media)
