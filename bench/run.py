"""``python -m bench.run``: jamak against faster-whisper, side by side, in one command.

Order of work: read the corpus, resolve the model folder (the one jamak itself loads), decode
every clip once, build the long recordings (the joined clips, and one speaker's sentences:
bench/recordings.py), then run each system on the clips and on each long recording, score
what each wrote, profile jamak and fw-batched stage by stage on each long recording
(bench/profile.py), time a short job behind the long ones on jamak-service, and report. Each
system runs in a scratch folder that is removed at the end; only the report and the
one-speaker recordings (``--out``/recordings, reused by later runs) are kept.
"""

from __future__ import annotations

import argparse
import logging
import os
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import corpus, longform, machine, profile, recordings, report, scoring
from bench.anchors import ANCHOR_SEED
from bench.report import Row, Section
from bench.runners import (
    REPO_ROOT,
    SYSTEMS,
    Decoding,
    JamakServiceRunner,
    RunFailedError,
    Runner,
    SystemUnavailableError,
    build_runners,
)
from bench.workload import Workload, prepare
from jamak.asr.registry import ModelRegistry
from jamak.backends.embedded.sizing import usable_cores
from jamak.settings import Settings

log = logging.getLogger("bench")

DEFAULT_CORPUS = REPO_ROOT.parent / "shared" / "eval"
DEFAULT_OUT = REPO_ROOT / "bench" / "results"
LONG_MINUTES = 20.0
QUICK_LONG_MINUTES = 1.0


@dataclass(frozen=True, slots=True)
class Job:
    """One section of the benchmark: a workload and how to score text produced for it."""

    section: str
    title: str
    speed_label: str
    workload: Workload
    clips: tuple[corpus.Clip, ...]  # scored per clip (the clip workload)
    long: longform.LongRecording | None = None  # scored as one text (the long workload)

    def score(self, texts: dict[str, str]) -> scoring.Scores:
        if self.long is None:
            return scoring.score(self.clips, texts)
        pair = (self.long.reference, texts.get("long", ""))
        return scoring.Scores((scoring.error_rate(self.long.language, [pair]),), 0, 0)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="evaluation folder")
    parser.add_argument("--languages", default="en,none", help="manifest languages to run")
    parser.add_argument("--model", default="base", help="a model name jamak knows")
    parser.add_argument("--model-dir", type=Path, help="jamak's model cache [JAMAK_MODEL_DIR]")
    parser.add_argument("--systems", default=",".join(SYSTEMS), help="comma list, in order")
    parser.add_argument("--long-minutes", type=float, help=f"0: skip [{LONG_MINUTES:g}]")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where reports go")
    parser.add_argument("--threads", type=int, help="CPU threads [all usable cores]")
    parser.add_argument("--beam-size", type=int, default=5)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--compute-type", default="int8")
    parser.add_argument(
        "--anchor-seed",
        type=int,
        default=ANCHOR_SEED,
        help="seed of faster-whisper's sampled re-reads (fw-sequential's fallback)",
    )
    parser.add_argument(
        "--cpu-isa",
        choices=("GENERIC", "AVX", "AVX2", "AVX512", "NEON"),
        help="force CTranslate2's CPU kernel family for every system [its own choice]",
    )
    parser.add_argument("--repeat", type=int, default=1, help="runs per system; the fastest counts")
    parser.add_argument("--quick", action="store_true", help="a handful of clips, 1-min long file")
    parser.add_argument("--clips", type=int, help="only the first N clips of the corpus")
    parser.add_argument(
        "--service-workers", type=int, help="jamak-service's worker processes [sized by jamak]"
    )
    parser.add_argument(
        "--recordings",
        default=",".join(r.name for r in recordings.RECIPES),
        help="one-speaker long recordings besides the joined clips ('' for none)",
    )
    parser.add_argument(
        "--profile",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="per-stage profile of jamak and fw-batched on each long file",
    )
    parser.add_argument(
        "--latency",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="jamak-service: a short job's wait behind the long files, against alone",
    )
    parser.add_argument("--short-clip", default="en_jfk", help="the short job of --latency")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", datefmt="%H:%M:%S")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per poll is noise here
    args = parse_args(argv)
    if args.cpu_isa:
        # Every system runs in a child process, which CTranslate2 reads this in.
        os.environ["CT2_FORCE_CPU_ISA"] = args.cpu_isa
    clips = corpus.read_corpus(args.corpus, languages=args.languages.split(","))
    every_clip = clips  # the one-speaker recordings take their clips from the whole corpus
    if args.quick:
        clips = corpus.quick_selection(clips)
    if args.clips:
        clips = clips[: args.clips]
    if not clips:
        raise SystemExit(f"no clips of {args.languages} in {args.corpus}")
    decoding = _decoding(args)
    facts = machine.describe()  # before the run: how busy the machine was to begin with
    runners = build_runners(args.systems.split(","), decoding, service_workers=args.service_workers)
    long_minutes = args.long_minutes
    if long_minutes is None:
        long_minutes = QUICK_LONG_MINUTES if args.quick else LONG_MINUTES
    with tempfile.TemporaryDirectory(prefix="jamak-bench-") as scratch_dir:
        scratch = Path(scratch_dir)
        kept = args.out / "recordings"
        chosen = [r for r in recordings.RECIPES if r.name in args.recordings.split(",")]
        jobs = _jobs(clips, long_minutes, scratch, every_clip, chosen, kept)
        _warm_page_cache([decoding.model_path, *(c.path for c in clips)])
        sections = [
            _run_section(job, runners, scratch / job.section, repeat=args.repeat) for job in jobs
        ]
        if args.profile:
            pairs = zip(sections, jobs, strict=True)
            sections = [_profiled(section, job, decoding, scratch) for section, job in pairs]
        latency = None
        long_media = [job.workload.items[0].media_path for job in jobs if job.long is not None]
        if args.latency and long_media and "jamak-service" in args.systems.split(","):
            short = _short_clip(every_clip, clips, args.short_clip)
            latency = _latency(runners, long_media, short, scratch / "latency")
    _report(sections, args, decoding, clips, facts, latency)
    return 0


