"""`python -m glue.motoext -H HOST -p PORT [--server waitress|werkzeug]`: the extended moto, served.

waitress (glue/motoext/server.py) is the emulator; `--server werkzeug` is moto's own development
server, kept only so that `python -m glue emulator load-test` can show what it fixes.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys

from glue.motoext import install

SERVERS = ("waitress", "werkzeug")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m glue.motoext", description=__doc__)
    parser.add_argument("-H", "--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1)")
    parser.add_argument("-p", "--port", type=int, required=True, help="port to bind")
    parser.add_argument("--server", choices=SERVERS, default="waitress", help="web server (default: waitress)")
    args = parser.parse_args(argv)
    install()
    if args.server == "werkzeug":
        from moto.server import main as moto_server

        moto_server(["-H", args.host, "-p", str(args.port)])
        return
    os.environ.setdefault("MOTO_PORT", str(args.port))  # moto builds some URLs from it
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
    from glue.motoext.server import serve

    serve(args.host, args.port)


if __name__ == "__main__":
    main()
