from assign import clock  # first: a command's time limit counts from the package's import

__all__ = ["clock"]
