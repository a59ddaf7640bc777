"""The vocabulary every stage shares: dialogue acts, the typed deal state, the one registry of the five mistakes,
the evaluation report, transcripts, and how numbers are written (`numbers`).

Pure data and parsing, no I/O. Imports nothing else from `trainer`; every other package may import it.
"""
