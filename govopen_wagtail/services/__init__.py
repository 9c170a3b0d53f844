"""Use cases that touch several models or the outside world."""
