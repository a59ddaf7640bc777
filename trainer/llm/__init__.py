"""The chat-model seam: the `ChatModel` protocol with its capability flags (`protocol`), the in-process llama.cpp and
OpenAI-compatible models (`chat`), their first-token and overall deadlines (`deadlines`), the one-llama-per-process
loader (`local`) and the pip-shipped weights.

May import only `config`, so it knows nothing about negotiation; the voice, the judge and the coach use it.
"""
