#!/usr/bin/python3
"""PyTorch eager reference for `BlairClip.Towers.Bench encode`: the same RoBERTa / CLIP architectures built from
torch.nn ops (transformers is not installed here), random weights, the same shapes and thread count, under
torch.inference_mode(). Prints one JSON object per case: {"name", "items_per_s", "seconds", "iterations", "batch"}, the best of 5 timed
blocks of `iterations` forwards each.

usage: /usr/bin/python3 pytorch_reference.py --threads N --iterations K [--only NAME]
"""
import argparse, json, math, time
import torch
import torch.nn as nn
import torch.nn.functional as F

MIN = torch.finfo(torch.float32).min


def attention(q, k, v, heads, mask):
    b, n, w = q.shape
    d = w // heads
    split = lambda x: x.view(b, n, heads, d).transpose(1, 2)
    scores = split(q) @ split(k).transpose(-1, -2) / math.sqrt(d)
    if mask is not None:
        scores = scores + mask
    return (scores.softmax(-1) @ split(v)).transpose(1, 2).reshape(b, n, w)


class RobertaLayer(nn.Module):  # post-LN, exact GELU
    def __init__(s, h, heads, inter, eps):
        super().__init__()
        s.heads = heads
        s.q, s.k, s.v, s.o = (nn.Linear(h, h) for _ in range(4))
        s.ln1, s.ln2 = nn.LayerNorm(h, eps), nn.LayerNorm(h, eps)
        s.fc1, s.fc2 = nn.Linear(h, inter), nn.Linear(inter, h)

    def forward(s, x, mask):
        a = s.ln1(s.o(attention(s.q(x), s.k(x), s.v(x), s.heads, mask)) + x)
        return s.ln2(s.fc2(F.gelu(s.fc1(a))) + a)


class Roberta(nn.Module):
    def __init__(s, c):
        super().__init__()
        h = c["hidden_size"]
        s.pad = c["pad_token_id"]
        s.word = nn.Embedding(c["vocab_size"], h)
        s.pos = nn.Embedding(c["max_position_embeddings"], h)
        s.tok = nn.Embedding(c["type_vocab_size"], h)
        s.ln = nn.LayerNorm(h, c["layer_norm_eps"])
        s.layers = nn.ModuleList(RobertaLayer(h, c["num_attention_heads"], c["intermediate_size"], c["layer_norm_eps"])
                                 for _ in range(c["num_hidden_layers"]))
        s.pool = nn.Linear(h, h)

    def forward(s, ids, mask):
        m = (ids != s.pad).long()
        positions = torch.cumsum(m, 1) * m + s.pad
        x = s.ln(s.word(ids) + s.tok.weight[0] + s.pos(positions))
        add = (1.0 - mask[:, None, None, :].float()) * MIN
        for layer in s.layers:
            x = layer(x, add)
        return x, torch.tanh(s.pool(x[:, 0]))


def quick_gelu(x):
    return x * torch.sigmoid(1.702 * x)


class ClipLayer(nn.Module):  # pre-LN, quick_gelu
    def __init__(s, h, heads, inter, eps):
        super().__init__()
        s.heads = heads
        s.q, s.k, s.v, s.o = (nn.Linear(h, h) for _ in range(4))
        s.ln1, s.ln2 = nn.LayerNorm(h, eps), nn.LayerNorm(h, eps)
        s.fc1, s.fc2 = nn.Linear(h, inter), nn.Linear(inter, h)

    def forward(s, x, mask):
        y = s.ln1(x)
        x = x + s.o(attention(s.q(y), s.k(y), s.v(y), s.heads, mask))
        return x + s.fc2(quick_gelu(s.fc1(s.ln2(x))))


class ClipText(nn.Module):
    def __init__(s, c, proj):
        super().__init__()
        h = c["hidden_size"]
        s.tok = nn.Embedding(c["vocab_size"], h)
        s.pos = nn.Embedding(c["max_position_embeddings"], h)
        s.layers = nn.ModuleList(ClipLayer(h, c["num_attention_heads"], c["intermediate_size"], c["layer_norm_eps"])
                                 for _ in range(c["num_hidden_layers"]))
        s.final = nn.LayerNorm(h, c["layer_norm_eps"])
        s.proj = nn.Linear(h, proj, bias=False)

    def forward(s, ids, mask):
        n = ids.shape[1]
        x = s.tok(ids) + s.pos.weight[:n]
        causal = torch.full((n, n), MIN).triu(1)[None, None]
        add = causal + (1.0 - mask[:, None, None, :].float()) * MIN
        for layer in s.layers:
            x = layer(x, add)
        x = s.final(x)
        pooled = x[torch.arange(x.shape[0]), ids.argmax(-1)]
        return s.proj(pooled)


