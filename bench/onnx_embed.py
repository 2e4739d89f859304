"""ONNX Runtime against today's torch int8 embedder: ingest throughput and dense retrieval.

Issue 8 asks whether sentence-transformers' ONNX Runtime backend (an ONNX export of
the installed EmbeddingGemma, fp32 and dynamically quantised to int8) embeds the
corpus >= 1.5x faster than today's path (`trendqa.api.load_sentence_transformer`:
torch with dynamic int8 Linear layers) at equal retrieval quality. One run measures,
in one process, interleaved batch by batch so load on the machine hits all alike:

* throughput: chunks/s embedding every passage `trendqa ingest` would embed from
  corpus/ (its own loaders, chunker, duplicate folding and document titles), in
  ingest's batches of 64 (sorted by title and length; the backends take turns
  batch by batch) through
  `SentenceTransformerEmbedder.embed_documents`, i.e. the same "title: ... | text: "
  prompt, batch size 8, max_seq_length 512 and thread count for every backend;
* quality: dense-only hit@1 / hit@5 / MRR@10 on the answerable questions of
  eval/dev.jsonl and eval/dev2.jsonl, each backend searching its own vectors of those
  same passages by exact cosine, each query embedded alone as `trendqa search` does,
  a hit judged as in `trendqa.evaluation.first_hit_rank` (evidence string contained);
* agreement: cosine of each backend's passage vectors with today's and torch fp32's.

The export is done once, from the local model files only, by sentence-transformers
itself (`SentenceTransformer(path, backend="onnx")`, then
`export_dynamic_quantized_onnx_model` with the CPU's best config, e.g. "avx2") into
`--work` (a scratch folder; `--save-in-models` puts it in models/ instead), and is
reused by later runs. Its optimum-onnx 0.1.0 needs transformers < 4.58 while trendqa's
venv has transformers 5.x, so the export runs in a child process whose PYTHONPATH
(`--export-path`) puts transformers 4.57 / sentence-transformers 5.1 / optimum-onnx /
onnxruntime over the venv. The measured process stays on the venv's own
transformers/sentence-transformers and imports only `onnxruntime` (`--ort-path`): the
ONNX backends are trendqa's embedder with the transformer swapped for an
onnxruntime session over the exported file, as ST's ONNX backend does (pooling and the
two Dense layers stay in torch). The child also embeds a probe with ST's own
`backend="onnx"` loader, and the run checks the swapped-in sessions give the same
vectors.

    pip install --target build/onnxdeps --no-deps onnxruntime==1.32.0 onnx==1.23.2 \\
        ml_dtypes==0.7.0 flatbuffers==25.12.19 optimum==2.1.0 optimum-onnx==0.1.0 \\
        requests==2.34.2 urllib3==2.8.0 certifi
    pip install --target build/onnxlegacy --no-deps transformers==4.57.6 \\
        tokenizers==0.22.2 huggingface_hub==0.36.2 sentence-transformers==5.1.2
    python bench/onnx_embed.py [--rounds 2] [--limit N] [--work DIR] [--torch-fp32]

(`pip` and `python` being .venv's.) Prints a Markdown table and writes
bench/results/onnx_embed.json.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
PY = sys.executable
DEV_SETS = ("dev", "dev2")
PROBE = 24  # passages and queries the export child embeds with ST's own ONNX loader


def rss_mb(field: str = "VmRSS") -> float:
    """This process's resident (VmRSS) or peak resident (VmHWM) memory in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def quant_config() -> str:
    """The best of sentence-transformers' dynamic-quantisation presets this CPU runs."""
    try:
        flags = set(Path("/proc/cpuinfo").read_text().split("flags")[1].split("\n")[0].split())
    except (OSError, IndexError):
        return "avx2"
    if "avx512_vnni" in flags:
        return "avx512_vnni"
    return "avx512" if "avx512f" in flags else "avx2"


# ---------------------------------------------------------------- the export child


