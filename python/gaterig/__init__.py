"""gaterig: the rig that certifies face-recognition attendance terminals.

The time-critical work (showing frames, capturing Wiegand edges, serving the platform,
correlating) is C++ in gaterig._gaterig; this package re-exports it for scenarios and the pytest
plugin (gaterig.pytest_plugin). See python/README.md.

Importing gaterig installs its SIGINT/SIGTERM handling: a signal stops every running rig call and
raises KeyboardInterrupt in Python; a second SIGINT exits at once (130).
"""
from gaterig import _gaterig
from gaterig._gaterig import statistics  # noqa: F401

FEATURES = tuple(_gaterig.FEATURES)
stop_requested = _gaterig.stop_requested
ConfigError = _gaterig.ConfigError
__version__ = _gaterig.VERSION

if "standard" in FEATURES:
    from gaterig._gaterig import (  # noqa: F401
        Standard, Clause, MeasurementSpec, ResultsDocument, evaluate, make_run_id)
if "rig" in FEATURES:
    from gaterig._gaterig import (  # noqa: F401
        RigError, RigDescription, Rig, Bench, Terminal, Platform, FixtureSet, Presentation, TrialPlan,
        Outcomes, Reconciliation, write_trials_csv)


def features():
    """Which parts of the C++ rig this build binds ("statistics", "standard", "rig", "trial")."""
    return FEATURES


__all__ = [name for name in dir() if not name.startswith("_")]
