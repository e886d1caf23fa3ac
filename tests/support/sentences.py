"""Plain English sentences for generated speech: distinct words, so a word heard twice or
not at all shows in the text."""

from __future__ import annotations

EVERYDAY = (
    "The quick brown fox jumps over the lazy dog.",
    "Please bring the red umbrella when it rains tomorrow.",
    "Seven ships sailed across the northern sea at dawn.",
    "My sister plays the piano every evening after dinner.",
    "A small bakery on the corner sells fresh bread.",
    "The museum opens at nine and closes at five.",
)
