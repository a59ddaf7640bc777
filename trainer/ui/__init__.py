"""The Streamlit pages, one module per page, plus what they share: the page context (`context.py`), the
session-state keys one page sets for another (`keys.py`) and rendering helpers (`components.py`).

Pages only render and call `trainer.app` (and the read APIs of `trainer.instructor` and `trainer.storage`);
they never build models or run queries themselves, and never import one another's internals. Only `app.py`
imports this package.
"""
