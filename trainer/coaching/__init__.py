"""The debrief and live hints, grounded in the knowledge notes: notes and chunking (`knowledge`), offline embeddings,
the Chroma index, and the coach that cites them.

May import the packages below it in `trainer.layers` (it uses `config`, `domain`, `scenarios` and `llm`). chromadb
is imported only when the index is first opened.
"""
