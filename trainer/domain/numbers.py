"""How numbers are written: amounts with units read out of a line, every digit-written number in a line, and the
ways prose spells a value. One module for the reader (offers), the voice guardrails (numbers not released) and the
scenario validator (a hidden value written into a brief).

It lives in the domain layer because scenarios sit below the reader and need it too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

CURRENCY = r"(?:€|\$|£|¥|eur|usd|gbp|chf|aud|cad|inr)"
SCALE = r"(?:k|m|mm|mn|bn|b|mio|million|thousand|billion|grand)"
UNIT = (
    r"(?:%|percent|per cent|pct|bps|basis points|days?|weeks?|months?|years?|yrs?|hours?|hrs?|units?|seats?|"
    r"licen[cs]es?|ftes?|people|headcount|euros?|dollars?|pounds?|" + CURRENCY + r")"
)
GROUPED_DIGITS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?"  # 1,200,000 or 12,500.50
PLAIN_DIGITS = r"\d+(?:\.\d+)?"  # 120 or 6.5
AMOUNT = re.compile(
    rf"(?P<cur>{CURRENCY})?\s?(?P<num>{GROUPED_DIGITS}|{PLAIN_DIGITS})(?![\d/])"
    rf"(?:\s?(?P<scale>{SCALE})\b)?(?:[\s-]?(?P<unit>{UNIT})(?![a-z]))?(?P<ord>st|nd|rd|th)?",
    re.IGNORECASE,
)
# Any number in digits, not part of a word or of a longer number ('v2' and '1.2.3' are not numbers of the deal).
DIGITS = re.compile(rf"(?<![\w.]){GROUPED_DIGITS}(?![\d])|(?<![\w.,]){PLAIN_DIGITS}(?![\d])")

SCALES = {"k": 1e3, "thousand": 1e3, "grand": 1e3, "m": 1e6, "mm": 1e6, "mn": 1e6, "mio": 1e6, "million": 1e6,
          "bn": 1e9, "b": 1e9, "billion": 1e9}
TIME_DAYS = {"day": 1.0, "week": 7.0, "month": 30.4375, "year": 365.25}
CURRENCY_WORDS = {"€": "EUR", "eur": "EUR", "euro": "EUR", "euros": "EUR", "$": "USD", "usd": "USD", "dollar": "USD",
                  "dollars": "USD", "£": "GBP", "gbp": "GBP", "pound": "GBP", "pounds": "GBP", "chf": "CHF",
                  "¥": "JPY", "aud": "AUD", "cad": "CAD", "inr": "INR"}

# English number words: the one table behind both reading ('three years') and spelling (the leak check).
ONES = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen"
).split()
TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()


def number_words(n: int) -> list[str]:
    """English spellings of 0..99 ('forty-five', 'forty five'); empty beyond."""
    if 0 <= n < 20:
        return [ONES[n]]
    if 20 <= n < 100:
        tens, ones = TENS[n // 10 - 2], n % 10
        return [tens] if ones == 0 else [f"{tens}-{ONES[ones]}", f"{tens} {ONES[ones]}"]
    return []


# The spelled numbers read as amounts when a unit follows ('three years', 'forty-five days'). Deliberately the
# counts trainee lines use rather than every number: 'forty five days' must not read as 45 where the evaluator
# was measured reading 'five days'.
SPELLED_AMOUNTS: dict[str, float] = {
    **{number_words(n)[0]: n for n in (*range(1, 13), 15, 18, 20, 30, 40, 45, 50, 60, 90)},
    "a hundred": 100,
    "hundred": 100,
}
SPELLED_AMOUNT = re.compile(
    r"\b(?P<word>" + "|".join(sorted(map(re.escape, SPELLED_AMOUNTS), key=len, reverse=True)) + r")[\s-]"
    r"(?P<unit>days?|weeks?|months?|years?|percent|per cent|seats?|units?)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Amount:
    """A number found in text with its normalised unit (EUR, USD, %, days ...)."""

    value: float
    unit: str | None
    start: int
    end: int


def unit_of(cur: str | None, unit: str | None) -> str | None:
    """Map a currency sign or unit word to one canonical unit name."""
    for token in (cur, unit):
        if token and token.lower() in CURRENCY_WORDS:
            return CURRENCY_WORDS[token.lower()]
    if not unit:
        return None
    u = unit.lower().rstrip("s")
    if u in {"%", "percent", "per cent", "pct"}:
        return "%"
    if u in {"bp", "basis point"}:
        return "bps"
    if u in {"yr"}:
        return "year"
    if u in {"hr"}:
        return "hour"
    return u


def find_amounts(text: str) -> list[Amount]:
    """Every number with a unit or scale (ordinals such as '14th' and bare years like 2025 are skipped)."""
    found: list[Amount] = []
    for m in AMOUNT.finditer(text):
        if m.group("ord"):
            continue
        value = float(m.group("num").replace(",", ""))
        scale = (m.group("scale") or "").lower()
        if scale == "b" and not m.group("cur"):
            scale = ""
        value *= SCALES.get(scale, 1.0)
        unit = unit_of(m.group("cur"), m.group("unit"))
        found.append(Amount(value, unit, m.start(), m.end()))
    for m in SPELLED_AMOUNT.finditer(text):
        found.append(Amount(SPELLED_AMOUNTS[m.group("word").lower()], unit_of(None, m.group("unit")), m.start(), m.end()))
    return sorted(found, key=lambda a: a.start)


def numbers_in(text: str) -> list[float]:
    """Every number written in digits ('1,200,000', '6.5', '120'), whatever follows it."""
    return [float(m.group(0).replace(",", "")) for m in DIGITS.finditer(text)]


def number_variants(value: float) -> list[str]:
    """Ways a number may be written in prose: 4.5, 4,5, 120,000, 120.000, 120 000, 120k, 1.2m, 1.2 million."""
    out: set[str] = set()
    if float(value).is_integer():
        n = int(value)
        out.add(str(n))
        if abs(n) >= 1000:
            for sep in (",", ".", " ", "\u00a0", "'"):
                out.add(f"{n:,}".replace(",", sep))
            if n % 1000 == 0:
                out.update({f"{n // 1000}k", f"{n // 1000}K"})
        if abs(n) >= 1_000_000:
            m = f"{n / 1_000_000:g}"
            for mm in {m, m.replace(".", ",")}:
                out.update({f"{mm}m", f"{mm}M", f"{mm} million", f"{mm} Mio", f"{mm}mn"})
    else:
        text = f"{value:g}"
        out.update({text, text.replace(".", ","), f"{value:.2f}", f"{value:.2f}".replace(".", ",")})
        if abs(value) >= 1000:
            out.add(f"{value:,.2f}")
    return sorted(out, key=len, reverse=True)
