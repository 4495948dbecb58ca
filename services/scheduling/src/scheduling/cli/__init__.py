"""Command-line tools of the scheduling service that work on files rather than on the running event stream."""
