"""Web pages: sign up, log in, log out (session cookie, CSRF on every form)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request, Response
from pydantic import ValidationError

from jobtracker.auth import service
from jobtracker.auth.dependencies import SESSION_COOKIE, OptionalWebUser
from jobtracker.auth.schemas import RegisterRequest
from jobtracker.config import SignupMode
from jobtracker.db import DbSession
from jobtracker.kit import web
from jobtracker.kit.dependencies import ClientAddress, SettingsDep
from jobtracker.kit.problems import ProblemError
from jobtracker.users.service import User

router = APIRouter(include_in_schema=False, dependencies=[Depends(web.require_csrf)])

FormText = Annotated[str, Form()]


@router.get("/signup")
def signup_page(request: Request, user: OptionalWebUser, settings: SettingsDep) -> Response:
    if user:
        return web.redirect("/profile")
    closed = settings.signup is SignupMode.CLOSED
    return web.render(request, "auth/signup.html", {"user": None, "closed": closed, "form": {}})


@router.post("/signup")
def signup(
    request: Request,
    session: DbSession,
    settings: SettingsDep,
    email: FormText = "",
    password: FormText = "",
    full_name: FormText = "",
) -> Response:
    form = {"email": email, "full_name": full_name}
    try:
        data = RegisterRequest(email=email, password=password, full_name=full_name)
        user = service.register(session, settings=settings, data=data)
    except ValidationError as error:
        return _signup_error(request, settings, form, _first_message(error))
    except ProblemError as error:
        return _signup_error(request, settings, form, error.detail, error.status)
    return _signed_in(request, session, settings, user, "/profile")


def _signup_error(
    request: Request, settings: SettingsDep, form: dict[str, str], message: str, status: int = 422
) -> Response:
    closed = settings.signup is SignupMode.CLOSED
    context = {"user": None, "form": form, "error": message, "closed": closed}
    return web.render(request, "auth/signup.html", context, status)


@router.get("/login")
def login_page(request: Request, user: OptionalWebUser, next: str = "/") -> Response:
    if user:
        return web.redirect(web.safe_next(next, "/profile"))
    return web.render(
        request, "auth/login.html", {"user": None, "next": web.safe_next(next), "form": {}}
    )


@router.post("/login")
def login(
    request: Request,
    session: DbSession,
    settings: SettingsDep,
    address: ClientAddress,
    email: FormText = "",
    password: FormText = "",
    next: FormText = "/",
) -> Response:
    try:
        user = service.check_credentials(
            session, settings=settings, email=email, password=password, address=address
        )
    except ProblemError as error:
        # Returned, not raised: the failed attempt must be committed to count for throttling.
        context = {
            "user": None, "error": error.detail,
            "form": {"email": email}, "next": web.safe_next(next),
        }  # fmt: skip
        response = web.render(request, "auth/login.html", context, error.status)
        if "Retry-After" in error.headers:  # not WWW-Authenticate: this is a form, not the API
            response.headers["Retry-After"] = error.headers["Retry-After"]
        return response
    return _signed_in(request, session, settings, user, web.safe_next(next, "/profile"))


@router.post("/logout")
def logout(request: Request, session: DbSession) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        service.end_web_session(session, token=token)
    response = web.redirect("/login")
    response.delete_cookie(SESSION_COOKIE)
    return response


def _signed_in(
    request: Request, session: DbSession, settings: SettingsDep, user: User, next_path: str
) -> Response:
    token = service.start_web_session(session, settings=settings, user=user)
    response = web.redirect("/profile" if next_path == "/" else next_path)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=settings.session_days * 86400,
        httponly=True,
        samesite="lax",
        secure=settings.secure_cookies,
    )
    return response


def _first_message(error: ValidationError) -> str:
    first = error.errors()[0]
    field = str(first["loc"][0]).replace("_", " ") if first["loc"] else "form"
    return f"{field.capitalize()}: {first['msg']}"
