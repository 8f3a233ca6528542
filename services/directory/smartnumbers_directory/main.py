"""``uvicorn smartnumbers_directory.main:create --factory``"""

from smartnumbers_directory.bootstrap import bootstrap


def create():
    return bootstrap()
