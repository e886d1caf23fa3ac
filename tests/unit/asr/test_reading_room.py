"""Steps sized by the room a shared machine leaves: how many workers may decode now."""

from __future__ import annotations

import itertools
from collections.abc import Callable

from jamak.asr.keeping import Judge
from jamak.asr.reading import CHAIN_WINDOWS, Schedule, opening_steps, read_chains, start_chains
from jamak.asr.windows import Window
from tests.unit.asr.fake_whisper import FakeDecoder, HeardEverywhere, SpokenWord, read_words

JUDGE = Judge(HeardEverywhere(), 0.3)


def _windows(count: int) -> list[Window]:
    return [Window(40.0 * i, 40.0 * i + 20.0) for i in range(count)]


def test_the_room_bounds_the_workers_between_one_and_all() -> None:
    assert Schedule(8, 2).workers_now() == 2
    assert Schedule(8, 2, lambda: 1).workers_now() == 1
    assert Schedule(8, 2, lambda: 0).workers_now() == 1
    assert Schedule(8, 2, lambda: 5).workers_now() == 2


def test_with_room_for_one_worker_a_step_reads_every_waiting_chain() -> None:
    """A busy machine: one stream, every chain in its batch (the batch stays full)."""
    narrow = Schedule(batch_size=8, parallel=2, room=lambda: 1)
    assert (narrow.first_step(5), narrow.step(5)) == (5, 5)
    five = start_chains(_windows(5 * CHAIN_WINDOWS), _windows(5 * CHAIN_WINDOWS))
    assert opening_steps(five, narrow) == ([0, 1, 2, 3, 4],)
    assert opening_steps(five, Schedule(8, 2, lambda: 2)) == ([0, 1, 2], [3, 4])


def _read_with(room: Callable[[], int] | None, parallel: int) -> tuple[FakeDecoder, list[str]]:
    speech = _windows(4 * CHAIN_WINDOWS - 6)  # four chains
    words = [SpokenWord(i, w.start_s + 1.0) for i, w in enumerate(speech, start=1)]
    decoder = FakeDecoder(lambda window, prompt, _: read_words(window, words))
    segments = read_chains(
        start_chains(speech, speech),
        decoder,
        JUDGE,
        schedule=Schedule(batch_size=8, parallel=parallel, room=room),
        initial_tokens=(),
        report_share=lambda share: None,
    )
    return decoder, [segment.text for segment in segments]


def test_the_text_is_the_same_however_the_room_changes() -> None:
    """Other workers start and finish their jobs while a file is read: the steps change
    size, the words do not."""
    _, alone = _read_with(None, 1)
    rooms = itertools.cycle([1, 2, 2, 1])
    decoder, shared = _read_with(lambda: next(rooms), 2)
    assert shared == alone
    assert len(decoder.calls) > len({len(windows) for windows, _ in decoder.calls}) > 1


def test_on_a_busy_machine_each_step_holds_every_chain_left() -> None:
    decoder, _ = _read_with(lambda: 1, 2)
    assert [len(windows) for windows, _ in decoder.calls][:3] == [4, 4, 4]
