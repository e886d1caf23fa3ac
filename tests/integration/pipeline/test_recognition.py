"""The real model through the recogniser port: words, timings, silence, languages."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pycaption
import pytest
from faster_whisper import WhisperModel

from jamak.asr.kernels import CpuChoices
from jamak.asr.options import RecognitionOptions
from jamak.asr.registry import ModelRegistry
from jamak.media import decode_audio
from jamak.pipeline import render_subtitles, transcribe_file
from jamak.settings import Settings
from jamak.subtitles import build_cues, check_cues, formats
from jamak.subtitles.rules import SubtitleRules
from jamak.transcript import Transcript
from tests.support.matrix import SpeechClip
from tests.support.media import make_noise, make_silence, speak
from tests.support.sentences import EVERYDAY

pytestmark = pytest.mark.model


def _timed_words(transcript: Transcript) -> list[tuple[str, float, float]]:
    return [
        (word.text, word.start_s, word.end_s)
        for segment in transcript.segments
        for word in segment.words
    ]


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z]+", text.lower()))


def test_speech_is_heard_with_ordered_word_timings(
    model_registry: ModelRegistry, speech_wav: SpeechClip
) -> None:
    recognizer = model_registry.recognizer("tiny.en")
    progress: list[tuple[float, float]] = []
    transcript = transcribe_file(
        speech_wav.path,
        recognizer=recognizer,
        options=RecognitionOptions(),
        on_progress=lambda done, total: progress.append((done, total)),
    )
    expected = _words(speech_wav.text)
    heard = _words(transcript.text)
    assert len(expected & heard) >= 0.6 * len(expected), transcript.text
    words = list(transcript.words())
    assert words
    assert all(0.0 <= w.start_s <= w.end_s <= transcript.duration_s + 0.05 for w in words)
    assert all(a.start_s <= b.start_s for a, b in itertools.pairwise(words))
    assert progress[-1][0] == pytest.approx(progress[-1][1])
    assert [done for done, _ in progress] == sorted(done for done, _ in progress)


@pytest.mark.parametrize("maker", ["silence", "noise"])
def test_non_speech_gives_an_empty_transcript(
    model_registry: ModelRegistry, tmp_path: Path, maker: str
) -> None:
    path = tmp_path / f"{maker}.wav"
    if maker == "silence":
        make_silence(path, seconds=8.0)
    else:
        make_noise(path, seconds=8.0)
    transcript = transcribe_file(
        path, recognizer=model_registry.recognizer("base"), options=RecognitionOptions()
    )
    assert transcript.segments == ()
    assert transcript.language == "und"  # no words heard, so no language either
    assert transcript.duration_s == pytest.approx(8.0, abs=0.1)
    rendered = {r.format: r.text for r in render_subtitles(transcript, format_names=("srt", "vtt"))}
    assert rendered["srt"].strip() == ""
    assert rendered["vtt"].startswith("WEBVTT")


def test_korean_speech_comes_out_in_hangul_within_korean_line_rules(
    model_registry: ModelRegistry, tmp_path: Path
) -> None:
    clip = speak(
        "안녕하세요. 오늘은 날씨가 아주 좋습니다.", tmp_path / "ko.wav", voice="ko", speed=130
    )
    transcript = transcribe_file(
        clip,
        recognizer=model_registry.recognizer("base"),
        options=RecognitionOptions(language="ko"),
    )
    assert transcript.language == "ko"
    assert re.search("[\uac00-\ud7a3]", transcript.text), transcript.text
    rules = SubtitleRules.for_language("ko")
    assert rules.max_chars_per_line == 16
    cues = build_cues(transcript.segments, rules, language="ko")
    assert cues
    assert check_cues(cues, rules, language="ko") == []
    # The file Korean players read first: Korean's class, the same lines as the cues.
    sami = formats.get("smi").render(transcript, cues).removeprefix("\ufeff")
    captions = pycaption.SAMIReader().read(sami).get_captions("ko-KR")
    assert [[node.content for node in c.nodes if node.content] for c in captions] == [
        list(cue.lines) for cue in cues
    ]


@pytest.fixture(scope="module")
def german_speech(tmp_path_factory: pytest.TempPathFactory) -> Path:
    text = "Guten Morgen. Heute ist das Wetter sehr schön, und wir gehen in den Park."
    return speak(text, tmp_path_factory.mktemp("de") / "de.wav", voice="de")


def test_the_language_is_detected(model_registry: ModelRegistry, german_speech: Path) -> None:
    transcript = transcribe_file(
        german_speech, recognizer=model_registry.recognizer("base"), options=RecognitionOptions()
    )
    assert transcript.language == "de"
    assert "morgen" in transcript.text.lower()


def test_translate_writes_english(model_registry: ModelRegistry, german_speech: Path) -> None:
    transcript = transcribe_file(
        german_speech,
        recognizer=model_registry.recognizer("base"),
        options=RecognitionOptions(task="translate"),
    )
    assert transcript.task == "translate"
    assert {"good", "morning"} <= _words(transcript.text), transcript.text


def test_batches_give_the_same_words_as_one_window_at_a_time(
    model_registry: ModelRegistry, tmp_path: Path
) -> None:
    """Batching is a speed choice only: the text and its times must not depend on the
    batch size, even where windows are conditioned on the text before them (a window per
    sentence here, more windows than one chain holds)."""
    sentences = EVERYDAY
    gap = np.zeros(16_000 * 28, dtype=np.float32)  # each sentence gets a window of its own
    parts = []
    for i, sentence in enumerate(sentences):
        parts += [decode_audio(speak(sentence, tmp_path / f"{i}.wav")).samples, gap]
    long_audio = np.concatenate(parts + parts)
    recognizer = model_registry.recognizer("tiny.en")
    progress: list[float] = []
    one = recognizer.recognize(long_audio, options=RecognitionOptions(batch_size=1))
    many = recognizer.recognize(
        long_audio,
        options=RecognitionOptions(batch_size=8),
        on_progress=lambda done, total: progress.append(done),
    )
    assert one.text == many.text
    assert _timed_words(many) == _timed_words(one)
    assert len(one.segments) >= 12
    assert progress == sorted(progress) and progress[-1] == len(long_audio) / 16_000
    assert len(set(progress)) > 3  # it moves during decoding, not only at the ends


def test_chains_shared_among_workers_give_the_same_words_as_one_worker(
    model_registry: ModelRegistry, tmp_path: Path
) -> None:
    """With two engine workers a free worker takes whichever chains wait, beside whichever
    others: the batches change from run to run, and the text and its times must not. Three
    chains here (a window per sentence, 24 windows), so the batches regroup as the reading
    goes on."""
    spoken = [decode_audio(speak(s, tmp_path / f"{i}.wav")).samples for i, s in enumerate(EVERYDAY)]
    gap = np.zeros(16_000 * 28, dtype=np.float32)
    long_audio = np.concatenate(
        [piece for _ in range(4) for clip in spoken for piece in (clip, gap)]
    )
    one = model_registry.recognizer("tiny.en").recognize(
        long_audio, options=RecognitionOptions(batch_size=1)
    )
    settings = Settings()
    with ModelRegistry(
        model_dir=settings.model_dir,
        device="cpu",
        compute_type=settings.compute_type,
        cpu_threads=1,
        workers=2,
        cpu_choices=CpuChoices(settings.ct2_force_cpu_isa, settings.ct2_use_mkl),
    ) as registry:
        shared = registry.recognizer("tiny.en").recognize(
            long_audio, options=RecognitionOptions(batch_size=8)
        )
    assert len(one.segments) >= 20
    assert shared.text == one.text
    assert _timed_words(shared) == _timed_words(one)


def test_every_cue_keeps_the_rules_on_real_output(
    model_registry: ModelRegistry, tmp_path: Path
) -> None:
    story = (
        "Once upon a time there was a little village by a wide river. Every morning the "
        "fishermen went out in their boats, and every evening they came back with their "
        "nets full of silver fish. The children ran down to the water to greet them, "
        "laughing and shouting, while the old women sat on the benches and told stories."
    )
    transcript = transcribe_file(
        speak(story, tmp_path / "story.wav", speed=200),
        recognizer=model_registry.recognizer("tiny.en"),
        options=RecognitionOptions(),
    )
    rules = SubtitleRules.for_language(transcript.language)
    cues = build_cues(transcript.segments, rules, language=transcript.language)
    assert cues
    assert check_cues(cues, rules, language=transcript.language) == []


def test_an_initial_prompt_teaches_spellings_to_every_window(
    model_registry: ModelRegistry, tmp_path: Path
) -> None:
    """The prompt stays in front of each window's own context, not only the first."""
    said = decode_audio(speak("Please ask Siobhan Ngata to call Kiyoshi.", tmp_path / "n.wav"))
    gap = np.zeros(16_000 * 35, dtype=np.float32)  # far enough apart for two windows
    audio = np.concatenate([said.samples, gap, said.samples])
    recognizer = model_registry.recognizer("tiny.en")
    plain = recognizer.recognize(audio, options=RecognitionOptions())
    prompted = recognizer.recognize(
        audio, options=RecognitionOptions(initial_prompt="Siobhan Ngata, Kiyoshi")
    )
    assert len(prompted.segments) >= 2
    assert "siobhan" not in plain.text.lower(), plain.text
    assert prompted.text.lower().count("siobhan ngata") == 2, prompted.text


