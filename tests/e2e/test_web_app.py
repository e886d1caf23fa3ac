"""The web app in headless Chromium: upload, live progress, player with cues, downloads,
Korean labels and a phone-sized screen.

Screenshots land in /tmp (jamak-desktop.png, jamak-phone.png, jamak-failures-ko.png) for a
person to look at.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import srt

from tests.integration.api.live_server import LiveServer
from tests.support.media import make_video

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 375, "height": 740}
FINISH_MS = 60_000


@dataclass
class Tab:
    """A page of the web app, with the script errors it raised (a test ends with none)."""

    page: Any
    errors: list[str] = field(default_factory=list)


def open_app(browser: Any, server: LiveServer, *, viewport: dict[str, int], locale: str) -> Tab:
    context = browser.new_context(viewport=viewport, locale=locale, accept_downloads=True)
    tab = Tab(context.new_page())
    tab.page.on("pageerror", lambda error: tab.errors.append(str(error)))
    tab.page.goto(server.base_url + "/")
    tab.page.wait_for_selector("body[data-ready=true]")
    return tab


def no_horizontal_overflow(page: Any) -> bool:
    return bool(
        page.evaluate(
            "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"
        )
    )


def start_upload(page: Any, media: Path) -> Any:
    """Upload one file from the page with the form's defaults; its job card."""
    page.set_input_files("#file-input", str(media))
    page.click("#start")
    return page.locator(".job", has_text=media.name).first


def upload_and_wait(page: Any, media: Path) -> Any:
    """Upload one file from the page and wait until its job card says it succeeded."""
    card = start_upload(page, media)
    card.locator(".badge.succeeded").wait_for(timeout=FINISH_MS)
    return card


def only_job_id(server: LiveServer, filename: str) -> str:
    with server.client() as client:
        jobs = [
            job
            for job in client.get("/api/jobs", params={"limit": 100}).json()["jobs"]
            if job["filename"] == filename
        ]
    assert len(jobs) == 1
    return str(jobs[0]["id"])


@pytest.fixture
def desktop(browser: Any, web_server: LiveServer) -> Iterator[Any]:
    tab = open_app(browser, web_server, viewport=DESKTOP, locale="en-US")
    yield tab.page
    tab.page.context.close()
    assert tab.errors == []


