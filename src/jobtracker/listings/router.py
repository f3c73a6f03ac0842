"""JSON API of the public catalogue: search and a listing's page without login; saving a listing
to one's workspace with it."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response, status
from fastapi.responses import FileResponse

from jobtracker.applications.schemas import ApplicationRead
from jobtracker.auth.dependencies import CurrentUser
from jobtracker.db import DbSession
from jobtracker.kit.pagination import PaginationParams
from jobtracker.kit.schemas import Page
from jobtracker.listings import service
from jobtracker.listings.samples import HERE as SAMPLES
from jobtracker.listings.schemas_catalogue import ListingDetail, ListingQuery, ListingSummary

router = APIRouter(prefix="/api", tags=["listings"])


@router.get("/listings")
def search_listings(
    query: Annotated[ListingQuery, Query()], session: DbSession, page: PaginationParams
) -> Page[ListingSummary]:
    """The catalogue, no login needed: full-text search over title, company, skills and
    description (ranked; `snippet` marks the matches), filters, and the total."""
    items, total = service.search_listings(session, query=query, page=page)
    return Page(items=items, total=total, limit=page.limit, offset=page.offset)


@router.get("/listings/{listing_id}")
def read_listing(listing_id: uuid.UUID, session: DbSession) -> ListingDetail:
    """A listing, whether it was taken down, and where it was seen (its sightings)."""
    return service.get_listing(session, listing_id=listing_id)


@router.post(
    "/listings/{listing_id}/save",
    status_code=status.HTTP_201_CREATED,
    responses={200: {"description": "Already saved: the same application"}},
)
def save_listing(
    listing_id: uuid.UUID, user: CurrentUser, session: DbSession, response: Response
) -> ApplicationRead:
    """Save the listing to my workspace as an application in status `saved`."""
    application, created = service.save_listing(session, owner=user, listing_id=listing_id)
    if not created:
        response.status_code = status.HTTP_200_OK
    return ApplicationRead.model_validate(application)


samples_router = APIRouter(prefix="/samples", include_in_schema=False)


@samples_router.get("/greenhouse/v1/boards/{board}/jobs")
def sample_greenhouse_board(board: str) -> FileResponse:
    """The demo's Greenhouse board, served by the app itself (any board name)."""
    return FileResponse(SAMPLES / "greenhouse.json", media_type="application/json")


@samples_router.get("/jobicy.rss")
def sample_rss_feed() -> FileResponse:
    """The demo's Jobicy-style RSS feed, served by the app itself."""
    return FileResponse(SAMPLES / "jobicy.rss", media_type="application/rss+xml")
