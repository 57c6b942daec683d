"""Named-entity recognition: PER, ORG, LOC and MISC mentions with character offsets.

>>> from newsweave.analyse.entities import get_recogniser
>>> rec = get_recogniser()       # "crf-it-el@2[+spacy-en-sm@3.8.0]+places@4"
>>> rec.recognise("Kim Jong Un ha lasciato Mosca.", "it")
[EntitySpan(start=0, end=11, text='Kim Jong Un', type='PER'), EntitySpan(start=24, end=29, text='Mosca', type='LOC')]

The default backend is a linear-chain CRF (python-crfsuite) trained on KIND
(Italian) and elNER-4 (Greek) gold data: a lexical model for those two
languages and a universal (word-free) model for every other language, English
included; see ``crf.py`` for how other languages are handled, ``repair.py``
for the span rules and ``train.py`` to rebuild the models.
When the optional spaCy packages are installed (``spacy_en.py``) the default
recogniser hands English to spaCy's small English model, which transfers far
better than the first CRF did (MEANTIME en, capitalised PER/ORG/LOC gold
mentions found with exact span and type: 0.62 vs 0.34 for crf-it-el@1; see
``eval.ner.evaluate_name_recall`` for the universal model's); its name then says so
("crf-it-el@2+spacy-en-sm@3.8.0"). Text in a script without letter case
(Arabic, Persian, Chinese, Korean, Thai...) gets the gazetteer's place names
(``places.py``; "+places@4" in the name). ``get_recogniser("crf-it-el@2")`` is always
the CRF alone. The trained
models inherit the data's non-commercial licences (models/LICENSE-DATA.txt).
"""

from __future__ import annotations

from functools import lru_cache

from newsweave.analyse.entities.base import ENTITY_TYPES, EntitySpan, Recogniser

CRF_NAME = "crf-it-el@2"  # the shipped model's name (models/meta.json)

__all__ = ["ENTITY_TYPES", "EntitySpan", "Recogniser", "get_recogniser", "available_recognisers"]


def _crf() -> Recogniser:
    from newsweave.analyse.entities.crf import CrfRecogniser

    return CrfRecogniser()


def _crf_spacy_en() -> Recogniser:
    """The CRF, with spaCy's en_core_web_sm for English (optional packages, see spacy_en.py)."""
    from newsweave.analyse.entities.spacy_en import SpacyEnglish

    return SpacyEnglish(get_recogniser(CRF_NAME))


def _default() -> Recogniser:
    """The CRF (plus spaCy for English when the optional spaCy packages are installed), with the
    gazetteer's place names for text in scripts without letter case."""
    from newsweave.analyse.entities.places import WithPlaces
    from newsweave.analyse.entities.spacy_en import spacy_available

    return WithPlaces(_crf_spacy_en() if spacy_available() else get_recogniser(CRF_NAME))


_REGISTRY = {
    "default": _default,
    CRF_NAME: _crf,
    "crf": _crf,
    "crf-it-el+spacy-en": _crf_spacy_en,
}


def available_recognisers() -> list[str]:
    return sorted(_REGISTRY)


def get_recogniser(name: str = "default") -> Recogniser:
    """Return the recogniser registered under ``name`` (loaded once per process)."""
    if name not in _REGISTRY:
        raise ValueError(f"unknown recogniser {name!r}; known: {available_recognisers()}")
    return _load(_REGISTRY[name])


@lru_cache(maxsize=None)
def _load(factory) -> Recogniser:
    return factory()
