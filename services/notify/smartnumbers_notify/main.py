"""``uvicorn smartnumbers_notify.main:create --factory``"""

from fastapi import FastAPI

from smartnumbers_notify.bootstrap import bootstrap


def create() -> FastAPI:
    return bootstrap()
