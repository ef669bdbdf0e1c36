#!/usr/bin/python3
"""Prints the terminal.py options that reach a rig description's fixed addresses (platform port,
monitor link, Wiegand wire, card book, admin endpoint), so the lab's terminal and the rig agree:

    tools/foreign_terminal/rig_addresses.py rigs/sim-external.toml
    --platform http://127.0.0.1:18480 --monitor /tmp/gaterig-external/monitor.sock ...

Exits 2 naming the key when the description cannot be used by a terminal started beside the rig
(port 0, relative socket paths: those are only known once the rig runs)."""
import sys
import tomllib


def fail(msg):
    sys.stderr.write(f"rig_addresses: {sys.argv[1]}: {msg}\n")
    sys.exit(2)


def main():
    if len(sys.argv) != 2:
        sys.stderr.write("usage: rig_addresses.py RIG.toml\n")
        sys.exit(2)
    with open(sys.argv[1], "rb") as f:
        rig = tomllib.load(f)
    platform = rig.get("platform", {})
    port = int(platform.get("port", 0))
    if port == 0:
        fail("platform.port is 0 (any): an external terminal needs a fixed port")
    host = platform.get("bind", "127.0.0.1")
    host = "127.0.0.1" if host in ("", "0.0.0.0") else host
    args = ["--platform", f"http://{host}:{port}"]
    for opt, table, key in (("--monitor", "display", "monitor_path"), ("--wire", "wiegand", "path"),
                            ("--cards", "terminal", "card_book")):
        path = rig.get(table, {}).get(key, "")
        if not path.startswith("/"):
            fail(f"{table}.{key} must be an absolute path (found {path!r}): a relative one lives in the run's work dir")
        args += [opt, path]
    admin = rig.get("terminal", {}).get("admin", "")
    args += ["--admin", admin[len("http://"):] if admin else "none"]
    print(" ".join(args))


if __name__ == "__main__":
    main()
