"""Fast case-insensitive matching for the word lists: fold the text once, gate each pattern on its first characters.

Python's `re` cannot use its first-character prefilter on IGNORECASE alternations, so every position of every
sentence would walk every branch. Lower-casing the pattern and the text once gives the same matches about 2.5x
faster, and a look-ahead built from the characters a match can start with lets `re` skip hopeless positions.
Nothing here knows about negotiation; the word lists live in `trainer.reader.lexicon`.
"""

from __future__ import annotations

import functools
import re
import sys
from collections.abc import Iterator
from typing import Any

try:  # the parser's opcodes, used only to compute first characters; without them patterns simply run ungated
    import re._constants as _sre
    import re._parser as _sre_parser
except ImportError:  # pragma: no cover - other Python versions
    _sre = _sre_parser = None  # type: ignore[assignment]


@functools.lru_cache(maxsize=4)
def fold(text: str) -> str:
    """Lower-case text without changing its length, so match offsets still index the original.

    Cached: one sentence is folded for dozens of patterns in a row.
    """
    return text.lower() if "\u0130" not in text else text.replace("\u0130", "i").lower()  # 'İ' lowers to 2 chars


# Character categories a match may start with, written as the class escapes the gate can use directly.
_CATEGORIES = {"CATEGORY_SPACE": r"\s", "CATEGORY_DIGIT": r"\d", "CATEGORY_WORD": r"\w"}


def first_chars(pattern: str) -> set[str] | None:
    """What a match of the pattern can start with (single characters, and class escapes for whitespace, digits
    and word characters), or None when that cannot be bounded."""
    if _sre_parser is None:
        return None
    try:
        return _seq_first(_sre_parser.parse(pattern).data)
    except Exception:  # an unexpected parse shape: no gate, same matches
        return None


def _seq_first(items: Any) -> set[str] | None:
    """First characters of a parsed sequence; None when unknown or when the sequence may match empty."""
    out: set[str] = set()
    for op, av in items:
        if op in (_sre.AT, _sre.ASSERT, _sre.ASSERT_NOT):
            continue  # zero width: the next item decides
        if op is _sre.LITERAL:
            return out | {chr(av)}
        if op is _sre.IN:
            chars: set[str] = set()
            for iop, iav in av:
                if iop is _sre.LITERAL:
                    chars.add(chr(iav))
                elif iop is _sre.RANGE:
                    chars |= {chr(c) for c in range(iav[0], iav[1] + 1)}
                elif iop is _sre.CATEGORY and str(iav) in _CATEGORIES:
                    chars.add(_CATEGORIES[str(iav)])
                else:
                    return None
            return out | chars
        if op is _sre.SUBPATTERN or op is _sre.BRANCH:
            subs = [av[-1].data] if op is _sre.SUBPATTERN else [alt.data for alt in av[1]]
            found = [_seq_first(sub) for sub in subs]
            if any(f is None for f in found):
                return None
            return out.union(*found)  # type: ignore[arg-type]
        if op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT):
            low, _, item = av
            first = _seq_first(item.data)
            if first is None:
                return None
            if low >= 1:
                return out | first
            out |= first
            continue
        return None
    return None


def _gate(first: set[str]) -> str:
    """A look-ahead that fails fast at positions where no match can start."""
    escapes = set(_CATEGORIES.values())
    return "(?=[" + "".join(c if c in escapes else re.escape(c) for c in sorted(first)) + "])"


class Folded:
    """A case-insensitive pattern run as a case-sensitive one over folded text.

    Offsets match the original text; `group()` returns the folded (lower-case) words.
    """

    __slots__ = ("_rx", "pattern")

    def __init__(self, pattern: str) -> None:
        if re.search(r"\\[A-Z]", pattern):
            raise ValueError("folded patterns may not use upper-case escapes")
        self.pattern = pattern.lower()
        first = first_chars(self.pattern)
        gate = _gate(first) if first else ""
        self._rx = re.compile(f"{gate}(?:{self.pattern})")  # the gate lets `re` skip hopeless positions cheaply

    def search(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return self._rx.search(fold(text), pos, endpos)

    def match(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return self._rx.match(fold(text), pos, endpos)

    def finditer(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> Iterator[re.Match[str]]:
        return self._rx.finditer(fold(text), pos, endpos)

    def findall(self, text: str) -> list[Any]:
        return self._rx.findall(fold(text))

    def blank(self, text: str) -> str:
        """The text with every match replaced by spaces of the same length, so offsets still index the original."""
        out, last = [], 0
        for m in self._rx.finditer(fold(text)):
            out += [text[last : m.start()], " " * (m.end() - m.start())]
            last = m.end()
        return "".join(out) + text[last:]


def rx(*parts: str) -> Folded:
    """Join alternatives into one case-insensitive pattern (compiled over folded text for speed)."""
    return Folded("|".join(f"(?:{p})" for p in parts))


class AnyOf:
    """A yes/no check made of several patterns, each with its own first-character gate.

    One check often covers ways of saying a thing that start with different words; kept as separate patterns,
    each gate stays narrow, which is faster than one alternation whose gate admits almost every position.
    `search` returns the match of the first pattern that matches, not the leftmost match in the text: use it as
    a yes/no answer, never for offsets.
    """

    __slots__ = ("patterns",)

    def __init__(self, *patterns: Folded) -> None:
        self.patterns = patterns

    def search(self, text: str) -> re.Match[str] | None:
        for pattern in self.patterns:
            found = pattern.search(text)
            if found:
                return found
        return None
