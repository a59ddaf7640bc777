"""Leverage: the Streamlit app. Thin on purpose: pages live in trainer/ui, logic in trainer/."""

from __future__ import annotations

import logging
from functools import partial

import streamlit as st

from trainer.ui import debrief, evaluate_page, instructor, practice, progress, settings_page, studio
from trainer.ui.context import Ctx, build_ctx, startup_message

log = logging.getLogger("leverage.app")

# (group, page module, title, url_path, icon)
PAGES = [
    ("Practice", practice, "Practice", "practice", ":material/forum:"),
    ("Practice", debrief, "Debrief", "debrief", ":material/assignment:"),
    ("Practice", evaluate_page, "Evaluate a real conversation", "evaluate", ":material/rate_review:"),
    ("Practice", progress, "My progress", "progress", ":material/trending_up:"),
    ("Instructors", instructor, "Cohorts", "instructor", ":material/groups:"),
    ("Instructors", studio, "Scenario studio", "studio", ":material/edit_note:"),
    ("Settings", settings_page, "Settings", "settings", ":material/settings:"),
]


def _pages(ctx: Ctx) -> dict[str, list[st.Page]]:
    """st.Page objects grouped for the sidebar; each page function receives the ctx."""
    groups: dict[str, list[st.Page]] = {}
    for group, module, title, url_path, icon in PAGES:
        page = st.Page(partial(module.render, ctx), title=title, url_path=url_path, icon=icon,
                       default=url_path == "practice")  # fmt: skip
        ctx.pages[url_path] = page
        groups.setdefault(group, []).append(page)
    return groups


def main() -> None:
    """Build the context, mount the pages, run the selected one."""
    st.set_page_config(page_title="Leverage: negotiation practice", page_icon="🤝", layout="wide")
    try:
        ctx = build_ctx()
    except Exception as exc:  # noqa: BLE001 - configuration, database or library problems: name the cause
        log.exception("startup failed")
        st.error(startup_message(exc), icon="⚠️")
        st.stop()
    page = st.navigation(_pages(ctx))
    with st.sidebar:
        st.caption("Leverage · rehearse the hard conversation before it happens.")
    page.run()


main()
