"""``GET /api/v1/health``: a fixed body and no database work. Load balancers poll it and the
benchmark uses it as the floor of the server stack (same middleware, no work)."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: Literal["ok"] = "ok"


_OK = Health()


@router.get("/health", response_model=Health, summary="Liveness (no database work)")
async def health() -> Health:
    return _OK
