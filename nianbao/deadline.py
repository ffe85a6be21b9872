"""When a year's report was due, and how late a published one was.

The Regulations on the Disclosure of Government Information (政府信息公开条例) set the date:

- 2008 text, art. 32: every administrative body publishes the previous year's report
  before 31 March.
- 2019 revision, art. 49: departments publish theirs before 31 January (and submit it to the
  government's disclosure office); art. 50: the governments at county level and above publish
  their own before 31 March. The revision came into force on 15 May 2019, so reports on 2019 and
  later fall under it.

>>> publication_deadline(2020, is_government=False)
datetime.date(2021, 1, 31)
>>> publication_deadline(2020, is_government=True)
datetime.date(2021, 3, 31)
>>> publication_deadline(2015, is_government=False)
datetime.date(2016, 3, 31)
>>> days_late(2020, "2021-02-03", is_government=False)
3
>>> days_late(2020, "2021-01-20", is_government=False)
0
"""

from __future__ import annotations

import datetime as dt
import re

__all__ = ["days_late", "is_government_agency", "publication_deadline"]

FIRST_YEAR_OF_2019_REGULATIONS = 2019

_GOVERNMENT = re.compile(r"(?:人民政府|政府)(?:办公室|办公厅)?$")


def is_government_agency(agency: str | None) -> bool:
    """True for a government itself (…县人民政府, …市政府办公室 publishing for it), not a department.

    >>> is_government_agency("昌乐县人民政府"), is_government_agency("昌乐县卫生健康局")
    (True, False)
    """
    return bool(agency and _GOVERNMENT.search(agency))


def publication_deadline(year: int, *, is_government: bool) -> dt.date:
    """The last day on which the report on ``year`` could be published on time."""
    if year >= FIRST_YEAR_OF_2019_REGULATIONS and not is_government:
        return dt.date(year + 1, 1, 31)
    return dt.date(year + 1, 3, 31)


def days_late(year: int, published: str | dt.date | None, *, is_government: bool) -> int | None:
    """Days after the deadline the report was published (0 when on time); None when the date is
    unknown or unreadable. ``published`` is a date or an ISO date string (a time may follow)."""
    if published is None or published == "":
        return None
    if isinstance(published, str):
        try:
            published = dt.date.fromisoformat(published[:10])
        except ValueError:
            return None
    late = (published - publication_deadline(year, is_government=is_government)).days
    return max(late, 0)
