"""Relation Journal: a private, encrypted, offline journal of the people you build relationships with."""

__version__ = "0.1.0"
APP_NAME = "RelationJournal"
