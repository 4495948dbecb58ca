"""Spreadsheet rows to RegistrationSubmitted: a good row, each kind of bad row with its reason, hostile cells."""

from __future__ import annotations

import pytest

from registration.domain.import_rows import column_of, map_row

GOOD = {
    "reference": "hm27-002",
    "revision": "2.0",
    "first_name": "Jonas",
    "last_name": "Berger",
    "email": "Jonas.Berger@PreciMotion.example",
    "phone": "+49 7121 555 22",
    "language": "DE",
    "organisation": "PreciMotion GmbH",
    "organisation_type": "SME",
    "country": "de",
    "region": "Baden-Württemberg",
    "cluster": "Automation Cluster BW",
    "sectors": "C28.4; C27.1",
    "website": "https://precimotion.example",
    "description": "Linear drives for packaging machines.",
    "offers": "business: Linear motor modules | Compact linear motors for pick-and-place. | linear motors; motion control"
              "\r\n\r\ntechnology: Motion control firmware",
    "requests": "partnership: Distributors in France | Sales partners. | distribution || investment: Seed funding",
    "topics": "Motion Control; packaging machines",
    "target_countries": "FR; pl",
    "languages": "de; en",
    "delegation_id": "bw-mission-2027",
    "delegation_role": "",
    "unavailable_slots": "2027-04-13T14:00; 2027-04-13 9:20",
    "meeting_cap": "6",
    "consent": "Yes",
}


def mapped(**changes):
    return map_row({**GOOD, **changes}, source="crm-export", row_number=7)


def reasons(**changes) -> dict[str, str]:
    result = mapped(**changes)
    assert not result.ok, f"expected the row to be rejected: {changes}"
    return dict(result.reasons)


def test_a_good_row_becomes_a_complete_submission():
    result = mapped()
    assert result.ok and result.row_number == 7 and result.reasons == []
    s = result.submission
    assert (s.source, s.reference, s.revision) == ("crm-export", "hm27-002", 2)
    r = s.registration
    assert (r.person.email, r.person.language, r.organisation.type.value, r.organisation.country) == (
        "jonas.berger@precimotion.example", "de", "sme", "DE")
    assert r.organisation.sector_codes == ("C28.4", "C27.1") and r.organisation.cluster_name == "Automation Cluster BW"
    assert [(o.kind.value, o.title, o.keywords) for o in r.profile.offers] == [
        ("business", "Linear motor modules", ("linear motors", "motion control")),
        ("technology", "Motion control firmware", ()),
    ]
    assert r.profile.offers[0].description == "Compact linear motors for pick-and-place."
    assert [o.kind.value for o in r.profile.requests] == ["partnership", "investment"]
    assert r.profile.topics == ("motion control", "packaging machines")
    assert r.profile.target_countries == ("FR", "PL")
    assert r.availability.unavailable_slots == ("2027-04-13T14:00", "2027-04-13T09:20")
    assert r.delegation.delegation_id == "bw-mission-2027" and r.delegation.role.value == "member"
    assert r.meeting_cap == 6 and r.consents.data_processing and r.consents.share_profile and not r.consents.marketing


def test_optional_columns_may_be_missing_entirely():
    minimal = {k: GOOD[k] for k in ("reference", "first_name", "last_name", "email", "organisation", "organisation_type",
                                   "country", "consent")}
    result = map_row(minimal, source="crm-export", row_number=2)
    assert result.ok and result.submission.revision == 1 and result.submission.registration.person.language == "en"
    assert result.submission.registration.delegation is None


