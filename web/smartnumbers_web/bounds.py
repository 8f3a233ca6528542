"""How long each form field may be: the services' bounds (``smartnumbers_kit.bounds`` and their
request schemas), as ``maxlength`` in the pages (``bounds.number`` in a template) and as
``Form(max_length=...)`` on the routes, so the web refuses an oversized field before it asks any
service (nothing half-written), with a sentence naming the field (``app.py``'s handler)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form
from smartnumbers_kit.bounds import MAX_ID, MAX_NAME, MAX_NUMBER

PERSON_NAME = 100  # the directory's first and last names
EMAIL = 200  # the directory's user email
PASSWORD = 64  # the directory's passwords
SEARCH = 100  # the directory's search box
RECIPIENTS = 1000  # names or numbers typed for a voicemail, comma-separated
MEMBERS = 500 * (MAX_ID + 2)  # a team's members (at most 500 ids), comma-separated

FOR_TEMPLATES = {
    "id": MAX_ID,
    "name": MAX_NAME,
    "person_name": PERSON_NAME,
    "number": MAX_NUMBER,
    "email": EMAIL,
    "password": PASSWORD,
    "search": SEARCH,
    "recipients": RECIPIENTS,
    "members": MEMBERS,
}

Id = Annotated[str, Form(max_length=MAX_ID)]
Name = Annotated[str, Form(max_length=MAX_NAME)]
PersonName = Annotated[str, Form(max_length=PERSON_NAME)]
Number = Annotated[str, Form(max_length=MAX_NUMBER)]
Email = Annotated[str, Form(max_length=EMAIL)]
Password = Annotated[str, Form(max_length=PASSWORD)]
Recipients = Annotated[str, Form(max_length=RECIPIENTS)]
Members = Annotated[str, Form(max_length=MEMBERS)]
