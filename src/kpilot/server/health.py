"""`/healthz` (the process answers) and `/readyz` (the store and the warehouse can be used: 503 in the envelope
until they can, so that a load balancer sends no request to a server that would fail it)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from kpilot.server.identity import CurrentRuntime
from kpilot.server.schemas import ERROR_RESPONSES

router = APIRouter(tags=["health"], responses={503: ERROR_RESPONSES[503], 500: ERROR_RESPONSES[500]})


@router.get("/healthz", summary="The server is running")
def healthz() -> dict[str, Any]:
    return {"status": "ok"}


@router.get("/readyz", summary="The store and the warehouse can be used")
def readyz(runtime: CurrentRuntime) -> dict[str, Any]:
    with runtime.workspace() as workspace:
        workspace.warehouse.list_tables()  # raises WarehouseUnavailable (503) when it cannot be reached
    with runtime.store() as store, store.reading() as session:
        session.connection().exec_driver_sql("SELECT 1")
    return {"status": "ready", "store": "ok", "warehouse": "ok"}