def _decoding(args: argparse.Namespace) -> Decoding:
    settings = Settings()
    model_dir = args.model_dir or settings.model_dir
    registry = ModelRegistry(model_dir=model_dir, allow_download=settings.allow_download)
    model_path = registry.resolve(args.model)
    return Decoding(
        model=args.model,
        model_path=model_path,
        model_dir=model_dir,
        compute_type=args.compute_type,
        threads=args.threads or usable_cores(),
        beam_size=args.beam_size,
        batch_size=args.batch_size,
        anchor_seed=args.anchor_seed,
    )


def _jobs(
    clips: tuple[corpus.Clip, ...],
    long_minutes: float,
    scratch: Path,
    every_clip: Sequence[corpus.Clip] = (),
    chosen: Sequence[recordings.Recipe] = (),
    kept: Path | None = None,
) -> list[Job]:
    log.info("decoding %d clips once for the anchors", len(clips))
    decoded = prepare("clips", [(c.name, c.path) for c in clips], scratch / "audio")
    title = f"{len(clips)} clips, {decoded.audio_s:.1f} s of audio"
    jobs = [Job("clips", title, "audio s/s", decoded, clips)]
    if long_minutes > 0:
        path = scratch / "long.mp3"
        recording = longform.build(clips, decoded, target_s=long_minutes * 60, path=path)
        log.info(
            "built a %.1f-minute recording from %d clips",
            recording.duration_s / 60,
            recording.clip_count,
        )
        workload = prepare("long", [("long", path)], scratch / "audio")
        minutes = workload.audio_s / 60
        title = f"one long file, {minutes:.1f} min (MP3, {recording.clip_count} clips joined)"
        jobs.append(Job("long", title, "x real time", workload, clips, recording))
    for recipe in chosen if long_minutes > 0 else ():
        folder = kept or scratch / "recordings"
        built = recordings.build(recipe, every_clip, target_s=long_minutes * 60, folder=folder)
        if built is None:
            log.info("no recording %s: fewer than two of its clips in the corpus", recipe.name)
            continue
        long = built.recording
        log.info(
            "%s %s (%.1f min, %d clips)",
            "reused" if built.reused else "built",
            long.path,
            long.duration_s / 60,
            long.clip_count,
        )
        section = f"long-{recipe.name}"
        workload = prepare("long", [("long", long.path)], scratch / section / "audio")
        title = f"{recipe.title}: {workload.audio_s / 60:.1f} min (MP3, {long.clip_count} clips)"
        jobs.append(Job(section, title, "x real time", workload, clips, long))
    return jobs


def _profiled(section: Section, job: Job, decoding: Decoding, scratch: Path) -> Section:
    """The section with a stage profile of jamak and fw-batched on its long file."""
    if job.long is None:
        return section
    media = job.workload.items[0].media_path
    found = []
    for system in profile.SYSTEMS:
        log.info("%s: profiling %s", job.section, system)
        found.append(
            profile.measure(system, decoding, media, scratch / "profile" / job.section / system)
        )
    return replace(section, profiles=tuple(found))


def _short_clip(
    every_clip: Sequence[corpus.Clip], clips: Sequence[corpus.Clip], name: str
) -> corpus.Clip:
    named = [clip for clip in every_clip if clip.name == name]
    speech = [clip for clip in clips if clip.is_speech]
    return (named or speech or list(clips))[0]


def _latency(
    runners: Sequence[Runner], long_media: list[Path], short: corpus.Clip, scratch: Path
) -> dict[str, Any]:
    service = next(r for r in runners if isinstance(r, JamakServiceRunner))
    scratch.mkdir(parents=True)
    log.info("latency: %s behind %d long file(s) on jamak-service", short.name, len(long_media))
    try:
        return service.latency(long_media, short.path, scratch)
    except (SystemUnavailableError, RunFailedError, OSError) as err:
        log.error("latency: %s", err)
        return {"note": f"failed: {err}"}


