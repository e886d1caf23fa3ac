"""``jamak transcribe FILE...``: subtitles for local files, one model load for all of them."""

from __future__ import annotations

import functools
import os
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path, PurePath
from typing import Annotated, Literal

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeRemainingColumn,
)
from rich.text import Text

from jamak.asr.cpu import usable_cores
from jamak.asr.faster_whisper import resolve_device
from jamak.asr.heap import keep_freed_memory
from jamak.asr.options import RecognitionOptions
from jamak.asr.options import Task as TaskName
from jamak.asr.recognizer import Recognizer
from jamak.asr.speed import Speed, with_speed
from jamak.backends.embedded.sizing import available_memory_bytes, default_worker_count
from jamak.bootstrap import build_model_registry, job_limits
from jamak.cli.inputs import Input, expand
from jamak.cli.loading import LoadingRecognizer, ModelNotLoadedError
from jamak.cli.startup import env_default
from jamak.errors import JamakError
from jamak.media import MediaLimits, longest_first
from jamak.pipeline import RenderedSubtitle, SubtitleRequest, transcribe_to_subtitles
from jamak.settings import Settings
from jamak.subtitles import formats
from jamak.subtitles.rules import CJK_LANGUAGES, SubtitleRules

DeviceName = Literal["cpu", "cuda", "auto"]

# The command's flags, named once here so its signature reads as a list of options.
FilesArgument = Annotated[
    list[Path],
    typer.Argument(help="Video or audio files, or folders of them.", show_default=False),
]
OutputDirOption = Annotated[
    Path, typer.Option("--output-dir", "-o", help="Where <input stem>.<ext> files go.")
]
FormatOption = Annotated[
    str, typer.Option("--format", "-f", help="Comma-separated: srt,vtt,txt,tsv,json,smi, or all.")
]
ModelOption = Annotated[
    str | None,
    typer.Option(help="Model name or CTranslate2 folder.", show_default=env_default("model")),
]
LanguageOption = Annotated[str, typer.Option(help="'auto' or a language code (ko, en...).")]
TaskOption = Annotated[TaskName, typer.Option(help="'translate' writes English.")]
BatchSizeOption = Annotated[
    int | None,
    typer.Option(min=1, help="Windows per batch.", show_default=env_default("batch_size")),
]
BeamSizeOption = Annotated[
    int | None,
    typer.Option(min=1, help="The beam of a search.", show_default=env_default("beam_size")),
]
SpeedOption = Annotated[
    Speed | None,
    typer.Option(
        help="fast (greedy only), balanced (greedy; beam search where the decoder doubts) "
        "or accurate (beam search throughout).",
        show_default=env_default("speed"),
    ),
]
DeviceOption = Annotated[
    DeviceName | None, typer.Option(help="cpu, cuda or auto.", show_default=env_default("device"))
]
PromptOption = Annotated[str | None, typer.Option(help="Vocabulary or style to steer recognition.")]
HotwordsOption = Annotated[str | None, typer.Option(help="Words to favour.")]
_LINES, _CJK_LINES = SubtitleRules(), SubtitleRules.for_language(min(CJK_LANGUAGES))
MaxCharsOption = Annotated[
    int | None,
    typer.Option(
        min=4,
        show_default=f"{_LINES.max_chars_per_line}; "
        f"{', '.join(sorted(CJK_LANGUAGES))}: {_CJK_LINES.max_chars_per_line}",
    ),
]
MaxLinesOption = Annotated[int | None, typer.Option(min=1, show_default=str(_LINES.max_lines))]
AudioStreamOption = Annotated[
    int | None,
    typer.Option(min=0, help="Which audio stream (0 = first).", show_default="the first"),
]
JobsOption = Annotated[
    int | None,
    typer.Option(
        "--jobs",
        "-j",
        min=1,
        help="Decoding streams, and so files at once.",
        show_default="one per CPU core; 1 on a GPU",
    ),
]
SkipExistingOption = Annotated[
    bool,
    typer.Option(
        "--skip-existing",
        help="Leave out a file whose subtitles are all there already: a stopped run goes on.",
    ),
]


class AudioSecondsColumn(ProgressColumn):
    """ "12.0/95.5 s": progress in audio seconds, the unit users think in."""

    def render(self, task: Task) -> Text:
        total = f"{task.total:.1f}" if task.total is not None else "?"
        return Text(f"{task.completed:.1f}/{total} s", style="progress.download")


