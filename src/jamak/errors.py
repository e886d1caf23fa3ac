"""Every error jamak raises on purpose, in one tree.

Callers (the CLI, the API, the worker runner) catch :class:`JamakError` to turn a failure of
one file or one job into a clear message without losing anything else::

    JamakError
    ├── MediaError                  the input cannot be turned into audio
    │   ├── NotMediaError           not a container FFmpeg recognises
    │   ├── NoAudioStreamError      a container with no (selected) audio stream
    │   ├── EmptyMediaError         zero bytes, or zero decodable samples
    │   ├── CorruptMediaError       decoding failed before any audio came out
    │   └── MediaLimitError         beyond this server's limits (too long, a decode bomb)
    ├── ModelError
    │   ├── UnknownModelError       a name that is neither in the catalog nor a folder
    │   ├── ModelUnavailableError   known, but cannot be installed here (no network)
    │   ├── ModelNotOfferedError    known, but not one this deployment offers (AWS: baked)
    │   ├── ModelIntegrityError     installed files do not match their checksum
    │   └── ModelLoadError          files the engine cannot load (damaged, or not Whisper's)
    ├── SubtitleFormatError         an output format name that is not registered
    ├── JobError
    │   ├── JobNotFoundError
    │   ├── InvalidTransitionError  a status change the lifecycle table forbids
    │   ├── JobNotFinishedError     its results asked for before it succeeded
    │   ├── JobCancelledError       raised inside a runner when its job was cancelled
    │   │   └── JobHandedBackError  an express worker's job is longer than declared
    │   ├── JobTimeLimitError       the job ran past the deployment's time limit
    │   ├── JobLaunchError          recorded, but its work could not be started: failed
    │   └── SubmitRefusedError      a submit turned away for now, with a retry delay
    │       ├── QuotaExceededError  the caller's unfinished jobs or daily audio hours
    │       └── QueueFullError      the whole queue is at its cap
    ├── LauncherNotConfiguredError  AWS: no state machine to start work with
    ├── DeploymentError             ``jamak aws deploy``: a stack did not reach a good state
    ├── StorageError
    │   ├── ObjectNotFoundError
    │   ├── InvalidObjectKeyError   a key that could escape the store's root
    │   ├── StorageFullError        no space left where objects are written
    │   └── StorageAccessDeniedError  the deployment's role may not touch an object
    ├── BackendBusyError            the job store is locked or throttled for now
    └── UploadError                 a presigned (direct) upload that cannot go on
        ├── DirectUploadUnsupportedError  this deployment takes uploads through the API
        ├── UploadTooLargeError
        ├── UploadNotFoundError     no upload was started under that id
        ├── UploadIncompleteError   "complete" before every byte or part arrived
        ├── UploadSizeMismatchError the stored file is not the announced size
        └── UploadAlreadyCompletedError  the upload is a job now
"""

from __future__ import annotations


class JamakError(Exception):
    """Base of every deliberate jamak failure; ``str(err)`` is meant for end users."""


class MediaError(JamakError):
    pass


class NotMediaError(MediaError):
    pass


class NoAudioStreamError(MediaError):
    pass


class EmptyMediaError(MediaError):
    pass


class CorruptMediaError(MediaError):
    pass


class MediaLimitError(MediaError):
    """A file this deployment will not decode: longer than its duration limit, or with
    stream counts, sample rates or channel counts no recording has (a decode bomb)."""


class ModelError(JamakError):
    pass


class UnknownModelError(ModelError):
    pass


class ModelUnavailableError(ModelError):
    pass


class ModelNotOfferedError(ModelError):
    """A catalog model this deployment does not offer: on AWS, one not baked into the
    worker image (it could never load there, as workers download nothing)."""


class ModelIntegrityError(ModelError):
    pass


class ModelLoadError(ModelError):
    """A model folder the engine refuses: a folder given by path is used unchecked (there is
    no checksum to compare it with), so a damaged or foreign one is found only here."""


class SubtitleFormatError(JamakError):
    pass


class JobError(JamakError):
    pass


class JobNotFoundError(JobError):
    pass


class InvalidTransitionError(JobError):
    pass


class JobNotFinishedError(JobError):
    pass


class JobCancelledError(JobError):
    pass


class JobHandedBackError(JobCancelledError):
    """Raised inside a runner whose worker takes only short jobs (the express lane) when the
    file turns out longer than its header declared: the job is not failed, it goes back to
    the queue for the other workers, with its measured length recorded so the lane does not
    take it again."""


class JobTimeLimitError(JobError):
    """A job ran longer than the deployment allows; it fails instead of holding a worker."""


class JobLaunchError(JobError):
    """The job was recorded but its work could not be started (AWS: StartExecution failed
    past the client's retries); the job is marked failed with this message rather than
    left queued with nothing to run it."""


class StorageError(JamakError):
    pass


class ObjectNotFoundError(StorageError):
    pass


class LauncherNotConfiguredError(JamakError):
    """The AWS backend was asked to start work without a state machine to start."""


class DeploymentError(JamakError):
    """A stack did not reach a good state; the message names the stack and the reason."""


class InvalidObjectKeyError(StorageError):
    """A key that could escape the store's root or is not a plain relative path."""


class StorageFullError(StorageError):
    """The disk (or quota) under the object store is full: the write left nothing behind,
    and the job that asked for it fails with words an operator can act on."""


class StorageAccessDeniedError(StorageError):
    """The object store refused the deployment's own credentials (S3 AccessDenied): a
    permissions mistake in the deployment, reported as one instead of as a missing file, so
    nobody hunts for an object that may well be there."""


class BackendBusyError(JamakError):
    """The job store stayed locked (SQLite), or AWS throttled (DynamoDB, S3), past its own
    retries.

    Nothing was changed; the caller may try again after ``retry_after_s``, so the API
    answers 503 with Retry-After instead of a 500."""

    def __init__(self, message: str, *, retry_after_s: int = 2) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class UploadError(JamakError):
    pass


class DirectUploadUnsupportedError(UploadError):
    pass


class UploadTooLargeError(UploadError):
    pass


class UploadNotFoundError(UploadError):
    pass


class UploadIncompleteError(UploadError):
    pass


class UploadSizeMismatchError(UploadError):
    pass


class UploadAlreadyCompletedError(UploadError):
    pass


class SubmitRefusedError(JobError):
    """A submit this deployment turns away for now; ``retry_after_s`` says when trying
    again can succeed, so clients back off instead of hammering."""

    def __init__(self, message: str, *, retry_after_s: int) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class QuotaExceededError(SubmitRefusedError):
    """The caller's own share is used up (unfinished jobs, or audio hours in a day)."""


class QueueFullError(SubmitRefusedError):
    """The whole queue is at its cap: the server is overloaded, not the caller at fault."""
