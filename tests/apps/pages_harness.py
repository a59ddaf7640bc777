"""AppTest harness: mounts one instructor-side page with a real Ctx built from the environment.

LEVERAGE_TEST_PAGE picks the page (instructor | studio | progress); the trainee is whatever
st.session_state["trainee_id"] holds (tests set it), as the app shell would.
"""

import os
from pathlib import Path

import streamlit as st

from trainer.app import factories
from trainer.config import get_settings
from trainer.scenarios.loading import Library
from trainer.storage.store import Store
from trainer.ui.context import Ctx


@st.cache_resource
def _store(url: str) -> Store:
    return factories.open_store(url)


@st.cache_resource
def _library(dirs: str) -> Library:
    return factories.scenario_library(Path(d) for d in dirs.split(os.pathsep))


settings = get_settings()
ctx = Ctx(
    settings=settings,
    store=_store(settings.db_url),
    library=_library(os.environ["LEVERAGE_SCENARIOS_DIR"]),
    trainee_id=st.session_state.get("trainee_id"),
)
page = os.environ["LEVERAGE_TEST_PAGE"]
if page == "instructor":
    from trainer.ui.instructor import render
elif page == "studio":
    from trainer.ui.studio import render
else:
    from trainer.ui.progress import render
render(ctx)
