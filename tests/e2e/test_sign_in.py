"""The web app with sign-in on, in headless Chromium: a signed-out visitor sees the sign-in
form and no job; ana signs in, sees her own job and not bo's, reaches her job's media and
subtitles with the cookie alone (as <video> and <track> do), gets 404 for every page action
on bo's job, and signs out.

Screenshots of what a signed-out visitor sees, in English and in Korean, land in
/tmp/jamak-signed-out-en.png and /tmp/jamak-signed-out-ko.png for a person to look at.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.test_web_app import upload_and_wait
from tests.integration.api.auth_server import AuthServer, auth_server
from tests.integration.api.helpers import submit, wait_finished
from tests.support.media import make_tone

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def signed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AuthServer]:
    with auth_server(tmp_path_factory.mktemp("web-auth")) as running:
        yield running


@pytest.fixture(scope="module")
def jobs(signed: AuthServer, media_dir: Path, tone_wav: Path) -> dict[str, dict[str, Any]]:
    made = {}
    for user in ("ana", "bo"):
        path = media_dir / f"{user}-secret-recording.wav"
        path.write_bytes(tone_wav.read_bytes())
        with signed.client(user) as client:
            made[user] = wait_finished(client, submit(client, path)["id"])
    return made


@pytest.fixture(scope="module")
def tone_wav(media_dir: Path) -> Path:
    return make_tone(media_dir / "web-auth-tone.wav", 1.0)


def test_sign_in_see_only_ones_own_jobs_and_sign_out(
    browser: Any, signed: AuthServer, jobs: dict[str, dict[str, Any]], tone_wav: Path
) -> None:
    job_names = {user: job["filename"] for user, job in jobs.items()}
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="en-US")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(signed.server.base_url + "/")
    page.wait_for_selector("body[data-ready=true]")

    assert page.locator("#sign-in").is_visible()
    assert not page.locator("#app").is_visible()
    assert page.locator(".job").count() == 0
    content = page.content()
    assert job_names["ana"] not in content and job_names["bo"] not in content
    page.screenshot(path="/tmp/jamak-signed-out-en.png", full_page=True)

    page.fill("#token", "jamak_0000000000000000_wrong")
    page.click("#sign-in-form button[type=submit]")
    page.wait_for_selector("#sign-in-status:has-text('not valid')")

    page.fill("#token", signed.tokens["ana"])
    page.click("#sign-in-form button[type=submit]")
    page.wait_for_selector(f".job:has-text('{job_names['ana']}')")
    assert page.locator("#sign-in").is_hidden()
    assert job_names["bo"] not in page.content()
    assert page.locator("#signed-in-as").inner_text() == "Signed in as ana"
    page.click("#lang-toggle")
    assert page.locator("#signed-in-as").inner_text() == "ana 님으로 로그인됨"
    assert page.locator("#sign-out").inner_text() == "로그아웃"
    page.click("#lang-toggle")
    cookies = {cookie["name"]: cookie for cookie in context.cookies()}
    assert cookies["jamak_session"]["httpOnly"] and cookies["jamak_session"]["sameSite"] == "Strict"
    assert page.evaluate("() => document.cookie") == ""  # scripts cannot read the session

    pages_actions_on_bos_job_are_404(page, signed, jobs)
    upload_and_wait(page, tone_wav)  # an upload with the cookie and the CSRF header

    page.click("#sign-out")
    page.wait_for_selector("#sign-in:not([hidden])")
    assert page.locator(".job").count() == 0
    assert "jamak_session" not in {cookie["name"] for cookie in context.cookies()}
    assert errors == []
    context.close()


def test_the_sign_in_form_speaks_korean(
    browser: Any, signed: AuthServer, jobs: dict[str, dict[str, Any]]
) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="ko-KR")
    page = context.new_page()
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url))
    page.goto(signed.server.base_url + "/")
    page.wait_for_selector("body[data-ready=true]")
    # Signed out, the page asks who is signed in and nothing else of the API.
    assert [url for url in asked if "/api/" in url] == [signed.server.base_url + "/api/session"]
    assert page.locator("#sign-in-heading").inner_text() == "로그인"
    assert page.locator("#sign-in button[type=submit]").inner_text() == "로그인"
    assert page.locator("#app").is_hidden()
    content = page.content()
    assert all(job["filename"] not in content for job in jobs.values())
    page.screenshot(path="/tmp/jamak-signed-out-ko.png", full_page=True)
    context.close()


def pages_actions_on_bos_job_are_404(
    page: Any, signed: AuthServer, jobs: dict[str, dict[str, Any]]
) -> None:
    """From ana's signed-in page, with the cookie alone (as <video> and <track> send it)."""
    status = "([url, init]) => fetch(url, init).then((response) => response.status)"
    ana, bo = jobs["ana"]["id"], jobs["bo"]["id"]
    assert page.evaluate(status, [f"/api/jobs/{ana}/media", {}]) == 200
    assert page.evaluate(status, [f"/api/jobs/{ana}/subtitles.vtt", {}]) == 200
    csrf = page.evaluate("() => fetch('/api/session').then((r) => r.json()).then((s) => s.csrf)")
    proof = {"headers": {"X-Jamak-CSRF": csrf}}
    for url, init in [
        (f"/api/jobs/{bo}", {}),
        (f"/api/jobs/{bo}/media", {}),
        (f"/api/jobs/{bo}/subtitles.vtt", {}),
        (f"/api/jobs/{bo}/events", {}),
        (f"/api/jobs/{bo}/cancel", {"method": "POST", **proof}),
        (f"/api/jobs/{bo}", {"method": "DELETE", **proof}),
    ]:
        assert page.evaluate(status, [url, init]) == 404, url
    with signed.client("bo") as client:
        assert client.get(f"/api/jobs/{bo}").json()["status"] == "succeeded"
