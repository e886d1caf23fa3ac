"""S3's own check of a presigned URL, for the tests: moto's server does not verify the
signature of presigned (query-string) requests, so a body of another length than signed is
stored there, where S3 would answer 403 SignatureDoesNotMatch.

:func:`s3_would_accept` recomputes the signature the way S3 does, from the request the
client would send (method, URL, the headers it names in ``X-Amz-SignedHeaders``) and the
secret key, with botocore's own SigV4 query signer; it matches the URL's only when every
signed header has the value it was signed with.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from botocore.auth import S3SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from tests.aws.moto_support import FAKE_CREDENTIALS


def signed_headers(url: str) -> list[str]:
    """The header names the URL's signature covers."""
    return _query(url)["X-Amz-SignedHeaders"].split(";")


def s3_would_accept(url: str, *, method: str, headers: Mapping[str, str]) -> bool:
    """Whether a request ``method url`` with ``headers`` carries a valid signature."""
    given = _query(url)
    parts = urlsplit(url)
    unsigned = [
        (name, value)
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
        if not name.startswith("X-Amz-")
    ]
    request = AWSRequest(
        method=method, url=urlunsplit(parts._replace(query=urlencode(unsigned))), headers=headers
    )
    request.context["timestamp"] = given["X-Amz-Date"]
    credentials = Credentials(
        FAKE_CREDENTIALS["AWS_ACCESS_KEY_ID"],
        FAKE_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        given.get("X-Amz-Security-Token"),
    )
    region = given["X-Amz-Credential"].split("/")[2]
    signer = S3SigV4QueryAuth(credentials, "s3", region, expires=int(given["X-Amz-Expires"]))
    signer.add_auth(request)
    recomputed = _query(request.url)
    return (
        recomputed["X-Amz-SignedHeaders"] == given["X-Amz-SignedHeaders"]
        and recomputed["X-Amz-Signature"] == given["X-Amz-Signature"]
    )


def _query(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))
