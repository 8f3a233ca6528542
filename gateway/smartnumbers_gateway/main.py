"""``uvicorn smartnumbers_gateway.main:create --factory``"""

from fastapi import FastAPI

from smartnumbers_gateway.bootstrap import bootstrap


def create() -> FastAPI:
    return bootstrap()
