"""The mailbox application: each use case is load → decide → save, atomically.

Bytes go to the blob store before the events that reference them are saved; a blob
is deleted after the save that leaves nobody holding it (``Blob``). Identifiers in and
out are the organisation's own; aggregate ids are derived from them, so one
organisation can never address another's mailboxes.

The use cases live by part of the user guide in ``use_cases/``, as in the directory.
"""

from __future__ import annotations

from smartnumbers_mailbox.use_cases.base import Address
from smartnumbers_mailbox.use_cases.faxes import Faxes
from smartnumbers_mailbox.use_cases.greetings import Greetings
from smartnumbers_mailbox.use_cases.messages import Messages
from smartnumbers_mailbox.use_cases.owners import Owners


class MailboxApplication(Messages, Faxes, Greetings, Owners):
    name = "mailbox"


__all__ = ["Address", "MailboxApplication"]
