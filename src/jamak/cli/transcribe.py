"""``jamak transcribe FILE...``: subtitles for local files, one model load for all of them."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Annotated, Literal

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
)
from rich.text import Text

from jamak.asr.options import RecognitionOptions
from jamak.cli.common import build_registry
from jamak.errors import JamakError
from jamak.pipeline import RenderedSubtitle, render_subtitles, transcribe_file
from jamak.settings import Settings
from jamak.subtitles import formats
from jamak.subtitles.rules import SubtitleRules

TaskName = Literal["transcribe", "translate"]
DeviceName = Literal["cpu", "cuda", "auto"]


class AudioSecondsColumn(ProgressColumn):
    """ "12.0/95.5 s": progress in audio seconds, the unit users think in."""

    def render(self, task: Task) -> Text:
        total = f"{task.total:.1f}" if task.total is not None else "?"
        return Text(f"{task.completed:.1f}/{total} s", style="progress.download")


def register(app: typer.Typer) -> None:
    app.command("transcribe")(transcribe)


def transcribe(
    files: Annotated[list[Path], typer.Argument(help="Video or audio files.", show_default=False)],
    output_dir: Annotated[
        Path, typer.Option("--output-dir", "-o", help="Where <input stem>.<ext> files go.")
    ] = Path(),
    format_list: Annotated[
        str, typer.Option("--format", "-f", help="Comma-separated: srt,vtt,txt,tsv,json.")
    ] = "srt",
    model: Annotated[
        str | None, typer.Option(help="Model name or CTranslate2 folder [default: base].")
    ] = None,
    language: Annotated[str, typer.Option(help="'auto' or a language code (ko, en...).")] = "auto",
    task: Annotated[TaskName, typer.Option(help="'translate' writes English.")] = "transcribe",
    batch_size: Annotated[int | None, typer.Option(min=1, help="Windows per batch.")] = None,
    beam_size: Annotated[int | None, typer.Option(min=1)] = None,
    device: Annotated[DeviceName | None, typer.Option(help="cpu, cuda or auto.")] = None,
    initial_prompt: Annotated[
        str | None, typer.Option(help="Vocabulary or style to steer recognition.")
    ] = None,
    hotwords: Annotated[str | None, typer.Option(help="Words to favour.")] = None,
    max_chars_per_line: Annotated[int | None, typer.Option(min=4)] = None,
    max_lines: Annotated[int | None, typer.Option(min=1)] = None,
    audio_stream: Annotated[
        int | None, typer.Option(min=0, help="Which audio stream (0 = first).")
    ] = None,
) -> None:
    """Write subtitles for each FILE; a file that fails is reported and the rest go on."""
    console = Console(stderr=True)
    try:
        format_names = formats.parse_format_list(format_list)
    except JamakError as err:
        raise typer.BadParameter(str(err), param_hint="--format") from err
    settings = Settings()
    if device is not None:
        settings = settings.model_copy(update={"device": device})
    options = RecognitionOptions(
        language=None if language == "auto" else language,
        task=task,
        beam_size=beam_size or settings.beam_size,
        batch_size=batch_size or settings.batch_size,
        initial_prompt=initial_prompt,
        hotwords=hotwords,
    )
    registry = build_registry(settings)
    try:
        recognizer = registry.recognizer(model or settings.model)
    except JamakError as err:
        console.print(f"[red]error:[/] {err}")
        raise typer.Exit(2) from err

    output_dir.mkdir(parents=True, exist_ok=True)
    failed = 0
    columns = (TextColumn("{task.description}"), BarColumn(), AudioSecondsColumn())
    with Progress(*columns, TimeRemainingColumn(), console=console) as progress:
        for path in files:
            bar = progress.add_task(path.name, total=None)

            def advance(done_s: float, total_s: float, bar: TaskID = bar) -> None:
                progress.update(bar, completed=done_s, total=total_s)

            try:
                transcript = transcribe_file(
                    path,
                    recognizer=recognizer,
                    options=options,
                    on_progress=advance,
                    audio_stream=audio_stream,
                )
                rules = SubtitleRules.for_language(transcript.language).with_overrides(
                    max_chars_per_line=max_chars_per_line, max_lines=max_lines
                )
                for rendered in render_subtitles(
                    transcript, format_names=format_names, rules=rules
                ):
                    _write_atomically(output_dir / f"{path.stem}.{rendered.extension}", rendered)
            except (JamakError, OSError) as err:
                failed += 1
                progress.remove_task(bar)
                reason = err.strerror if isinstance(err, OSError) and err.strerror else err
                console.print(
                    f"[red]✗[/] {escape(str(path))}: {escape(str(reason))}", soft_wrap=True
                )
    registry.close()
    if failed:
        console.print(f"{failed} of {len(files)} files failed")
        raise typer.Exit(1)


def _write_atomically(target: Path, rendered: RenderedSubtitle) -> None:
    """A reader (a video player watching the folder) never sees a half-written file."""
    handle, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(rendered.text)
        Path(tmp).replace(target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