def test_speech_longer_than_a_window_is_read_on_without_gaps_or_repeats(
    model_registry: ModelRegistry, tmp_path: Path
) -> None:
    """Whisper stops a 30-second read early where its next sentence would not fit; the next
    read starts there, so the sentence across the edge is heard once, whole."""
    sentences = [
        "The first lighthouse keeper wrote in his journal every night.",
        "Storms came from the west and shook the old wooden windows.",
        "In spring the gardeners planted tulips along the harbour wall.",
        "A postman cycled up the hill with letters for the farmhouse.",
        "The baker sold warm pretzels to the tourists near the station.",
        "At noon the church bells rang across the quiet valley.",
        "Two engineers repaired the bridge before the winter floods.",
        "The librarian stamped each returned novel with a purple date.",
        "Fishermen mended their orange nets on the pebble beach.",
        "By evening the violinist played waltzes in the crowded square.",
    ]
    pause = np.zeros(16_000, dtype=np.float32)
    parts = []
    for i, sentence in enumerate(sentences):
        parts += [decode_audio(speak(sentence, tmp_path / f"{i}.wav")).samples, pause]
    audio = np.concatenate(parts)
    assert len(audio) / 16_000 > 40  # more than one read
    transcript = model_registry.recognizer("tiny.en").recognize(audio, options=RecognitionOptions())
    text = transcript.text.lower()
    # one word per sentence that tiny.en hears right
    for keyword in (
        "journal",
        "storms",
        "gardeners",
        "postman",
        "tourist",
        "valley",
        "bridge",
        "purple",
        "pebble",
        "violinist",
    ):
        assert text.count(keyword) == 1, (keyword, transcript.text)


