"""System checks of the matchmaking app: the optional dense-embedding encoder (docs/matching.md,
"Dense embeddings"). Silent when the dense channel is off (the default)."""

from __future__ import annotations

from django.core.checks import Error
from django.utils.module_loading import import_string

from visd.matching.dense import INSTALL_HINT, EncoderUnavailable

HINT = ("Set VISD_MATCHING_ENCODER_PATH to a local directory holding a saved sentence-transformers model "
        f"({INSTALL_HINT}; nothing is downloaded), or turn the dense channel off: unset "
        "VISD_MATCHING_ENCODER or set VISD_MATCHING_DENSE_WEIGHT=0. Until then matching stays lexical.")


def check_matching_encoder(app_configs=None, **kwargs) -> list:
    """An Error when the configured encoder cannot be loaded. An encoder class with a static
    ``check_available(path)`` (as :class:`~visd.matching.dense.SentenceTransformerEncoder`) is checked
    without loading the model; any other class is constructed (once per process, as the index does)."""
    from . import encoders

    config = encoders.encoder_config()
    if config is None:
        return []
    try:
        cls = import_string(config["class"])
    except ImportError as exc:
        return [Error(f"VISD_MATCHING_ENCODER: cannot import the encoder class {config['class']!r} ({exc}).",
                      hint="Give the dotted path of an encoder class, e.g. "
                           "visd.matching.dense.SentenceTransformerEncoder.", id="matchmaking.E001")]
    try:
        check = getattr(cls, "check_available", None)
        if callable(check):
            check(config["path"])
        else:
            encoders.load_encoder(config)
    except EncoderUnavailable as exc:
        return [Error(f"The dense matching encoder cannot be loaded: {exc}", hint=HINT, id="matchmaking.E002")]
    except Exception as exc:  # a foreign encoder class failing in its own way
        return [Error(f"The dense matching encoder {config['class']} cannot be loaded: {exc}", hint=HINT,
                      id="matchmaking.E002")]
    return []