def _warm_page_cache(paths: Sequence[Path]) -> None:
    """Read the model and the media once, so the first system does not pay for a cold disk."""
    for path in paths:
        for file in sorted(path.iterdir()) if path.is_dir() else [path]:
            with file.open("rb") as handle:
                while handle.read(1 << 24):
                    pass


def _run_section(job: Job, runners: Sequence[Runner], scratch: Path, *, repeat: int) -> Section:
    rows = [
        _fastest(_run_one(job, runner, scratch / f"{runner.name}-{n}") for n in range(repeat))
        for runner in runners
    ]
    workload = job.workload
    return Section(
        job.section,
        job.title,
        job.speed_label,
        len(workload.items),
        workload.audio_s,
        workload.decode_s,
        tuple(rows),
    )


def _fastest(rows: Iterable[Row]) -> Row:
    """The best of repeated runs: on a shared machine, slower runs measure the neighbours."""
    ran = list(rows)
    timed = [row for row in ran if row.wall_s is not None]
    return min(timed, key=lambda row: row.wall_s or 0.0) if timed else ran[-1]


def _run_one(job: Job, runner: Runner, scratch: Path) -> Row:
    scratch.mkdir(parents=True)
    audio_s = job.workload.audio_s
    load = os.getloadavg()[0]
    log.info("%s: %s on %.0f s of audio (load %.1f)", job.section, runner.name, audio_s, load)
    try:
        result = runner.run(job.workload, scratch)
    except SystemUnavailableError as err:
        log.warning("%s: %s", runner.name, err)
        return Row(runner.name, audio_s, note=str(err))
    except (RunFailedError, OSError, ValueError) as err:
        log.error("%s failed: %s", runner.name, err)
        return Row(runner.name, audio_s, note=f"failed: {err}")
    log.info("%s: %.1f s wall, %.2f audio s/s", runner.name, result.wall_s, audio_s / result.wall_s)
    return Row(
        runner.name,
        audio_s,
        result.wall_s,
        result.peak_rss_bytes,
        job.score(dict(result.texts)),
        result.failed,
        timings_s=result.timings_s,
        texts=result.texts,
        load_before=load,
    )


def _report(
    sections: list[Section],
    args: argparse.Namespace,
    decoding: Decoding,
    clips: Sequence[corpus.Clip],
    facts: dict[str, str | int | float],
    latency: dict[str, Any] | None = None,
) -> None:
    now = datetime.now(UTC)
    meta: dict[str, Any] = {
        "date": now.isoformat(timespec="seconds"),
        "machine": facts,
        "decoding": {
            "model": decoding.model,
            "model_path": str(decoding.model_path),
            "device": "cpu",
            "compute_type": decoding.compute_type,
            "cpu_kernels": facts["cpu_kernels"],
            "cpu_matrix_library": facts.get("cpu_matrix_library", ""),
            "threads": decoding.threads,
            "beam_size": decoding.beam_size,
            "batch_size": decoding.batch_size,
            "anchor_seed": decoding.anchor_seed,
            "language": "auto",
        },
        "corpus": {
            "folder": str(args.corpus),
            "languages": args.languages,
            "quick": args.quick,
            "service_workers": args.service_workers or "sized by jamak",
            "clips": len(clips),
            "scored_speech_clips": sum(c.is_speech and c.reference_verified for c in clips),
            "unscored_clips": [c.name for c in clips if not c.scored],
        },
    }
    library = facts.get("cpu_matrix_library")
    print(
        f"\njamak benchmark {meta['date']} on {meta['machine']['cpu']}, "
        f"{decoding.threads} threads: model {decoding.model}, {decoding.compute_type}, CPU "
        f"kernels {facts['cpu_kernels']}{', matrix library ' + library if library else ''}, "
        f"beam {decoding.beam_size}, batch {decoding.batch_size}"
    )
    for section in sections:
        print()
        print(report.table(section))
        for found in section.profiles:
            print()
            print(profile.table(found))
    if latency is not None:
        meta["latency"] = latency
        print()
        print(report.latency_table(latency))
    args.out.mkdir(parents=True, exist_ok=True)
    stem = args.out / f"bench-{now:%Y%m%d-%H%M%S}"
    written = [report.write_json(report.document(sections, meta=meta), stem.with_suffix(".json"))]
    written.append(
        report.write_json(report.texts(sections), stem.with_name(stem.name + "-texts.json"))
    )
    picture = report.plot(sections, stem.with_suffix(".png"))
    if picture is not None:
        written.append(picture)
    print("\nwritten: " + ", ".join(str(path) for path in written))


if __name__ == "__main__":
    raise SystemExit(main())
