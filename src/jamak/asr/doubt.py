"""When a greedy read is worth a beam search: the decoder's own doubt about it.

Beam search costs a CPU about twice the decoding time of a greedy read, and on most speech
it writes the same words: a beam helps where the best next token is a close call. The
decoder says where that is. A read whose average log-probability is low had close calls
(or guessed), and a read that loops is greedy decoding's typical failure (openai/whisper
falls back on the same two signs, there from beam search to sampling). Only those reads are
read again by beam search (``balanced``, :mod:`jamak.asr.speed`); the threshold is
measured in bench/README.md ("Speed presets") across kernel families.
"""

from __future__ import annotations

from jamak.asr.decoder import DecodedRead
from jamak.asr.keeping import loops

# A greedy read with an average log-probability under this is read again by beam search.
DOUBTFUL_GREEDY_AVG_LOGPROB = -0.5


def worth_a_beam(read: DecodedRead) -> bool:
    """A read with any text the decoder was unsure of, or that repeats itself."""
    if not read.tokens:
        return False
    return read.avg_logprob < DOUBTFUL_GREEDY_AVG_LOGPROB or loops(read)
