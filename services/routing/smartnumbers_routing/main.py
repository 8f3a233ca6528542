"""``uvicorn smartnumbers_routing.main:create --factory``"""

from smartnumbers_routing.bootstrap import bootstrap


def create():
    return bootstrap()
