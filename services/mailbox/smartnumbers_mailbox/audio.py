"""Recordings: WAV (PCM, 8 or 16 kHz, mono) kept as is; anything else converted with PyAV.

PyAV bundles FFmpeg, so browser recordings (WebM/Opus, Ogg) and MP3 decode without a
system FFmpeg. Nothing here writes a codec by hand: ``wave`` reads and writes PCM WAV.
"""

from __future__ import annotations

import io
import wave
from dataclasses import dataclass

import av
from smartnumbers_kit.errors import Invalid

RATES = (8000, 16000)


@dataclass(frozen=True)
class Recording:
    wav: bytes
    rate: int
    frames: int

    @property
    def duration(self) -> float:
        return self.frames / self.rate


def _as_accepted_wav(data: bytes) -> Recording | None:
    try:
        with wave.open(io.BytesIO(data)) as w:
            if w.getnchannels() == 1 and w.getsampwidth() == 2 and w.getframerate() in RATES:
                frames = w.getnframes()
                if frames > 0 and len(w.readframes(frames)) == frames * 2:
                    return Recording(data, w.getframerate(), frames)
    except (wave.Error, EOFError):
        return None
    return None


def _pcm_to_wav(pcm: bytes, rate: int) -> Recording:
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(pcm)
    return Recording(out.getvalue(), rate, len(pcm) // 2)


def _decode(data: bytes, rate: int) -> bytes:
    """Decode any audio FFmpeg knows into 16-bit mono PCM at ``rate``."""
    try:
        with av.open(io.BytesIO(data), mode="r") as container:
            if not container.streams.audio:
                raise Invalid("the upload has no audio in it")
            resampler = av.AudioResampler(format="s16", layout="mono", rate=rate)
            chunks = []
            for frame in container.decode(audio=0):
                for out in resampler.resample(frame):
                    chunks.append(bytes(out.planes[0])[: out.samples * 2])
            for out in resampler.resample(None):
                chunks.append(bytes(out.planes[0])[: out.samples * 2])
    except av.FFmpegError as e:
        raise Invalid(f"the upload is not audio we can read ({e.__class__.__name__})") from None
    return b"".join(chunks)


def recording_from_upload(data: bytes, rate: int | None = None) -> Recording:
    """A playable WAV from an upload; ``rate`` forces the sample rate (to join recordings)."""
    if not data:
        raise Invalid("the recording is empty")
    accepted = _as_accepted_wav(data)
    if accepted is not None and rate in (None, accepted.rate):
        return accepted
    target = rate or (accepted.rate if accepted else 16000)
    pcm = _decode(data, target)
    if not pcm:
        raise Invalid("the recording has no sound in it")
    return _pcm_to_wav(pcm, target)


def joined(first: Recording, second: Recording) -> Recording:
    """One WAV playing ``first`` then ``second`` (an annotation before the message it forwards)."""
    if first.rate != second.rate:
        first = recording_from_upload(first.wav, rate=second.rate)
    return _pcm_to_wav(_frames(first) + _frames(second), second.rate)


def _frames(recording: Recording) -> bytes:
    with wave.open(io.BytesIO(recording.wav)) as w:
        return w.readframes(w.getnframes())


def recording_from_stored(wav: bytes) -> Recording:
    accepted = _as_accepted_wav(wav)
    if accepted is None:
        raise ValueError("a stored recording is not a WAV we wrote")
    return accepted