def export_child(model: Path, out: Path, qconfig: str, probe_file: Path) -> None:
    """Runs under --export-path: export (if not done), then embed the probe with ST's loader."""
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    import sentence_transformers
    import transformers
    from sentence_transformers import SentenceTransformer, export_dynamic_quantized_onnx_model

    transformers.utils.logging.set_verbosity_error()
    report_file = out / "export.json"
    report: dict[str, Any] = json.loads(report_file.read_text()) if report_file.exists() else {}
    fp32 = out / "onnx" / "model.onnx"
    if not fp32.exists() or not list((out / "onnx").glob(f"model_*{qconfig}.onnx")):
        started = time.perf_counter()
        st = SentenceTransformer(str(model), backend="onnx", device="cpu", local_files_only=True)
        exported = time.perf_counter()
        st.save(str(out))
        saved = time.perf_counter()
        export_dynamic_quantized_onnx_model(st, qconfig, str(out))
        report = {
            "export_s": round(exported - started, 1),
            "save_s": round(saved - exported, 1),
            "quantize_s": round(time.perf_counter() - saved, 1),
            "total_s": round(time.perf_counter() - started, 1),
            "peak_rss_mb": round(rss_mb("VmHWM")),
            "quant_config": qconfig,
            "versions": {
                "transformers": transformers.__version__,
                "sentence_transformers": sentence_transformers.__version__,
                **_versions("torch", "onnxruntime", "onnx", "optimum"),
            },
        }
        report_file.write_text(json.dumps(report, indent=1))
        del st
        gc.collect()
    texts = json.loads(probe_file.read_text())
    quant = next((out / "onnx").glob(f"model_*{qconfig}.onnx"))
    for name, rel in (("onnx-fp32", "onnx/model.onnx"), ("onnx-int8", f"onnx/{quant.name}")):
        st = SentenceTransformer(
            str(out),
            backend="onnx",
            device="cpu",
            local_files_only=True,
            model_kwargs={"file_name": rel, "provider": "CPUExecutionProvider"},
        )
        st.max_seq_length = 512
        vectors = st.encode(texts, batch_size=8, normalize_embeddings=True)
        np.save(out / f"probe-{name}.npy", np.asarray(vectors, dtype=np.float32))
        del st
        gc.collect()


def _versions(*names: str) -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    found = {}
    for name in names:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "-"
    return found


# ---------------------------------------------------------------- the measured process