def test_upload_watch_play_seek_download_and_translate(
    desktop: Any, web_server: LiveServer, webm_clip: Path, tmp_path: Path
) -> None:
    page = desktop
    assert page.locator("html").get_attribute("lang") == "en"
    # The speed choice comes from GET /api/config, on the server's default (balanced).
    speed = page.locator("#speed")
    assert speed.input_value() == "balanced"
    assert speed.locator("option").all_inner_texts() == ["Fast", "Balanced", "Accurate"]
    assert "Recommended" in page.locator("#speed-hint").inner_text()
    assert page.locator("#retention-hint").is_hidden()  # this server keeps every job
    speed.select_option("accurate")
    assert "Slowest" in page.locator("#speed-hint").inner_text()
    page.set_input_files("#file-input", str(webm_clip))
    page.click("summary")  # "More options": short lines make several cues to click between
    page.fill("#max-chars", "12")
    page.fill("#max-lines", "1")
    page.click("#start")

    card = page.locator(".job", has_text=webm_clip.name)
    card.wait_for()
    card.locator("progress").wait_for()
    card.locator(".badge.succeeded").wait_for(timeout=FINISH_MS)
    assert card.locator(".badge").inner_text() == "Done"
    # The chosen speed reached the job, and its card says so.
    job_id = (card.get_attribute("id") or "").removeprefix("job-")
    with web_server.client() as client:
        assert client.get(f"/api/jobs/{job_id}").json()["options"]["speed"] == "accurate"
    assert "Speed: Accurate" in card.locator(".job-details").inner_text()

    # The finished job opens in the player: media, a showing VTT track, the cue list.
    cues = page.locator("#cues li")
    cues.nth(1).wait_for()
    assert cues.count() >= 3
    track = page.evaluate(
        """() => {
            const track = document.querySelector('#video').textTracks[0];
            return {mode: track.mode, cues: track.cues.length, kind: track.kind};
        }"""
    )
    assert track == {"mode": "showing", "cues": cues.count(), "kind": "subtitles"}

    # Click a later cue: the video seeks there and that cue is the active one, on the
    # player (the track's active cue) and in the list.
    last = cues.nth(cues.count() - 1)
    last.locator("button").click()
    page.wait_for_function(
        "() => document.querySelector('#video').textTracks[0].activeCues.length > 0"
    )
    state = page.evaluate(
        """() => {
            const video = document.querySelector('#video');
            const track = video.textTracks[0];
            const all = Array.from(track.cues);
            const active = track.activeCues[0];
            return {time: video.currentTime, start: active.startTime,
                    index: all.indexOf(active), text: active.text, last: all.length - 1};
        }"""
    )
    assert state["index"] == state["last"]
    assert abs(state["time"] - state["start"]) < 0.1 and state["start"] > 0
    assert "active" in (last.get_attribute("class") or "")
    assert last.locator("button").get_attribute("aria-current") == "true"
    assert state["text"] in last.inner_text()

    # Download the SRT through its button: named after the upload, parsable.
    with page.expect_download() as download_info:
        card.get_by_role("link", name="Download SRT").click()
    download = download_info.value
    assert download.suggested_filename == Path(webm_clip.name).stem + ".srt"
    saved = tmp_path / "downloaded.srt"
    download.save_as(saved)
    parsed = list(srt.parse(saved.read_text(encoding="utf-8")))
    assert len(parsed) == cues.count()

    # A format not asked for is there too, written when downloaded: SAMI, for Korean players.
    with page.expect_download() as download_info:
        card.get_by_role("group", name="Other formats:").get_by_role(
            "link", name="Download SMI"
        ).click()
    smi_download = download_info.value
    assert smi_download.suggested_filename == Path(webm_clip.name).stem + ".smi"
    smi_download.save_as(tmp_path / "downloaded.smi")
    assert (tmp_path / "downloaded.smi").read_text(encoding="utf-8-sig").count("<SYNC") >= len(
        parsed
    )

    page.screenshot(path="/tmp/jamak-desktop.png", full_page=True)

    # Each format says what it is for; SAMI is offered, for Korean players.
    sami = page.locator("label[for=format-smi]")
    assert sami.inner_text() == "SMI"
    assert "PotPlayer" in (sami.get_attribute("title") or "")
    assert not page.locator("#format-smi").is_checked()

    # Korean: every label switches, and the choice survives a reload.
    page.click("#lang-toggle")
    assert "팟플레이어" in (sami.get_attribute("title") or "")
    assert page.locator("html").get_attribute("lang") == "ko"
    assert page.locator("#upload-heading").inner_text() == "새 자막"
    assert page.locator("#jobs-heading").inner_text() == "작업"
    assert page.locator("#start").inner_text() == "자막 만들기"
    assert card.locator(".badge").inner_text() == "완료"
    assert page.locator("label[for=language]").inner_text() == "말하는 언어"
    assert "한국어" in page.locator("#language").inner_text()
    assert page.locator("label[for=speed]").inner_text() == "속도"
    assert speed.locator("option").all_inner_texts() == ["빠르게", "균형", "정확하게"]
    assert speed.input_value() == "accurate"  # the choice survives the switch
    assert "속도: 정확하게" in card.locator(".job-details").inner_text()
    page.screenshot(path="/tmp/jamak-desktop-ko.png", full_page=True)
    page.reload()
    page.wait_for_selector("body[data-ready=true]")
    assert page.locator("#upload-heading").inner_text() == "새 자막"
    # The job list comes back from the API after a reload.
    page.locator(".job", has_text=webm_clip.name).locator(".badge.succeeded").wait_for()


def test_several_files_and_a_failure_with_its_reason(
    desktop: Any, webm_clip: Path, not_media: Path
) -> None:
    page = desktop
    page.set_input_files("#file-input", [str(not_media), str(webm_clip)])
    assert page.locator("#selected-files li").count() == 2
    page.click("#start")

    failed = page.locator(".job", has_text=not_media.name).first
    failed.locator(".badge.failed").wait_for(timeout=FINISH_MS)
    reason = failed.locator(".job-error").inner_text()
    assert reason.startswith("Reason: ") and len(reason) > len("Reason: ") + 5
    page.locator(".job[data-status=succeeded]", has_text=webm_clip.name).first.wait_for(
        timeout=FINISH_MS
    )


