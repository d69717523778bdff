"""What the apps above cases plug into it: checks on the steps, locks on the roster, panels
on the case page.

cases/ is the ground floor: it imports none of the apps built on it (voting, documents,
funding …). Where a step needs an answer only another app has (step 1: has the vote
passed? is the witness record there?) or the case page shows what another app owns (the
vote's line, the print panel, the money), that app registers here from its
AppConfig.ready(), and cases asks whatever is registered. The order of registration does
not matter: panels sort by their `order`, checks are all asked.

Register only from ready(): the registries are module-level lists, filled once per process.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal

# --- checks on a step -------------------------------------------------------------------

StepStage = Literal["submit", "approve"]


@dataclass(frozen=True)
class StepCheck:
    """Why a step may not move now: `problems(step)` lists the reasons, in the user's
    language; empty when nothing stands in the way. `procedures` limits it to those steps'
    numbers (None: every step); `stages` to submission and/or approval."""

    name: str
    problems: Callable[..., Iterable[str]]
    stages: frozenset[str]
    procedures: frozenset[int] | None = None

    def applies(self, *, number: int, stage: StepStage) -> bool:
        return stage in self.stages and (self.procedures is None or number in self.procedures)


_STEP_CHECKS: list[StepCheck] = []


def register_step_check(
    name: str,
    problems: Callable[..., Iterable[str]],
    *,
    stages: Iterable[StepStage] = ("approve",),
    procedures: Iterable[int] | None = None,
) -> None:
    """Called from an app's ready(). A check of the same name replaces the earlier one (a
    test may register again without doubling it)."""
    check = StepCheck(
        name=name,
        problems=problems,
        stages=frozenset(stages),
        procedures=frozenset(procedures) if procedures is not None else None,
    )
    _STEP_CHECKS[:] = [c for c in _STEP_CHECKS if c.name != name] + [check]


def registered_step_problems(*, step, stage: StepStage) -> list[str]:
    """What every registered check says against this step at this stage."""
    problems: list[str] = []
    for check in _STEP_CHECKS:
        if check.applies(number=step.number, stage=stage):
            problems.extend(str(p) for p in check.problems(step=step))
    return problems


# --- locks on a unit's roster -------------------------------------------------------------

_ROSTER_LOCKS: dict[str, Callable[..., bool]] = {}


def register_roster_lock(name: str, locked: Callable[..., bool]) -> None:
    """`locked(unit=…)` is true while the unit's flats and their owners may not change
    (voting: from the vote's opening, the roster is what the vote counts)."""
    _ROSTER_LOCKS[name] = locked


def roster_locked(*, unit) -> bool:
    return any(locked(unit=unit) for locked in _ROSTER_LOCKS.values())


# --- panels on the case page --------------------------------------------------------------


PanelPlace = Literal["above", "below"]


@dataclass(frozen=True)
class CasePanel:
    """A section of the case page, above its details or below them (`place`), on the text
    page and on the form (?edit=1) alike. `context(request=…, case=…)` returns the
    template's context, or None to leave the panel out for this user and case; the template
    is rendered with the request (CSRF, i18n) and the case as `case`."""

    name: str
    order: int
    template_name: str
    context: Callable[..., dict | None]
    place: PanelPlace = "above"


_CASE_PANELS: list[CasePanel] = []


def register_case_panel(
    name: str,
    *,
    order: int,
    template_name: str,
    context: Callable[..., dict | None],
    place: PanelPlace = "above",
) -> None:
    panel = CasePanel(name=name, order=order, template_name=template_name, context=context, place=place)
    _CASE_PANELS[:] = sorted([p for p in _CASE_PANELS if p.name != name] + [panel], key=lambda p: (p.order, p.name))


def case_panels(*, place: PanelPlace) -> list[CasePanel]:
    """The registered panels of that place, in their order (rendered by the case page's
    `{% case_panels "above" %}` tag: cases/templatetags/case_panels.py)."""
    return [panel for panel in _CASE_PANELS if panel.place == place]


# --- links above a list page that the admin's ChangeList does not draw -----------------------
# "cases.queue" (my queue): oversight adds its exports there, as it does on every admin list.

_LIST_LINKS: dict[str, list[Callable[..., list[dict]]]] = {}


def register_list_links(list_name: str, links: Callable[..., list[dict]]) -> None:
    """`links(request) -> [{"url": …, "label": …}]`, shown above the named list's table."""
    providers = _LIST_LINKS.setdefault(list_name, [])
    if links not in providers:
        providers.append(links)


def list_links(list_name: str, request) -> list[dict]:
    return [link for links in _LIST_LINKS.get(list_name, ()) for link in links(request)]


# --- when a case opens ----------------------------------------------------------------------

_CASE_OPENED: dict[str, Callable[..., None]] = {}


def register_case_opened(name: str, opened: Callable[..., None]) -> None:
    """`opened(case=…, actor=…)` runs inside the opening's transaction, after the case and its
    steps exist: what another app keeps per case starts there (funding: the agreement's
    terms and the default floor coefficients). A failure undoes the opening."""
    _CASE_OPENED[name] = opened


def case_opened(*, case, actor) -> None:
    for opened in _CASE_OPENED.values():
        opened(case=case, actor=actor)


# --- after the elevator runs: its use registration --------------------------------------------

_USE_REGISTRATION: list[Callable[..., object]] = []


def register_use_registration(lookup: Callable[..., object]) -> None:
    """`lookup(case=…)` returns the date the elevator's use registration (使用登记) was made
    with market supervision, or None. Registered by upkeep from its ready(); the money steps
    that wait for the registration (withdrawals, subsidies: funding) ask `use_registered_on`.
    One lookup: a second replaces the first."""
    _USE_REGISTRATION[:] = [lookup]


def use_registered_on(case):
    """The use registration's date (a datetime.date), or None: not recorded, or no app keeps
    the register."""
    return _USE_REGISTRATION[0](case=case) if _USE_REGISTRATION else None
