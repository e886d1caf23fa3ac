"""``make bench-timing``: when subtitles appear, jamak against faster-whisper.

Builds the ground truth (:mod:`bench.timing.truth`) in ``--out``, decodes every clip once
with jamak's decoder, runs each system (:mod:`bench.timing.systems`) on the same samples
and prints tables (markdown) of the figures in :mod:`bench.timing.score`: one per
language and one over all clips (a target must hold in each language, not only on
average); the JSON with every number goes beside them. See bench/README.md, "Timing".
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

from bench.timing import truth
from bench.timing.score import Tally
from bench.timing.systems import SYSTEMS, open_systems
from jamak.media import decode_audio

ROWS = (
    ("word starts, median absolute error (natural sentences)", "word_start_median_abs_ms", "{} ms"),
    ("word starts, median signed error", "word_start_median_ms", "{:+} ms"),
    ("word starts within 200 ms", "word_start_within_200ms_pct", "{:.0f} %"),
    ("first word after a pause, median signed error", "first_word_median_ms", "{:+} ms"),
    ("first words after a pause more than 200 ms early", "first_word_early_over_200ms", "{}"),
    ("first words after a pause more than 100 ms late", "first_word_late_over_100ms", "{}"),
    ("cue starts 200 ms before to 100 ms after the first word", "cue_start_ok_pct", "{:.0f} %"),
    ("latest cue start after its first word", "cue_start_late_max_ms", "{:+} ms"),
    ("cue ends at or after the last word's end", "cue_end_at_or_after_pct", "{:.0f} %"),
    ("cue ends no more than 100 ms before it", "cue_end_within_100ms_pct", "{:.0f} %"),
    ("cues", "cues", "{}"),
    ("cues over no speech", "cues_over_no_speech", "{}"),
    ("readability rules broken", "readability_violations", "{}"),
    ("WER", "wer_pct", "{:.1f} %"),
    ("CER", "cer_pct", "{:.1f} %"),
)
LANGUAGES = {"en": "English", "ko": "Korean"}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, default=Path(__file__).parents[3] / "shared/eval")
    parser.add_argument("--model", default="base")
    parser.add_argument("--model-dir", type=Path, default=_model_dir())
    parser.add_argument("--out", type=Path, default=Path("bench/results"))
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--systems", default=",".join(SYSTEMS))
    args = parser.parse_args(argv)

    clips = truth.synthesized(args.out / "timing-audio")
    if args.corpus.is_dir():
        clips += truth.grid(args.corpus) + truth.textgrids(args.corpus)
    samples = {clip.name: decode_audio(clip.path).samples for clip in clips}
    systems = open_systems(args.model_dir, args.model, args.threads)
    groups = [lang for lang in LANGUAGES if any(c.language == lang for c in clips)] + ["all"]
    results: dict[str, dict[str, dict[str, float | int]]] = {group: {} for group in groups}
    conditions: dict[str, dict[str, dict[str, float | int]]] = {}
    for name in args.systems.split(","):
        started = time.perf_counter()
        tallies = {group: Tally() for group in groups}
        by_condition: dict[str, Tally] = {}
        for clip in clips:
            output = systems[name](samples[clip.name], clip.path, clip.language)
            for group in (clip.language, "all"):
                tallies[group].add(clip, output)
            by_condition.setdefault(clip.condition, Tally()).add(clip, output)
        wall = {"wall_s": round(time.perf_counter() - started, 1)}
        for group in groups:
            results[group][name] = tallies[group].row() | wall
        for condition, tally in by_condition.items():
            conditions.setdefault(condition, {})[name] = tally.row()
    tables = []
    for group in groups:
        chosen = [c.name for c in clips if group in ("all", c.language)]
        title = LANGUAGES.get(group, "All clips")
        tables.append(_table(results[group], chosen, args.model, title))
    tables.append(_condition_table(conditions))
    table = "\n\n".join(tables)
    print(table)
    args.out.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    everything = results | {"by_condition": conditions}
    (args.out / f"timing-{stamp}.json").write_text(json.dumps(everything, indent=2) + "\n")
    (args.out / f"timing-{stamp}.md").write_text(table + "\n")


def _model_dir() -> Path:
    from jamak.settings import Settings  # the same cache jamak uses

    return Settings().model_dir


def _table(
    results: dict[str, dict[str, float | int]], clips: list[str], model: str, title: str
) -> str:
    names = list(results)
    lines = [
        f"{title}: timing, model {model}, {len(clips)} clips: {', '.join(clips)}",
        "",
        "| | " + " | ".join(names) + " |",
        "|---|" + "---|" * len(names),
    ]
    for label, key, fmt in ROWS:
        lines.append(
            f"| {label} | " + " | ".join(fmt.format(results[n][key]) for n in names) + " |"
        )
    counts = results[names[0]]
    lines += [
        "",
        f"Scored: {counts['words_scored']} words inside sentences, "
        f"{counts['first_words_scored']} utterance onsets; cues are scored where their "
        f"first (last) word was heard right or opens (closes) an utterance: "
        f"{counts['cue_starts_scored']} starts ({counts['cue_starts_by_utterance']} by the "
        f"utterance alone) and {counts['cue_ends_scored']} ends "
        f"({counts['cue_ends_by_utterance']}) of {names[0]}'s.",
    ]
    return "\n".join(lines)


def _condition_table(conditions: dict[str, dict[str, dict[str, float | int]]]) -> str:
    """Cue starts within -200/+100 ms of the first word, per background (both languages),
    for every system: where a rule that holds on clean speech stops holding."""
    names = list(next(iter(conditions.values())))
    lines = [
        "By background (both languages): cue starts OK (scored), first words after a pause "
        "more than 200 ms early (of)",
        "",
        "| background | " + " | ".join(names) + " |",
        "|---|" + "---|" * len(names),
    ]
    for condition in sorted(conditions):
        rows = conditions[condition]
        cells = [
            f"{r['cue_start_ok_pct']:.0f} % ({r['cue_starts_scored']}); "
            f"{r['first_word_early_over_200ms']} ({r['first_words_scored']})"
            for r in (rows[n] for n in names)
        ]
        lines.append(f"| {condition} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
