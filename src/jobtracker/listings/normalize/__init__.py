"""Normalisation: the many shapes of the job feeds turned into one `ListingRecord`.

Pure functions (no database, no HTTP), one small module each; adapters import them from
here. `build_record` is the one call an adapter ends with; the others read one field each:
HTML (`sanitize_html`, `unescape_layers`, `html_to_text`, `clean_text`, `join_sections`),
locations (`split_locations`, `parse_location`, `location_from_parts`, `country_code`), the
workplace and employment type (`infer_workplace`, `employment_type`), salaries
(`salary_from_amounts`, `salary_from_text`, `pick_salary`, `salary_period`, `currency_code`)
and times (`parse_timestamp`). The reference for every quirk handled is feeds.md §9-§10 of the
workplace.

A package, not the single `normalize.py` DESIGN's list would suggest: each concern is a file of
its own so none grows past the house limit of about 400 lines, and the country and state tables
(`places`) stay data.
"""

from jobtracker.listings.normalize.dates import parse_timestamp
from jobtracker.listings.normalize.html import (
    clean_text,
    html_to_text,
    join_sections,
    sanitize_html,
    unescape_layers,
)
from jobtracker.listings.normalize.locations import (
    country_code,
    location_from_parts,
    parse_location,
    split_locations,
)
from jobtracker.listings.normalize.record import build_record, content_hash
from jobtracker.listings.normalize.salary import (
    currency_code,
    pick_salary,
    salary_from_amounts,
    salary_from_text,
    salary_period,
)
from jobtracker.listings.normalize.workplace import employment_type, infer_workplace

__all__ = [
    "build_record",
    "clean_text",
    "content_hash",
    "country_code",
    "currency_code",
    "employment_type",
    "html_to_text",
    "infer_workplace",
    "join_sections",
    "location_from_parts",
    "parse_location",
    "parse_timestamp",
    "pick_salary",
    "salary_from_amounts",
    "salary_from_text",
    "salary_period",
    "sanitize_html",
    "split_locations",
    "unescape_layers",
]
