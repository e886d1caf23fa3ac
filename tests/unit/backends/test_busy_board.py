"""The pool's busy flags as each worker reads them: a second stream only beside idle cores."""

from __future__ import annotations

import multiprocessing

from jamak.backends.embedded.busy import BusyBoard, shared_flags


def test_a_worker_decodes_on_as_many_streams_as_workers_are_not_busy() -> None:
    flags = [False, False, False]
    first, second, third = (BusyBoard(flags, index) for index in range(3))
    assert first() == 3
    first.mark(True)
    assert first() == 3  # its own job does not count against it
    assert second() == 2
    third.mark(True)
    assert second() == 1
    first.mark(False)
    assert (second(), third()) == (2, 3)


def test_a_lone_worker_always_has_one_stream() -> None:
    board = BusyBoard([False], 0)
    board.mark(True)
    assert board() == 1


def test_the_flags_start_clear_in_shared_memory() -> None:
    flags = shared_flags(multiprocessing.get_context("spawn"), 2)
    one, other = BusyBoard(flags, 0), BusyBoard(flags, 1)
    assert one() == 2
    other.mark(True)
    assert one() == 1
