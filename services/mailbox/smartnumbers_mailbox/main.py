"""``uvicorn smartnumbers_mailbox.main:create --factory``"""

from smartnumbers_mailbox.bootstrap import bootstrap


def create():
    return bootstrap()
