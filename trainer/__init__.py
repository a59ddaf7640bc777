"""Leverage: a negotiation role-play trainer for the weaker side of the table."""

import os as _os

# llama.cpp's OpenMP threads busy-wait by default, which collapses decoding when the 2 cores are shared with
# Streamlit or other sessions (measured: 0.5-7 tok/s vs 16-24 tok/s). Must be set before llama_cpp loads.
_os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

__version__ = "0.1.0"

