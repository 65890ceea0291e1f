"""Money is integer minor units: formatted and parsed in the currency's own number of decimal
places (GBP 2, JPY 0, BHD 3), rounded half-up (away from zero) from Decimals, and never given
more decimals than the currency has."""
from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coworking.money import (
    MoneyError,
    format_money,
    is_currency,
    minor_digits,
    minor_to_decimal,
    money_input_value,
    normalise_currency,
    parse_money,
    to_minor,
)

CURRENCIES = ("GBP", "EUR", "JPY", "BHD")
currencies = st.sampled_from(CURRENCIES)
# Beyond 32 bits: invoice totals and ledger balances get there in currencies with small units.
amounts = st.integers(min_value=-(2**53), max_value=2**53)


# --- the currency -----------------------------------------------------------------------------

@pytest.mark.parametrize(("code", "normalised"), [("gbp", "GBP"), (" Eur ", "EUR"), ("JPY", "JPY"), ("", ""), (None, "")])
def test_currency_codes_are_trimmed_and_upper_cased(code, normalised):
    assert normalise_currency(code) == normalised


def test_only_iso_codes_in_upper_case_are_currencies():
    assert is_currency("GBP") and is_currency("BHD")
    assert not is_currency("gbp") and not is_currency("POUND") and not is_currency("")


@pytest.mark.parametrize(("currency", "digits"), [("GBP", 2), ("EUR", 2), ("JPY", 0), ("BHD", 3)])
def test_each_currency_has_its_own_number_of_minor_digits(currency, digits):
    assert minor_digits(currency) == digits


# --- formatting -------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("amount_minor", "currency", "shown"),
    [
        (1250, "GBP", "£12.50"),
        (123456, "GBP", "£1,234.56"),
        (5, "GBP", "£0.05"),
        (0, "GBP", "£0.00"),
        (-1250, "GBP", "-£12.50"),
        (1250, "JPY", "JP¥1,250"),
        (1250, "BHD", "BHD1.250"),
        (-5, "BHD", "-BHD0.005"),
    ],
)
def test_amounts_are_shown_with_the_currencys_symbol_and_digits(amount_minor, currency, shown):
    assert format_money(amount_minor, currency) == shown


@pytest.mark.parametrize(
    ("amount_minor", "currency", "value"),
    [(1250, "GBP", "12.50"), (5, "GBP", "0.05"), (-5, "GBP", "-0.05"), (1250, "JPY", "1250"), (1250, "BHD", "1.250"), (None, "GBP", "")],
)
def test_a_form_field_gets_the_plain_amount_back(amount_minor, currency, value):
    assert money_input_value(amount_minor, currency) == value


def test_minor_units_become_an_exact_decimal():
    assert minor_to_decimal(1250, "GBP") == Decimal("12.50")
    assert minor_to_decimal(1250, "BHD") == Decimal("1.250")
    assert minor_to_decimal(1250, "JPY") == Decimal("1250")


# --- parsing ----------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "currency", "amount_minor"),
    [
        ("12.50", "GBP", 1250),
        ("12.5", "GBP", 1250),
        ("12", "GBP", 1200),
        (" £12.50 ", "GBP", 1250),
        ("1,200.00", "GBP", 120000),
        ("0.05", "GBP", 5),
        ("-12.50", "GBP", -1250),
        ("1250", "JPY", 1250),
        ("¥1,250", "JPY", 1250),
        ("1.250", "BHD", 1250),
        ("0.005", "BHD", 5),
    ],
)
def test_typed_amounts_become_minor_units(text, currency, amount_minor):
    assert parse_money(text, currency) == amount_minor


@pytest.mark.parametrize(
    ("text", "currency", "message"),
    [
        ("12.505", "GBP", "GBP amounts have at most 2 decimal places."),
        ("0.001", "GBP", "GBP amounts have at most 2 decimal places."),
        ("12.5", "JPY", "JPY amounts have at most 0 decimal places."),
        ("1.2505", "BHD", "BHD amounts have at most 3 decimal places."),
    ],
)
def test_more_decimals_than_the_currency_has_are_refused_not_rounded(text, currency, message):
    with pytest.raises(MoneyError) as refused:
        parse_money(text, currency)
    assert str(refused.value) == message


@pytest.mark.parametrize("text", ["", "   ", None, ".", "-", "£", "twelve", "1.2.3", "1-2"])
def test_text_that_is_no_amount_is_refused(text):
    with pytest.raises(MoneyError, match="Enter an amount"):
        parse_money(text, "GBP")


def test_a_refusal_is_a_value_error():
    assert issubclass(MoneyError, ValueError)


# --- rounding ---------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("amount", "currency", "amount_minor"),
    [
        ("0.125", "GBP", 13),
        ("0.124", "GBP", 12),
        ("0.135", "GBP", 14),
        ("-0.125", "GBP", -13),
        ("-0.124", "GBP", -12),
        ("2.5", "JPY", 3),
        ("0.5", "JPY", 1),  # half-up, not banker's rounding (which gives 0 here and 2 for 2.5)
        ("-2.5", "JPY", -3),
        ("1.2345", "BHD", 1235),
        ("12.50", "GBP", 1250),
    ],
)
def test_half_a_minor_unit_rounds_away_from_zero(amount, currency, amount_minor):
    assert to_minor(Decimal(amount), currency) == amount_minor


# --- properties -------------------------------------------------------------------------------

@given(amount_minor=amounts, currency=currencies)
def test_a_form_value_parses_back_to_the_same_amount(amount_minor, currency):
    assert parse_money(money_input_value(amount_minor, currency), currency) == amount_minor


@given(amount_minor=amounts, currency=currencies)
def test_a_formatted_amount_parses_back_to_the_same_amount(amount_minor, currency):
    assert parse_money(format_money(amount_minor, currency), currency) == amount_minor


@given(amount_minor=amounts, currency=currencies)
def test_an_exact_amount_is_not_rounded(amount_minor, currency):
    assert to_minor(minor_to_decimal(amount_minor, currency), currency) == amount_minor


@given(amount_minor=amounts, currency=currencies, tenths=st.integers(min_value=0, max_value=9))
def test_rounding_goes_to_the_nearest_unit_and_half_away_from_zero(amount_minor, currency, tenths):
    # amount_minor + tenths/10 of a minor unit, written in major units.
    exact = minor_to_decimal(amount_minor, currency) + Decimal(tenths).scaleb(-minor_digits(currency) - 1)
    rounded = to_minor(exact, currency)
    if amount_minor >= 0:
        assert rounded == amount_minor + (1 if tenths >= 5 else 0)
    assert to_minor(-exact, currency) == -rounded
