"""Synthetic information-disclosure annual reports with known values, in every source type.

``generate_report(seed, version=..., messiness=...)`` makes a report whose table values are
known (``report.values``, keyed ``table.row.col`` like ``imitation/seeds/gold``); ``render(report,
fmt)`` prints it as one of ``SOURCE_TYPES``; ``corpus(n)`` mixes versions and messiness;
``seed_documents(path)`` wraps a real seed's text in every format.

Messiness flags (``ALL_MESSINESS``), each switchable on its own:

- ``wrapped_labels``: labels broken over narrow lines (三、/本年/度办/理结/果).
- ``spaced_labels``: labels spaced out as by distributed alignment (本 年 新 收).
- ``fullwidth_digits``: table numbers in full-width digits (１３).
- ``dash_for_zero`` / ``blank_for_zero``: zeros printed '—' (all tables) / left empty
  (requests and appeals tables). Mutually exclusive.
- ``signed_deltas``: the 2019 template's 本年增/减 printed with a sign ('+28'); 2019 only.
- ``money_yuan`` / ``money_unit``: the 万元 amount written in 元 ('3940元', stored 0.394) /
  with its unit ('425万元'). Mutually exclusive.
- ``subtotal_column``: a 小计 column after 法人或其他组织's five columns.
- ``subtotal_row``: a 小计 row under （三）不予公开.
- ``missing_cell``: one requests row prints one number less; its cells are ``None`` and in
  ``accept_null`` (the meant numbers in ``hidden_values``).
- ``page_break``: the requests table cut by a page: page number, then the header repeated.
- ``contradiction``: section 1 states a number of requests that the table does not have.
- ``inconsistent``: exactly one arithmetic check fails (``failing_check``, ``defects``).
"""

from .generate import corpus, generate_report, validate_messiness
from .model import (
    ALL_MESSINESS,
    SOURCE_TYPES,
    GeneratedReport,
    check_failures,
    template_keys,
)
from .render import MEDIA_TYPES, render, render_many
from .render_doc import DocConversionUnavailable
from .seeds import SEED_FORMATS, seed_documents, seed_documents_many, seed_paths

__all__ = [
    "ALL_MESSINESS",
    "DocConversionUnavailable",
    "GeneratedReport",
    "MEDIA_TYPES",
    "SEED_FORMATS",
    "SOURCE_TYPES",
    "check_failures",
    "corpus",
    "generate_report",
    "render",
    "render_many",
    "seed_documents",
    "seed_documents_many",
    "seed_paths",
    "template_keys",
    "validate_messiness",
]
