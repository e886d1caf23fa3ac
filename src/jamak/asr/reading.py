"""How jamak reads a file's speech: chains of reads, batched side by side on a few workers.

A file's planned speech windows (:mod:`jamak.asr.windows`) are cut into chains, and each
chain is read as Whisper's sequential decoding reads a file: 30 seconds at a time with
timestamps, each read starting where Whisper stopped in the one before and prompted with the
text before it (:mod:`jamak.asr.prompts`), but skipping the non-speech between planned
windows. Reads of different chains fill a batch (a step), so the batch size buys speed and
never changes the text. What each read leaves is decided in :mod:`jamak.asr.keeping`.

Steps are run on threads here, not in the engine adapter: how many at once is all the
engine says (its worker count); which chains a step reads, and in what order results are
folded back, is reading design, pure Python that a fake decoder can drive. All bookkeeping
stays on the calling thread; the workers only decode and judge.

Chains are not tied to a worker. On a CPU a batch costs about the sum of its reads, so
chains held in fixed groups (one per worker) leave a core idle once the smaller group is
done: a 20-minute file of five chains on two cores spent its last 17 of 59 s on one core
(bench/README.md, "Chains that move between workers"). Instead, a free worker takes the
waiting chains with the most audio left, as many as keep the other workers fed.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Sequence, Set
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, replace

from jamak.asr.decoder import Decoder, SecondLook
from jamak.asr.keeping import Judge, Outcome, settle
from jamak.asr.prompts import PROMPT_TOKENS, chain_prompts
from jamak.asr.windows import Window, next_read, plan_chains
from jamak.transcript import Segment

log = logging.getLogger(__name__)

# Windows per chain: each is conditioned on the text of the one before it in its chain.
# Measured (bench/README.md, "Results (issue 14)"): 10 against 6 reads a 20-minute file with
# fewer short reads at chain ends (41 reads against 43, 9 % faster), no less accurately.
# Measured again on nine files on another CPU ("Chains of ten windows, measured again"):
# chains of six or eight are faster on some files, slower on others, and less accurate.
CHAIN_WINDOWS = 10
# A chain is done when less than this of its planned speech is left unread.
MIN_LEFT_S = 0.5
# At most this many reads per planned window: Whisper stopping early again and again is a
# decoder in trouble, not speech.
MAX_READS_PER_WINDOW = 4


@dataclass(frozen=True, slots=True)
class Chain:
    """Consecutive planned windows of one file (``speech``, and ``context`` widened), read
    in order; ``history`` is the text the next read is conditioned on, as tokens (Whisper's
    ``condition_on_previous_text``); ``reading`` is what the next read covers, if any."""

    speech: tuple[Window, ...]
    context: tuple[Window, ...]
    seek_s: float
    reading: Window | None
    history: tuple[int, ...] = ()
    segments: tuple[Segment, ...] = ()
    reads: int = 0

    @classmethod
    def start(cls, speech: Sequence[Window], context: Sequence[Window]) -> Chain:
        seek_s = context[0].start_s
        reading = next_read(seek_s, speech, context, min_left_s=MIN_LEFT_S)
        return cls(tuple(speech), tuple(context), seek_s, reading)

    @property
    def finished(self) -> bool:
        return self.reading is None

    @property
    def duration_s(self) -> float:
        return self.context[-1].end_s - self.context[0].start_s

    @property
    def read_s(self) -> float:
        if self.finished:
            return self.duration_s
        return self.seek_s - self.context[0].start_s

    @property
    def left_s(self) -> float:
        return self.duration_s - self.read_s

    def advanced(self, outcome: Outcome) -> Chain:
        """The chain after one more read: it goes on where Whisper stopped, or after the
        read when Whisper read it to its end. A chain that keeps stopping early ends."""
        if self.reading is None:
            raise RuntimeError("advanced a finished chain")
        history = () if outcome.reset else (self.history + outcome.tokens)[-PROMPT_TOKENS:]
        read = self.reading
        seek_s = read.end_s if outcome.resume_s is None else read.start_s + outcome.resume_s
        reading = next_read(seek_s, self.speech, self.context, min_left_s=MIN_LEFT_S)
        reads = self.reads + 1
        if reading is not None and reads >= MAX_READS_PER_WINDOW * len(self.speech):
            log.warning("stopped reading at %.1f s: Whisper kept stopping early", seek_s)
            reading = None
        return replace(
            self,
            seek_s=seek_s,
            reading=reading,
            history=history,
            segments=self.segments + outcome.segments,
            reads=reads,
        )


@dataclass(frozen=True, slots=True)
class Schedule:
    """How many chains one step reads: at most ``batch_size``, and few enough that each
    worker that may decode now has chains to read while any are waiting.

    The engine has ``parallel`` workers; ``room``, asked before each step, says how many of
    them may run now (None: all). A process that shares the machine with others (a worker of
    the embedded pool) decodes on one stream while they are busy, with every waiting chain
    in its batch, and on more once their cores are idle: measured on a 20-minute file in
    two parts on two busy workers, 9 % faster than two streams each (bench/README.md,
    "Streams that follow the idle cores"). The chains are fixed before any step, so the
    text never depends on it."""

    batch_size: int
    parallel: int
    room: Callable[[], int] | None = None

    def workers_now(self) -> int:
        if self.room is None:
            return self.parallel
        return max(1, min(self.parallel, self.room()))

    def first_step(self, chains: int) -> int:
        """The first step: a fair share of all the chains (language detection reads it);
        none of none."""
        share = math.ceil(chains / self.workers_now())
        return min(chains, max(1, min(self.batch_size, share)))

    def step(self, unfinished: int) -> int:
        """A later step: rounded down, so a chain is left waiting for the next free worker
        rather than a worker left waiting for chains that another holds."""
        return max(1, min(self.batch_size, unfinished // self.workers_now()))


def start_chains(speech: Sequence[Window], context: Sequence[Window]) -> tuple[Chain, ...]:
    """The file's chains, before any read. They depend only on the windows: the text never
    depends on the batch size or the workers."""
    return tuple(
        Chain.start(speech[chain.start : chain.stop], context[chain.start : chain.stop])
        for chain in plan_chains(len(speech), chain_windows=CHAIN_WINDOWS)
    )


def opening_steps(chains: Sequence[Chain], schedule: Schedule) -> tuple[list[int], ...]:
    """The steps that start the reading, one per worker: first the file's first chains,
    whose first reads detect the language, then fair shares of the rest. None of them
    depends on a read, so the engine can encode them all while the language is detected."""
    first = [i for i in range(schedule.first_step(len(chains))) if not chains[i].finished]
    steps = [first] if first else []
    free = schedule.workers_now() - len(steps)
    return (*steps, *steps_for_free_workers(chains, set(first), free, schedule))


def batches_of(
    chains: Sequence[Chain], steps: Sequence[Sequence[int]]
) -> tuple[tuple[Window, ...], ...]:
    """The windows that ``steps`` (chains by index) read next."""
    return tuple(
        tuple(chain.reading for i in step if (chain := chains[i]).reading is not None)
        for step in steps
    )


def read_chains(
    chains: Sequence[Chain],
    decoder: Decoder,
    judge: Judge,
    *,
    schedule: Schedule,
    initial_tokens: Sequence[int],
    report_share: Callable[[float], None],
    second_look: SecondLook | None = None,
    opening: Sequence[Sequence[int]] | None = None,
) -> tuple[Segment, ...]:
    """Every chain read to its end, at most ``schedule.parallel`` steps at a time. The
    reading opens with ``opening`` (by default :func:`opening_steps`; a caller that had the
    engine encode those batches passes the steps it encoded, as the room for workers may
    have changed since); then each free worker takes the waiting chains with the most audio
    left. Progress is the share of the chains' audio read (chains advance
    interleaved, not from the start of the file). The segments come back in file order,
    whatever order the steps finished in. ``second_look``: reads are greedy first, and those
    it picks searched again by beam (:meth:`Decoder.decode`)."""
    chains = list(chains)
    total_s = sum(chain.duration_s for chain in chains)
    with ThreadPoolExecutor(schedule.parallel, thread_name_prefix="decode") as pool:
        pending: dict[Future[list[Outcome]], list[int]] = {}

        def submit(members: Sequence[int]) -> None:
            chosen = [chains[i] for i in members]
            step = _Step(decoder, judge, initial_tokens, chosen, second_look)
            pending[pool.submit(step.run)] = list(members)

        def feed_free_workers() -> None:
            held = {index for members in pending.values() for index in members}
            free = schedule.workers_now() - len(pending)
            for members in steps_for_free_workers(chains, held, free, schedule):
                submit(members)

        try:
            for members in opening_steps(chains, schedule) if opening is None else opening:
                submit(members)
            while pending:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    members = pending.pop(future)
                    for index, outcome in zip(members, future.result(), strict=True):
                        chains[index] = chains[index].advanced(outcome)
                    report_share(sum(chain.read_s for chain in chains) / total_s)
                feed_free_workers()
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            raise
    return tuple(segment for chain in chains for segment in chain.segments)


def steps_for_free_workers(
    chains: Sequence[Chain], held: Set[int], free: int, schedule: Schedule
) -> list[list[int]]:
    """The chains (by index) that each of ``free`` workers reads next, given those ``held``
    by the steps in flight: the waiting chains with the most audio left first, in steps of
    :meth:`Schedule.step`, until the waiting chains or the free workers run out."""
    waiting = [i for i, chain in enumerate(chains) if not chain.finished and i not in held]
    size = schedule.step(len(held) + len(waiting))
    waiting.sort(key=lambda i: -chains[i].left_s)  # stable: file order among equals
    return [waiting[first : first + size] for first in range(0, len(waiting), size)][:free]


@dataclass(frozen=True, slots=True)
class _Step:
    """One read of each of some chains, prompts fixed when it is submitted; run on a
    worker, touching no shared state."""

    decoder: Decoder
    judge: Judge
    initial_tokens: Sequence[int]
    chains: Sequence[Chain]
    second_look: SecondLook | None

    def run(self) -> list[Outcome]:
        windows = [chain.reading for chain in self.chains if chain.reading is not None]
        prompts = chain_prompts([chain.history for chain in self.chains], self.initial_tokens)
        reads = self.decoder.decode(windows, prompts, second_look=self.second_look)
        fresh = list(self.initial_tokens)
        return [
            settle(
                self.decoder,
                window,
                prompt,
                read,
                self.judge,
                fresh_prompt=fresh if len(prompt) > len(fresh) else None,
                second_look=self.second_look,
            )
            for window, prompt, read in zip(windows, prompts, reads, strict=True)
        ]
