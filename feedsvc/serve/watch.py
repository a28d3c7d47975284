"""The file watcher: inotify (through watchdog) events -> refresh requests for the paths named."""

from __future__ import annotations

import os

from ..config import Settings
from ..sources import ignored_name
from .scheduler import RefreshRunner


class SeedsWatcher:
    """Asks for a refresh as soon as a file is closed after writing, moved, created or deleted.

    Partial writes (modify events) are ignored: the closing event follows. Editor temp files
    and other non-article names are ignored. Uses inotify on Linux through watchdog.
    """

    def __init__(self, settings: Settings, runner: RefreshRunner, debounce: float = 0.05) -> None:
        from watchdog.events import FileSystemEvent
        from watchdog.events import FileSystemEventHandler
        from watchdog.observers import Observer

        self.runner = runner
        self.debounce = debounce
        watcher = self

        root = str(settings.seeds_dir)

        class Handler(FileSystemEventHandler):
            def on_any_event(self, event: FileSystemEvent) -> None:
                if event.event_type in ("opened", "modified", "closed_no_write"):
                    return
                if event.is_directory:
                    watcher.runner.request(watcher.debounce)  # a folder came or went: walk
                    return
                paths = [os.fsdecode(p) for p in (event.src_path, getattr(event, "dest_path", "")) if p]
                if all(ignored_name(os.path.basename(p)) for p in paths):
                    return  # editor swap files, temp files...: nothing to publish
                rels = [os.path.relpath(p, root).replace(os.sep, "/") for p in paths]
                watcher.runner.request(watcher.debounce, [r for r in rels if not r.startswith("..")])

        self.observer = Observer()
        self.observer.schedule(Handler(), root, recursive=True)

    def start(self) -> None:
        self.observer.start()

    def stop(self) -> None:
        self.observer.stop()
        self.observer.join(timeout=5)
