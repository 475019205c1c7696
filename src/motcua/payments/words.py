"""Amounts of money in Vietnamese words, as a receipt must print them (Decree 254/2026 Art. 23.2đ).

The usual reading rules, all in one place:

* units after "mươi" (twenty and up): 1 is "mốt", 5 is "lăm" ("hai mươi mốt", "ba mươi lăm");
  after "mười" 5 is "lăm" but 1 stays "một" ("mười một", "mười lăm");
* a zero tens digit before a non-zero unit is "linh" (northern usage, the one most receipts print;
  ``zero_tens="lẻ"`` gives the southern one): "một trăm linh năm";
* "mười" is ten, "mươi" the tens from twenty on;
* inside a number, a group of three digits below a higher non-zero group is read in full, so a zero
  hundreds digit becomes "không trăm": 1 005 000 is "một triệu không trăm linh năm nghìn";
* groups that are entirely zero are skipped: 2 000 050 is "hai triệu không trăm năm mươi";
* scales are nghìn, triệu, tỷ; beyond a billion the part above is read again and followed by "tỷ"
  ("một nghìn tỷ", "một triệu tỷ").

VND has no subunit in use, so only whole, non-negative amounts are accepted.
"""

from __future__ import annotations

from decimal import Decimal

DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
BILLION = 10**9


def _three(group: int, *, full: bool, zero_tens: str, five: str) -> list[str]:
    hundreds, tens, units = group // 100, group // 10 % 10, group % 10
    words: list[str] = []
    if full or hundreds:
        words += [DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units:
            if words:
                words.append(zero_tens)
            words.append(DIGITS[units])
    elif tens == 1:
        words.append("mười")
        if units:
            words.append(five if units == 5 else DIGITS[units])
    else:
        words += [DIGITS[tens], "mươi"]
        if units == 1:
            words.append("mốt")
        elif units:
            words.append(five if units == 5 else DIGITS[units])
    return words


def _below_billion(n: int, *, leading: bool, zero_tens: str, five: str) -> list[str]:
    """Read 0 < n < 10⁹; ``leading`` when nothing higher was read before it."""
    words: list[str] = []
    for scale, name in ((10**6, "triệu"), (10**3, "nghìn"), (1, "")):
        group = n // scale % 1000
        if group == 0:
            continue
        words += _three(group, full=not leading or bool(words), zero_tens=zero_tens, five=five)
        if name:
            words.append(name)
    return words


def _words(n: int, *, leading: bool, zero_tens: str, five: str) -> list[str]:
    if n >= BILLION:
        high, low = divmod(n, BILLION)
        words = [*_words(high, leading=leading, zero_tens=zero_tens, five=five), "tỷ"]
        if low:
            words += _below_billion(low, leading=False, zero_tens=zero_tens, five=five)
        return words
    return _below_billion(n, leading=leading, zero_tens=zero_tens, five=five)


def number_in_words(n: int, *, zero_tens: str = "linh", five: str = "lăm") -> str:
    """A whole number read in Vietnamese, lower case: 21 → "hai mươi mốt"."""
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError("number_in_words() takes an int")
    if n < 0:
        raise ValueError("Số tiền không được âm.")
    if zero_tens not in ("linh", "lẻ") or five not in ("lăm", "nhăm"):
        raise ValueError("zero_tens is 'linh' or 'lẻ'; five is 'lăm' or 'nhăm'")
    if n == 0:
        return DIGITS[0]
    return " ".join(_words(n, leading=True, zero_tens=zero_tens, five=five))


def amount_in_words(amount: int | Decimal, *, zero_tens: str = "linh", five: str = "lăm") -> str:
    """ "Năm mươi nghìn đồng": first letter capitalised, ending in "đồng" (VND, whole amounts only)."""
    value = Decimal(amount)
    if value != value.to_integral_value():
        raise ValueError("Số tiền đồng Việt Nam không có phần lẻ.")
    text = number_in_words(int(value), zero_tens=zero_tens, five=five)
    return f"{text[0].upper()}{text[1:]} đồng"
