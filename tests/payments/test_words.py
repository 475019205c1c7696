"""Amounts in Vietnamese words, as printed on receipts."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from motcua.payments.words import amount_in_words, number_in_words


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        (0, "Không đồng"),
        (1, "Một đồng"),
        (10, "Mười đồng"),
        (11, "Mười một đồng"),
        (15, "Mười lăm đồng"),
        (20, "Hai mươi đồng"),
        (21, "Hai mươi mốt đồng"),
        (24, "Hai mươi bốn đồng"),
        (25, "Hai mươi lăm đồng"),
        (101, "Một trăm linh một đồng"),
        (105, "Một trăm linh năm đồng"),
        (110, "Một trăm mười đồng"),
        (115, "Một trăm mười lăm đồng"),
        (121, "Một trăm hai mươi mốt đồng"),
        (1_000, "Một nghìn đồng"),
        (10_001, "Mười nghìn không trăm linh một đồng"),
        (15_000, "Mười lăm nghìn đồng"),
        (50_000, "Năm mươi nghìn đồng"),
        (100_000, "Một trăm nghìn đồng"),
        (205_000, "Hai trăm linh năm nghìn đồng"),
        (1_005_000, "Một triệu không trăm linh năm nghìn đồng"),
        (2_000_050, "Hai triệu không trăm năm mươi đồng"),
        (1_250_000, "Một triệu hai trăm năm mươi nghìn đồng"),
        (1_000_000_000, "Một tỷ đồng"),
        (1_000_000_005, "Một tỷ không trăm linh năm đồng"),
        (3_021_000_000, "Ba tỷ không trăm hai mươi mốt triệu đồng"),
        (1_000_000_000_000, "Một nghìn tỷ đồng"),
        (Decimal("50000"), "Năm mươi nghìn đồng"),
    ],
)
def test_known_amounts_read_as_on_receipts(amount, words):
    assert amount_in_words(amount) == words


def test_southern_variants_are_available():
    assert number_in_words(105, zero_tens="lẻ") == "một trăm lẻ năm"
    assert number_in_words(25, five="nhăm") == "hai mươi nhăm"


@pytest.mark.parametrize("bad", [-1, Decimal("10.5")])
def test_negative_or_fractional_amounts_are_refused(bad):
    with pytest.raises(ValueError):
        amount_in_words(bad)


DIGIT = {"không": 0, "một": 1, "mốt": 1, "hai": 2, "ba": 3, "bốn": 4, "tư": 4, "năm": 5, "lăm": 5, "nhăm": 5}
DIGIT |= {"sáu": 6, "bảy": 7, "tám": 8, "chín": 9}


def parse(text: str) -> int:
    """An independent reader of the words back into a number (the property's oracle)."""
    words = text.lower().removesuffix(" đồng").split()
    total = segment = group = 0
    pending = None
    for word in words:
        if word in DIGIT:
            assert pending is None, f"two digits in a row in {text!r}"
            pending = DIGIT[word]
        elif word == "trăm":
            group += pending * 100
            pending = None
        elif word == "mươi":
            group += pending * 10
            pending = None
        elif word == "mười":
            group += 10
        elif word in ("linh", "lẻ"):
            pass
        elif word in ("nghìn", "triệu"):
            segment += (group + (pending or 0)) * (1000 if word == "nghìn" else 1_000_000)
            group, pending = 0, None
        elif word == "tỷ":
            total = (total + segment + group + (pending or 0)) * 1_000_000_000
            segment = group = 0
            pending = None
        else:
            raise AssertionError(f"unexpected word {word!r}")
    return total + segment + group + (pending or 0)


@given(st.integers(min_value=0, max_value=10**15))
def test_any_amount_reads_back_to_itself_in_well_formed_words(n):
    text = amount_in_words(n)
    assert parse(text) == n
    assert text[0].isupper() and text[1:] == text[1:].lower() and text.endswith(" đồng")
    assert "  " not in text
    assert not re.search(r"\b(mười|linh) mốt\b", text), "mốt only after mươi"
    assert not re.search(r"\bmươi năm\b|\bmười năm\b", text), "5 after tens is lăm"
    assert not re.search(r"\blinh (mười|\w+ mươi)\b", text)
