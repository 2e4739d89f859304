"""Text generation: the one package that talks to an LLM, a local GGUF or an HTTP endpoint.

- `base`: the `Generator` protocol, messages, options, results.
- `llamacpp`: `LlamaCppGenerator`, a GGUF in-process with llama-cpp-python (imported lazily).
- `openai`: `OpenAIGenerator`, any OpenAI-compatible `/v1/chat/completions`.
- The scripted `FakeGenerator` for tests lives beside the fake embedder in `trendqa.testing`.

Errors: a missing, corrupt or unreachable model raises `ModelError`; a prompt that cannot
fit the context window raises `ContextOverflowError`; a JSON schema that cannot be turned
into a grammar raises `ValueError` (a bug in the caller, not something a user can fix).
Nothing here writes to stdout.
"""

from trendqa.llm.base import (
    DEFAULT_CONTEXT_LENGTH,
    ChatMessage,
    ContextOverflowError,
    GenerationOptions,
    GenerationResult,
    Generator,
    ReplyScript,
    TokenCallback,
    approximate_tokens,
    check_fits,
)

__all__ = [
    "DEFAULT_CONTEXT_LENGTH",
    "ChatMessage",
    "ContextOverflowError",
    "GenerationOptions",
    "GenerationResult",
    "Generator",
    "ReplyScript",
    "TokenCallback",
    "approximate_tokens",
    "check_fits",
]
