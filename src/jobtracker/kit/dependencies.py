"""Request-level dependencies that every domain shares."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from jobtracker.config import Settings
from jobtracker.kit.broadcast import Broadcast


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_broadcast(request: Request) -> Broadcast:
    broadcast: Broadcast = request.app.state.broadcast
    return broadcast


def get_client_address(request: Request) -> str:
    # Behind a proxy, uvicorn's --forwarded-allow-ips makes this the real client address.
    return request.client.host if request.client else "unknown"


SettingsDep = Annotated[Settings, Depends(get_settings)]
ClientAddress = Annotated[str, Depends(get_client_address)]
BroadcastDep = Annotated[Broadcast, Depends(get_broadcast)]
