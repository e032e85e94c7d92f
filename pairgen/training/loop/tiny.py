"""The ``tiny`` model: a small random Llama with a byte-level tokenizer.

It exists so that tests and quick runs need no download and finish in seconds on a
laptop CPU.  The vocabulary is the 256 bytes plus three special tokens: a 49K vocabulary
would put nearly all of the compute in the output projection (DESIGN.md, "Training
cost").  The tokenizer is a real ``PreTrainedTokenizerFast`` (a byte-level BPE with no
merges) so that TRL and ``datasets`` accept it like any Hub tokenizer, and it is the same
on every machine: no training, no data dependency.
"""

from __future__ import annotations

import torch
from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors
from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

BOS, EOS, PAD = "<|bos|>", "<|eos|>", "<|pad|>"

# A chat template for conversational pairs; the same shape as SmolLM2's ChatML.
CHAT_TEMPLATE = (
    "{% for message in messages %}<|bos|>{{ message['role'] }}\n{{ message['content'] }}<|eos|>\n"
    "{% endfor %}{% if add_generation_prompt %}<|bos|>assistant\n{% endif %}"
)


def tiny_tokenizer() -> PreTrainedTokenizerFast:
    """A byte-level tokenizer: every UTF-8 byte is one token, plus BOS/EOS/PAD."""
    alphabet = sorted(pre_tokenizers.ByteLevel.alphabet())
    vocab = {symbol: index for index, symbol in enumerate(alphabet)}
    for special in (BOS, EOS, PAD):
        vocab[special] = len(vocab)
    backend = Tokenizer(models.BPE(vocab=vocab, merges=[]))
    backend.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False)
    backend.decoder = decoders.ByteLevel()
    # Like Llama tokenizers, add BOS in front of a text encoded with special tokens.
    backend.post_processor = processors.TemplateProcessing(
        single=f"{BOS} $A", pair=f"{BOS} $A $B", special_tokens=[(BOS, vocab[BOS])]
    )
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=backend, bos_token=BOS, eos_token=EOS, pad_token=PAD
    )
    tokenizer.chat_template = CHAT_TEMPLATE
    return tokenizer


def tiny_config(
    vocab_size: int, hidden: int = 64, layers: int = 2, max_positions: int = 2048
) -> LlamaConfig:
    """A two-layer Llama small enough to train a step in well under a second."""
    return LlamaConfig(
        vocab_size=vocab_size,
        hidden_size=hidden,
        intermediate_size=hidden * 2,
        num_hidden_layers=layers,
        num_attention_heads=4,
        num_key_value_heads=2,
        max_position_embeddings=max_positions,
        tie_word_embeddings=True,
        bos_token_id=vocab_size - 3,
        eos_token_id=vocab_size - 2,
        pad_token_id=vocab_size - 1,
    )


def tiny_model(seed: int = 0) -> tuple[LlamaForCausalLM, PreTrainedTokenizerFast]:
    """A freshly initialised tiny Llama (seeded) and its tokenizer."""
    tokenizer = tiny_tokenizer()
    config = tiny_config(len(tokenizer))
    generator_state = torch.random.get_rng_state()
    torch.manual_seed(seed)
    try:
        model = LlamaForCausalLM(config)
    finally:
        torch.random.set_rng_state(generator_state)
    return model, tokenizer


__all__ = ["CHAT_TEMPLATE", "tiny_config", "tiny_model", "tiny_tokenizer"]
