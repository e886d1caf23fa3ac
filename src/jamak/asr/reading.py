"""How jamak reads a file's speech: chains of reads, side by side in lanes.

A file's planned speech windows (:mod:`jamak.asr.windows`) are cut into chains, and each
chain is read as Whisper's sequential decoding reads a file: 30 seconds at a time with
timestamps, each read starting where Whisper stopped in the one before and prompted with the
text before it (:mod:`jamak.asr.prompts`), but skipping the non-speech between planned
windows. Reads of different chains fill a batch (a lane), so the batch size buys speed and
never changes the text. What each read leaves is decided in :mod:`jamak.asr.keeping`.

Lanes are run on threads here, not in the engine adapter: how many at once is all the
engine says (its worker count); which chain reads next, and in what order results are
folded back, is reading design, pure Python that a fake decoder can drive. All bookkeeping
stays on the calling thread; the workers only decode and judge.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, replace

from jamak.asr.decoder import Decoder, SecondLook
from jamak.asr.keeping import Judge, Outcome, settle
from jamak.asr.prompts import PROMPT_TOKENS, chain_prompts
from jamak.asr.windows import Window, next_read, plan_chains
from jamak.transcript import Segment

log = logging.getLogger(__name__)

# Windows per chain: each is conditioned on the text of the one before it in its chain.
# Measured (bench/README.md, "Speed presets"): 10 against 6 reads a 20-minute file with
# fewer short reads at chain ends (41 reads against 43, 9 % faster), no less accurately.
CHAIN_WINDOWS = 10
# A chain is done when less than this of its planned speech is left unread.
MIN_LEFT_S = 0.5
# At most this many reads per planned window: Whisper stopping early again and again is a
# decoder in trouble, not speech.
MAX_READS_PER_WINDOW = 4

Lanes = tuple[tuple["Chain", ...], ...]


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


def plan_lanes(
    speech: Sequence[Window], context: Sequence[Window], *, batch_size: int, parallel: int
) -> Lanes:
    """Chains decoded side by side, at most ``batch_size`` to a batch, and in at least
    ``parallel`` lanes when there are enough chains, so every engine worker has one. The
    chains themselves depend only on the windows: the text never depends on the lanes."""
    chains = [
        Chain.start(speech[chain.start : chain.stop], context[chain.start : chain.stop])
        for chain in plan_chains(len(speech), chain_windows=CHAIN_WINDOWS)
    ]
    size = max(1, min(batch_size, math.ceil(len(chains) / parallel)))
    return tuple(tuple(chains[first : first + size]) for first in range(0, len(chains), size))


def first_batch(lanes: Lanes) -> tuple[Window, ...]:
    """What the first lane reads first: the file's first speech, where its language is
    detected (and whose encoder output the engine can keep for that first read)."""
    return tuple(chain.reading for chain in lanes[0] if chain.reading is not None)


def read_lanes(
    lanes: Lanes,
    decoder: Decoder,
    judge: Judge,
    *,
    initial_tokens: Sequence[int],
    parallel: int,
    report_share: Callable[[float], None],
    second_look: SecondLook | None = None,
) -> tuple[Segment, ...]:
    """Every lane advances one read per chain per step, as soon as its last step is done;
    lanes run on ``parallel`` threads at once. Progress is the share of the chains' audio
    read (chains advance interleaved, not from the start of the file). The segments come
    back in file order, whatever order the lanes finished in. ``second_look``: reads are
    greedy first, and those it picks searched again by beam (:meth:`Decoder.decode`)."""
    chains = [chain for lane in lanes for chain in lane]
    bounds = [sum(len(lane) for lane in lanes[:index]) for index in range(len(lanes))]
    total_s = sum(chain.duration_s for chain in chains)
    with ThreadPoolExecutor(parallel, thread_name_prefix="decode") as pool:
        pending: dict[Future[list[Outcome]], list[int]] = {}

        def submit(members: Sequence[int]) -> None:
            active = [index for index in members if not chains[index].finished]
            if active:
                chosen = [chains[i] for i in active]
                step = _Step(decoder, judge, initial_tokens, chosen, second_look)
                pending[pool.submit(step.run)] = active

        try:
            for lane, first in zip(lanes, bounds, strict=True):
                submit(range(first, first + len(lane)))
            while pending:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    active = pending.pop(future)
                    for index, outcome in zip(active, future.result(), strict=True):
                        chains[index] = chains[index].advanced(outcome)
                    report_share(sum(chain.read_s for chain in chains) / total_s)
                    submit(active)
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            raise
    return tuple(segment for chain in chains for segment in chain.segments)


@dataclass(frozen=True, slots=True)
class _Step:
    """One read of each active chain of a lane, prompts fixed when it is submitted; run on
    a worker, touching no shared state."""

    decoder: Decoder
    judge: Judge
    initial_tokens: Sequence[int]
    chains: Sequence[Chain]
    second_look: SecondLook | None

    def run(self) -> list[Outcome]:
        windows = [chain.reading for chain in self.chains if chain.reading is not None]
        prompts = chain_prompts([chain.history for chain in self.chains], self.initial_tokens)
        reads = self.decoder.decode(windows, prompts, second_look=self.second_look)
        return [
            settle(self.decoder, window, prompt, read, self.judge)
            for window, prompt, read in zip(windows, prompts, reads, strict=True)
        ]