def register(app: typer.Typer) -> None:
    app.command("transcribe")(transcribe)


def transcribe(
    files: FilesArgument,
    output_dir: OutputDirOption = Path(),
    format_list: FormatOption = "srt",
    model: ModelOption = None,
    language: LanguageOption = "auto",
    task: TaskOption = "transcribe",
    batch_size: BatchSizeOption = None,
    beam_size: BeamSizeOption = None,
    speed: SpeedOption = None,
    device: DeviceOption = None,
    initial_prompt: PromptOption = None,
    hotwords: HotwordsOption = None,
    max_chars_per_line: MaxCharsOption = None,
    max_lines: MaxLinesOption = None,
    audio_stream: AudioStreamOption = None,
    jobs: JobsOption = None,
    skip_existing: SkipExistingOption = False,
) -> None:
    """Write subtitles for each FILE (a folder: each recording in it, at its place in the
    folder's tree); a file that fails is reported and the rest go on."""
    keep_freed_memory()  # first: before any other thread has an arena
    console = Console(stderr=True)
    request = _subtitle_request(format_list, max_chars_per_line, max_lines)
    settings = Settings()
    if device is not None:
        settings = settings.model_copy(update={"device": device})
    recognition = with_speed(
        RecognitionOptions(
            language=None if language == "auto" else language,
            task=task,
            beam_size=beam_size or settings.beam_size,
            batch_size=batch_size or settings.batch_size,
            initial_prompt=initial_prompt,
            hotwords=hotwords,
        ),
        speed or settings.speed,
    )
    settings, streams = _share_the_cores(settings, jobs=jobs)
    inputs, empty_folders = expand(files)
    for folder in empty_folders:
        console.print(
            f"[red]✗[/] {escape(str(folder))}: no audio or video files in this folder",
            soft_wrap=True,  # a path broken over two lines can't be copied back
        )
    if not inputs:  # nothing to read: no model to load
        _exit_if_failed(len(empty_folders), len(empty_folders), console)
    registry = build_model_registry(settings, workers=streams)
    parallel = max(1, min(streams, len(inputs)))
    output_dir.mkdir(parents=True, exist_ok=True)
    extensions = [fmt.extension for fmt in request.formats]
    name = model or settings.model
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="load") as loader:
        one_file = functools.partial(
            _transcribe_one,
            recognizer=LoadingRecognizer(name, loader.submit(registry.recognizer, name)),
            recognition=recognition,
            subtitles=request,
            output_dir=output_dir,
            audio_stream=audio_stream,
            limits=job_limits(settings).media,
        )
        try:
            failed = _transcribe_all(
                inputs,
                one_file,
                parallel=parallel,
                console=console,
                done=functools.partial(_written, output_dir=output_dir, extensions=extensions)
                if skip_existing
                else None,
            )
        except ModelNotLoadedError as err:
            console.print(f"[red]error:[/] {err}")
            raise typer.Exit(2) from err
        finally:
            registry.close()
    _exit_if_failed(failed + len(empty_folders), len(inputs) + len(empty_folders), console)


def _exit_if_failed(failed: int, total: int, console: Console) -> None:
    if failed:
        console.print(f"{failed} of {total} files failed")
        raise typer.Exit(1)


def _subtitle_request(
    format_list: str, max_chars_per_line: int | None, max_lines: int | None
) -> SubtitleRequest:
    try:
        return SubtitleRequest.named(
            formats.parse_format_list(format_list),
            max_chars_per_line=max_chars_per_line,
            max_lines=max_lines,
        )
    except JamakError as err:
        raise typer.BadParameter(str(err), param_hint="--format") from err


