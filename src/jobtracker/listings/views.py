"""Web pages of the public catalogue: the search with its filters (live with htmx) and a
listing's page with "Save". Browsing needs no login; saving does."""

from __future__ import annotations

import uuid
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, Query, Request, Response

from jobtracker.auth.dependencies import OptionalWebUser
from jobtracker.db import DbSession
from jobtracker.kit import web
from jobtracker.kit.pagination import Pagination
from jobtracker.listings import service
from jobtracker.listings.schemas_catalogue import ListingQuery

router = APIRouter(include_in_schema=False, dependencies=[Depends(web.require_csrf)])

PAGE_SIZE = 20
WORKPLACES = {"remote": "Remote", "hybrid": "Hybrid", "onsite": "On-site", "unknown": "Not stated"}


@router.get("/listings")
def catalogue_page(
    request: Request,
    user: OptionalWebUser,
    session: DbSession,
    query: Annotated[ListingQuery, Query()],
    page: Annotated[int, Query(ge=1)] = 1,
) -> Response:
    pagination = Pagination(limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    listings, total = service.search_listings(session, query=query, page=pagination)
    context: dict[str, Any] = {
        "user": user, "listings": listings, "total": total, "query": query, "page": page,
        "has_next": page * PAGE_SIZE < total, "pager_query": _without_page(request),
        "workplaces": WORKPLACES, "salary_text": service.salary_text,
    }  # fmt: skip
    if not web.is_htmx(request):  # the form's choices: only the whole page shows them
        context["choices"] = service.choices(session)
    return web.render_page_or_fragment(
        request, "listings/search.html", "listings/_results.html", context
    )


@router.get("/listings/{listing_id}")
def listing_page(
    request: Request, listing_id: uuid.UUID, user: OptionalWebUser, session: DbSession
) -> Response:
    listing = service.get_listing(session, listing_id=listing_id)
    saved = service.saved_application(session, owner=user, listing_id=listing_id) if user else None
    context: dict[str, Any] = {
        "user": user, "listing": listing, "saved": saved, "workplaces": WORKPLACES,
        "salary_text": service.salary_text,
    }  # fmt: skip
    return web.render(request, "listings/detail.html", context)


@router.post("/listings/{listing_id}/save")
def save_listing(listing_id: uuid.UUID, user: OptionalWebUser, session: DbSession) -> Response:
    """Signed out, the visitor logs in first and comes back to the listing to save it."""
    if user is None:
        return web.redirect(f"/login?next={quote(f'/listings/{listing_id}', safe='/')}")
    service.save_listing(session, owner=user, listing_id=listing_id)
    return web.redirect(f"/listings/{listing_id}")


def _without_page(request: Request) -> str:
    """The page's query string without `page`, for the pager's links."""
    pairs = [(key, value) for key, value in request.query_params.multi_items() if key != "page"]
    return urlencode(pairs)
