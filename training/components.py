"""Everything a training run's config may name that spaCy does not register itself.

Passed to `spacy train --code` by train.py and imported by dev_eval.py / export before loading a
training output:
  - paper_kg.product_ner_scorer.v1 (training/scorer.py), the product-label model-best selection;
  - the kg_gazetteer factory (training/gazetteer.py, an experiment the shipped model does not use);
  - NumpyBLASOps, numpy's BLAS for the matrix products while training (see below).
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import gazetteer  # noqa: E402,F401  (registers the kg_gazetteer factory)
import scorer  # noqa: E402,F401  (registers paper_kg.product_ner_scorer.v1)

# Matrix products through numpy's OpenBLAS instead of BLIS. The blis wheel picks its generic reference
# kernel on CPUs it does not recognise (this machine's "AMD EPYC": 3x slower gemm), and `spacy train`
# resets the ops to the registered "numpy" backend after importing --code, so the override is a
# backend registered under that name. Results are the same products up to float rounding.
from thinc.api import NumpyOps, registry  # noqa: E402


@registry.ops("NumpyBLASOps")
class NumpyBLASOps(NumpyOps):
    """NumpyOps with use_blis=False: gemm by numpy.dot."""

    name = "numpy"

    def __init__(self, **kwargs) -> None:
        kwargs["use_blis"] = False
        super().__init__(**kwargs)
