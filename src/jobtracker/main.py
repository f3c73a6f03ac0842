"""The application factory: API routers, web pages, static files, middleware, error shapes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from jobtracker import (
    __version__,
    task_modules,  # noqa: F401 - tasks and event handlers registered
)
from jobtracker.applications import router as applications_router
from jobtracker.applications import views as applications_views
from jobtracker.auth import router as auth_router
from jobtracker.auth import views as auth_views
from jobtracker.auth.dependencies import LoginRequired
from jobtracker.config import Settings, load_settings, prepare_data_dir
from jobtracker.contacts import router as contacts_router
from jobtracker.contacts import views as contacts_views
from jobtracker.db import create_db_engine, create_session_factory
from jobtracker.files import router as files_router
from jobtracker.files import views as files_views
from jobtracker.interviews import router as interviews_router
from jobtracker.interviews import views as interviews_views
from jobtracker.kit import web
from jobtracker.kit.broadcast import broadcast_lifespan, create_broadcast
from jobtracker.kit.logging import configure_logging
from jobtracker.kit.middleware import JsonBodyLimitMiddleware, RequestContextMiddleware
from jobtracker.kit.problems import install_problem_handlers
from jobtracker.listings import admin_router as listings_admin_router
from jobtracker.listings import admin_views as listings_admin_views
from jobtracker.listings import router as listings_router
from jobtracker.listings import views as listings_views
from jobtracker.live import router as live_router
from jobtracker.live import views as live_views
from jobtracker.notifications import router as notifications_router
from jobtracker.notifications import views as notifications_views
from jobtracker.ops import router as ops_router
from jobtracker.privacy import router as privacy_router
from jobtracker.tasks import runtime as tasks_runtime
from jobtracker.tasks.metrics import register_queue_metrics
from jobtracker.users import router as users_router
from jobtracker.users import views as users_views

API_ROUTERS = (
    auth_router.router,
    users_router.router,
    ops_router.router,
    ops_router.admin_router,
    live_router.router,
    notifications_router.router,
    applications_router.router,
    interviews_router.router,
    contacts_router.router,
    files_router.router,
    privacy_router.router,
    listings_admin_router.router,
    listings_router.router,
    listings_router.samples_router,
)
PAGE_ROUTERS = (
    auth_views.router,
    users_views.router,
    notifications_views.router,
    live_views.router,
    applications_views.router,
    interviews_views.router,
    contacts_views.router,
    files_views.router,
    listings_admin_views.router,
    listings_views.router,
)


def create_app(
    settings: Settings | None = None,
    *,
    engine: Engine | None = None,
    session_factory: sessionmaker[Session] | None = None,
) -> FastAPI:
    """Build the app. Tests pass their own engine and session factory (rolled back per test)."""
    settings = settings or load_settings()
    prepare_data_dir(settings)
    configure_logging(settings.log_level)
    app = FastAPI(
        title="Jobtracker",
        version=__version__,
        description="A platform for the whole of a job search.",
        lifespan=_lifespan,
    )
    app.state.settings = settings
    app.state.engine = engine or create_db_engine(settings)
    app.state.session_factory = session_factory or create_session_factory(app.state.engine)
    app.state.broadcast = create_broadcast(settings)
    tasks_runtime.configure(settings, app.state.engine)  # every process can enqueue tasks
    register_queue_metrics()
    for router in (*API_ROUTERS, *PAGE_ROUTERS):
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=web.PACKAGE_DIR / "static"), name="static")
    install_problem_handlers(app, html_renderer=_error_page)
    app.add_exception_handler(LoginRequired, _to_login)
    app.add_middleware(JsonBodyLimitMiddleware, max_bytes=settings.max_json_body_bytes)
    app.add_middleware(RequestContextMiddleware)
    return app


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """What runs beside the requests: started before the first, stopped after the last."""
    async with broadcast_lifespan(app):
        yield


async def _to_login(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, LoginRequired)
    return web.redirect(f"/login?next={quote(exc.next_path, safe='/')}")


def _error_page(request: Request, status: int, title: str, detail: str) -> Response:
    return web.render(
        request, "error.html", {"status": status, "title": title, "detail": detail}, status
    )
