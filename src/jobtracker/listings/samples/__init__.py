"""Sample feeds in the real shapes of two kinds of source (a Greenhouse board and a WP Job
Manager RSS feed such as Jobicy's), generated from a seed: the demo serves a few hundred from the
app itself, and benchmarks/import_bench.py writes a hundred thousand.

`python -m jobtracker.listings.samples` rewrites the files shipped beside this module.
"""

from __future__ import annotations

import html
import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO

HERE = Path(__file__).parent
TITLES = (
    "Senior Backend Engineer", "Platform Engineer", "Site Reliability Engineer",
    "Frontend Developer (React)", "Full Stack Engineer", "Data Engineer",
    "Machine Learning Engineer", "iOS Developer", "QA Automation Engineer",
    "Security Engineer", "Product Manager", "Product Designer", "Engineering Manager",
    "DevOps Engineer", "Python Developer", "Analytics Engineer", "Embedded Software Engineer",
    "Android Engineer", "Staff Software Engineer, Payments", "Data Scientist",
)  # fmt: skip
COMPANIES = (
    "Northwind Robotics", "Globex Cloud", "Initech Payments", "Umbrella Health", "Hooli",
    "Stark Logistics", "Wayne Fintech", "Acme Analytics", "Soylent Foods", "Tyrell Data",
    "Wonka Commerce", "Pied Piper", "Massive Dynamic", "Aperture Labs", "Vandelay Imports",
)  # fmt: skip
PLACES = (
    "Berlin, Germany", "Lisbon; Remote - Portugal", "Amsterdam, Netherlands", "London, UK",
    "Remote - US", "New York, NY", "San Francisco, CA", "Madrid, Spain", "Toronto, ON",
    "Paris, France", "Remote - EMEA", "Munich, Germany",
)  # fmt: skip
REGIONS = ("Anywhere", "USA, Canada", "Europe", "EMEA", "LATAM", "UK", "Germany")
TYPES = ("Full Time", "Part Time", "Contract", "Freelance", "Internship")
SKILLS = ("Python", "Go", "TypeScript", "React", "PostgreSQL", "Kubernetes", "Terraform",
          "AWS", "Kafka", "Rust", "Swift", "Kotlin", "dbt", "Spark", "PyTorch")  # fmt: skip
PARAGRAPH = (
    "You will work with a small team that owns {skill} services end to end, from design "
    "reviews to on-call. We value clear writing, careful code review and shipping in small "
    "steps. Our customers depend on us every day, so reliability matters as much as speed."
)


@dataclass(frozen=True)
class Sample:
    id: int
    title: str
    company: str
    place: str
    region: str
    type: str
    low: int
    high: int
    posted: datetime
    html: str


def jobs(count: int, *, seed: int = 7) -> Iterator[Sample]:
    """`count` postings, the same for the same seed."""
    rng = random.Random(seed)  # noqa: S311 - sample data, not secrets
    start = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
    for number in range(count):
        skills = rng.sample(SKILLS, 3)
        low = rng.randrange(50, 140) * 1000
        yield Sample(
            id=7_400_000 + number, title=TITLES[rng.randrange(len(TITLES))],
            company=COMPANIES[rng.randrange(len(COMPANIES))],
            place=PLACES[rng.randrange(len(PLACES))], region=REGIONS[rng.randrange(len(REGIONS))],
            type=TYPES[min(rng.randrange(8), len(TYPES) - 1)], low=low,
            high=low + rng.randrange(10, 40) * 1000,
            posted=start + timedelta(minutes=number * 7), html=_description(rng, skills),
        )  # fmt: skip


def _description(rng: random.Random, skills: list[str]) -> str:
    """1 to 3 KB of the HTML job descriptions are made of."""
    paragraphs = "".join(
        f"<p>{PARAGRAPH.format(skill=skill)}</p>" for skill in skills[: rng.randrange(2, 4)]
    )
    bullets = "".join(f"<li>Experience with {skill} &amp; friends</li>" for skill in skills)
    return (
        f"<h3>About the role</h3>{paragraphs}<h3>What you bring</h3><ul>{bullets}</ul>"
        f"<p>We offer a learning budget, flexible hours and {rng.randrange(25, 31)} days off.</p>"
    )


def write_greenhouse(out: IO[str], postings: Iterator[Sample]) -> None:
    """A Greenhouse Job Board API answer (`?content=true`): entity-escaped HTML content."""
    out.write('{"jobs": [')
    for number, job in enumerate(postings):
        out.write("," if number else "")
        json.dump(_greenhouse_job(job), out)
    out.write('], "meta": {"total": null}}')


def _greenhouse_job(job: Sample) -> dict[str, object]:
    posted = job.posted.isoformat()
    return {
        "id": job.id, "internal_job_id": job.id, "title": job.title,
        "updated_at": posted, "first_published": posted,
        "requisition_id": f"REQ-{job.id}", "location": {"name": job.place},
        "absolute_url": f"https://boards.greenhouse.io/samples/jobs/{job.id}",
        "company_name": job.company, "language": "en",
        "metadata": [{"id": 1, "name": "Employment Type", "value": job.type,
                      "value_type": "single_select"}],
        "content": html.escape(job.html, quote=False),
        "departments": [{"id": 1, "name": "Engineering", "parent_id": None, "child_ids": []}],
        "offices": [],
    }  # fmt: skip


def write_rss(out: IO[str], postings: Iterator[Sample]) -> None:
    """A WP Job Manager RSS feed (Jobicy's shape): job_listing: elements in CDATA."""
    out.write(
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
        'xmlns:job_listing="https://jobicy.com"><channel><title>Remote Jobs Feed</title>'
        "<link>https://jobicy.com</link>\n"
    )
    for job in postings:
        out.write(_rss_item(job))
    out.write("</channel></rss>\n")


def _rss_item(job: Sample) -> str:
    slug = "-".join(word for word in job.title.lower().replace(",", " ").split() if word.isalnum())
    return (
        f"<item><title>{html.escape(job.title)}</title>"
        f"<link>https://jobicy.com/jobs/{job.id}-{slug}</link>"
        f"<pubDate>{job.posted.strftime('%a, %d %b %Y %H:%M:%S +0000')}</pubDate>"
        f"<description><![CDATA[{job.html}<p>Compensation: ${job.low:,} - ${job.high:,} / year"
        f"</p>]]></description>"
        f"<job_listing:location><![CDATA[{job.region}]]></job_listing:location>"
        f"<job_listing:job_type><![CDATA[{job.type}]]></job_listing:job_type>"
        f"<job_listing:company><![CDATA[{job.company}]]></job_listing:company></item>\n"
    )


def write_samples(folder: Path = HERE) -> None:
    with (folder / "greenhouse.json").open("w", encoding="utf-8") as out:
        write_greenhouse(out, jobs(180, seed=1))
    with (folder / "jobicy.rss").open("w", encoding="utf-8") as out:
        write_rss(out, jobs(150, seed=2))
