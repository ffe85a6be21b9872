"""What one extraction run did, for the summary it prints."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

MAX_LISTED_ERRORS = 20


@dataclass
class Summary:
    """What one run did; ``lines()`` renders it for people."""

    warcs_read: int = 0
    warcs_skipped: int = 0
    documents: int = 0
    reports_in_database: int = 0
    reports_by_source_type: Counter = field(default_factory=Counter)
    checks_failed: Counter = field(default_factory=Counter)
    not_reports: Counter = field(default_factory=Counter)
    errors_by_stage: Counter = field(default_factory=Counter)
    # The first MAX_LISTED_ERRORS errors, (where, stage, reason); the counts above are complete.
    errors: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def reports(self) -> int:
        return sum(self.reports_by_source_type.values())

    def add_error(self, where: str, stage: str, reason: str) -> None:
        self.errors_by_stage[stage] += 1
        if len(self.errors) < MAX_LISTED_ERRORS:
            self.errors.append((where, stage, reason))

    def lines(self) -> list[str]:
        def counts(counter: Counter) -> str:
            return ", ".join(f"{key} {n}" for key, n in counter.most_common()) or "none"

        lines = [
            f"WARC files read: {self.warcs_read} (unchanged, skipped: {self.warcs_skipped})",
            f"Documents read: {self.documents}",
            (
                f"Reports extracted: {self.reports} ({counts(self.reports_by_source_type)}); "
                f"in the database: {self.reports_in_database}"
            ),
            f"Checks failed: {sum(self.checks_failed.values())} ({counts(self.checks_failed)})",
            f"Documents that are not reports: {sum(self.not_reports.values())} ({counts(self.not_reports)})",
            f"Documents that failed: {sum(self.errors_by_stage.values())} ({counts(self.errors_by_stage)})",
        ]
        lines += [f"  [{stage}] {where}: {reason}" for where, stage, reason in self.errors]
        hidden = sum(self.errors_by_stage.values()) - len(self.errors)
        if hidden > 0:
            lines.append(f"  … and {hidden} more (see the errors table)")
        return lines
