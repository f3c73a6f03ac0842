"""Workplace, remote scope and employment type: feeds.md §10.3 and the §9 vocabularies."""

from __future__ import annotations

from collections.abc import Iterable

import pytest

from jobtracker.listings.normalize import employment_type, infer_workplace
from jobtracker.listings.schemas import EmploymentType, Workplace


class TestInferWorkplace:
    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            ("on-site", Workplace.ONSITE),  # Lever, with a hyphen
            ("remote", Workplace.REMOTE),
            ("hybrid", Workplace.HYBRID),
            ("OnSite", Workplace.ONSITE),  # Ashby
            ("Remote", Workplace.REMOTE),
            ("Hybrid", Workplace.HYBRID),
            ("fully", Workplace.REMOTE),  # Teamtailor remoteStatus
            ("none", Workplace.ONSITE),
            ("temporary", Workplace.HYBRID),
            ("TELECOMMUTE", Workplace.REMOTE),  # JSON-LD jobLocationType
        ],
    )
    def test_source_enums(self, value: str, expected: Workplace) -> None:
        assert infer_workplace(workplace=value)[0] is expected

    @pytest.mark.parametrize(
        ("remote", "expected"), [(True, Workplace.REMOTE), (False, Workplace.ONSITE)]
    )
    def test_booleans(self, remote: bool, expected: Workplace) -> None:
        # Ashby isRemote, SmartRecruiters location.remote, Workable telecommuting
        assert infer_workplace(remote=remote) == (expected, None)

    def test_the_enum_wins_over_the_boolean(self) -> None:
        # Ashby: isRemote false, workplaceType Hybrid
        assert infer_workplace(remote=False, workplace="Hybrid") == (Workplace.HYBRID, None)

    def test_a_false_flag_with_a_hybrid_location_is_hybrid(self) -> None:
        assert infer_workplace(remote=False, texts=["Berlin (Hybrid)"])[0] is Workplace.HYBRID

    def test_lever_unspecified_falls_back_to_the_texts(self) -> None:
        assert infer_workplace(workplace="unspecified", texts=["Remote - Germany"]) == (
            Workplace.REMOTE,
            "Germany",
        )

    @pytest.mark.parametrize(
        ("texts", "expected"),
        [
            (["Remote - US"], (Workplace.REMOTE, "US")),
            (["Anywhere in the World"], (Workplace.REMOTE, "Worldwide")),  # WWR
            (["Flexible / Remote"], (Workplace.REMOTE, None)),  # The Muse
            (["Hybrid (2 days in office)"], (Workplace.HYBRID, None)),
            (["Lisbon; Remote - Portugal"], (Workplace.REMOTE, "Portugal")),  # Greenhouse
            (["USA only (remote)"], (Workplace.REMOTE, "USA only")),
            (["Remote in Germany"], (Workplace.REMOTE, "Germany")),
            (["On-site"], (Workplace.ONSITE, None)),
            (["Berlin (no remote)"], (Workplace.ONSITE, None)),
            (["Berlin"], (Workplace.UNKNOWN, None)),
            ([], (Workplace.UNKNOWN, None)),
        ],
    )
    def test_free_text(self, texts: list[str], expected: tuple[Workplace, str | None]) -> None:
        assert infer_workplace(texts=texts) == expected

    def test_any_remote_place_makes_the_listing_remote(self) -> None:
        texts = ["Chicago, IL", "Flexible / Remote"]  # The Muse locations[]
        assert infer_workplace(texts=texts)[0] is Workplace.REMOTE

    @pytest.mark.parametrize(
        ("texts", "scope"),
        [
            (["EMEA, UK"], "EMEA, UK"),  # Jobicy jobGeo
            (["Americas"], "Americas"),  # Remotive candidate_required_location
            (["USA Only"], "USA Only"),  # WWR region
            (["United States", "Canada"], "United States, Canada"),  # Himalayas
            (["Worldwide"], "Worldwide"),
            (["Anywhere"], "Worldwide"),
        ],
    )
    def test_a_remote_board_region_restriction_is_the_scope(
        self, texts: list[str], scope: str
    ) -> None:
        assert infer_workplace(remote=True, texts=texts) == (Workplace.REMOTE, scope)

    def test_only_remote_listings_have_a_scope(self) -> None:
        assert infer_workplace(workplace="on-site", texts=["Remote - US"]) == (
            Workplace.ONSITE,
            None,
        )


class TestEmploymentType:
    @pytest.mark.parametrize(
        ("raw", "expected"),
        [
            ("FullTime", EmploymentType.FULL_TIME),  # Ashby
            ("Full-time", EmploymentType.FULL_TIME),  # Lever, Workable
            ("full_time", EmploymentType.FULL_TIME),  # Remotive
            ("FULL_TIME", EmploymentType.FULL_TIME),  # JSON-LD
            ("Full Time", EmploymentType.FULL_TIME),  # Jobicy RSS, Himalayas
            ("fulltime", EmploymentType.FULL_TIME),  # Recruitee, Indeed
            ("permanent", EmploymentType.FULL_TIME),  # Personio
            ("Vollzeit", EmploymentType.FULL_TIME),
            ("part-time", EmploymentType.PART_TIME),
            ("PartTime", EmploymentType.PART_TIME),
            ("Teilzeit", EmploymentType.PART_TIME),
            ("Werkstudent", EmploymentType.PART_TIME),
            ("Working student", EmploymentType.PART_TIME),  # Arbeitnow job_types
            ("Contractor", EmploymentType.CONTRACT),  # Himalayas, JSON-LD CONTRACTOR
            ("Contract", EmploymentType.CONTRACT),
            ("Internship", EmploymentType.INTERNSHIP),
            ("Intern", EmploymentType.INTERNSHIP),
            ("trainee", EmploymentType.INTERNSHIP),  # Personio
            ("Freelance", EmploymentType.FREELANCE),
            ("TEMPORARY", EmploymentType.TEMPORARY),
            ("PER_DIEM", EmploymentType.TEMPORARY),
            ("Volunteer", EmploymentType.VOLUNTEER),
            ("other", EmploymentType.OTHER),  # Remotive
            ("OTHER", EmploymentType.OTHER),
            ("Mid-Senior level", EmploymentType.UNKNOWN),
            ("", EmploymentType.UNKNOWN),
            (None, EmploymentType.UNKNOWN),
        ],
    )
    def test_every_vocabulary_maps_to_one(self, raw: str | None, expected: EmploymentType) -> None:
        assert employment_type(raw) is expected

    @pytest.mark.parametrize(
        ("raw", "expected"),
        [
            (["FULL_TIME", "PART_TIME"], EmploymentType.FULL_TIME),  # JSON-LD array
            (["Full-Time"], EmploymentType.FULL_TIME),  # Jobicy API jobType[]
            ("fulltime, parttime", EmploymentType.FULL_TIME),  # Indeed jobtype
            (["permanent", "part-time"], EmploymentType.PART_TIME),  # Personio + schedule
            (["", "Internship"], EmploymentType.INTERNSHIP),
        ],
    )
    def test_lists_give_their_first_recognised_value(
        self, raw: Iterable[str] | str, expected: EmploymentType
    ) -> None:
        assert employment_type(raw) is expected
