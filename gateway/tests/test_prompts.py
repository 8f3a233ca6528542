"""The system prompts: listed once, spoken by a real synthesiser, none silent."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ASTERISK = Path(__file__).resolve().parents[2] / "deploy" / "asterisk"


def prompt_names() -> list[str]:
    lines = (ASTERISK / "prompts.txt").read_text().splitlines()
    return [line.split("|")[0].strip() for line in lines if "|" in line and not line.startswith("#")]


def test_every_prompt_the_gateway_or_the_dialplan_plays_is_listed():
    import re

    gateway_code = Path(__file__).resolve().parents[1] / "smartnumbers_gateway"
    sources = [p.read_text() for p in gateway_code.rglob("*.py")] + [
        (ASTERISK / "extensions.conf").read_text()
    ]
    used = {name for text in sources for name in re.findall(r"\bsn/([a-z0-9_-]+)(?![{a-z0-9_-])", text)}
    from smartnumbers_gateway.asterisk.dev_asterisk import DEV_PROMPTS
    from smartnumbers_gateway.phone.table import all_prompts

    used |= {name.removeprefix("sn/") for name in all_prompts()}  # menu prompts are named, not written
    used -= set(DEV_PROMPTS)  # make run's demo phones only: dev_asterisk speaks them itself
    assert {"please-hold", "not-available-leave-message", "enter-password-to-receive"} <= used
    assert used <= set(prompt_names()), f"played but not in prompts.txt: {sorted(used - set(prompt_names()))}"
    assert len(prompt_names()) == len(set(prompt_names())), "a prompt is listed twice"


@pytest.mark.skipif(
    not (shutil.which("espeak-ng") and shutil.which("sox")),
    reason="espeak-ng and sox (Debian packages) are needed to speak the prompts",
)
def test_every_prompt_is_spoken_into_8khz_mono_audio_that_is_not_silence(tmp_path):
    subprocess.run([str(ASTERISK / "build-prompts.sh"), str(tmp_path)], check=True, capture_output=True)
    for name in prompt_names():
        wav = tmp_path / f"{name}.wav"
        info = subprocess.run(["soxi", str(wav)], capture_output=True, text=True, check=True).stdout
        assert "Sample Rate    : 8000" in info and "Channels       : 1" in info, name
        stat = subprocess.run(["sox", str(wav), "-n", "stat"], capture_output=True, text=True).stderr
        rms = float(
            next(line for line in stat.splitlines() if line.startswith("RMS     amplitude")).split(":")[1]
        )
        assert rms > 0.01, f"{name} is silent"
