"""Locations in the shapes feeds.md §10.2 describes: several per string, free text, codes."""

from __future__ import annotations

import pytest

from jobtracker.listings.normalize import (
    country_code,
    location_from_parts,
    parse_location,
    split_locations,
)
from jobtracker.listings.schemas import Location


class TestSplitLocations:
    @pytest.mark.parametrize(
        ("raw", "expected"),
        [
            ("Lisbon; Remote - Portugal", ["Lisbon", "Remote - Portugal"]),  # Greenhouse
            ("Berlin | Munich", ["Berlin", "Munich"]),
            ("London or Paris", ["London", "Paris"]),
            ("USA, Canada", ["USA", "Canada"]),  # Jobicy job_listing:location
            ("EMEA, UK", ["EMEA", "UK"]),  # Jobicy jobGeo
            ("Berlin; Berlin", ["Berlin"]),
        ],
    )
    def test_several_places_are_split(self, raw: str, expected: list[str]) -> None:
        assert split_locations(raw) == expected

    @pytest.mark.parametrize(
        "raw",
        [
            "Washington, DC",
            "Berlin, Germany",
            "San Francisco, CA",
            "New York, NY, United States",
            "Georgia, USA",  # a state, then its country; not two countries
            "Remote - US, Canada",
            "Flexible / Remote",  # The Muse: one place
        ],
    )
    def test_an_address_is_one_place(self, raw: str) -> None:
        assert split_locations(raw) == [raw]

    def test_empty_text_names_no_place(self) -> None:
        assert split_locations(" ; | ") == []


class TestParseLocation:
    @pytest.mark.parametrize(
        ("raw", "city", "region", "country"),
        [
            ("Berlin, Germany", "Berlin", None, "DE"),
            ("San Francisco, CA", "San Francisco", "CA", "US"),
            ("Remote - US", None, None, "US"),
            ("London, UK", "London", None, "GB"),
            ("New York, NY, United States", "New York", "NY", "US"),
            ("DE", None, None, "DE"),
            ("Anywhere", None, None, None),
            ("Toronto, ON", "Toronto", "ON", "CA"),
            ("Washington, DC", "Washington", "DC", "US"),
            ("Austin, TX, United States", "Austin", "TX", "US"),  # SmartRecruiters fullLocation
            ("Utrecht, Netherlands", "Utrecht", None, "NL"),
            ("Remote (Germany)", None, None, "DE"),  # Personio additional office
            ("USA Only", None, None, "US"),  # WWR region
            ("Anywhere in the World", None, None, None),
            ("EMEA", None, None, None),
            ("Lisbon", "Lisbon", None, "PT"),  # a hub city names its country
            ("Berlin, DE", "Berlin", None, "DE"),  # ... and settles "DE" as Germany
            ("Wilmington, DE", "Wilmington", "DE", "US"),  # elsewhere "DE" is Delaware
            ("Paris, TX", "Paris", "TX", "US"),
            ("Georgia, USA", None, "GA", "US"),
            ("Georgia", None, None, "GE"),
            ("Austin, Texas", "Austin", "TX", "US"),
            ("Athens, Attica, Greece", "Athens", "Attica", "GR"),
            ("Hybrid - Berlin (2 days in office)", "Berlin", None, "DE"),
            ("Bergen DC", "Bergen DC", None, None),  # unknown: taken as the city
        ],
    )
    def test_city_region_and_country_are_read(
        self, raw: str, city: str | None, region: str | None, country: str | None
    ) -> None:
        assert parse_location(raw) == Location(raw=raw, city=city, region=region, country=country)

    def test_the_raw_text_is_kept_trimmed(self) -> None:
        assert parse_location("  Munich  ").raw == "Munich"


class TestLocationFromParts:
    def test_ashby_address_with_country_and_region_names(self) -> None:
        location = location_from_parts(city="Toronto", region="Ontario", country="Canada")
        assert location == Location("Toronto, Ontario, Canada", "Toronto", "ON", "CA")

    def test_smartrecruiters_lowercase_country_code(self) -> None:
        assert location_from_parts(city="Austin", region="TX", country="us").country == "US"

    def test_json_ld_address_outside_north_america_keeps_its_region_text(self) -> None:
        location = location_from_parts(city="Krak\u00f3w", region="Lesser Poland", country="PL")
        assert (location.region, location.country) == ("Lesser Poland", "PL")

    def test_a_given_raw_text_is_kept(self) -> None:
        assert location_from_parts(raw="Bergen DC", city="Bergen").raw == "Bergen DC"


class TestCountryCode:
    @pytest.mark.parametrize(
        ("name", "code"),
        [("USA", "US"), ("U.S.A.", "US"), ("UK", "GB"), ("Deutschland", "DE"), ("gr", "GR")],
    )
    def test_names_aliases_and_codes(self, name: str, code: str) -> None:
        assert country_code(name) == code

    def test_an_unknown_name_is_none(self) -> None:
        assert country_code("Atlantis") is None


class TestStreetAddresses:
    def test_the_city_is_the_part_before_the_state(self) -> None:
        location = parse_location("1200 Larimer St, Denver, CO")
        assert (location.city, location.region, location.country) == ("Denver", "CO", "US")
