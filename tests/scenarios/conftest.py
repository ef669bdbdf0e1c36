# The scenario files are imported here without the gaterig plugin: their markers are known.
def pytest_configure(config):
    for m in ("clause(id)", "terminal_mode(mode)", "after_trials", "runs_last"):
        config.addinivalue_line("markers", m)
