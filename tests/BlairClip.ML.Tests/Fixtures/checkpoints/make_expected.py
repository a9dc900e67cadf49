#!/usr/bin/python3
"""Writes expected.json: for every tensor of every fixture checkpoint, its dtype, shape, the sha256 of its
contiguous little-endian bytes, the float64 sum of its values and its first values.

Independent of the C# readers: safetensors headers are parsed with json + numpy.frombuffer; pytorch_model.bin
files are read with Python's own pickle module (a find_class that only returns inert stand-ins, never torch,
which is not installed here) + zipfile + numpy.lib.stride_tricks.as_strided for offset/stride views.
Run from this folder: /usr/bin/python3 make_expected.py  (numpy 1.24)."""
import collections, glob, hashlib, json, os, pickle, struct, zipfile
import numpy as np
from numpy.lib.stride_tricks import as_strided

ST = {"F64": "<f8", "F32": "<f4", "F16": "<f2", "BF16": "<u2", "I64": "<i8", "I32": "<i4", "I16": "<i2",
      "I8": "i1", "U8": "u1", "BOOL": "?"}
STORAGE = {"FloatStorage": "F32", "DoubleStorage": "F64", "HalfStorage": "F16", "BFloat16Storage": "BF16",
           "LongStorage": "I64", "IntStorage": "I32", "ShortStorage": "I16", "CharStorage": "I8",
           "ByteStorage": "U8", "BoolStorage": "BOOL"}

def as_float(a, dtype):
    if dtype == "BF16":
        return (a.astype(np.uint32) << 16).view(np.float32)
    return a.astype(np.float64)

def describe(dtype, shape, arr):
    arr = np.ascontiguousarray(arr.reshape(shape))
    values = as_float(arr.reshape(-1), dtype).astype(np.float64)
    return {"dtype": dtype, "shape": list(shape), "sha256": hashlib.sha256(arr.tobytes()).hexdigest(),
            "sum": float(values.sum()), "first": [float(v) for v in values[:4]]}

def read_safetensors(path):
    data = open(path, "rb").read()
    n = struct.unpack("<Q", data[:8])[0]
    header = json.loads(data[8:8 + n])
    body = data[8 + n:]
    out = collections.OrderedDict()
    for name, e in sorted(((k, v) for k, v in header.items() if k != "__metadata__"), key=lambda kv: kv[1]["data_offsets"][0]):
        b, en = e["data_offsets"]
        arr = np.frombuffer(body[b:en], dtype=ST[e["dtype"]])
        out[name] = describe(e["dtype"], e["shape"], arr)
    return {"metadata": header.get("__metadata__", {}), "tensors": out}

class _Tensor:
    def __init__(self, storage, offset, size, stride): self.storage, self.offset, self.size, self.stride = storage, offset, size, stride

def _rebuild(storage, offset, size, stride, *rest): return _Tensor(storage, offset, size, stride)

class _StateDictUnpickler(pickle.Unpickler):
    def find_class(self, module, name):
        if (module, name) == ("collections", "OrderedDict"): return collections.OrderedDict
        if module == "torch._utils" and name in ("_rebuild_tensor_v2", "_rebuild_tensor"): return _rebuild
        if module == "torch" and name in STORAGE: return name
        raise pickle.UnpicklingError(f"global {module}.{name} refused")
    def persistent_load(self, pid): return pid  # ('storage', type name, key, location, numel)

def read_bin(path):
    z = zipfile.ZipFile(path)
    pkl = [n for n in z.namelist() if n.endswith("/data.pkl")][0]
    prefix = pkl[: -len("data.pkl")]
    sd = _StateDictUnpickler(z.open(pkl)).load()
    out = collections.OrderedDict()
    for name, t in sd.items():
        _, stype, key, _, numel = t.storage
        dtype = STORAGE[stype]
        storage = np.frombuffer(z.read(f"{prefix}data/{key}"), dtype=ST[dtype])[:numel]
        item = storage.itemsize
        view = as_strided(storage[t.offset:], shape=t.size, strides=[s * item for s in t.stride])
        out[name] = describe(dtype, t.size, view)
    return {"tensors": out}

result = collections.OrderedDict()
for path in sorted(glob.glob("*/*.safetensors") + glob.glob("*/*.bin")):
    result[path] = read_safetensors(path) if path.endswith(".safetensors") else read_bin(path)
with open("expected.json", "w") as f:
    json.dump(result, f, indent=1)
print({k: len(v["tensors"]) for k, v in result.items()})
