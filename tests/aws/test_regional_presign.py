"""On AWS itself (no endpoint URL), presigned URLs name the bucket's regional virtual host,
https://BUCKET.s3.REGION.amazonaws.com: a bucket minutes old outside us-east-1 answers the
global host with a redirect, which a browser's CORS preflight does not follow. Signing is
local, so this needs no network and no account; moto and LocalStack keep path style."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from jamak.backends.aws import open_backend
from jamak.backends.aws.config import AwsConfig
from tests.aws.moto_support import set_fake_credentials

pytestmark = pytest.mark.aws

BUCKET = "jamak-media-0123456789ab"


@pytest.fixture(autouse=True)
def _credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    set_fake_credentials(monkeypatch.setenv)


@pytest.mark.parametrize(
    ("region", "host"),
    [
        ("eu-west-2", f"{BUCKET}.s3.eu-west-2.amazonaws.com"),
        ("ap-northeast-2", f"{BUCKET}.s3.ap-northeast-2.amazonaws.com"),
        ("us-east-1", f"{BUCKET}.s3.us-east-1.amazonaws.com"),
        ("cn-north-1", f"{BUCKET}.s3.cn-north-1.amazonaws.com.cn"),
    ],
)
def test_presigned_urls_use_the_regional_virtual_host(region: str, host: str) -> None:
    backend = open_backend(AwsConfig(region=region, bucket=BUCKET))
    uploads = backend.direct_uploads
    assert uploads is not None
    try:
        put = urlsplit(uploads.presign_put("jobs/abc/media", size_bytes=10, expires_s=60))
        get = urlsplit(uploads.presign_get("jobs/abc/subtitles.srt", expires_s=60))
        for url in (put, get):
            assert url.scheme == "https"
            assert url.netloc == host
            assert url.path.startswith("/jobs/abc/")  # the bucket is in the host, not the path
        # Signed for the region (SigV4 scope), with the length among the signed headers.
        query = parse_qs(put.query)
        assert f"/{region}/s3/aws4_request" in query["X-Amz-Credential"][0]
        assert "content-length" in query["X-Amz-SignedHeaders"][0]
        # The web page's content security policy names the same origin.
        assert uploads.browser_origin() == f"https://{host}"
    finally:
        backend.close()


def test_an_endpoint_url_keeps_path_style_for_moto_and_localstack() -> None:
    backend = open_backend(
        AwsConfig(region="eu-west-2", bucket=BUCKET, endpoint_url="http://127.0.0.1:4566")
    )
    uploads = backend.direct_uploads
    assert uploads is not None
    try:
        url = urlsplit(uploads.presign_put("jobs/abc/media", size_bytes=10, expires_s=60))
        assert url.netloc == "127.0.0.1:4566"
        assert url.path == f"/{BUCKET}/jobs/abc/media"
    finally:
        backend.close()
