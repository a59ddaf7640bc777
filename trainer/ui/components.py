"""Small rendering helpers shared by the pages: safe text, chat lines, friendly errors."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import streamlit as st

from trainer.engine.terms import format_value
from trainer.scenarios.schema import Issue

log = logging.getLogger(__name__)

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|$<>~:])")

DIFFICULTY = {1: "Introductory", 2: "Standard", 3: "Hard"}  # the counterparty level a scenario defaults to
AVATARS = {"trainee": ":material/person:", "counterparty": ":material/business_center:"}
ROLE = {"trainee": "user", "counterparty": "assistant"}


def escape_md(text: str) -> str:
    """Make user or model text literal in st.markdown: no LaTeX from '$', no links, no HTML, no headings."""
    return _MD_SPECIAL.sub(r"\\\1", text or "")


def plain(text: str) -> None:
    """Render text as-is (markdown-escaped, never HTML)."""
    st.markdown(escape_md(text))


def escaped_stream(chunks: Iterable[str]) -> Iterator[str]:
    """Escape each streamed chunk (escaping is per character, so chunk boundaries don't matter)."""
    for chunk in chunks:
        yield escape_md(chunk)


def chat_line(speaker: str, text: str, name: str | None = None, highlight: bool = False) -> None:
    """One chat bubble; the trainee is 'user', the counterparty 'assistant'."""
    with st.chat_message(ROLE.get(speaker, "assistant"), avatar=AVATARS.get(speaker)):
        if name:
            st.caption(name)
        if highlight:
            st.markdown(f":orange-background[{escape_md(text)}]")
        else:
            plain(text)


def difficulty_label(level: int) -> str:
    """'●●○ Standard' for a 1..3 difficulty (its default counterparty level, trainer/scenarios/levels.py)."""
    return "●" * level + "○" * (3 - level) + " " + DIFFICULTY.get(level, "")


@contextmanager
def friendly_errors(what: str, next_step: str) -> Iterator[None]:
    """Turn any exception into st.error with a next step; the traceback goes to the log only."""
    try:
        yield
    except Exception:  # noqa: BLE001 - the UI must never show a raw traceback
        log.exception("%s failed", what)
        st.error(f"{what} failed. {next_step}", icon=":material/error:")


def fmt_value(issue: Issue, value: float | None) -> str:
    """An issue value with its unit, or an em dash when nobody has named one yet."""
    return "—" if value is None else format_value(issue, value)