def corpus_passages(limit: int | None) -> tuple[list[Any], list[str]]:
    """What `trendqa ingest` embeds from corpus/: kept passages and their document titles,
    in ingest's order (by title, then length)."""
    from trendqa import chunking, loaders
    from trendqa.config import load_settings
    from trendqa.dedup import fold_duplicates
    from trendqa.ingest import embed_title

    settings = load_settings({"TRENDQA_HOME": str(ROOT)})
    found, _missing = loaders.discover([settings.corpus_path])
    manifests = {r: loaders.read_manifest(r) for r in {r for _p, _d, r in found}}
    per_doc, titles = [], {}
    for path, doc, base in found:
        source = loaders.load_file(path, doc, manifests[base].get(doc), settings.pdf_password)
        per_doc.append(chunking.chunk_document(source, settings.chunk_size, settings.chunk_overlap))
        titles[doc] = embed_title(source.meta)
    kept, _folded = fold_duplicates(per_doc)
    kept.sort(key=lambda c: (titles[c.doc], len(c.text)))
    if limit:
        kept = kept[:: max(1, len(kept) // limit)][:limit]
    return kept, [titles[c.doc] for c in kept]


class OrtTransformer:
    """Stands in for the Hugging Face model inside ST's Transformer module, as ST's
    `backend="onnx"` does with optimum's ORTModelForFeatureExtraction."""

    def __init__(self, onnx_file: Path, config: Any, threads: int) -> None:
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        self.session = ort.InferenceSession(
            str(onnx_file), options, providers=["CPUExecutionProvider"]
        )
        self.config = config

    def __call__(self, input_ids: Any = None, attention_mask: Any = None, **_: Any) -> Any:
        import torch

        feeds = {
            "input_ids": input_ids.cpu().numpy().astype(np.int64),
            "attention_mask": attention_mask.cpu().numpy().astype(np.int64),
        }
        (hidden,) = self.session.run(["last_hidden_state"], feeds)
        return {"last_hidden_state": torch.from_numpy(hidden)}


def load_backend(name: str, model: Path, onnx_dir: Path, qconfig: str, threads: int) -> Any:
    """An Embedder: today's loader for the torch ones, the same with ONNX inside for the others."""
    from trendqa.api import load_sentence_transformer

    if name == "torch-int8":  # today: what `trendqa ingest` and `search` load
        return load_sentence_transformer(model, True, threads)
    if name == "torch-fp32":
        return load_sentence_transformer(model, False, threads)
    onnx_file = (
        onnx_dir / "model.onnx"
        if name == "onnx-fp32"
        else next(onnx_dir.glob(f"model_*{qconfig}.onnx"))
    )
    embedder = load_sentence_transformer(model, False, threads)
    import torch

    transformer = embedder._model[0]
    ort_model = OrtTransformer(onnx_file, transformer.model.config, threads)
    # Drop the torch weights (a Module attribute must stay a Module: replace, then patch).
    transformer.model = torch.nn.Identity()
    transformer.model.config = ort_model.config
    transformer.model.forward = ort_model  # type: ignore[method-assign]
    transformer.model._ort = ort_model
    gc.collect()
    return embedder


def embed_interleaved(
    backends: dict[str, Any], texts: list[str], titles: list[str]
) -> tuple[dict[str, np.ndarray], dict[str, float]]:
    """All passages through each backend's embed_documents in ingest's batches of 64, the
    backends taking turns batch by batch (the order rotating), so that a slower or busier
    minute of a shared machine falls on all of them alike; vectors and seconds per backend."""
    from trendqa.ingest import BATCH

    names = list(backends)
    out: dict[str, list[np.ndarray]] = {n: [] for n in names}
    seconds = dict.fromkeys(names, 0.0)
    for b, begin in enumerate(range(0, len(texts), BATCH)):
        shift = b % len(names)
        for name in names[shift:] + names[:shift]:
            started = time.perf_counter()
            out[name].append(
                backends[name].embed_documents(
                    texts[begin : begin + BATCH], titles=titles[begin : begin + BATCH]
                )
            )
            seconds[name] += time.perf_counter() - started
    return {n: np.concatenate(v) for n, v in out.items()}, seconds


def retrieval(
    embedder: Any, vectors: np.ndarray, chunks: list[Any], questions: list[Any]
) -> dict[str, Any]:
    """Dense-only exact-cosine hit@1/5/10 and MRR@10 of one backend on one question set."""
    from trendqa.evaluation import RetrievalScores, first_hit_rank

    groups: dict[str, RetrievalScores] = {"all": RetrievalScores()}
    ranks: list[int | None] = []
    for q in questions:
        started = time.perf_counter()
        query = embedder.embed_queries([q.question])[0]
        elapsed = time.perf_counter() - started
        top = np.argsort(-(vectors @ query), kind="stable")[:10]
        hits = [SimpleNamespace(chunk=chunks[row], rank=i) for i, row in enumerate(top, 1)]
        rank = first_hit_rank(hits, q.evidence)  # type: ignore[arg-type]
        ranks.append(rank)
        for key in ("all", q.lang or "?"):
            groups.setdefault(key, RetrievalScores()).add(rank, elapsed)
    scores = {k: g.to_dict() for k, g in groups.items()}
    return {"scores": scores, "ranks": ranks}


def index_check(chunks: list[Any], vectors: np.ndarray) -> dict[str, Any] | None:
    """Today's vectors against the live index's (built by `trendqa ingest`): same recipe?"""
    try:
        from trendqa.config import load_settings
        from trendqa.stores import open_store

        index = open_store(load_settings({"TRENDQA_HOME": str(ROOT)})).open()
        stored = {c.id: index.vectors[i] for i, c in enumerate(index.chunks)}
    except Exception as exc:  # no index, or another format: the check is optional
        return {"error": str(exc).splitlines()[0]}
    cos = [float(stored[c.id] @ v) for c, v in zip(chunks, vectors, strict=True) if c.id in stored]
    if not cos:
        return None
    return {
        "matched": len(cos),
        "of": len(chunks),
        "min_cos": round(min(cos), 4),
        "mean_cos": round(statistics.fmean(cos), 5),
    }


def agreement(a: np.ndarray, b: np.ndarray) -> dict[str, float]:
    cos = np.sum(a * b, axis=1)
    return {"mean_cos": round(float(cos.mean()), 5), "min_cos": round(float(cos.min()), 4)}


def run_export(args: argparse.Namespace, out: Path, qconfig: str, probe: list[str]) -> dict:
    out.mkdir(parents=True, exist_ok=True)
    probe_file = out / "probe.json"
    probe_file.write_text(json.dumps(probe, ensure_ascii=False))
    env = dict(os.environ, PYTHONPATH=args.export_path, TOKENIZERS_PARALLELISM="false")
    cmd = [PY, __file__, "--export-child", str(args.model), str(out), qconfig, str(probe_file)]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        sys.exit(f"export failed:\n{proc.stderr[-4000:]}")
    report = out / "export.json"  # absent when the export was made by hand
    return json.loads(report.read_text()) if report.exists() else {}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "embeddinggemma-300m")
    parser.add_argument(
        "--work", type=Path, default=Path(tempfile.gettempdir()) / "trendqa-onnx-embed"
    )
    parser.add_argument(
        "--save-in-models",
        action="store_true",
        help="export into models/embeddinggemma-300m-onnx instead of --work",
    )
    parser.add_argument(
        "--export-path",
        default=os.pathsep.join(str(ROOT / "build" / d) for d in ("onnxlegacy", "onnxdeps")),
        help="PYTHONPATH of the export child (transformers<4.58, optimum-onnx)",
    )
    parser.add_argument(
        "--ort-path",
        default=str(ROOT / "build" / "onnxdeps"),
        help="where onnxruntime is, appended to sys.path here",
    )
    parser.add_argument("--quant-config", default=None, help="avx2, avx512, avx512_vnni, arm64")
    parser.add_argument("--rounds", type=int, default=2, help="timed passes over the corpus")
    parser.add_argument("--limit", type=int, default=None, help="embed only N passages")
    parser.add_argument("--threads", type=int, default=None, help="default: torch's (cores)")
    parser.add_argument("--torch-fp32", action="store_true", help="also time torch fp32")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "onnx_embed.json")
    parser.add_argument("--export-child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.export_child:
        model, out, qconfig, probe = args.export_child
        export_child(Path(model), Path(out), qconfig, Path(probe))
        return

    from trendqa.embedding import offline

    offline()
    sys.path.append(args.ort_path)  # after the venv: only onnxruntime (and its deps) come from it
    import onnxruntime
    import torch

    qconfig = args.quant_config or quant_config()
    work = ROOT / "models" / "embeddinggemma-300m-onnx" if args.save_in_models else args.work
    chunks, titles = corpus_passages(args.limit)
    texts = [c.text for c in chunks]
    print(f"{len(texts)} passages from corpus/, quant config {qconfig}", file=sys.stderr)

    # The probe: passages with the titled document prompt, as embed_documents builds them.
    from trendqa.embedding import _TITLE_SLOT

    doc_prompt = "title: none | text: "
    probe_idx = list(range(0, len(texts), max(1, len(texts) // PROBE)))[:PROBE]
    probe = [
        doc_prompt.replace(_TITLE_SLOT, f"title: {' '.join(titles[i].replace('|', ' ').split())}")
        + texts[i]
        for i in probe_idx
    ]
    started = time.perf_counter()
    export = run_export(args, work, qconfig, probe)
    print(f"export ready ({time.perf_counter() - started:.0f}s)", file=sys.stderr)
    onnx_dir = work / "onnx"

    threads = args.threads or torch.get_num_threads()
    names = ["torch-int8", "onnx-fp32", "onnx-int8"] + (["torch-fp32"] if args.torch_fp32 else [])
    backends: dict[str, Any] = {}
    load: dict[str, dict[str, float]] = {}
    for name in names:
        before, t0 = rss_mb(), time.perf_counter()
        backends[name] = load_backend(name, args.model, onnx_dir, qconfig, threads)
        gc.collect()
        load[name] = {
            "load_s": round(time.perf_counter() - t0, 1),
            "rss_added_mb": round(rss_mb() - before),
        }
        backends[name].embed_documents(texts[:8], titles=titles[:8])  # warm-up
        print(f"loaded {name}: {load[name]}", file=sys.stderr)

    # Does the swapped-in session give what ST's own backend="onnx" gives?
    probe_check = {}
    for name in ("onnx-fp32", "onnx-int8"):
        ours = backends[name].embed_documents(
            [texts[i] for i in probe_idx], titles=[titles[i] for i in probe_idx]
        )
        theirs = np.load(work / f"probe-{name}.npy")
        probe_check[name] = agreement(ours, theirs)

    seconds: dict[str, list[float]] = {n: [] for n in names}
    vectors: dict[str, np.ndarray] = {}
    for r in range(args.rounds):
        vec, secs = embed_interleaved(backends, texts, titles)
        for name in names:
            seconds[name].append(secs[name])
            vectors.setdefault(name, vec[name])
            print(f"round {r + 1} {name}: {len(texts) / secs[name]:.2f} chunks/s", file=sys.stderr)

    base = "torch-int8"
    rate = {n: len(texts) * len(s) / sum(s) for n, s in seconds.items()}
    from trendqa.evaluation import load_questions

    quality: dict[str, dict[str, Any]] = {}
    for dev in DEV_SETS:
        questions = [q for q in load_questions(ROOT / "eval" / f"{dev}.jsonl") if q.answerable]
        quality[dev] = {n: retrieval(backends[n], vectors[n], chunks, questions) for n in names}
        ranks = {n: r["ranks"] for n, r in quality[dev].items()}
        for n in names:  # questions found in the top 5 by one of (today, this) but not the other
            pairs = list(zip(ranks[base], ranks[n], strict=True))
            quality[dev][n]["vs_today_top5"] = {
                "gained": sum(1 for a, b in pairs if (a or 99) > 5 >= (b or 99)),
                "lost": sum(1 for a, b in pairs if (a or 99) <= 5 < (b or 99)),
            }

    results: dict[str, Any] = {
        "passages": len(texts),
        "rounds": args.rounds,
        "threads": threads,
        "cpus": os.cpu_count(),
        "quant_config": qconfig,
        "versions": {
            "onnxruntime": onnxruntime.__version__,
            **_versions("torch", "transformers", "sentence-transformers"),
        },
        "export": export,
        "files_mb": {
            "safetensors": round((args.model / "model.safetensors").stat().st_size / 2**20),
            **{p.name: round(p.stat().st_size / 2**20) for p in sorted(onnx_dir.glob("*.onnx"))},
        },
        "load": load,
        "chunks_per_s": {n: round(v, 2) for n, v in rate.items()},
        "seconds": {n: [round(x, 1) for x in s] for n, s in seconds.items()},
        "speedup_vs_today": {n: round(rate[n] / rate[base], 2) for n in names},
        "agreement_vs_today": {n: agreement(vectors[n], vectors[base]) for n in names},
        "probe_vs_st_onnx_backend": probe_check,
        "today_vs_index": index_check(chunks, vectors[base]),
        "retrieval": {
            d: {n: {**r["scores"], "vs_today_top5": r["vs_today_top5"]} for n, r in q.items()}
            for d, q in quality.items()
        },
        "peak_rss_mb": round(rss_mb("VmHWM")),
    }
    if "torch-fp32" in vectors:
        results["agreement_vs_torch_fp32"] = {
            n: agreement(vectors[n], vectors["torch-fp32"]) for n in names
        }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=1, ensure_ascii=False), encoding="utf-8")

    print(f"\n{len(texts)} passages, {threads} threads, rounds {args.rounds}\n")
    head = "| backend | chunks/s | x today | load s | +RSS MB |"
    head += "".join(f" {d} hit@1 | {d} hit@5 | {d} MRR@10 |" for d in DEV_SETS)
    print(head)
    print("|" + "---|" * (5 + 3 * len(DEV_SETS)))
    for n in names:
        row = f"| {n} | {rate[n]:.2f} | {rate[n] / rate[base]:.2f} | {load[n]['load_s']} "
        row += f"| {load[n]['rss_added_mb']} |"
        for d in DEV_SETS:
            s = quality[d][n]["scores"]["all"]
            row += f" {s['hit@1']:.3f} | {s['hit@5']:.3f} | {s['mrr@10']:.3f} |"
        print(row)
    print(f"\nwrote {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}")


if __name__ == "__main__":
    main()
