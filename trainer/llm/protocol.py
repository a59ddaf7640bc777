"""The narrow chat-model interface the voice, the coach and the judge use, with what a model can do as flags.

Modelled on simonw/llm's `Model`: one small set of calls, plus class-level capability flags (there `can_stream`,
`supports_schema`) that callers branch on instead of guessing from a model's name. LangChain chat models fit the
calls as they are; our two real ones (`LocalChatModel`, the OpenAI-compatible client) declare the flags, and test
fakes declare them too.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    from langchain_core.messages import BaseMessage


class ChatReply(Protocol):
    """A reply, or one streamed piece of it."""

    @property
    def content(self) -> str | list[str | dict[str, Any]]: ...


@runtime_checkable
class ChatModel(Protocol):
    """What callers need from a chat model: a whole reply, a streamed one, and what the model can do.

    Options are passed by keyword: `max_tokens`, `temperature`, `stop`, `response_format` when the model
    `supports_json_schema`, and `deadline` (seconds: no deadline of this call is longer; models without deadlines
    ignore it).
    """

    @property
    def streams(self) -> bool:
        """Yields text as it is generated, so the voice can show words as they come."""
        ...

    @property
    def supports_json_schema(self) -> bool:
        """Honours `response_format={"type": "json_object", "schema": ...}` (the judge asks for its verdicts so)."""
        ...

    @property
    def is_small_local(self) -> bool:
        """The embedded in-process model: fluent but weak, so the coach lets it reword, never reason from notes."""
        ...

    def invoke(self, input: Sequence[BaseMessage], /, **options: Any) -> ChatReply: ...

    def stream(self, input: Sequence[BaseMessage], /, **options: Any) -> Iterator[ChatReply]: ...
