"""The presigned-upload use case over in-memory fakes: no S3, no HTTP."""

from __future__ import annotations

import pytest

from jamak.backends.memory import (
    InMemoryDirectUploads,
    InMemoryJobStore,
    InMemoryObjectStore,
    NoopLauncher,
)
from jamak.errors import (
    DirectUploadUnsupportedError,
    QuotaExceededError,
    UploadAlreadyCompletedError,
    UploadIncompleteError,
    UploadNotFoundError,
    UploadSizeMismatchError,
    UploadTooLargeError,
)
from jamak.jobs import direct_uploads
from jamak.jobs.direct_uploads import DirectUploadLimits
from jamak.jobs.keys import media_key, pending_upload_key
from jamak.jobs.model import JobOptions, JobStatus
from jamak.jobs.ports import UploadedPart
from jamak.jobs.quotas import SubmitLimits

MIB = 1024 * 1024
LIMITS = DirectUploadLimits(
    max_upload_bytes=100 * MIB, multipart_threshold_bytes=10 * MIB, part_bytes=5 * MIB, expires_s=60
)


@pytest.fixture
def signer() -> InMemoryDirectUploads:
    return InMemoryDirectUploads()


@pytest.fixture
def objects() -> InMemoryObjectStore:
    return InMemoryObjectStore()


@pytest.fixture
def store() -> InMemoryJobStore:
    return InMemoryJobStore()


def _start(
    signer: InMemoryDirectUploads | None, objects: InMemoryObjectStore, size_bytes: int
) -> direct_uploads.UploadTicket:
    return direct_uploads.start_upload(
        uploads=signer,
        objects=objects,
        limits=LIMITS,
        owner="ana",
        filename="talk.mp4",
        size_bytes=size_bytes,
        options=JobOptions(model="tiny.en", language="ko", formats=("srt",)),
    )


def test_without_the_port_every_use_case_says_uploads_go_through_the_api(
    objects: InMemoryObjectStore, store: InMemoryJobStore
) -> None:
    with pytest.raises(DirectUploadUnsupportedError, match="POST /api/jobs"):
        _start(None, objects, 10)
    with pytest.raises(DirectUploadUnsupportedError):
        direct_uploads.abort_upload(uploads=None, store=store, objects=objects, job_id="x")


def test_a_small_file_gets_one_url_and_completes_into_a_queued_job(
    signer: InMemoryDirectUploads, objects: InMemoryObjectStore, store: InMemoryJobStore
) -> None:
    ticket = _start(signer, objects, 4)
    assert ticket.url is not None and ticket.multipart is None
    assert "size=4&" in ticket.url  # signed for the announced length
    objects.put_bytes(media_key(ticket.job_id), b"data")  # the browser's PUT
    launcher = NoopLauncher()
    job = direct_uploads.complete_upload(
        uploads=signer,
        store=store,
        objects=objects,
        launcher=launcher,
        job_id=ticket.job_id,
        upload_id=None,
        parts=(),
    )
    assert (job.status, job.owner, job.filename) == (JobStatus.QUEUED, "ana", "talk.mp4")
    assert job.options == JobOptions(model="tiny.en", language="ko", formats=("srt",))
    assert launcher.launched == [job.id]
    again = direct_uploads.complete_upload(
        uploads=signer,
        store=store,
        objects=objects,
        launcher=launcher,
        job_id=ticket.job_id,
        upload_id=None,
        parts=(),
    )
    assert again == job and launcher.launched == [job.id]


def test_a_large_file_is_multipart_and_needs_its_parts_to_complete(
    signer: InMemoryDirectUploads, objects: InMemoryObjectStore, store: InMemoryJobStore
) -> None:
    ticket = _start(signer, objects, 12 * MIB)
    assert ticket.url is None and ticket.multipart is not None
    assert len(ticket.multipart.parts) == 3
    complete = {
        "uploads": signer,
        "store": store,
        "objects": objects,
        "launcher": NoopLauncher(),
        "job_id": ticket.job_id,
    }
    with pytest.raises(UploadIncompleteError):
        direct_uploads.complete_upload(**complete, upload_id=ticket.multipart.upload_id, parts=())
    parts = [UploadedPart(n, f"etag{n}") for n in (1, 2, 3)]
    objects.put_bytes(media_key(ticket.job_id), b"x" * (12 * MIB - 1))
    with pytest.raises(UploadSizeMismatchError):
        direct_uploads.complete_upload(
            **complete, upload_id=ticket.multipart.upload_id, parts=parts
        )
    assert signer.completed[0][1] == ticket.multipart.upload_id


