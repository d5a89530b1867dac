"""Belgian identifiers and regions, checked on real organisations from the CORDIS data
(data/public/cordis_security) and on the postcode ranges of ../shared/REFERENCE.md."""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from visd.actors import identifiers
from visd.actors.models import Actor

# (name as in CORDIS, VAT number as in CORDIS, postcode, expected region)
REAL_BELGIAN_ORGANISATIONS = [
    ("KATHOLIEKE UNIVERSITEIT LEUVEN", "BE0419052173", "3000", "flanders"),
    ("UNIVERSITEIT GENT", "BE0248015142", "9000", "flanders"),
    ("UNIVERSITEIT ANTWERPEN", "BE0257216482", "2000", "flanders"),
    ("UNIVERSITEIT HASSELT", "BE0208359859", "3500", "flanders"),
    ("SQUAREDEV", "BE0708967159", "1800", "flanders"),
    ("POLITIEZONE: DE PANNE - KOKSIJDE - NIEUWPOORT", "BE0267362484", "8670", "flanders"),
    ("VRIJE UNIVERSITEIT BRUSSEL", "BE0449012406", "1050", "brussels"),
    ("SOCIETE DES TRANSPORTS INTERCOMMUNAUX DE BRUXELLES", "BE0247499953", "1000", "brussels"),
    ("UNIVERSITE CATHOLIQUE DE LOUVAIN", "BE0419052272", "1348", "wallonia"),
    ("RHEA SYSTEM", "BE0447709339", "1300", "wallonia"),
    ("ALX SYSTEMS", "BE0658937529", "4000", "wallonia"),
    ("MULTITEL", "BE0470813848", "7000", "wallonia"),
]


@pytest.mark.parametrize("name,vat,postcode,region", REAL_BELGIAN_ORGANISATIONS)
def test_real_enterprise_numbers_pass_the_check_digits_and_regions_follow_the_postcode(name, vat, postcode, region):
    kbo = identifiers.kbo_from_vat(vat)
    assert kbo == vat[2:]
    assert identifiers.kbo_is_valid(kbo)
    assert identifiers.region_for("BE", postcode) == region


def test_written_forms_of_one_enterprise_number_are_the_same_number():
    for written in ("0419.052.173", "0419 052 173", "BE0419052173", "be 0419.052.173", "419052173"):
        assert identifiers.kbo_from_vat("BE" + identifiers.normalise_kbo(written)) == "0419052173"
    assert identifiers.format_kbo("0419052173") == "0419.052.173"


@pytest.mark.parametrize("bad", ["0419052174", "0419052172", "BE11111", "1234567890", "041905217", "", "abc", "2419052173"])
def test_wrong_check_digits_or_shapes_are_refused(bad):
    assert not identifiers.kbo_is_valid(bad)


def test_cordis_vat_fields_junk_and_old_nine_digit_forms():
    # Real CORDIS rows: 'BE11111' (Association Médicale Européenne) is no number at all; the
    # federal justice department's 'BE308357753' is the old 9-digit form of 0308.357.753.
    assert identifiers.kbo_from_vat("BE11111") == ""
    assert identifiers.kbo_from_vat("BE308357753") == "0308357753"
    assert identifiers.kbo_from_vat("NL123456789B01") == ""


@pytest.mark.parametrize(
    "postcode,region",
    [("1000", "brussels"), ("1299", "brussels"), ("1300", "wallonia"), ("1499", "wallonia"),
     ("1500", "flanders"), ("1999", "flanders"), ("2000", "flanders"), ("3499", "flanders"),
     ("3500", "flanders"), ("3999", "flanders"), ("4000", "wallonia"), ("7999", "wallonia"),
     ("8000", "flanders"), ("8999", "flanders"), ("9000", "flanders"), ("9999", "flanders"),
     ("B-8400", "flanders"), ("BE 1050", "brussels"), ("0999", ""), ("12345", ""), ("", "")],
)
def test_every_postcode_range_boundary(postcode, region):
    assert identifiers.region_for("BE", postcode) == region


def test_outside_belgium_is_abroad_and_no_country_is_unknown():
    assert identifiers.region_for("NL", "3000") == "abroad"
    assert identifiers.region_for("", "3000") == ""


@given(st.integers(min_value=0, max_value=19_999_999))
def test_check_digits_are_97_minus_the_first_eight_modulo_97(first_eight):
    digits = f"{first_eight:08d}"
    number = digits + f"{97 - first_eight % 97:02d}"
    assert identifiers.kbo_is_valid(number)
    wrong = digits + f"{(97 - first_eight % 97 + 1) % 100:02d}"
    assert not identifiers.kbo_is_valid(wrong)


@pytest.mark.django_db
def test_an_actor_stores_the_enterprise_number_of_its_vat_and_its_derived_region():
    actor = Actor.objects.create(name="Katholieke Universiteit Leuven", country="BE", postcode="3000",
                                 vat="BE 0419.052.173", kind="university")
    actor.refresh_from_db()
    assert (actor.vat, actor.kbo, actor.region, actor.kbo_display) == (
        "BE0419052173", "0419052173", "flanders", "0419.052.173")
    with pytest.raises(ValidationError):
        identifiers.validate_kbo("0419052174")
    with pytest.raises(ValidationError):
        identifiers.validate_pic("99999133")
