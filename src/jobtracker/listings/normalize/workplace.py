"""How and on what terms: workplace with its remote scope, and the employment type."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence

from jobtracker.kit.text import fold
from jobtracker.listings.normalize.locations import HYBRID, NOISE, ONSITE, REMOTE, split_locations
from jobtracker.listings.normalize.places import key
from jobtracker.listings.schemas import EmploymentType, Workplace

# Every source's enum, folded with separators dropped: Lever "on-site", Ashby "OnSite",
# Teamtailor "fully"/"none"/"temporary" (remote for now, the office later: hybrid), JSON-LD
# "TELECOMMUTE", Recruitee's "on_site".
WORKPLACE_VALUES = {
    "remote": Workplace.REMOTE, "fully": Workplace.REMOTE, "fullyremote": Workplace.REMOTE,
    "telecommute": Workplace.REMOTE, "hybrid": Workplace.HYBRID, "temporary": Workplace.HYBRID,
    "onsite": Workplace.ONSITE, "none": Workplace.ONSITE, "office": Workplace.ONSITE,
    "inoffice": Workplace.ONSITE, "inperson": Workplace.ONSITE,
}  # fmt: skip
NOT_REMOTE = re.compile(r"\b(?:no|not|non)[\s-]?remote\b", re.IGNORECASE)
_NOT_LETTERS = re.compile(r"[^a-z]")
WORLDWIDE = "Worldwide"
WORLDWIDE_NAMES = frozenset({"anywhere", "worldwide", "global", "anywhere in the world"})
SCOPE_LIMIT = 200
VOCABULARY_LIMIT = 100  # characters of an enum-like value worth remembering
REMEMBERED_LIMIT = 1000  # characters of a workplace and its places worth remembering


def infer_workplace(
    *,
    remote: bool | None = None,
    workplace: str | None = None,
    texts: Iterable[str] = (),
) -> tuple[Workplace, str | None]:
    """The workplace and the remote scope ("US", "EMEA, UK", "Worldwide"), or None.

    The source's enum wins (`workplace`), then its boolean (`remote`; False means onsite
    unless the texts say hybrid), then the texts (locations, regions): any remote place makes
    the listing remote, else any hybrid one hybrid, else onsite words onsite. The scope is
    what a remote text says besides "remote" ("Remote - US" -> "US", "Anywhere in the World"
    -> "Worldwide"); a remote listing whose texts never say "remote" (a remote-only board's
    region restriction: Jobicy jobGeo, WWR region) takes those texts as its scope.
    """
    given = tuple(texts)
    if _worth_remembering(remote, workplace, given):
        return _remembered_inference(remote, workplace, given)
    return _inference(remote, workplace, given)  # an odd value (long, not text) reads as it did


def _worth_remembering(remote: object, workplace: object, texts: tuple[object, ...]) -> bool:
    """Whether the arguments are the few short strings a feed repeats ("Remote - US"), worth
    a place in the cache (and hashable: a list where text belongs fails as it always did)."""
    size = 0
    for value in (workplace, *texts):
        if isinstance(value, str):
            size += len(value)
        elif value is not None:
            return False
    return (remote is None or isinstance(remote, bool)) and size <= REMEMBERED_LIMIT


def _inference(
    remote: bool | None, workplace: str | None, texts: tuple[str, ...]
) -> tuple[Workplace, str | None]:
    places = tuple(place for text in texts if text for place in split_locations(text))
    from_texts, scope = _from_texts(places)
    declared = WORKPLACE_VALUES.get(_NOT_LETTERS.sub("", fold(workplace))) if workplace else None
    if declared is None and remote is not None:
        declared = Workplace.REMOTE if remote else _hybrid_or_onsite(from_texts)
    found = declared or from_texts
    if found is Workplace.REMOTE and from_texts is not Workplace.REMOTE:
        scope = _scope_of_plain_texts(places)
    return found, (scope if found is Workplace.REMOTE else None)


# Keyed by a listing's flag, enum and places: a source repeats them listing after listing, and
# reading them anew (splitting, a dozen expressions, the scope's folding) took 2 to 5 µs.
_remembered_inference = functools.lru_cache(maxsize=4096)(_inference)


def _hybrid_or_onsite(from_texts: Workplace) -> Workplace:
    return Workplace.HYBRID if from_texts is Workplace.HYBRID else Workplace.ONSITE


# Keyed by the places of one listing, a few short strings that feeds repeat listing after
# listing ("Remote - US"); reading them takes a dozen expressions each.
@functools.lru_cache(maxsize=4096)
def _from_texts(places: tuple[str, ...]) -> tuple[Workplace, str | None]:
    kinds = [_kind(place) for place in places]
    for kind in (Workplace.REMOTE, Workplace.HYBRID, Workplace.ONSITE):
        if kind in kinds:
            scopes = [
                _scope(place) for place, found in zip(places, kinds, strict=True) if found is kind
            ]
            return kind, next((scope for scope in scopes if scope), None)
    return Workplace.UNKNOWN, None


def _kind(place: str) -> Workplace:
    if NOT_REMOTE.search(place):
        return Workplace.ONSITE
    if HYBRID.search(place):  # before onsite: "Hybrid (2 days in office)"
        return Workplace.HYBRID
    if REMOTE.search(place):
        return Workplace.REMOTE
    return Workplace.ONSITE if ONSITE.search(place) else Workplace.UNKNOWN


def _scope(place: str) -> str | None:
    """ "Remote - US" -> "US"; "USA only (remote)" -> "USA only"; "Anywhere" -> "Worldwide"."""
    rest = REMOTE.sub(" ", place)
    rest = re.sub(r"[()\[\]]", " ", rest).strip(" -:,/\u2013\u2014")
    rest = re.sub(r"^(?:in|from|within)\s+|\s+", " ", rest).strip()
    if not NOISE.sub("", rest).strip(" /"):
        return WORLDWIDE if re.search(r"anywhere|worldwide", place, re.IGNORECASE) else None
    return rest[:SCOPE_LIMIT]


def _scope_of_plain_texts(places: Sequence[str]) -> str | None:
    if any(key(place) in WORLDWIDE_NAMES for place in places):
        return WORLDWIDE
    return ", ".join(places)[:SCOPE_LIMIT] or None


# Checked in this order, so "Internship (full-time)" is an internship and "Contract, full
# time" a contract. A Werkstudent (a student employed for at most 20 hours a week in term, on
# an ordinary contract) is part-time, not an internship: it is paid work, not training.
EMPLOYMENT_PATTERNS = (
    (EmploymentType.INTERNSHIP, r"intern|trainee|praktik|apprentic|ausbildung|azubi|\bstage\b"),
    (EmploymentType.FREELANCE, r"freelanc|freiberuf|self.?employed"),
    (EmploymentType.VOLUNTEER, r"volunt|ehrenamt|benevol"),
    (EmploymentType.CONTRACT, r"contract|fixed.?term|befristet|\bcdd\b|\bc2h\b"),
    (EmploymentType.TEMPORARY, r"\btemp|seasonal|per.?diem|aushilf|saison"),
    (EmploymentType.PART_TIME, r"part.?time|teilzeit|werkstudent|working.?student|minijob"
     r"|temps.?partiel|media.?jornada|\bpt\b"),
    (EmploymentType.FULL_TIME, r"full.?time|vollzeit|temps.?plein|tiempo.?completo"
     r"|jornada.?completa|\bft\b"),
    (EmploymentType.OTHER, r"^other$|^others$|^sonstige"),
)  # fmt: skip
# "Permanent" says how long, not how many hours: full-time only when nothing else is said
# (Personio sends employmentType "permanent" with schedule "part-time").
PERMANENT = re.compile(r"permanent|regular|festanstellung|unbefristet|\bcdi\b|\bemployee\b")


def employment_type(raw: str | Iterable[str] | None) -> EmploymentType:
    """One vocabulary for FullTime, Full-time, full_time, FULL_TIME, Full Time, Vollzeit,
    Contractor, INTERN, Werkstudent, Freelance, TEMPORARY, ...

    A list (JSON-LD, Jobicy's jobType) or a comma list ("fulltime, parttime") gives its first
    recognised value; "permanent" counts as full-time only when nothing else is recognised.
    Nothing recognisable is `unknown`.
    """
    values = (raw,) if isinstance(raw, str) else tuple(raw or ())
    if all(isinstance(value, str) and len(value) <= VOCABULARY_LIMIT for value in values):
        return _cached_employment_type(values)
    return _employment_type(values)  # an odd value (long, None, not text) reads as it did


def _employment_type(values: Sequence[str]) -> EmploymentType:
    items = [_spaced(part) for value in values for part in re.split(r"[,;/|]", value or "")]
    for item in items:
        for kind, pattern in EMPLOYMENT_PATTERNS:
            if re.search(pattern, item):
                return kind
    permanent = any(PERMANENT.search(item) for item in items)
    return EmploymentType.FULL_TIME if permanent else EmploymentType.UNKNOWN


# A source has a handful of employment values ("Full Time", ["FULL_TIME", "CONTRACTOR"]),
# each a word or two: kept by value, they cost little memory and save a dozen expressions.
_cached_employment_type = functools.lru_cache(maxsize=1024)(_employment_type)


def _spaced(value: str) -> str:
    """ "FullTime" -> "full time", "FULL_TIME" -> "full time": one spelling to match."""
    split_camel = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", value.strip())
    return re.sub(r"[\s_-]+", " ", fold(split_camel)).strip()
