"""`jobtracker demo`: a demo account with realistic sample data, created through the services.

Idempotent: running it again changes nothing. Later issues add their own sample data here.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from jobtracker.auth import service as auth
from jobtracker.auth.schemas import RegisterRequest
from jobtracker.config import Settings
from jobtracker.demo_catalogue import seed_catalogue
from jobtracker.demo_workspace import (
    seed_applications,
    seed_contacts,
    seed_interviews,
    seed_resume,
)
from jobtracker.notifications import service as notifications
from jobtracker.notifications.schemas import NotificationKind
from jobtracker.users import service as users
from jobtracker.users.schemas import ProfilePatch, SettingsUpdate

DEMO_EMAIL = "demo@example.com"
DEMO_PASSWORD = "jobtracker-demo"  # noqa: S105 - printed to the operator; a local demo account


@dataclass(frozen=True)
class Person:
    email: str
    full_name: str
    position: str
    location: str
    skills: tuple[str, ...]
    bio: str
    show_email: bool = False


DEMO_USER = Person(
    DEMO_EMAIL, "Dana Whitfield", "Backend engineer looking for platform roles", "Berlin, Germany",
    ("Python", "PostgreSQL", "FastAPI", "Kubernetes", "Observability"),
    "Six years building APIs and data pipelines; now looking for a platform team that cares "
    "about developer experience.",
)  # fmt: skip

PEOPLE = (
    Person("ana.lopez@example.com", "Ána María López", "Data analyst · bootcamp cohort 12",
           "Madrid, Spain", ("SQL", "Python", "Tableau"), "Career changer from finance.", True),
    Person("kwame.mensah@example.com", "Kwame Mensah", "Frontend developer", "Accra, Ghana",
           ("TypeScript", "React", "Accessibility"), "I make forms people enjoy filling in."),
    Person("sofia.rossi@example.com", "Sofia Rossi", "Engineering manager, hiring", "Milan, Italy",
           ("Leadership", "Go", "Hiring"), "Happy to review CVs from the cohort.", True),
    Person("li.wei@example.com", "Li Wei", "Site reliability engineer", "Singapore",
           ("Linux", "Terraform", "Prometheus"), "On-call veteran; ask me about SLOs."),
    Person("jose.nunez@example.com", "José Núñez", "Junior Python developer", "Buenos Aires",
           ("Python", "Django"), "First role hunting after university."),
)  # fmt: skip


def seed_demo(session: Session, *, settings: Settings) -> bool:
    """Create the demo account and its world; False when it already exists."""
    if users.get_user_by_email(session, email=DEMO_EMAIL):
        return False
    demo = _create(session, settings, DEMO_USER)
    for person in PEOPLE:
        _create(session, settings, person)
    for email in ("ana.lopez@example.com", "sofia.rossi@example.com"):
        followed = users.get_user_by_email(session, email=email)
        assert followed is not None
        users.follow(session, viewer=demo, user_id=followed.id)
    _notify(session, demo)
    berlin = SettingsUpdate(time_zone="Europe/Berlin")  # where Dana lives: times shown in it
    users.update_settings(session, settings, user=demo, data=berlin)
    resume_id = seed_resume(session, settings, owner=demo)
    applications = seed_applications(session, owner=demo, resume_id=resume_id)
    seed_contacts(session, owner=demo, applications=applications)
    seed_interviews(session, owner=demo, applications=applications)
    seed_catalogue(session, settings=settings, password=DEMO_PASSWORD)
    return True


NOTIFICATIONS = (
    (NotificationKind.SYSTEM, "Welcome to Jobtracker",
     "Fill in your profile so that people from your cohort can find you.", "/profile"),
    (NotificationKind.ALERT_MATCH, "3 new listings match “platform engineer”",
     "Northwind Analytics, Globex and Initech posted roles in Berlin this week.", "/notifications"),
    (NotificationKind.INTERVIEW_REMINDER, "Interview tomorrow at 10:00 with Northwind Analytics",
     "Second round: system design, 60 minutes, video call.", "/notifications"),
)  # fmt: skip


def _notify(session: Session, demo: users.User) -> None:
    """A few notifications, the oldest already read; their emails land in the outbox."""
    sent = [
        notifications.notify(session, user_id=demo.id, kind=kind, title=title, body=body, link=link)
        for kind, title, body, link in NOTIFICATIONS
    ]
    welcome = sent[0]
    assert welcome is not None  # a new account has every kind on
    notifications.mark_read(session, user_id=demo.id, notification_id=welcome.id)


def _create(session: Session, settings: Settings, person: Person) -> users.User:
    data = RegisterRequest(email=person.email, password=DEMO_PASSWORD, full_name=person.full_name)
    user = auth.register(session, settings=settings, data=data, by_operator=True)
    profile = ProfilePatch(
        position=person.position,
        location=person.location,
        skills=list(person.skills),
        bio=person.bio,
        show_email=person.show_email,
        social_links=[{"label": "LinkedIn", "url": "https://www.linkedin.com/"}],
    )
    return users.update_profile(session, user=user, data=profile)
