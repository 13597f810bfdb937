"""``python -m clinic_explainer.serve``: kept for old commands; the launcher is serving/launcher.py."""

from .serving.launcher import DEFAULT_PORT, main, voila_command  # noqa: F401

if __name__ == "__main__":
    main()
