"""GB 11643 ID numbers, mobile numbers, masking and the keyed hash (no database)."""
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cadre_policy_plugin import identity
from tests.plugin.factories import make_id_number

# A number published in GB 11643-1999's own example (not a real person's).
STANDARD_EXAMPLE = "11010519491231002X"


def test_standard_example_is_valid():
    assert identity.check_id_number(STANDARD_EXAMPLE) == STANDARD_EXAMPLE


def test_lower_case_x_is_normalized():
    assert identity.check_id_number(STANDARD_EXAMPLE.lower()) == STANDARD_EXAMPLE


@pytest.mark.parametrize(
    "value, code",
    [
        ("1101051949123100", "length"),
        ("11010519491231002X1", "length"),
        ("1101051949123100AX", "format"),
        ("110105194902300021", "birth_date"),  # 30 February
        ("110105189912310021", "birth_date"),  # before 1900
        ("110105194912310021", "checksum"),
    ],
)
def test_invalid_numbers_say_why(value, code):
    with pytest.raises(identity.IdNumberError) as exc:
        identity.check_id_number(value)
    assert exc.value.code == code


def test_birth_date_in_the_future_is_refused():
    number = make_id_number(born=date(2030, 1, 1))
    with pytest.raises(identity.IdNumberError):
        identity.check_id_number(number, today=date(2026, 1, 1))


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2020, 12, 31)), st.integers(0, 999))
def test_every_generated_number_passes_and_one_changed_digit_fails(born, serial):
    number = make_id_number(serial=serial, born=born)
    assert identity.check_id_number(number) == number
    wrong = number[:16] + str((int(number[16]) + 1) % 10) + number[17]
    with pytest.raises(identity.IdNumberError):
        identity.check_id_number(wrong)


def test_mask_shows_first_three_and_last_four_only():
    assert identity.mask_id_number(STANDARD_EXAMPLE) == "110***********002X"
    assert len(identity.mask_id_number(STANDARD_EXAMPLE)) == 18


def test_hash_is_keyed_and_case_insensitive():
    one = identity.hash_id_number(STANDARD_EXAMPLE, b"k1")
    assert one == identity.hash_id_number(STANDARD_EXAMPLE.lower(), b"k1")
    assert one != identity.hash_id_number(STANDARD_EXAMPLE, b"k2")
    assert STANDARD_EXAMPLE not in one


@pytest.mark.parametrize("value, ok", [("13800138000", True), ("19912345678", True),
                                        ("12800138000", False), ("1380013800", False),
                                        ("+8613800138000", False)])
def test_mobile_numbers(value, ok):
    if ok:
        assert identity.check_mobile(value) == value
    else:
        with pytest.raises(ValueError):
            identity.check_mobile(value)
    assert identity.mask_mobile("13800138000") == "138****8000"
