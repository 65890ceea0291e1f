"""Money is integer minor units with its currency beside it. One formatter, one parser."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache

from babel.numbers import (
    format_currency,
    get_currency_precision,
    list_currencies,
)

KNOWN_CURRENCIES = frozenset(list_currencies())


class MoneyError(ValueError):
    pass


def is_currency(code: str) -> bool:
    return code in KNOWN_CURRENCIES


def normalise_currency(code: str | None) -> str:
    """'gbp ' -> 'GBP': ISO 4217 codes are upper-case, so lower-case input is accepted, not refused."""
    return (code or "").strip().upper()


def minor_digits(currency: str) -> int:
    """How many decimal places the currency's minor unit has (GBP 2, JPY 0, BHD 3)."""
    return get_currency_precision(currency)


def to_minor(amount: Decimal, currency: str) -> int:
    """Decimal major units to integer minor units, half-up."""
    scaled = amount.scaleb(minor_digits(currency))
    return int(scaled.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def parse_money(text: str, currency: str) -> int:
    """'12.50' (or '12', '£12.50', '1,200.00') in ``currency`` to minor units; refuses extra decimals."""
    cleaned = "".join(ch for ch in (text or "").strip() if ch.isdigit() or ch in ".-")
    if not cleaned or cleaned in {".", "-"}:
        raise MoneyError("Enter an amount, such as 12.50.")
    try:
        amount = Decimal(cleaned)
    except InvalidOperation as error:
        raise MoneyError("Enter an amount, such as 12.50.") from error
    digits = minor_digits(currency)
    if amount.as_tuple().exponent < -digits:
        raise MoneyError(f"{currency} amounts have at most {digits} decimal places.")
    return to_minor(amount, currency)


def minor_to_decimal(amount_minor: int, currency: str) -> Decimal:
    return Decimal(amount_minor).scaleb(-minor_digits(currency))


@lru_cache(maxsize=4096)
def format_money(amount_minor: int, currency: str, locale: str = "en_GB") -> str:
    """1250, 'GBP' -> '£12.50'. Remembered: Babel takes about 50 µs a call, and a page or a run's
    mail shows the same few prices again and again."""
    return format_currency(minor_to_decimal(amount_minor, currency), currency, locale=locale)


def money_input_value(amount_minor: int | None, currency: str) -> str:
    """The value to put back in a form field: '12.50'."""
    if amount_minor is None:
        return ""
    return f"{minor_to_decimal(amount_minor, currency):.{minor_digits(currency)}f}"


def vat_on(amount_minor: int, rate_bp: int) -> int:
    """VAT on a net amount at a rate in basis points (2000 = 20%), rounded half up to the minor
    unit, symmetrically for negative amounts (a credit's VAT is minus the invoice's)."""
    sign = -1 if amount_minor < 0 else 1
    return sign * ((abs(amount_minor) * rate_bp * 2 + 10000) // 20000)
