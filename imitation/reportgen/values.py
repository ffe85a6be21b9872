"""The numbers of a synthetic report: plausible sizes, consistent with the template's checks.

Most real agencies receive no or a handful of requests a year and are never appealed; a few
city-level bodies receive hundreds. The draws follow that shape so the corpus is not all zeros
and not all large.
"""

from __future__ import annotations

import random

from .model import (
    APPEAL_GROUPS,
    APPEAL_OUTCOMES,
    REQUEST_COLS,
    active_groups,
    check_failures,
    outcome_rows,
    request_rows,
    template_keys,
)

# Relative frequency of each outcome row when requests are settled (real reports: most are
# granted, many "not held", petitions mis-filed as requests are common).
OUTCOME_WEIGHTS = {
    "granted": 40,
    "partial": 6,
    "denied_state_secret": 0.3,
    "denied_law_prohibited": 0.5,
    "denied_three_security": 0.3,
    "denied_third_party": 1.5,
    "denied_internal_affairs": 1,
    "denied_process_info": 2,
    "denied_enforcement_file": 1,
    "denied_query": 1,
    "unavailable_not_held": 14,
    "unavailable_needs_creation": 3,
    "unavailable_unclear": 2,
    "rejected_petition": 5,
    "rejected_repeat": 2,
    "rejected_publication": 0.5,
    "rejected_excessive": 1,
    "rejected_confirmation": 0.5,
    "other": 3,
    "other_overdue_correction": 2,
    "other_overdue_fee": 0.2,
    "other_other": 2,
}


def draw_values(
    rng: random.Random, version: str, level: str, messiness: frozenset[str] = frozenset()
) -> dict[str, int | float]:
    """All template values for one report, satisfying every check of ``report-format.json``."""
    values: dict[str, int | float] = {}
    values.update(_active(rng, version, level, messiness))
    values.update(_requests(rng, version, level))
    values.update(_appeals(rng, level))
    return {
        key: values[key] for key in template_keys(version)
    }  # printed order, like the gold files


def money_value(rng: random.Random, messiness: frozenset[str]) -> float | int:
    """An amount in 万元. ``money_yuan`` needs one small enough to be written in 元 (3940元)."""
    if "money_yuan" in messiness:
        return round(rng.randint(120, 98000) / 10000, 6)
    if "money_unit" in messiness or rng.random() < 0.5:
        return rng.choice([rng.randint(1, 900), round(rng.uniform(0.5, 600), 2)])
    return 0


def _active(rng, version, level, messiness):
    scale = 3 if level == "city" else 1
    values = {}
    for group in active_groups(version):
        for row in group["rows"]:
            for key, value in _active_row(rng, version, row, scale, messiness).items():
                values[f"active.{row}.{key}"] = value
    if "signed_deltas" in messiness and not any(
        v > 0 for k, v in values.items() if k.endswith(".change")
    ):
        values["active.licensing.change"] = rng.randint(1, 60)
        values["active.licensing.previous"] = max(values["active.licensing.previous"], 1)
    return values


def _active_row(rng, version, row, scale, messiness):
    if row == "fees" and version == "2021":
        return {"amount_wan_yuan": money_value(rng, messiness)}
    if row == "procurement":
        return {
            "projects": rng.randint(0, 12 * scale),
            "amount_wan_yuan": money_value(rng, messiness),
        }
    if row in ("regulations", "normative_documents"):
        many = 0 if row == "regulations" and rng.random() < 0.8 else scale
        made = rng.randint(0, 6 * many)
        if version == "2021":
            return {
                "issued": made,
                "repealed": rng.randint(0, 3 * many),
                "in_force": made + rng.randint(0, 60 * many),
            }
        return {
            "made": made,
            "published": made,
            "total_published": made + rng.randint(0, 80 * many),
        }
    sizes = {"licensing": 1500, "other_services": 400, "penalty": 600, "coercion": 20, "fees": 5}
    top = sizes[row] * scale
    decisions = rng.randint(0, top) if rng.random() < 0.7 else 0
    if version == "2021":
        return {"decisions": decisions}
    previous = rng.randint(0, top // 3 + 1)
    change = rng.randint(-previous, top // 10 + 1) if rng.random() < 0.4 else 0
    out = {"previous": previous, "change": change}
    if row != "fees":
        out["decisions"] = decisions
    return out


def _requests(rng, version, level):
    volume = rng.choices([0, 8, 40, 300], weights=[35, 35, 20, 10 if level == "city" else 4])[0]
    rows = request_rows(version)
    settle_rows = outcome_rows(version)
    weights = [OUTCOME_WEIGHTS[r] for r in settle_rows]
    values = {}
    for col in REQUEST_COLS[:-1]:
        share = 1.0 if col == "natural_person" else rng.choice([0, 0, 0.05, 0.15])
        new = round(rng.randint(0, volume) * share) if volume else 0
        carried = rng.randint(0, max(1, new // 10)) if new and rng.random() < 0.4 else 0
        forward = rng.randint(0, max(1, (new + carried) // 8)) if new and rng.random() < 0.4 else 0
        forward = min(forward, new + carried)
        settled = dict.fromkeys(rows, 0)
        for outcome in rng.choices(settle_rows, weights=weights, k=new + carried - forward):
            settled[outcome] += 1
        settled.update(
            new=new, carried_over=carried, carried_forward=forward, total=new + carried - forward
        )
        if version == "2021":
            settled["other"] = sum(
                settled[r] for r in ("other_overdue_correction", "other_overdue_fee", "other_other")
            )
        for row in rows:
            values[f"requests.{row}.{col}"] = settled[row]
    for row in rows:
        values[f"requests.{row}.total"] = sum(
            values[f"requests.{row}.{c}"] for c in REQUEST_COLS[:-1]
        )
    return values


def _appeals(rng, level):
    values = {}
    appealed = rng.random() < (0.5 if level == "city" else 0.15)
    for group in APPEAL_GROUPS:
        counts = [rng.choice([0, 0, 0, 1, 2, 5]) if appealed else 0 for _ in APPEAL_OUTCOMES]
        for outcome, count in zip(APPEAL_OUTCOMES, counts):
            values[f"appeals.cases.{group}_{outcome}"] = count
        values[f"appeals.cases.{group}_total"] = sum(counts)
    return values


def break_one_check(rng: random.Random, values: dict, version: str) -> tuple[str, str]:
    """Change ``values`` in place so that exactly one check rule fails; return (rule, what changed).

    A single changed cell would break two rules at once (its row total and its column total),
    so each fault moves two cells that compensate for all rules but the chosen one.
    """
    rule = rng.choice(
        ["appeals_totals", "requests_balance", "requests_row_total", "requests_outcome_total"]
    )
    step = rng.randint(1, 3)
    if rule == "appeals_totals":
        changed = [f"appeals.cases.{rng.choice(APPEAL_GROUPS)}_total"]
    elif rule == "requests_balance":
        changed = ["requests.carried_forward.natural_person", "requests.carried_forward.total"]
    elif rule == "requests_row_total":
        changed = ["requests.new.total", "requests.carried_forward.total"]
    else:
        changed = [
            "requests.total.natural_person",
            "requests.total.total",
            "requests.new.natural_person",
            "requests.new.total",
        ]
    for key in changed:
        values[key] += step
    failures = check_failures(values, version)
    if not failures or any(not f.startswith(rule + ":") for f in failures):
        raise AssertionError(f"breaking {rule} broke {failures}")  # a bug here, not bad input
    return rule, f"{', '.join(changed)} raised by {step}: {'; '.join(failures)}"
