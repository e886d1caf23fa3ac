"""The OpenAPI docs, /api/config, and the web app's files are served by the same process."""

from __future__ import annotations

import re

from tests.integration.api.live_server import LiveServer


def test_openapi_lists_every_route(api_only: LiveServer) -> None:
    with api_only.client() as http:
        schema = http.get("/openapi.json").json()
        docs = http.get("/docs")
    paths = set(schema["paths"])
    assert {
        "/api/jobs",
        "/api/jobs/{job_id}",
        "/api/jobs/{job_id}/events",
        "/api/jobs/{job_id}/cancel",
        "/api/jobs/{job_id}/media",
        "/api/jobs/{job_id}/subtitles.{format_name}",
        "/api/config",
        "/healthz",
        "/readyz",
    } <= paths
    upload = schema["paths"]["/api/jobs"]["post"]["requestBody"]["content"]
    assert "file" in upload["multipart/form-data"]["schema"]["properties"]
    assert docs.status_code == 200 and "swagger" in docs.text.lower()


def test_config_lists_models_and_formats(api_only: LiveServer) -> None:
    with api_only.client() as http:
        config = http.get("/api/config").json()
    names = {model["name"] for model in config["models"]}
    assert {"tiny.en", "base"} <= names
    assert config["default_model"] == api_only.settings.model
    assert config["formats"] == ["srt", "vtt", "txt", "tsv", "json", "smi"]
    assert config["max_upload_mb"] == api_only.settings.max_upload_mb
    assert config["speeds"] == ["fast", "balanced", "accurate"]
    assert config["default_speed"] == api_only.settings.speed
    on_aws = api_only.settings.backend == "aws"
    assert config["direct_uploads"] is on_aws
    assert config["live_updates"] == ("poll" if on_aws else "events")


def test_web_app_and_its_local_assets(api_only: LiveServer) -> None:
    with api_only.client() as http:
        page = http.get("/")
        assert page.status_code == 200
        assert page.headers["content-type"].startswith("text/html")
        assert "default-src 'self'" in page.headers["content-security-policy"]
        assets = re.findall(r'(?:src|href)="(/static/[^"]+)"', page.text)
        assert len(assets) >= 3
        for asset in assets:
            assert http.get(asset).status_code == 200, asset
        scripts = http.get("/static/app.js").text + http.get("/static/api.js").text
    assert "http://" not in page.text and "https://" not in page.text
    assert "https://" not in scripts  # no CDN: everything comes from this server
