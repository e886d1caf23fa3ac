"""Per-window prompts for batched, conditioned decoding."""

from jamak.asr.prompts import PROMPT_TOKENS, by_prompt_length, chain_prompts


def test_a_window_keeps_the_latest_text_cut_to_a_fixed_length() -> None:
    history = list(range(40))
    (prompt,) = chain_prompts([history], [])
    assert prompt == list(range(8, 40))  # 32 tokens: the longest fixed length within 40


def test_a_prompt_does_not_depend_on_what_shares_its_batch() -> None:
    short, long = list(range(20)), list(range(100, 300))
    alone = chain_prompts([long], [])
    together = chain_prompts([short, long], [])
    assert together[1] == alone[0]


def test_the_initial_prompt_is_kept_whole_and_the_total_stays_within_whisper_s_limit() -> None:
    initial = [7] * 50
    history = list(range(500))
    (prompt,) = chain_prompts([history], initial)
    assert prompt[:50] == initial
    assert prompt[50:] == history[-128:]
    assert len(prompt) <= PROMPT_TOKENS


def test_a_chain_with_no_text_yet_gets_only_the_initial_prompt() -> None:
    assert chain_prompts([[], []], [1, 2]) == [[1, 2], [1, 2]]


def test_prompts_of_one_length_share_a_batch_in_order_of_first_appearance() -> None:
    prompts = [[1] * 16, [], [2] * 16, [3] * 32, []]
    assert by_prompt_length(prompts) == [[0, 2], [1, 4], [3]]
