"""LangChain's fake chat models, declaring the `ChatModel` capability flags like the real ones do.

Both stand in for a strong remote model: it streams, honours a JSON schema and is not the small embedded one.
Subclass and override a flag to test the other branch.
"""

from __future__ import annotations

from typing import ClassVar

from langchain_core.language_models.fake_chat_models import FakeListChatModel, GenericFakeChatModel


class FakeChat(GenericFakeChatModel):
    """Replies with the given messages in turn (pass `messages=iter([...])`)."""

    streams: ClassVar[bool] = True
    supports_json_schema: ClassVar[bool] = True
    is_small_local: ClassVar[bool] = False


class FakeListChat(FakeListChatModel):
    """Replies with the given strings in turn (pass `responses=[...]`)."""

    streams: ClassVar[bool] = True
    supports_json_schema: ClassVar[bool] = True
    is_small_local: ClassVar[bool] = False