def test_a_speech_map_given_by_the_caller_is_heard_instead_of_the_detector(
    model_registry: ModelRegistry, speech_wav: SpeechClip
) -> None:
    from jamak.asr.speech_map import FRAME, SpeechMap
    from jamak.asr.vad import speech_map

    recognizer = model_registry.recognizer("tiny.en")
    audio = decode_audio(speech_wav.path).samples
    options = RecognitionOptions()
    frames = -(-len(audio) // FRAME)

    own = recognizer.recognize(audio, options=options)
    given = recognizer.recognize(audio, options=options, speech=speech_map(audio))
    nothing = recognizer.recognize(
        audio, options=options, speech=SpeechMap(np.zeros(frames, dtype=np.float32))
    )

    assert own.text.strip() and given.text == own.text
    assert nothing.segments == ()  # the map says no speech: nothing is read
    with pytest.raises(ValueError, match="frames"):
        recognizer.recognize(
            audio, options=options, speech=SpeechMap(np.zeros(frames - 1, dtype=np.float32))
        )


@dataclass(frozen=True)
class _Generation:
    beam_size: int
    penalty: float
    written: tuple[int, ...]  # tokens each row wrote


@contextmanager
def _generations_noted(whisper: WhisperModel) -> Iterator[list[_Generation]]:
    """Every generate call of ``whisper``'s CTranslate2 model while the block runs."""
    engine = whisper.model
    calls: list[_Generation] = []

    class EngineSpy:
        def __getattr__(self, name: str) -> object:
            return getattr(engine, name)

        def generate(self, *args: object, **kwargs: Any) -> object:
            results = engine.generate(*args, **kwargs)
            written = tuple(len(result.sequences_ids[0]) for result in results)
            calls.append(
                _Generation(int(kwargs["beam_size"]), float(kwargs["repetition_penalty"]), written)
            )
            return results

    whisper.model = EngineSpy()
    try:
        yield calls
    finally:
        whisper.model = engine


@contextmanager
def _encodings_noted(whisper: WhisperModel) -> Iterator[list[bytes]]:
    """Every 30-second window ``whisper`` encodes while the block runs, as bytes."""
    encode = whisper.encode
    encoded: list[bytes] = []

    def encode_spy(features: np.ndarray) -> object:
        encoded.extend(np.ascontiguousarray(window).tobytes() for window in features)
        return encode(features)

    whisper.encode = encode_spy  # type: ignore[method-assign]
    try:
        yield encoded
    finally:
        whisper.encode = encode  # type: ignore[method-assign]


def test_a_read_that_loops_is_read_again_on_the_windows_encoding_it_already_has(
    model_registry: ModelRegistry, tmp_path: Path
) -> None:
    """A sentence said over and over reads as a loop, so it is read again under repetition
    penalties (:func:`jamak.asr.keeping.settle`); the encoder output of its window is the
    one its first read used, not encoded a second time."""
    path = speak("I like it. " * 14, tmp_path / "again.wav", voice="en-us")
    recognizer = model_registry.recognizer("tiny.en")
    audio = decode_audio(path).samples
    with (
        _encodings_noted(recognizer.model) as encoded,
        _generations_noted(recognizer.model) as calls,
    ):
        transcript = recognizer.recognize(audio, options=RecognitionOptions())

    assert any(call.penalty > 1.0 for call in calls)  # the loop was read again
    assert len(encoded) == len(set(encoded))  # and no window was encoded twice
    assert transcript.text.lower().count("like") >= 5


def test_a_beam_search_stopped_past_its_greedy_read_loses_no_words(
    model_registry: ModelRegistry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A doubtful read's beam search may write only a little more than its greedy read
    (jamak.asr.doubt.BEAM_EXTRA_TOKENS), through CTranslate2's length limit. Stopped
    there, what it wrote in whole segments stands and the chain reads on after them; with
    no whole segment, its greedy read stands. Here every read is doubted and each search is
    stopped well short of its text: 20 tokens before its greedy read's length."""
    sentences = EVERYDAY[:4]
    path = speak(" ".join(sentences), tmp_path / "four.wav", voice="en-us")
    monkeypatch.setattr("jamak.asr.recognition.worth_a_beam", lambda read, *_, **__: True)
    monkeypatch.setattr("jamak.asr.doubt.BEAM_EXTRA_TOKENS", -20)
    recognizer = model_registry.recognizer("tiny.en")
    options = RecognitionOptions(batch_size=1)
    with _generations_noted(recognizer.model) as calls:
        stopped = recognizer.recognize(decode_audio(path).samples, options=options)

    greedy = [call for call in calls if call.beam_size == 1]
    searched = [call for call in calls if call.beam_size > 1]
    assert len(searched) == len(greedy) >= 2  # stopped, so read on
    for read, search in zip(greedy, searched, strict=True):
        assert search.written[0] < read.written[0]
    for keyword in ("fox", "umbrella", "ships", "evening"):
        assert keyword in stopped.text.lower()


def test_a_sentence_said_twice_is_written_twice_and_not_read_again_as_a_loop(
    model_registry: ModelRegistry, tmp_path: Path
) -> None:
    """Whisper's repetition rule alone calls this read a loop (its text compresses at
    2.5): read again under repetition penalties, it came back with words in capitals and
    run together. The detector heard the speech under it, so it is a speaker repeating."""
    sentence = (
        "And so, my fellow Americans, ask not what your country can do for you;"
        " ask what you can do for your country."
    )
    path = speak(f"{sentence} {sentence}", tmp_path / "twice.wav", voice="en-us")
    recognizer = model_registry.recognizer("tiny.en")
    with _generations_noted(recognizer.model) as calls:
        transcript = recognizer.recognize(decode_audio(path).samples, options=RecognitionOptions())

    assert calls and all(call.penalty == 1.0 for call in calls)
    assert transcript.text.lower().count("your country") == 4
    assert not re.search(r"\b[A-Z]{2,}\b", transcript.text)  # no words in capitals


def test_a_window_read_again_without_its_prompt_is_not_encoded_again(
    model_registry: ModelRegistry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A read that left out heard speech is read again without the chain's earlier text
    (:func:`jamak.asr.keeping.settle`) on the encoder output its first read used. With no
    speech allowed to go unwritten, every prompted read is read again here."""
    path = speak(" ".join(EVERYDAY * 2), tmp_path / "long.wav", voice="en-us")
    monkeypatch.setattr("jamak.asr.keeping.SKIPPED_SPEECH_S", -1.0)
    recognizer = model_registry.recognizer("tiny.en")
    audio = decode_audio(path).samples
    options = RecognitionOptions(batch_size=1)
    with (
        _encodings_noted(recognizer.model) as encoded,
        _generations_noted(recognizer.model) as calls,
    ):
        transcript = recognizer.recognize(audio, options=options)

    assert len(calls) > len(encoded)  # windows were read more than once
    assert len(encoded) == len(set(encoded))  # but each encoded once
    assert transcript.text.lower().count("umbrella") == 2
