"""Recordings and faxes made for tests: tones as WAV, other formats encoded with PyAV, TIFFs with Pillow."""

from __future__ import annotations

import io
import math
import struct
import wave

import av
from PIL import Image


def tone_wav(seconds: float, rate: int = 8000, hz: float = 440.0, channels: int = 1) -> bytes:
    frames = int(seconds * rate)
    samples = b"".join(
        struct.pack("<h", int(8000 * math.sin(2 * math.pi * hz * i / rate))) * channels for i in range(frames)
    )
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(samples)
    return out.getvalue()


def encoded(seconds: float, container: str, codec: str, rate: int = 48000) -> bytes:
    """A tone encoded as a browser (``webm``/``libopus``) or MP3 (``mp3``/``libmp3lame``) recording."""
    out = io.BytesIO()
    with av.open(out, mode="w", format=container) as c:
        stream = c.add_stream(codec, rate=rate, layout="mono")
        frame_size = 960
        total = int(seconds * rate)
        for start in range(0, total, frame_size):
            n = min(frame_size, total - start)
            pcm = b"".join(
                struct.pack("<h", int(8000 * math.sin(2 * math.pi * 440 * (start + i) / rate)))
                for i in range(n)
            )
            frame = av.AudioFrame(format="s16", layout="mono", samples=n)
            frame.planes[0].update(pcm + b"\0" * (frame.planes[0].buffer_size - len(pcm)))
            frame.sample_rate = rate
            frame.pts = start
            for packet in stream.encode(frame):
                c.mux(packet)
        for packet in stream.encode(None):
            c.mux(packet)
    return out.getvalue()


def duration_of(wav: bytes) -> float:
    with wave.open(io.BytesIO(wav)) as w:
        return w.getnframes() / w.getframerate()


def tiff(pages: int = 2) -> bytes:
    images = [Image.new("1", (1728, 200), color=1) for _ in range(pages)]
    out = io.BytesIO()
    images[0].save(out, format="TIFF", compression="group4", save_all=True, append_images=images[1:])
    return out.getvalue()
