"""``uvicorn smartnumbers_web.main:create --factory``"""

from fastapi import FastAPI
from smartnumbers_web.app import create_app


def create() -> FastAPI:
    return create_app()
