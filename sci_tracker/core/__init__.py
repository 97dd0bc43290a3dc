"""Helpers every app may use, one floor below them: they import nothing from the apps."""
