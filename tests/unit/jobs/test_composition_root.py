"""The composition root turns Settings into the configs and ports below it, and nothing else
reads the settings: what a worker process gets is plain, picklable data."""

from __future__ import annotations

import pickle
from pathlib import Path

from jamak.bootstrap import build_services, worker_process_config
from jamak.settings import Settings


def _settings(tmp_path: Path) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        backend="embedded",
        data_dir=tmp_path / "data",
        model="tiny.en",
        beam_size=3,
        batch_size=4,
        speed="fast",
        max_upload_mb=7,
        lease_s=12.0,
    )


def test_the_embedded_backend_has_no_direct_uploads_and_streams_events(tmp_path: Path) -> None:
    services = build_services(_settings(tmp_path))
    try:
        assert services.direct_uploads is None
        assert services.live_updates == "events"
        assert services.api.default_model == "tiny.en"
        assert services.api.default_speed == "fast"  # for jobs that name none
        assert services.api.max_upload_bytes == 7 * 1024 * 1024
        assert services.api.spool_dir == tmp_path / "data" / "uploads"
        assert (services.recognition.beam_size, services.recognition.batch_size) == (3, 4)
    finally:
        services.close()


def test_a_worker_process_is_described_by_picklable_values(tmp_path: Path) -> None:
    config = worker_process_config(_settings(tmp_path))
    assert pickle.loads(pickle.dumps(config)) == config
    assert config.backend.db_path == tmp_path / "data" / "jobs.sqlite3"
    assert (config.default_model, config.lease_s) == ("tiny.en", 12.0)
    assert config.recognition.beam_size == 3