def _share_the_cores(settings: Settings, *, jobs: int | None) -> tuple[Settings, int]:
    """How many files at once, and the settings with each decoding stream's CPU threads.

    On a CPU the model runs one stream per core, each on one thread: CTranslate2 gains
    little from more threads on one decode (measured: the 66 eval clips in 59 s two at a
    time on one thread each, 85 s one after another on two threads), and greedy reads, in
    small batches, least of all. A single file uses every stream too, its chains read on
    all of them (a 12-minute recording: 25.5 s on two streams of one thread, 27.9 s
    on one stream of two). Files go at once up to the streams. A GPU batches instead.
    ``JAMAK_CPU_THREADS`` set gives each stream that many threads, and so fewer streams.
    """
    on_cpu = resolve_device(settings.device) == "cpu"
    if not on_cpu:
        return settings, jobs or 1
    # JAMAK_CPU_THREADS is each stream's threads: as many streams as the cores hold.
    fitting = max(1, usable_cores() // settings.cpu_threads) if settings.cpu_threads else None
    streams = jobs or min(fitting or _streams_that_fit(), _streams_that_fit())
    if not settings.cpu_threads:
        settings = settings.model_copy(update={"cpu_threads": max(1, usable_cores() // streams)})
    return settings, streams


def _transcribe_all(
    inputs: list[Input],
    one_file: Callable[..., bool],
    *,
    parallel: int,
    console: Console,
    done: Callable[[Input], bool] | None = None,
) -> int:
    """Every input through ``one_file``, ``parallel`` at once, but those ``done`` says are
    done; returns how many failed."""
    columns = (TextColumn("{task.description}"), BarColumn(), AudioSecondsColumn())
    with Progress(*columns, TimeRemainingColumn(), console=console) as progress:
        unique, clashing = _split_name_clashes(inputs)
        for clash, first in clashing:
            console.print(
                f"[red]✗[/] {escape(str(clash.source))}: would overwrite the subtitles of "
                f"{escape(str(first.source))} ({escape(str(clash.output_stem))}.*); rename it "
                "or give it its own --output-dir",
                soft_wrap=True,
            )
        if done is not None:  # after the clashes: a skipped file still owns its name
            left_out = len(unique)
            unique = [item for item in unique if not done(item)]
            if left_out := left_out - len(unique):
                console.print(f"{left_out} left out: their subtitles are there already")
        if parallel > 1:  # so the streams finish together
            sources = longest_first(dict.fromkeys(item.source for item in unique))
            rank = {path: order for order, path in enumerate(sources)}
            unique.sort(key=lambda item: rank[item.source])
        with ThreadPoolExecutor(max_workers=parallel, thread_name_prefix="file") as pool:
            succeeded = list(pool.map(functools.partial(one_file, progress=progress), unique))
    return succeeded.count(False) + len(clashing)


def _written(item: Input, *, output_dir: Path, extensions: list[str]) -> bool:
    """Whether every subtitle file ``item`` would write is there. Each is written whole or
    not at all (:func:`_write_atomically`), so one that is there is complete; a run stopped
    between two formats of a file leaves one missing, and the file is read again."""
    return all(item.output(output_dir, extension).is_file() for extension in extensions)


def _streams_that_fit() -> int:
    """Files at once: one per core, as memory allows (each holds its decoder's memory)."""
    return default_worker_count(usable_cores(), available_memory_bytes())


def _split_name_clashes(inputs: list[Input]) -> tuple[list[Input], list[tuple[Input, Input]]]:
    """Outputs are named ``<input stem>.<ext>``: a later input with an earlier one's output
    stem would overwrite its subtitles, so it is refused (with the input it clashes with)."""
    first_by_stem: dict[PurePath, Input] = {}
    unique: list[Input] = []
    clashing: list[tuple[Input, Input]] = []
    for item in inputs:
        first = first_by_stem.setdefault(item.output_stem, item)
        if first is item:
            unique.append(item)
        else:
            clashing.append((item, first))
    return unique, clashing


def _transcribe_one(
    item: Input,
    *,
    recognizer: Recognizer,
    recognition: RecognitionOptions,
    subtitles: SubtitleRequest,
    output_dir: Path,
    audio_stream: int | None,
    limits: MediaLimits,
    progress: Progress,
) -> bool:
    """Write one file's subtitles; False (after saying why) when the file failed."""
    path = item.source
    bar = progress.add_task(escape(item.label), total=None)

    def advance(done_s: float, total_s: float) -> None:
        progress.update(bar, completed=done_s, total=total_s)

    try:
        result = transcribe_to_subtitles(
            path,
            recognizer=recognizer,
            recognition=recognition,
            subtitles=subtitles,
            on_progress=advance,
            audio_stream=audio_stream,
            limits=limits,
        )
        for rendered in result.subtitles:
            target = item.output(output_dir, rendered.extension)
            target.parent.mkdir(parents=True, exist_ok=True)
            _write_atomically(target, rendered)
    except (JamakError, OSError) as err:
        progress.remove_task(bar)
        reason = err.strerror if isinstance(err, OSError) and err.strerror else err
        progress.console.print(
            f"[red]✗[/] {escape(str(path))}: {escape(str(reason))}", soft_wrap=True
        )
        return False
    return True


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