class ClipVision(nn.Module):
    def __init__(s, c, proj):
        super().__init__()
        h, p = c["hidden_size"], c["patch_size"]
        s.cls = nn.Parameter(torch.randn(h))
        s.patch = nn.Conv2d(c["num_channels"], h, p, stride=p, bias=False)
        s.pos = nn.Embedding((c["image_size"] // p) ** 2 + 1, h)
        s.pre = nn.LayerNorm(h, c["layer_norm_eps"])
        s.layers = nn.ModuleList(ClipLayer(h, c["num_attention_heads"], c["intermediate_size"], c["layer_norm_eps"])
                                 for _ in range(c["num_hidden_layers"]))
        s.post = nn.LayerNorm(h, c["layer_norm_eps"])
        s.proj = nn.Linear(h, proj, bias=False)

    def forward(s, pixels):
        x = s.patch(pixels).flatten(2).transpose(1, 2)
        x = torch.cat([s.cls.expand(x.shape[0], 1, -1), x], 1) + s.pos.weight
        x = s.pre(x)
        for layer in s.layers:
            x = layer(x, None)
        return s.proj(s.post(x[:, 0]))


TINY_ROBERTA = dict(vocab_size=50265, hidden_size=16, num_hidden_layers=2, num_attention_heads=4, intermediate_size=37,
                    max_position_embeddings=514, type_vocab_size=1, layer_norm_eps=1e-5, pad_token_id=1)
BASE_ROBERTA = dict(TINY_ROBERTA, hidden_size=768, num_hidden_layers=12, num_attention_heads=12, intermediate_size=3072)
TINY_CLIP_TEXT = dict(vocab_size=49408, hidden_size=32, num_hidden_layers=2, num_attention_heads=4, intermediate_size=37,
                      max_position_embeddings=77, layer_norm_eps=1e-5)
TINY_CLIP_VISION = dict(hidden_size=32, num_hidden_layers=2, num_attention_heads=4, intermediate_size=37, image_size=224,
                        patch_size=32, num_channels=3, layer_norm_eps=1e-5)
BATCH, TOKENS = 32, 64
REPEATS = 5


def cases():
    ids = lambda vocab: torch.randint(3, vocab - 1, (BATCH, TOKENS))
    ones = torch.ones(BATCH, TOKENS, dtype=torch.long)
    yield "tiny-roberta", lambda: Roberta(TINY_ROBERTA), lambda: (ids(50265), ones)
    yield "tiny-clip-text", lambda: ClipText(TINY_CLIP_TEXT, 16), lambda: (ids(49408), ones)
    yield "tiny-clip-vision", lambda: ClipVision(TINY_CLIP_VISION, 16), lambda: (torch.randn(BATCH, 3, 224, 224),)
    yield "base-roberta", lambda: Roberta(BASE_ROBERTA), lambda: (ids(50265), ones)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, required=True)
    ap.add_argument("--iterations", type=int, default=0, help="timed forwards per case (0: per-case default)")
    ap.add_argument("--only")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    for name, build, inputs in cases():
        if a.only and name != a.only:
            continue
        model = build().eval()
        x = inputs()
        iterations = a.iterations or (3 if name == "base-roberta" else 50)
        with torch.inference_mode():
            model(*x)  # warm-up
            seconds = float("inf")
            for _ in range(REPEATS):  # best of REPEATS: the machine is shared, the fastest block is the least disturbed
                start = time.perf_counter()
                for _ in range(iterations):
                    model(*x)
                seconds = min(seconds, time.perf_counter() - start)
        print(json.dumps(dict(name=name, items_per_s=BATCH * iterations / seconds, seconds=seconds,
                              iterations=iterations, batch=BATCH, torch=torch.__version__, threads=torch.get_num_threads())),
              flush=True)


if __name__ == "__main__":
    main()
