"""The ranking model's probabilities, in one frozen record (``docs/reasoning.md`` says why each is what it is).

>>> Weights().essential > Weights().spillover > Weights().adjacent_essential > Weights().none
True
>>> Weights(essential=1.5)
Traceback (most recent call last):
tpmap.errors.WeightsError: Weights.essential must be a probability above 0 and below 1, not 1.5

"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields

from ..errors import WeightsError, wrong_type

_PROBABILITY = (0.0, 1.0, False, False)
"""(low, high, low allowed, high allowed): a probability strictly between 0 and 1, so every log ratio exists."""
_BOUNDS: dict[str, tuple[float, float, bool, bool]] = {
    "inside": (0.0, 1.0, False, True),
    "intensity_base": (0.0, math.inf, False, False),
    "intensity_step": (0.0, 0.1, True, True),
    "latent_sensation_factor": (0.0, 1.0, True, True),
    "coverage_floor": (0.0, 1.0, True, True),
    "prior_pseudo_count": (0.0, math.inf, False, False),
    "prevalence_pseudo_n": (0.0, math.inf, False, False),
}
"""Fields that are not probabilities, and the values each can take."""


@dataclass(frozen=True)
class Weights:
    """The model's probabilities. Each is P(finding | muscle) for one kind of match.

    The defaults are round numbers chosen to keep essential ≫ spillover ≫ adjacent ≫ none; see
    ``docs/reasoning.md`` for why each is what it is.
    """

    essential: float = 0.9
    """A place in an essential zone hurts: nearly every patient with the active TP feels it."""
    spillover: float = 0.35
    """A place in a spillover zone hurts: some patients feel it, more when the TP is irritable."""
    latent_spillover: float = 0.15
    """Spillover when the pain appears only on pressure (latent TPs refer mostly their essential zone)."""
    intensity_base: float = 0.75
    intensity_step: float = 0.05
    """Spillover is scaled by ``intensity_base + intensity_step × intensity`` (0–10) when a place's intensity is
    given: 1 at 5 (neutral), 0.75 at 0, 1.25 at 10 — an irritable TP spills over more."""
    inside: float = 0.6
    """Factor when the place lies inside a coarser zone: the pattern covers it but does not single it out."""
    adjacent_essential: float = 0.12
    adjacent_spillover: float = 0.06
    """A place next to a zone: drawings and reports are imprecise at the edges."""
    none: float = 0.02
    """A place no zone reaches: the pain has another source, or the pattern is atypical."""
    listed: float = 0.6
    """A sensation, condition, movement or aggravator that the muscle's entry lists."""
    not_listed: float = 0.1
    """One that it does not list (entries are incomplete, so this is not near zero)."""
    condition_not_listed: float = 0.05
    latent_sensation_factor: float = 0.5
    """Sensations weigh half as much for latent TPs, which rarely refer more than pain."""
    tender_here: float = 0.8
    """A spot is tender and reproduces the pain when the muscle has a trigger point there (next questions)."""
    tender_elsewhere: float = 0.1
    """It is tender anyway: tender spots are common, and examination is imprecise."""
    ruled_out_listed: float = 0.3
    """A condition checked and ruled out, for a muscle whose pattern mimics it: the pain resembled it enough to be
    checked, so the mimic stays a candidate, at half the weight of a condition named (``listed``)."""
    coverage_floor: float = 0.5
    """A reported area that contains a muscle's zones: the share of P(place | muscle) that any zone inside it
    earns; the rest grows with the share of the area's finest parts the zones cover (essential at ``essential``,
    spillover at ``spillover``). 1 would make a corner count as much as the whole area."""
    prior_pseudo_count: float = 8.0
    """Strength of the Gamma(1 + s, s) prior that shrinks each muscle's fitted pain-guide worth toward 1 (the
    worth of a muscle no guide names), in pseudo-observations: higher, a weaker frequency prior."""
    prevalence_pseudo_n: float = 30.0
    """Patients' worth of the general prior when a condition's prevalence studies replace it: a study of n
    patients moves a muscle's prior n / (n + this) of the way to its prevalence."""

    def __post_init__(self) -> None:
        """Refuse a value the model cannot score with, naming the field (before any ranking uses it)."""
        for field in fields(self):
            value = getattr(self, field.name)
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise wrong_type(f"Weights.{field.name}", "a number", value)
            low, high, low_ok, high_ok = _BOUNDS.get(field.name, _PROBABILITY)
            inside = (low < value or (low_ok and value == low)) and (value < high or (high_ok and value == high))
            if not (math.isfinite(value) and inside):
                if field.name not in _BOUNDS:
                    what = "a probability above 0 and below 1"
                elif high == math.inf:
                    what = f"a number {'of' if low_ok else 'above'} {low:g}{' or more' if low_ok else ''}"
                else:
                    what = f"a number from {low:g} to {high:g}"
                raise WeightsError(f"Weights.{field.name} must be {what}, not {value!r}")


DEFAULT_WEIGHTS = Weights()
