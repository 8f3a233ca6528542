"""How long each form field may be: the services' bounds (``smartnumbers_kit.bounds`` and their
request schemas), as ``maxlength`` in the pages (``bounds.number`` in a template) and as
``Form(max_length=...)`` on the routes, so the web refuses an oversized field before it asks any
service (nothing half-written), with a sentence naming the field (``app.py``'s handler)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Path
from smartnumbers_kit.bounds import MAX_ID, MAX_LIST, MAX_NAME, MAX_NUMBER, MAX_TEXT

PERSON_NAME = 100  # the directory's first and last names
EMAIL = 200  # the directory's user email
PASSWORD = 64  # the directory's passwords
SEARCH = 100  # the directory's search box
RECIPIENTS = 1000  # names or numbers typed for a voicemail, comma-separated
MEMBERS = 500 * (MAX_ID + 2)  # a team's members (at most 500 ids), comma-separated
CONTACT_EMAIL = 254  # a contact's email (the directory's contacts)
CONTACT_NUMBERS = 10 * (MAX_NUMBER + 2)  # a contact's numbers of one kind (at most 10), comma-separated
GROUP_MEMBERS = MAX_LIST * (MAX_NAME + 2)  # a group's members (at most 1000), comma-separated
GROUP_MEMBER_OF = 100 * (MAX_ID + 2)  # the groups a group is in (at most 100 ids), comma-separated
SMS = 640  # a group SMS (the directory's)
ENTRY = MAX_ID + 8  # ``contact:<id>`` or ``user:<id>``

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
    "text": MAX_TEXT,
    "contact_email": CONTACT_EMAIL,
    "contact_numbers": CONTACT_NUMBERS,
    "group_members": GROUP_MEMBERS,
    "group_member_of": GROUP_MEMBER_OF,
    "sms": SMS,
}

Id = Annotated[str, Form(max_length=MAX_ID)]
Name = Annotated[str, Form(max_length=MAX_NAME)]
PersonName = Annotated[str, Form(max_length=PERSON_NAME)]
Number = Annotated[str, Form(max_length=MAX_NUMBER)]
Email = Annotated[str, Form(max_length=EMAIL)]
Password = Annotated[str, Form(max_length=PASSWORD)]
Recipients = Annotated[str, Form(max_length=RECIPIENTS)]
Members = Annotated[str, Form(max_length=MEMBERS)]
Search = Annotated[str, Form(max_length=SEARCH)]
Entry = Annotated[str, Form(max_length=ENTRY)]

PathId = Annotated[str, Path(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
"""An id in a page's address (a contact, a group, a message, a fax, a call): as the services give
them, so nothing else is put into a service's URL; another is a page that does not exist (404)."""
