"""HTML forms: the text a browser posts, turned into API input, and errors in the form's words."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from jobtracker.kit.problems import ProblemError

NO_LABELS: Mapping[str, str] = {}


def blank_to_none(values: Mapping[str, Any]) -> dict[str, Any]:
    """A form sends "" for an empty field; the API means "not given" by None."""
    return {name: (None if value == "" else value) for name, value in values.items()}


def labelled_errors(
    error: ValidationError | ProblemError,
    labels: Mapping[str, str],
    item_labels: Mapping[str, str] = NO_LABELS,
) -> list[tuple[str, str]]:
    """(form field, message in the form's words) for each error: "Link 2: URL scheme should be
    'http' or 'https'". A service's problem goes beside the field it names, else on the form."""
    result = []
    for item in _items(error):
        field, *rest = [part for part in item["loc"] if part != "body"] or ["form"]
        name = labels.get(str(field), str(field))
        if rest and isinstance(rest[0], int):
            name = f"{item_labels.get(str(field), name)} {rest[0] + 1}"
        message = str(item["msg"]).removeprefix("Value error, ")
        result.append((str(field), f"{name}: {message}"))
    return result


def field_errors(
    error: ValidationError | ProblemError,
    labels: Mapping[str, str],
    item_labels: Mapping[str, str] = NO_LABELS,
) -> dict[str, str]:
    """{form field: its first message}, for messages shown beside each field."""
    errors: dict[str, str] = {}
    for field, message in labelled_errors(error, labels, item_labels):
        errors.setdefault(field, message)
    return errors


def _items(error: ValidationError | ProblemError) -> list[Any]:
    if isinstance(error, ValidationError):
        return list(error.errors())
    return list(error.extensions.get("errors") or [{"loc": ["form"], "msg": error.detail}])
