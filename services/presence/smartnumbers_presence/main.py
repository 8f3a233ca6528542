"""``uvicorn smartnumbers_presence.main:create --factory``"""

from smartnumbers_presence.bootstrap import bootstrap


def create():
    return bootstrap()
