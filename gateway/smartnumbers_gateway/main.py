"""``uvicorn smartnumbers_gateway.main:create --factory``"""

from smartnumbers_gateway.bootstrap import bootstrap


def create():  # noqa: ANN201 - uvicorn factory
    return bootstrap()
