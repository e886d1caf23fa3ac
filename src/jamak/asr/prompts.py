"""The text each window is conditioned on: Whisper's prompt, shaped for batched decoding.

Whisper decodes a long recording window by window, each with the text before it as its
prompt (``condition_on_previous_text``): names, spellings and style carry over, and words at
a window's edge are read in context. jamak keeps that inside each chain of windows (see
:func:`jamak.asr.windows.plan_chains`) while decoding chains side by side in one batch.
"""

from __future__ import annotations

from collections.abc import Sequence

# Whisper keeps at most this much earlier text in its prompt: half its 448-token context.
PROMPT_TOKENS = 223
# CTranslate2 needs every prompt of a batch to be of one length; earlier text is cut to
# the longest of these that it reaches.
PROMPT_LENGTHS = (0, 16, 32, 64, 128, PROMPT_TOKENS)


def chain_prompts(
    histories: Sequence[Sequence[int]], initial_tokens: Sequence[int]
) -> list[list[int]]:
    """Each window's prompt: the caller's initial prompt, then the latest text of its chain.

    Cutting to fixed lengths, rather than to the shortest history in the batch, keeps a
    window's text the same whatever else shares its batch, so the batch size changes speed
    only. The initial prompt (a caller's vocabulary) is always kept whole.
    """
    room = max(0, PROMPT_TOKENS - len(initial_tokens))
    prompts = []
    for history in histories:
        length = max(size for size in PROMPT_LENGTHS if size <= min(len(history), room))
        prompts.append([*initial_tokens, *history[len(history) - length :]])
    return prompts


def by_prompt_length(prompts: Sequence[Sequence[int]]) -> list[list[int]]:
    """The indices of ``prompts`` grouped by length, in order of first appearance: the
    batches an engine that needs one prompt length per batch (CTranslate2) decodes."""
    groups: dict[int, list[int]] = {}
    for index, prompt in enumerate(prompts):
        groups.setdefault(len(prompt), []).append(index)
    return list(groups.values())
