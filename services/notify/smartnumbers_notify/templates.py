"""Wording lives in Jinja2 files (``templates/``), so an operator can change it without code.

``NOTIFY_TEMPLATES_DIR`` is searched first: a file there with a shipped file's name replaces it.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PackageLoader,
    StrictUndefined,
    select_autoescape,
)


def local_time(moment: datetime, time_zone: str) -> str:
    """``14:05 on 29 November 2026`` in the user's own time zone."""
    try:
        zone = ZoneInfo(time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    return moment.astimezone(zone).strftime("%H:%M on %d %B %Y").replace(" 0", " ", 1)


def seconds(value: float) -> str:
    """``1 second``, ``12 seconds``."""
    n = round(value)
    return f"{n} second" if n == 1 else f"{n} seconds"


class Templates:
    def __init__(self, override_dir: Path | None = None) -> None:
        loaders: list[Any] = [PackageLoader("smartnumbers_notify", "templates")]
        if override_dir is not None:
            loaders.insert(0, FileSystemLoader(str(override_dir)))
        self.env = Environment(
            loader=ChoiceLoader(loaders),
            undefined=StrictUndefined,
            keep_trailing_newline=False,
            trim_blocks=True,
            lstrip_blocks=True,
            # HTML templates (*.html.j2) are escaped; SMS and text/plain bodies are not.
            autoescape=select_autoescape(
                enabled_extensions=("html.j2",), default_for_string=False, default=False
            ),
        )
        self.env.filters["local_time"] = local_time
        self.env.filters["seconds"] = seconds

    def render(self, template: str, /, **context: Any) -> str:
        return self.env.get_template(template).render(**context).strip()
