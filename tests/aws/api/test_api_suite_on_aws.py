"""The embedded backend's API test suite (tests/integration/api), run unchanged against the
AWS backend: DynamoDB and S3 on moto over HTTP, behind the same FastAPI app.

Tests that read the embedded backend's own files (SQLite, the objects folder) to check what
happened are left out (test_errors, test_health's own embedded server, and the two deletes
below); what they check on disk, the contract suite checks for S3 and DynamoDB, and
tests/aws/test_uploads.py checks a deleted job's objects are gone from the bucket. So is the
length read at submit, which only the embedded queue records (see below).
"""

from __future__ import annotations

import pytest

from tests.integration.api.test_docs_and_web import *  # noqa: F403
from tests.integration.api.test_downloads import *  # noqa: F403
from tests.integration.api.test_events import *  # noqa: F403
from tests.integration.api.test_lifecycle import *  # noqa: F403
from tests.integration.api.test_listing import *  # noqa: F403
from tests.integration.api.test_media import *  # noqa: F403
from tests.integration.api.test_speed import (  # noqa: F401 (its own embedded server stays out)
    test_a_chosen_speed_is_stored_and_shown_wherever_the_job_is,
    test_an_unknown_speed_is_a_422_naming_the_choices_and_makes_no_job,
)
from tests.integration.api.test_upload import *  # noqa: F403

pytestmark = pytest.mark.aws

# They list the embedded objects folder; the S3 equivalent is in tests/aws/test_uploads.py.
del test_delete_removes_the_job_and_its_files  # noqa: F821
del test_delete_a_queued_job  # noqa: F821
# The embedded queue's express worker claims short jobs by the length read at submit; on S3
# that read would cost a second download and nothing claims by it (ApiConfig.read_durations).
del test_a_queued_job_knows_its_length_from_the_header  # noqa: F821
