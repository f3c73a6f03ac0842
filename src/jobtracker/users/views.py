"""Web pages: my profile (view and edit), the people directory, a person's profile."""

from __future__ import annotations

import uuid
from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Form, Query, Request, Response
from pydantic import BaseModel, ValidationError

from jobtracker.auth.dependencies import OptionalWebUser, WebUser
from jobtracker.db import DbSession
from jobtracker.kit import web
from jobtracker.kit.pagination import Pagination
from jobtracker.kit.problems import ProblemError
from jobtracker.users import service
from jobtracker.users.schemas import ProfileUpdate

router = APIRouter(include_in_schema=False, dependencies=[Depends(web.require_csrf)])

PAGE_SIZE = 20


@router.get("/")
def home(request: Request, user: OptionalWebUser) -> Response:
    if user:
        return web.redirect("/profile")
    return web.render(request, "home.html", {"user": None})


@router.get("/profile")
def profile_page(request: Request, user: WebUser, saved: bool = False) -> Response:
    context = {"user": user, "form": _form_from_user(user), "saved": saved}
    return web.render(request, "users/profile.html", context)


class ProfileForm(BaseModel):
    full_name: str = ""
    email: str = ""
    phone: str = ""
    location: str = ""
    position: str = ""
    bio: str = ""
    skills: str = ""
    social_links: str = ""
    show_email: bool = False
    show_phone: bool = False


@router.post("/profile")
def save_profile(
    request: Request, user: WebUser, session: DbSession, form: Annotated[ProfileForm, Form()]
) -> Response:
    try:
        data = ProfileUpdate.model_validate(_profile_values(form))
        service.update_profile(session, user=user, data=data)
    except ValidationError as error:
        return _profile_error(request, user, form.model_dump(), _field_errors(error))
    except ProblemError as error:
        return _profile_error(request, user, form.model_dump(), [("", error.detail)])
    return web.redirect("/profile?saved=true")


def _profile_error(
    request: Request, user: Any, form: dict[str, Any], errors: list[tuple[str, str]]
) -> Response:
    context = {
        "user": user, "form": form, "errors": [message for _, message in errors],
        "invalid": {field for field, _ in errors},
    }  # fmt: skip
    return web.render(request, "users/profile.html", context, 422)


@router.get("/people")
def people_page(
    request: Request,
    user: WebUser,
    session: DbSession,
    q: Annotated[str, Query(max_length=200)] = "",
    page: Annotated[int, Query(ge=1)] = 1,
) -> Response:
    pagination = Pagination(limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    people, total = service.search_people(session, viewer=user, query=q, page=pagination)
    context = {
        "user": user, "people": people, "total": total, "q": q, "page": page,
        "has_next": page * PAGE_SIZE < total,
    }  # fmt: skip
    return web.render_page_or_fragment(
        request, "users/people.html", "users/_people_results.html", context
    )


@router.get("/people/following")
def following_page(request: Request, user: WebUser, session: DbSession) -> Response:
    people, total = service.list_followed(
        session, viewer=user, page=Pagination(limit=100, offset=0)
    )
    return web.render(
        request, "users/following.html", {"user": user, "people": people, "total": total}
    )


@router.get("/people/{user_id}")
def person_page(
    request: Request, user_id: uuid.UUID, user: WebUser, session: DbSession
) -> Response:
    if user_id == user.id:
        return web.redirect("/profile")
    person = service.get_public_profile(session, viewer=user, user_id=user_id)
    return web.render(request, "users/person.html", {"user": user, "person": person})


@router.post("/people/{user_id}/follow")
def follow(request: Request, user_id: uuid.UUID, user: WebUser, session: DbSession) -> Response:
    person = service.follow(session, viewer=user, user_id=user_id)
    return _follow_result(request, person)


@router.post("/people/{user_id}/unfollow")
def unfollow(request: Request, user_id: uuid.UUID, user: WebUser, session: DbSession) -> Response:
    service.unfollow(session, viewer=user, user_id=user_id)
    person = service.get_public_profile(session, viewer=user, user_id=user_id)
    return _follow_result(request, person)


def _follow_result(request: Request, person: Any) -> Response:
    if web.is_htmx(request):
        return web.render(request, "users/_follow_button.html", {"person": person})
    return web.redirect(f"/people/{person.id}")


def _form_from_user(user: Any) -> dict[str, Any]:
    links = "\n".join(f"{link['label']} {link['url']}" for link in user.social_links)
    return {
        "full_name": user.full_name, "email": user.email, "phone": user.phone or "",
        "location": user.location or "", "position": user.position or "", "bio": user.bio or "",
        "skills": ", ".join(user.skills), "social_links": links,
        "show_email": user.show_email, "show_phone": user.show_phone,
    }  # fmt: skip


def _profile_values(form: ProfileForm) -> dict[str, Any]:
    """Form text to API shape: empty means unset, skills comma-separated, links one per line."""
    values: dict[str, Any] = {
        name: value or None for name, value in form.model_dump().items() if isinstance(value, str)
    }
    values.update(
        full_name=form.full_name,
        email=form.email,
        show_email=form.show_email,
        show_phone=form.show_phone,
        skills=[skill.strip() for skill in form.skills.split(",") if skill.strip()],
        social_links=[_link(line) for line in form.social_links.splitlines() if line.strip()],
    )
    return values


def _link(line: str) -> dict[str, str]:
    *label_words, url = line.split()
    label = " ".join(label_words) or urlsplit(url).hostname or url
    return {"label": label, "url": url}


FIELD_LABELS = {
    "full_name": "Full name", "position": "Headline", "location": "Location", "email": "Email",
    "phone": "Phone", "skills": "Skills", "social_links": "Links", "bio": "About you",
}  # fmt: skip
ITEM_LABELS = {"skills": "Skill", "social_links": "Link"}


def _field_errors(error: ValidationError) -> list[tuple[str, str]]:
    """(form field, message in the form's own words): "Link 2: URL scheme should be ..."."""
    errors = []
    for item in error.errors():
        field, *rest = item["loc"] or ("form",)
        name = FIELD_LABELS.get(str(field), str(field))
        if rest and isinstance(rest[0], int):
            name = f"{ITEM_LABELS.get(str(field), name)} {rest[0] + 1}"
        errors.append((str(field), f"{name}: {item['msg']}"))
    return errors
