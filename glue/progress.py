"""Progress lines for long steps: what runs, and how long it took."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False, soft_wrap=True)


@contextmanager
def step(title: str) -> Iterator[None]:
    """Print `title`, run the block under a spinner (on a terminal), then its duration."""
    started = time.monotonic()
    console.print(f"[bold cyan]→[/] {title} ...")
    try:
        if console.is_terminal:
            with console.status(title):
                yield
        else:
            yield
    except BaseException:
        console.print(f"[bold red]✗[/] {title} failed after {time.monotonic() - started:.1f} s")
        raise
    console.print(f"[bold green]✓[/] {title} [dim]({time.monotonic() - started:.1f} s)[/]")
