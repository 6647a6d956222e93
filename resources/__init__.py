"""Icons and desktop files, installed as the package `relationjournal.resources`."""
