"""Web pages: my profile (view and edit), my settings (with my data's export and the account's
deletion, through privacy's service), the people directory, a person's profile."""

from __future__ import annotations

import uuid
from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Form, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ValidationError

from jobtracker.auth.dependencies import SESSION_COOKIE, OptionalWebUser, WebUser
from jobtracker.config import Settings
from jobtracker.db import DbSession
from jobtracker.files import service as files
from jobtracker.kit import web
from jobtracker.kit.dependencies import ClientAddress, SettingsDep
from jobtracker.kit.forms import labelled_errors
from jobtracker.kit.pagination import Pagination
from jobtracker.kit.problems import ProblemError
from jobtracker.privacy import service as privacy
from jobtracker.privacy.schemas import AccountDeletion
from jobtracker.users import service
from jobtracker.users.schemas import ProfileUpdate, SettingsRead, SettingsUpdate, time_zone_names

router = APIRouter(include_in_schema=False, dependencies=[Depends(web.require_csrf)])

PAGE_SIZE = 20


@router.get("/")
def home(request: Request, user: OptionalWebUser) -> Response:
    if user:  # the workspace is a signed-in user's home
        return web.redirect("/applications")
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


# The reminder choices every settings form offers, in minutes before an interview.
REMINDER_CHOICES = (7 * 24 * 60, 2 * 24 * 60, 24 * 60, 3 * 60, 60, 30, 15)
DURATION_UNITS = ((7 * 24 * 60, "week"), (24 * 60, "day"), (60, "hour"), (1, "minute"))


@router.get("/settings")
def settings_page(
    request: Request, user: WebUser, settings: SettingsDep, saved: bool = False,
    rotated: bool = False,
) -> Response:  # fmt: skip
    form = _settings_form(service.get_settings(settings, user=user))
    return _settings_page(request, user, settings, form, saved=saved, rotated=rotated)


class SettingsForm(BaseModel):
    time_zone: str = ""
    reminder_offsets_minutes: list[str] = []
    stale_after_days: str = ""


@router.post("/settings")
def save_settings(
    request: Request, user: WebUser, session: DbSession, settings: SettingsDep,
    form: Annotated[SettingsForm, Form()],
) -> Response:  # fmt: skip
    try:
        data = SettingsUpdate.model_validate(form.model_dump())
    except ValidationError as error:
        errors = _field_errors(error)
        return _settings_page(
            request, user, settings, form.model_dump(), status=422,
            errors=[message for _, message in errors], invalid={field for field, _ in errors},
        )  # fmt: skip
    service.update_settings(session, settings, user=user, data=data)
    return web.redirect("/settings?saved=true")


@router.post("/settings/calendar-token")
def rotate_calendar_token(user: WebUser, session: DbSession, settings: SettingsDep) -> Response:
    service.rotate_calendar_token(session, settings, user=user)
    return web.redirect("/settings?rotated=true#calendar")


@router.get("/settings/export")
def export_my_data(user: WebUser, session: DbSession, settings: SettingsDep) -> Response:
    document = privacy.export_account(session, settings, user=user)
    filename = privacy.export_filename(user, document.exported_at)
    return JSONResponse(
        document.model_dump(mode="json"),
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.post("/settings/delete-account")
def delete_account(
    request: Request, user: WebUser, session: DbSession, settings: SettingsDep,
    address: ClientAddress, password: Annotated[str, Form()] = "",
) -> Response:  # fmt: skip
    try:
        data = AccountDeletion(password=password)
        privacy.delete_account(
            session, settings, user=user, password=data.password, address=address
        )
    except ValidationError:
        return _delete_error(request, user, settings, "Enter your password.", 422)
    except ProblemError as error:
        # Returned, not raised: a wrong password must be committed to count for throttling.
        response = _delete_error(request, user, settings, error.detail, error.status)
        if "Retry-After" in error.headers:
            response.headers["Retry-After"] = error.headers["Retry-After"]
        return response
    response = web.redirect("/")
    response.delete_cookie(SESSION_COOKIE)
    return response


def _delete_error(
    request: Request, user: Any, settings: Settings, message: str, status: int
) -> Response:
    form = _settings_form(service.get_settings(settings, user=user))
    return _settings_page(request, user, settings, form, status=status, delete_error=message)


def _settings_page(
    request: Request, user: Any, settings: Settings, form: dict[str, Any], *,
    status: int = 200, **extra: Any,
) -> Response:  # fmt: skip
    context = {
        "user": user, "form": form, "time_zones": time_zone_names(),
        "reminder_choices": _reminder_choices(form["reminder_offsets_minutes"]),
        "calendar_url": service.calendar_url(settings, user=user), **extra,
    }  # fmt: skip
    return web.render(request, "users/settings.html", context, status)


def _settings_form(current: SettingsRead) -> dict[str, Any]:
    return {
        "time_zone": current.time_zone,
        "reminder_offsets_minutes": [str(minutes) for minutes in current.reminder_offsets_minutes],
        "stale_after_days": str(current.stale_after_days),
    }


def _reminder_choices(checked: list[str]) -> list[tuple[int, str, bool]]:
    """(minutes, label, checked) for the usual offsets and any other one the user has (set
    through the API), longest first, so that saving the form never drops a reminder."""
    chosen = {int(value) for value in checked if value.isdigit()}
    every = sorted(set(REMINDER_CHOICES) | chosen, reverse=True)
    return [(minutes, _duration(minutes), minutes in chosen) for minutes in every]


def _duration(minutes: int) -> str:
    """In the largest whole unit: 10080 → "1 week", 2880 → "2 days", 90 → "90 minutes"."""
    size, unit = next((size, unit) for size, unit in DURATION_UNITS if minutes % size == 0)
    count = minutes // size
    return f"{count} {unit}" if count == 1 else f"{count} {unit}s"


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
    resumes, _ = files.list_profile_resumes(session, user_id=user_id, page=Pagination(limit=20))
    context = {"user": user, "person": person, "resumes": resumes}
    return web.render(request, "users/person.html", context)


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
    "time_zone": "Time zone", "reminder_offsets_minutes": "Reminders",
    "stale_after_days": "Stale after",
}  # fmt: skip
ITEM_LABELS = {"skills": "Skill", "social_links": "Link", "reminder_offsets_minutes": "Reminder"}


def _field_errors(error: ValidationError) -> list[tuple[str, str]]:
    return labelled_errors(error, FIELD_LABELS, ITEM_LABELS)
