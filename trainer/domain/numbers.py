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


# Spelled numbers ('a hundred and ninety', 'ninety-five thousand', 'two') read like digits when a unit or a
# per-unit phrase follows them; a bare spelled word ('one of our concerns') is never an amount.
WORD_VALUES: dict[str, int] = {w: i for i, w in enumerate(ONES)} | {w: 20 + 10 * i for i, w in enumerate(TENS)}
MULTIPLIERS = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
_WORD = "|".join(sorted([*WORD_VALUES, *MULTIPLIERS], key=len, reverse=True))
SPELLED_NUMBER = re.compile(
    rf"\b(?:(?:a|an)[\s-]+(?=(?:hundred|thousand|million|billion)\b))?(?:{_WORD})"
    rf"(?:(?:[\s-]+|[\s-]+and[\s-]+)(?:{_WORD}))*\b",
    re.IGNORECASE,
)
# Words allowed between a count and its time unit: 'two remote days', 'five working days'.
QUALIFIER = r"(?:remote|working|business|office|home|calendar|paid|extra|more|additional|full|clear)\s"
SPELLED_UNIT = re.compile(
    rf"[\s-]?(?:(?P<scale>{SCALE})\b[\s-]?)?(?:{QUALIFIER})?(?P<unit>{UNIT})(?![a-z])", re.IGNORECASE)
# 'per unit', 'a unit', 'each', 'apiece', 'a piece': the amount is a price per item.
PER_UNIT = re.compile(r"\s?(?:per|a|an|/)\s?(?:unit|piece|item|seat|licen[cs]e|head)\b|\s(?:each|apiece)\b",
                      re.IGNORECASE)


def spelled_value(words: str) -> float | None:
    """'a hundred and ninety' -> 190, 'ninety-five thousand' -> 95000; None when the words do not add up."""
    total, current, seen = 0, 0, False
    for word in re.split(r"[\s-]+", words.lower()):
        if word in ("a", "an", "and"):
            continue
        if word in WORD_VALUES:
            current += WORD_VALUES[word]
        elif word == "hundred":
            current = max(current, 1) * 100
        elif word in MULTIPLIERS:
            total += max(current, 1) * MULTIPLIERS[word]
            current = 0
        else:
            return None
        seen = True
    return float(total + current) if seen else None


@dataclass(frozen=True)
class Amount:
    """A number found in text with its normalised unit (EUR, USD, %, days ...)."""

    value: float
    unit: str | None
    start: int
    end: int
    per_unit: bool = False  # '204 a unit', 'EUR 3 each': a price per item


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
    """Every number with a unit, a scale or a per-unit phrase, in digits or spelled out (ordinals such as '14th'
    and bare years like 2025 are skipped)."""
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
        per = PER_UNIT.match(text, m.end())
        found.append(Amount(value, unit, m.start(), per.end() if per else m.end(), per_unit=bool(per)))
    taken = [(a.start, a.end) for a in found]
    for m in SPELLED_NUMBER.finditer(text):
        if any(s < m.end() and m.start() < e for s, e in taken):
            continue
        found += _spelled_amount(text, m)
    return sorted(found, key=lambda a: a.start)


def _spelled_amount(text: str, m: re.Match[str]) -> list[Amount]:
    """The spelled number at `m` as an amount, when a currency, unit, scale or per-unit phrase goes with it."""
    value = spelled_value(m.group(0))
    if value is None:
        return []
    cur = re.search(rf"(?P<cur>{CURRENCY})\s?$", text[: m.start()], re.IGNORECASE)
    after = SPELLED_UNIT.match(text, m.end())
    per = PER_UNIT.match(text, after.end() if after else m.end())
    if not (cur or after or per):
        return []
    if after and after.group("scale"):
        value *= SCALES.get(after.group("scale").lower(), 1.0)
    unit = unit_of(cur.group("cur") if cur else None, after.group("unit") if after else None)
    end = per.end() if per else after.end() if after else m.end()
    return [Amount(value, unit, cur.start() if cur else m.start(), end, per_unit=bool(per))]


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
