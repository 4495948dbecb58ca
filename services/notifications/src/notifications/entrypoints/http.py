"""HTTP routes of the notifications service: the delivery log of one participant."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from ..adapters.mongo import MongoDeliveries


def delivery_routes(deliveries: MongoDeliveries) -> list[Route]:
    async def log_of(request: Request) -> JSONResponse:
        entries = await deliveries.log_for(request.path_params["participant_id"])
        for entry in entries:
            entry["key"] = entry.pop("_id")
            for field in ("created_at", "finished_at", "next_attempt_at"):
                if entry.get(field):
                    entry[field] = entry[field].isoformat()
        return JSONResponse({"participant_id": request.path_params["participant_id"], "deliveries": entries})

    return [Route("/participants/{participant_id}/deliveries", log_of)]
