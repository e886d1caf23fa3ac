"""The stage profile's accounting: exclusive stages, calls counted, the rest as "other"."""

from __future__ import annotations

from typing import Any

from bench.profile import LAYOUTS, Stages, TimedFeatures, TimedModel, table


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class FakeWhisper:
    """A stand-in CTranslate2 model: each method takes a known time on the fake clock."""

    is_multilingual = True

    def __init__(self, clock: Clock) -> None:
        self.clock = clock

    def encode(self, features: Any) -> str:
        self.clock.now += 2.0
        return "encoded"

    def generate(self, encoded: Any, prompts: Any) -> list[str]:
        self.clock.now += 3.0
        return ["read"]

    def align(self, *args: Any) -> list[int]:
        self.clock.now += 0.5
        return []


def test_model_calls_are_timed_per_stage_and_the_rest_passes_through() -> None:
    clock = Clock()
    stages = Stages(clock=clock)
    model = TimedModel(FakeWhisper(clock), stages)

    assert model.encode("features") == "encoded"
    assert model.generate("encoded", []) == ["read"]
    model.generate("encoded", [])
    model.align()
    assert model.is_multilingual is True

    assert stages.seconds == {"encoder": 2.0, "decoder": 6.0, "alignment": 0.5}
    assert stages.calls == {"encoder": 1, "decoder": 2, "alignment": 1}


def test_a_retry_owns_the_engine_time_inside_it() -> None:
    clock = Clock()
    stages = Stages(clock=clock)
    model = TimedModel(FakeWhisper(clock), stages)

    model.generate("encoded", [])
    with stages.stage("retries"):
        model.encode("features")
        model.generate("encoded", [])

    assert stages.seconds == {"decoder": 3.0, "retries": 5.0}
    assert stages.calls == {"decoder": 2, "retries": 1, "encoder": 1}


def test_the_table_puts_uncovered_time_in_other_in_stage_order() -> None:
    clock = Clock()
    stages = Stages(clock=clock)
    features = TimedFeatures(lambda audio: clock.__setattr__("now", clock.now + 1.0), stages)
    features("audio")
    with stages.stage("media"):
        clock.now += 1.0

    rows = stages.table(wall_s=4.0)

    assert [row["stage"] for row in rows] == ["media", "features", "other"]
    assert [row["seconds"] for row in rows] == [1.0, 1.0, 2.0]
    assert [row["share_of_wall"] for row in rows] == [0.25, 0.25, 0.5]
    assert rows[-1]["calls"] is None


def printed_profile(stages: list[dict[str, Any]], **cpu: Any) -> str:
    """The table of a jamak profile of a minute of audio on "Some CPU", its ``cpu`` facts."""
    return table(
        {
            "system": "jamak",
            "machine": {"cpu": "Some CPU", "cpu_kernels": "AVX2", "cores": 2},
            "threads": 2,
            "audio_s": 60.0,
            "wall_s": 4.0,
            "stages": stages,
            "cpu": cpu,
        }
    )


def test_the_printed_table_names_the_machine_and_the_cores() -> None:
    text = printed_profile(
        [{"stage": "encoder", "seconds": 1.0, "share_of_wall": 0.25, "calls": 3}],
        busy_share_per_core=[0.5, 1.0],
        idle_share_of_core_time=0.25,
        own_share_of_core_time=0.7,
    )
    assert "Some CPU" in text and "AVX2" in text
    assert "25.0%" in text and "idle 25%" in text
    assert "in the kernel" not in text  # a report from before the kernel's share was kept


def test_the_printed_table_says_how_much_of_the_process_time_the_kernel_took() -> None:
    text = printed_profile(
        [],
        busy_share_per_core=[1.0, 1.0],
        idle_share_of_core_time=0.0,
        own_cpu_s=8.0,
        own_share_of_core_time=1.0,
        own_kernel_cpu_s=2.0,
    )
    assert "25% of that in the kernel" in text


def test_the_printed_table_says_what_its_seconds_are_and_the_core_time_used() -> None:
    """A stage's seconds are thread time for jamak's streams and wall time for the
    pipeline's calls on all threads: the header says which, and the cores' own time is
    the figure the two share."""
    profile = {
        "system": "fw-batched",
        "machine": {"cpu": "Some CPU", "cpu_kernels": "AVX2", "cores": 2},
        "threads": 2,
        "layout": LAYOUTS["fw-batched"].format(threads=2),
        "audio_s": 60.0,
        "wall_s": 4.0,
        "stages": [],
        "cpu": {
            "busy_share_per_core": [1.0, 1.0],
            "idle_share_of_core_time": 0.0,
            "own_cpu_s": 7.5,
            "own_share_of_core_time": 0.94,
        },
    }
    text = table(profile)
    assert "one call at a time on 2 threads: stage seconds are wall time" in text
    assert "(7.5 core-seconds)" in text


def test_an_older_profile_without_its_layout_still_prints_its_threads() -> None:
    assert "2 threads)" in printed_profile(
        [], busy_share_per_core=[1.0], idle_share_of_core_time=0.0, own_share_of_core_time=1.0
    )


def test_a_profile_that_did_not_run_says_why() -> None:
    assert "exit code 1" in table({"system": "fw-batched", "note": "failed: exit code 1"})
