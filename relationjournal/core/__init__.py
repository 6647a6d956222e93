"""The journal's core: data model, storage, keys, service API and CSV. It imports no Qt."""
