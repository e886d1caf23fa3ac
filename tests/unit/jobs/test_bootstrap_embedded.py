"""build_services wires the embedded backend over a data folder it creates."""

from __future__ import annotations

import io
from pathlib import Path

from jamak.bootstrap import build_services
from jamak.jobs.model import JobOptions, JobStatus
from jamak.jobs.service import get_job, submit_job
from jamak.settings import Settings


def test_embedded_services_share_one_data_folder(tmp_path: Path) -> None:
    settings = Settings(backend="embedded", data_dir=tmp_path / "data")
    services = build_services(settings)
    try:
        job = submit_job(
            store=services.store,
            objects=services.objects,
            launcher=services.launcher,
            owner="ana",
            filename="a.wav",
            source=io.BytesIO(b"bytes"),
            options=JobOptions(),
        )
        assert services.queue is not None
        claimed = services.queue.claim("w1", lease_s=30.0)
        assert claimed is not None
        assert claimed.id == job.id
    finally:
        services.close()
    assert settings.db_path.is_file()
    assert (settings.objects_dir / job.media_key).read_bytes() == b"bytes"
    reopened = build_services(settings)
    try:
        assert get_job(store=reopened.store, job_id=job.id).status is JobStatus.RUNNING
    finally:
        reopened.close()
