"""``uvicorn smartnumbers_directory.main:create --factory``"""

from smartnumbers_directory.bootstrap import bootstrap


def create():  # noqa: ANN201 - uvicorn factory
    return bootstrap()
