"""The application layer, without Streamlit: the one session driver (`session.py`), the practice service
(`practice.py`), the studio's logic, exports, charts, and the factories pages call to build the store,
library, models, voices and knowledge index (`factories.py`).

May import every package below it (config, domain, scenarios, reader, engine, voice, llm, evaluation,
coaching, storage); never `trainer.ui` or `trainer.commands`, which sit on top of it.
"""
