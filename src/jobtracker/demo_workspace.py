"""The demo account's workspace: about 40 applications over six months in every status, interviews
in the coming two weeks, contacts (one of them a Jobtracker user, linked to her profile) and
a resume.

Deterministic (a seeded random generator), so two runs of the demo tell the same story.
"""

from __future__ import annotations

import io
import random
import uuid
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from docx import Document
from sqlalchemy.orm import Session

from jobtracker.applications import service as applications
from jobtracker.applications.schemas import ApplicationCreate
from jobtracker.applications.service import Application, Status
from jobtracker.config import Settings
from jobtracker.contacts import service as contacts
from jobtracker.contacts.schemas import ContactCreate
from jobtracker.files import service as files
from jobtracker.files.schemas import ResumePatch
from jobtracker.interviews import service as interviews
from jobtracker.interviews.schemas import InterviewCreate
from jobtracker.kit.clock import utcnow
from jobtracker.users.service import User

COMPANIES = (
    ("Northwind Analytics", "Berlin, Germany"), ("Globex", "Remote (EU)"),
    ("Initech", "Munich, Germany"), ("Umbrella Health", "Amsterdam, Netherlands"),
    ("Hooli", "London, UK"), ("Stark Logistics", "Hamburg, Germany"),
    ("Wayne Payments", "Remote"), ("Acme Cloud", "Berlin, Germany"),
    ("Soylent Foods", "Copenhagen, Denmark"), ("Cyberdyne Robotics", "Zurich, Switzerland"),
    ("Tyrell Data", "Remote (Europe)"), ("Wonka Commerce", "Vienna, Austria"),
    ("Oscorp Energy", "Paris, France"), ("Aperture Labs", "Berlin, Germany"),
    ("Pied Piper", "Lisbon, Portugal"), ("Vandelay Industries", "Remote"),
    ("Massive Dynamic", "Dublin, Ireland"), ("Gringotts Bank", "Frankfurt, Germany"),
    ("Monsters Inc", "Barcelona, Spain"), ("Dunder Mifflin Paper", "Remote (EU)"),
)  # fmt: skip
POSITIONS = (
    "Backend Engineer", "Senior Backend Engineer (Python)", "Platform Engineer",
    "Site Reliability Engineer", "Staff Engineer, Developer Experience", "Data Engineer",
    "Software Engineer, Infrastructure", "Python Developer", "DevOps Engineer",
    "Backend Engineer, Payments",
)  # fmt: skip
SALARIES = ("€70k-85k", "75.000 € brutto", "$120k\u2013150k", "£65,000 p.a.", "CHF 120 000", None,
            "competitive", "€80,000 - €95,000", None, "90k EUR")  # fmt: skip
# How the 40 applications ended, roughly like a real search: many unanswered, a few offers.
OUTCOMES = (
    [Status.SAVED] * 6 + [Status.APPLIED] * 13 + [Status.INTERVIEW] * 8 + [Status.OFFER] * 2
    + [Status.REJECTED] * 9 + [Status.WITHDRAWN] * 2
)  # fmt: skip
PATHS = {
    Status.SAVED: (Status.SAVED,),
    Status.APPLIED: (Status.SAVED, Status.APPLIED),
    Status.INTERVIEW: (Status.SAVED, Status.APPLIED, Status.INTERVIEW),
    Status.OFFER: (Status.SAVED, Status.APPLIED, Status.INTERVIEW, Status.OFFER),
    Status.REJECTED: (Status.SAVED, Status.APPLIED, Status.REJECTED),
    Status.WITHDRAWN: (Status.SAVED, Status.APPLIED, Status.INTERVIEW, Status.WITHDRAWN),
}
NOTES = ("Referred by Sofia.", "Recruiter reached out on LinkedIn.", "Great engineering blog.",
         "Follow up with the hiring manager.", None, None)  # fmt: skip


def seed_resume(session: Session, settings: Settings, *, owner: User) -> uuid.UUID:
    """Dana's resume, a Word file made here, shown on her profile."""
    document = Document()
    document.add_heading(owner.full_name, level=0)
    document.add_paragraph("Backend engineer · Berlin · dana@example.com")
    for heading, lines in RESUME:
        document.add_heading(heading, level=1)
        for line in lines:
            document.add_paragraph(line, style="List Bullet")
    buffer = io.BytesIO()
    document.save(buffer)
    resume = files.upload_resume(
        session, settings, owner=owner, filename="Dana Whitfield - Resume.docx",
        data=buffer.getvalue(), title="Backend engineer, 2026",
    )  # fmt: skip
    files.update_resume(
        session, owner_id=owner.id, resume_id=resume.id, data=ResumePatch(visible_on_profile=True)
    )
    return resume.id


RESUME = (
    ("Experience", (
        "Senior Backend Engineer, Contoso Mobility (2022-2026): Python and PostgreSQL services "
        "for 2 million riders; cut p99 latency by 60%.",
        "Backend Engineer, Fabrikam Data (2019-2022): data pipelines, FastAPI, Kubernetes.",
    )),
    ("Skills", ("Python, FastAPI, SQLAlchemy, PostgreSQL, Kubernetes, Terraform, Prometheus",)),
    ("Education", ("BSc Computer Science, TU Berlin",)),
)  # fmt: skip


