"""``uvicorn smartnumbers_presence.main:create --factory``"""

from smartnumbers_presence.bootstrap import bootstrap


def create():  # noqa: ANN201 - uvicorn factory
    return bootstrap()
