"""Small OKR files for tests: a fixed cast of people, teams and cycles, and the OKRs you add.

The cast is the demo organisation's (``tandem/examples/northwind.yaml``, the one the API, page
and browser tests use), cut down: the same people with the same names in the same roles, so a
test reads the same whichever organisation it runs on. The company ``nw`` (lead zoe, with
sofia) with teams ``search`` (lead ana, members ben and cai) and ``infra`` (lead omar, member
dan); cycles ``FY`` (2026), ``Q3`` and ``Q4`` inside it.
"""

from __future__ import annotations

import textwrap
from datetime import date

from tandem.core import model as m
from tandem.core.engine import Evaluation, evaluate
from tandem.okrfile import load_text

HEADER = """\
version: 1
organization: Northwind
{settings}
people:
  - {{id: zoe, name: Zoe Adler}}
  - {{id: sofia, name: Sofia Rossi, manager: zoe}}
  - {{id: ana, name: Ana Lima, manager: sofia}}
  - {{id: ben, name: Ben Okafor, manager: ana}}
  - {{id: cai, name: Cai Wen, manager: ana}}
  - {{id: omar, name: Omar Haddad, manager: sofia}}
  - {{id: dan, name: Dan Kowalski, manager: omar}}
teams:
  - {{id: nw, name: Northwind, lead: zoe, members: [zoe, sofia]}}
  - {{id: search, name: Search, parent: nw, lead: ana, members: [ben, cai]}}
  - {{id: infra, name: Infrastructure, parent: nw, lead: omar, members: [dan]}}
cycles:
  - {{id: FY, start: 2026-01-01, end: 2026-12-31}}
  - {{id: Q3, parent: FY, start: 2026-07-01, end: 2026-09-30}}
  - {{id: Q4, parent: FY, start: 2026-10-01, end: 2026-12-31}}
"""

# 2026-11-15 is 45 of Q4's 91 days in.
MID_Q4 = date(2026, 11, 15)


def org_text(objectives: str, dependencies: str = "", settings: str = "") -> str:
    text = HEADER.format(settings=textwrap.dedent(settings).strip())
    text += "objectives:\n" + textwrap.indent(textwrap.dedent(objectives).strip(), "  ") + "\n"
    if dependencies:
        text += "dependencies:\n" + textwrap.indent(textwrap.dedent(dependencies).strip(), "  ")
    return text + "\n"


def org(objectives: str, dependencies: str = "", settings: str = "") -> m.Organization:
    return load_text(org_text(objectives, dependencies, settings)).organization


def run(
    objectives: str, dependencies: str = "", *, as_of: date = MID_Q4, settings: str = ""
) -> Evaluation:
    return evaluate(org(objectives, dependencies, settings), as_of)
