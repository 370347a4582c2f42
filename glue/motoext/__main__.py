"""`python -m glue.motoext [moto_server arguments]`: moto's server with the extended services."""

from __future__ import annotations

from moto.server import main

from glue.motoext import install

if __name__ == "__main__":
    install()
    main()
