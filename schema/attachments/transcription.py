"""Speech to text for voice notes, behind the `Transcriber` protocol.

`PocketSphinxTranscriber` runs offline with the US English model that the `pocketsphinx`
wheel ships (a dependency of the project; it is imported lazily). It is
imported on first use, so the domain loads without it.
"""

from __future__ import annotations

import asyncio
import importlib.util
import io
import threading
import wave
from typing import Any, Protocol


class TranscriptionError(Exception):
    """The audio could not be transcribed; the message says why and what to do."""


class UnsupportedAudio(TranscriptionError):
    pass


class TranscriberUnavailable(TranscriptionError):
    pass


class Transcriber(Protocol):
    name: str

    async def transcribe(self, audio: bytes, content_type: str) -> str:
        """The text spoken in `audio` (empty when nothing was recognized)."""
        ...


SAMPLE_RATE = 16_000


def pcm_from_wav(audio: bytes) -> bytes:
    """The samples of a 16 kHz mono 16-bit PCM WAV file, the format the model was trained on."""
    try:
        with wave.open(io.BytesIO(audio)) as wav:
            shape = (wav.getframerate(), wav.getnchannels(), wav.getsampwidth())
            if shape != (SAMPLE_RATE, 1, 2):
                raise UnsupportedAudio(
                    f"the voice note is {shape[0]} Hz, {shape[1]} channel(s), {8 * shape[2]}-bit; "
                    "record or convert it to 16 kHz mono 16-bit PCM WAV"
                )
            return wav.readframes(wav.getnframes())
    except (wave.Error, EOFError) as exc:
        raise UnsupportedAudio(f"the voice note is not a PCM WAV file ({exc}); convert it to 16 kHz mono WAV") from exc


class PocketSphinxTranscriber:
    name = "pocketsphinx"

    def __init__(self) -> None:
        self._decoder: Any = None
        self._lock = threading.Lock()  # a decoder holds one utterance at a time

    @staticmethod
    def available() -> bool:
        return importlib.util.find_spec("pocketsphinx") is not None

    async def transcribe(self, audio: bytes, content_type: str) -> str:
        pcm = pcm_from_wav(audio)
        if not pcm:
            return ""
        # Decoding is CPU-bound: keep it off the event loop.
        return await asyncio.to_thread(self._decode, pcm)

    def _decode(self, pcm: bytes) -> str:
        with self._lock:
            decoder = self._decoder or self._load()
            decoder.start_utt()
            decoder.process_raw(pcm, full_utt=True)
            decoder.end_utt()
            hypothesis = decoder.hyp()
            return hypothesis.hypstr if hypothesis is not None else ""

    def _load(self) -> Any:
        try:
            import pocketsphinx
        except ImportError as exc:
            raise TranscriberUnavailable("pocketsphinx is not installed: pip install pocketsphinx") from exc
        self._decoder = pocketsphinx.Decoder(samprate=SAMPLE_RATE, loglevel="FATAL")
        return self._decoder


def default_transcriber() -> Transcriber | None:
    """PocketSphinx when it is installed, else none (transcription is refused)."""
    return PocketSphinxTranscriber() if PocketSphinxTranscriber.available() else None