@pytest.mark.parametrize(
    ("changes", "column", "words"),
    [
        ({"reference": " "}, "reference", "missing"),
        ({"reference": "ref with spaces"}, "reference", "pattern"),
        ({"email": "jonas(at)example"}, "email", "not a valid email"),
        ({"first_name": ""}, "first_name", "must not be empty"),
        ({"country": "Germany"}, "country", "not an ISO 3166-1 alpha-2"),
        ({"target_countries": "FR; XX"}, "target_countries", "'XX' is not an ISO 3166-1"),
        ({"organisation_type": "startup"}, "organisation_type", "'startup' is not one of"),
        ({"consent": ""}, "consent", "must be yes"),
        ({"consent": "no"}, "consent", "must be yes"),
        ({"consent": "maybe"}, "consent", "is not yes or no"),
        ({"revision": "two"}, "revision", "not a whole number"),
        ({"revision": "0"}, "revision", "greater than or equal to 1"),
        ({"meeting_cap": "500"}, "meeting_cap", "less than or equal to 100"),
        ({"offers": "Digital twin software"}, "offers (item 1)", "does not start with a kind"),
        ({"offers": "gadgets: Thing"}, "offers (item 1)", "'gadgets' does not start with a kind"),
        ({"requests": "business: a | b | c | d"}, "requests (item 1)", "more than three parts"),
        ({"requests": "business: Fine || technology:  | no title"}, "requests (item 2)", "has no title"),
        ({"unavailable_slots": "13.04.2027 14:00"}, "unavailable_slots", "not a slot start"),
        ({"unavailable_slots": "2027-02-30T14:00"}, "unavailable_slots", "not a real date"),
        ({"delegation_id": "", "delegation_role": "facilitator"}, "delegation_id", "needs the delegation's id"),
        ({"delegation_role": "leader"}, "delegation_role", "not member or facilitator"),
        ({"sectors": "; ".join(f"C{i}" for i in range(21))}, "sectors", "at most 20 items"),
        ({"language": "English"}, "language", "not a language tag"),
    ],
)
def test_each_kind_of_bad_row_is_rejected_with_its_column_and_reason(changes, column, words):
    found = reasons(**changes)
    assert column in found, found
    assert words in found[column], found[column]


def test_every_problem_of_a_row_is_reported_once_in_column_order():
    result = mapped(email="nobody", country="Germany", consent="no", meeting_cap="twelve", organisation_type="startup")
    columns = [column for column, _ in result.reasons]
    assert columns == ["email", "organisation_type", "country", "consent", "meeting_cap"]


def test_an_offer_keyword_too_long_names_the_item():
    found = reasons(offers="technology: Sensors | | " + "k" * 61)
    assert found == {"offers (item 1): keywords.0": "String should have at most 60 characters"}


def test_hostile_cells_are_cleaned_or_refused_but_never_crash():
    result = mapped(
        first_name="<script>alert(1)</script>",
        last_name="O'Brien\u202e\x00\x07; DROP TABLE participants;--",
        organisation="=HYPERLINK(\"http://evil.example\",\"click\")",
        description="line one\nline two\x1b[31m",
    )
    assert result.ok
    person = result.submission.registration.person
    assert person.first_name == "<script>alert(1)</script>", "kept as text; escaping is the job of whoever renders it"
    assert person.last_name == "O'Brien; DROP TABLE participants;--"
    assert result.submission.registration.profile.description == "line one\nline two[31m"
    assert result.submission.registration.organisation.name.startswith("=HYPERLINK")

    huge = reasons(description="x" * 1_000_000, first_name="\u200b\u202e\x00")
    assert huge["description"] == "String should have at most 4000 characters"
    assert "must not be empty" in huge["first_name"]
    assert reasons(offers="technology: t" + " | x" * 5000)["offers (item 1)"].startswith("has more than three parts")


def test_non_text_cells_and_missing_values_are_read_as_text():
    result = map_row({**GOOD, "reference": 1001, "revision": 3, "meeting_cap": None, "phone": None}, source="x", row_number=2)
    assert result.ok and result.submission.reference == "1001" and result.submission.revision == 3
    assert result.submission.registration.meeting_cap is None


def test_service_reasons_are_translated_back_to_columns():
    assert column_of("registration.availability.unavailable_slots.0") == "unavailable_slots (item 1)"
    assert column_of("registration.profile.offers.2.title") == "offers (item 3): title"
    assert column_of("revision") == "revision"
    assert column_of("event_id") == "event_id"
    assert column_of("") == "row"
