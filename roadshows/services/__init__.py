"""Writes of the roadshows app, one module per aggregate. Each runs in the caller's board scope,
in one transaction, locks what it changes, writes the evidence entry and notifies after commit."""