def test_too_large_unknown_and_finished_uploads_are_refused(
    signer: InMemoryDirectUploads, objects: InMemoryObjectStore, store: InMemoryJobStore
) -> None:
    with pytest.raises(UploadTooLargeError, match="100 MB"):
        _start(signer, objects, 100 * MIB + 1)
    with pytest.raises(UploadNotFoundError):
        direct_uploads.complete_upload(
            uploads=signer,
            store=store,
            objects=objects,
            launcher=NoopLauncher(),
            job_id="nothing",
            upload_id=None,
            parts=(),
        )
    ticket = _start(signer, objects, 4)
    objects.put_bytes(media_key(ticket.job_id), b"data")
    direct_uploads.complete_upload(
        uploads=signer,
        store=store,
        objects=objects,
        launcher=NoopLauncher(),
        job_id=ticket.job_id,
        upload_id=None,
        parts=(),
    )
    with pytest.raises(UploadAlreadyCompletedError):
        direct_uploads.abort_upload(
            uploads=signer, store=store, objects=objects, job_id=ticket.job_id
        )


def test_aborting_removes_the_pending_upload_and_the_multipart_upload(
    signer: InMemoryDirectUploads, objects: InMemoryObjectStore, store: InMemoryJobStore
) -> None:
    ticket = _start(signer, objects, 12 * MIB)
    assert ticket.multipart is not None
    direct_uploads.abort_upload(uploads=signer, store=store, objects=objects, job_id=ticket.job_id)
    assert signer.aborted == [(media_key(ticket.job_id), ticket.multipart.upload_id)]
    assert pending_upload_key(ticket.job_id) not in set(objects.keys())
    # An upload never started (or already aborted): nothing to do, no error.
    direct_uploads.abort_upload(uploads=signer, store=store, objects=objects, job_id=ticket.job_id)


def test_another_users_pending_upload_is_not_found_and_stays(
    signer: InMemoryDirectUploads, objects: InMemoryObjectStore, store: InMemoryJobStore
) -> None:
    ticket = _start(signer, objects, 10)
    objects.put_bytes(media_key(ticket.job_id), b"0123456789")
    with pytest.raises(UploadNotFoundError):
        direct_uploads.complete_upload(
            uploads=signer, store=store, objects=objects, launcher=NoopLauncher(),
            job_id=ticket.job_id, upload_id=None, parts=[], owner="bo",
        )  # fmt: skip
    direct_uploads.abort_upload(
        uploads=signer, store=store, objects=objects, job_id=ticket.job_id, owner="bo"
    )
    assert objects.size(pending_upload_key(ticket.job_id)) > 0  # still there
    job = direct_uploads.complete_upload(
        uploads=signer, store=store, objects=objects, launcher=NoopLauncher(),
        job_id=ticket.job_id, upload_id=None, parts=[], owner="ana",
    )  # fmt: skip
    assert job.owner == "ana"


def test_completing_past_the_owners_quota_is_refused_and_starts_nothing(
    signer: InMemoryDirectUploads, objects: InMemoryObjectStore, store: InMemoryJobStore
) -> None:
    first, second = _start(signer, objects, 4), _start(signer, objects, 4)
    launcher = NoopLauncher()
    quota = SubmitLimits(max_active_jobs_per_user=1)
    for ticket in (first, second):
        objects.put_bytes(media_key(ticket.job_id), b"data")

    def complete(job_id: str, *, exempt: bool = False) -> None:
        direct_uploads.complete_upload(
            uploads=signer,
            store=store,
            objects=objects,
            launcher=launcher,
            job_id=job_id,
            upload_id=None,
            parts=[],
            submit_limits=quota,
            exempt=exempt,
        )

    complete(first.job_id)
    with pytest.raises(QuotaExceededError):
        complete(second.job_id)
    assert [job.id for job in store.list().jobs] == [first.job_id]
    complete(second.job_id, exempt=True)  # an admin's upload is not held to the quota
