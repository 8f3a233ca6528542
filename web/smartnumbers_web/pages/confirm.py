"""The confirm step of a destructive action (delete a contact or a group, empty a list): a page
of its own that asks, and a form that does it only with ``confirmed=yes``. It works without
scripts, so nothing is deleted by a click that a dialog would have caught."""

from __future__ import annotations

from collections.abc import Iterable

from fastapi import Request
from fastapi.responses import Response
from smartnumbers_web.deps import render

CONFIRMED = "yes"


def confirmation(
    request: Request,
    *,
    question: str,
    consequence: str,
    action: str,
    button: str,
    cancel: str,
    fields: Iterable[tuple[str, str]] = (),
    active: str = "address-book",
) -> Response:
    """The page asking ``question``; its ``button`` posts ``fields`` and ``confirmed=yes`` to ``action``."""
    return render(
        request,
        "confirm.html",
        active=active,
        question=question,
        consequence=consequence,
        action=action,
        button=button,
        cancel=cancel,
        fields=list(fields),
        confirmed=CONFIRMED,
    )
