"""The frozen app's entry point (PyInstaller): the same program as the `relationjournal` command."""

from relationjournal.cli import main

raise SystemExit(main())