def seed_applications(
    session: Session, *, owner: User, resume_id: uuid.UUID | None = None
) -> list[Application]:
    """The demo's applications, oldest first; the ones with no news are marked stale."""
    rng = random.Random(2026)  # noqa: S311 - sample data, not secrets
    now = utcnow()
    created = []
    for number, outcome in enumerate(sorted(OUTCOMES, key=lambda _: rng.random())):
        company, location = COMPANIES[number % len(COMPANIES)]
        # Open applications are recent (a few without news for weeks); closed ones span 6 months.
        days_ago = rng.uniform(3, 28) if outcome == Status.APPLIED else rng.uniform(3, 182)
        start = now - timedelta(days=days_ago)
        moves = _moves(rng, PATHS[outcome], start, now)
        data = ApplicationCreate(
            company=company, position=POSITIONS[rng.randrange(len(POSITIONS))],
            location=location, salary=SALARIES[rng.randrange(len(SALARIES))],
            job_url=f"https://careers.example.com/{company.lower().replace(' ', '-')}/{number}",
            job_description=_description(company), notes=NOTES[rng.randrange(len(NOTES))],
            applied_on=_applied_on(moves),
            resume_id=resume_id if outcome != Status.SAVED else None,
        )  # fmt: skip
        created.append(applications.create_with_past(session, owner=owner, data=data, moves=moves))
    applications.mark_stale(session, now=now)
    return created


CONTACTS = (
    # (name, position, company index, email, notes); Sofia is a Jobtracker user: linked.
    ("Sofia Rossi", "Engineering manager", 0, "sofia.rossi@example.com",
     "Offered to review my CV; met at the cohort meetup."),
    ("Tom Becker", "Technical recruiter", 1, "tom.becker@globex.example", "Prefers calls."),
    ("Priya Natarajan", "Staff engineer", 2, "priya@initech.example", "Ex-colleague; referral."),
    ("Lucas Martin", "Talent partner", 3, None, "Reached out on LinkedIn."),
    ("Hannah Schulz", "Head of platform", 7, "hannah.schulz@acme-cloud.example", None),
)  # fmt: skip


def seed_contacts(session: Session, *, owner: User, applications: list[Application]) -> None:
    """A few contacts, each tied to the demo's applications at their company."""
    for name, position, company_index, email, notes in CONTACTS:
        company = COMPANIES[company_index][0]
        related = [a.id for a in applications if a.company == company]
        data = ContactCreate(
            name=name, position=position, company=company, emails=[email] if email else [],
            notes=notes, application_ids=related,
            social_links=[{"label": "LinkedIn", "url": "https://www.linkedin.com/"}],
        )  # fmt: skip
        contacts.create_contact(session, owner=owner, data=data)


INTERVIEWS = (
    # (days ahead, hour in Berlin, type, duration, where, what)
    (1, 10, "online", 60, "https://meet.example.com/northwind-2nd", "Second round: system design."),
    (3, 14, "phone", 30, None, "Recruiter screen: motivation, salary expectations."),
    (5, 11, "on_site", 240, "Main office, 3rd floor", "Final loop: four interviews and lunch."),
    (8, 16, "online", 45, "https://meet.example.com/pair", "Pair programming on a small API."),
    (12, 9, "online", 60, "https://meet.example.com/team", "Meet the team."),
)  # fmt: skip


def seed_interviews(session: Session, *, owner: User, applications: list[Application]) -> None:
    """Interviews in the coming two weeks, for the applications that reached that step."""
    interviewing = [a for a in applications if a.status == Status.INTERVIEW]
    berlin = ZoneInfo("Europe/Berlin")
    today = utcnow().astimezone(berlin).date()
    for application, (days, hour, kind, minutes, where, what) in zip(
        interviewing, INTERVIEWS, strict=False
    ):
        starts = datetime.combine(today + timedelta(days=days), time(hour), tzinfo=berlin)
        data = InterviewCreate(
            application_id=application.id, starts_at=starts, type=kind,
            duration_minutes=minutes, location=where, details=what,
        )  # fmt: skip
        interviews.create_interview(session, owner=owner, data=data)


def _moves(
    rng: random.Random, path: tuple[Status, ...], start: datetime, now: datetime
) -> list[tuple[Status, datetime]]:
    """Each step a few days after the one before, never in the future."""
    moves, when = [], start
    for status in path:
        moves.append((status, when))
        when = min(when + timedelta(days=rng.uniform(1, 12)), now - timedelta(hours=1))
    return moves


def _applied_on(moves: list[tuple[Status, datetime]]) -> date | None:
    for status, when in moves:
        if status == Status.APPLIED:
            return when.date()
    return None


def _description(company: str) -> str:
    return (
        f"{company} is looking for an engineer to build and run the services behind its "
        "product. You will design APIs in Python, own PostgreSQL schemas and queries, and "
        "improve our deployment pipeline on Kubernetes.\n\nWhat you bring: 4+ years of "
        "backend development, experience with SQL databases, and a habit of writing tests."
    )
