"""`make bench`: load and scale measurements (scripts/bench.sh). Not part of `make test`."""