def test_failures_are_told_in_the_pages_language_with_the_servers_sentence_beside(
    desktop: Any, tmp_path: Path
) -> None:
    """A job that fails (text bytes named .mp3: the worker finds no media) is worded from
    its error_kind, and an upload the server refuses (an empty file, 422 empty_file) from
    its error code, in Korean and again in English after switching back."""
    page = desktop
    not_audio = tmp_path / "회의 메모.mp3"
    not_audio.write_text("these are meeting notes, not a recording\n" * 20, encoding="utf-8")
    empty = tmp_path / "빈 녹음.mp3"
    empty.write_bytes(b"")

    page.click("#lang-toggle")
    assert page.locator("html").get_attribute("lang") == "ko"
    card = start_upload(page, not_audio)
    card.locator(".badge.failed").wait_for(timeout=FINISH_MS)
    reason = card.locator(".job-error")
    assert reason.inner_text().startswith(
        "이유: 미디어 파일로 읽을 수 없습니다. 동영상이나 음성 파일이 맞는지 확인해 주세요."
    )
    detail = card.locator(".job-error-detail")
    assert not_audio.name in detail.inner_text()  # the server's sentence names the file
    assert detail.get_attribute("lang") == "en"

    page.set_input_files("#file-input", str(empty))
    page.click("#start")
    status = page.locator("#upload-status.error")
    status.wait_for()
    assert status.inner_text() == f"{empty.name} 업로드 실패: 빈 파일입니다."
    assert empty.name in (status.get_attribute("title") or "")
    page.screenshot(path="/tmp/jamak-failures-ko.png", full_page=True)

    page.click("#lang-toggle")
    assert reason.inner_text().startswith(
        "Reason: This file can't be read as video or audio. Check that it is a media file."
    )
    assert not_audio.name in detail.inner_text()
    page.set_input_files("#file-input", str(empty))
    page.click("#start")
    page.locator("#upload-status.error", has_text="Upload of").wait_for()
    assert status.inner_text() == f"Upload of {empty.name} failed: The file is empty."


def test_phone_screen_has_no_horizontal_scroll(
    browser: Any, web_server: LiveServer, webm_clip: Path
) -> None:
    tab = open_app(browser, web_server, viewport=PHONE, locale="ko-KR")
    page = tab.page
    try:
        assert page.locator("html").get_attribute("lang") == "ko"  # from navigator.language
        assert page.locator("#upload-heading").inner_text() == "새 자막"
        assert no_horizontal_overflow(page)
        card = upload_and_wait(page, webm_clip)
        card.get_by_role("button", name="재생").click()
        page.locator("#cues li").first.wait_for()
        assert no_horizontal_overflow(page)
        page.screenshot(path="/tmp/jamak-phone.png", full_page=True)
        assert tab.errors == []
    finally:
        page.context.close()


def test_keyboard_reaches_the_file_picker_and_the_start_button(desktop: Any) -> None:
    page = desktop
    focused = []
    for _ in range(6):
        page.keyboard.press("Tab")
        focused.append(page.evaluate("() => document.activeElement.id"))
    assert "file-input" in focused
    assert focused.index("file-input") < 6
    page.focus("#start")
    page.keyboard.press("Enter")
    assert "at least one file" in page.locator("#upload-status").inner_text()


def test_media_the_browser_cannot_play_plays_from_its_listening_copy(
    desktop: Any, media_dir: Path, speech_wav: Any
) -> None:
    """MPEG-1 decodes for recognition but plays in no Chromium: the worker keeps an AAC
    copy of its audio, and the player plays that, subtitles and all."""
    mpg = make_video(media_dir / "old tape.mpg", audio_wav=speech_wav.path)
    page = desktop
    card = upload_and_wait(page, mpg)
    card.get_by_role("button", name="Play").click()
    page.wait_for_function("() => document.getElementById('video').readyState >= 1")
    video = page.evaluate(
        "() => { const v = document.getElementById('video');"
        " return {src: v.currentSrc, duration: v.duration}; }"
    )
    assert "playable=true" in video["src"]
    assert abs(video["duration"] - speech_wav.duration_s) < 0.5
    assert page.locator("#media-status").is_hidden()
    page.locator("#cues li").first.wait_for()


def test_without_a_listening_copy_the_page_says_it_cannot_play(
    browser: Any, desktop: Any, media_dir: Path, speech_wav: Any, web_server: LiveServer
) -> None:
    """A job from before listening copies (or one whose copy is gone) still lists its cues
    and says why the player is silent."""
    mpg = make_video(media_dir / "no copy.mpg", audio_wav=speech_wav.path)
    upload_and_wait(desktop, mpg)
    job_id = only_job_id(web_server, mpg.name)
    web_server.services.objects.delete_prefix(f"jobs/{job_id}/listening.m4a")
    # A fresh browser: the first page may already hold the copy in its cache.
    tab = open_app(browser, web_server, viewport=DESKTOP, locale="en-US")
    try:
        page = tab.page
        page.locator(".job", has_text=mpg.name).first.get_by_role("button", name="Play").click()
        status = page.locator("#media-status")
        status.wait_for(state="visible")
        assert mpg.name in status.inner_text() and "can't play" in status.inner_text()
        page.locator("#cues li").first.wait_for()
        assert tab.errors == []
    finally:
        tab.page.context.close()
