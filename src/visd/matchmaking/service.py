"""The registry's matching index, by job (this module only gathers their public names, for callers
and scripts that import them from here):

* :mod:`visd.matchmaking.encoders` -- the optional dense encoder: configuration, loading, embedding cache;
* :mod:`visd.matchmaking.db_records` -- the registry's records as the index reads them, and what changed;
* :mod:`visd.matchmaking.actions` -- derived tags written to the database (the only writer of them);
* :mod:`visd.matchmaking.lifecycle` -- build, update (commands, hooks) and read-only access (requests).

A page or API request reads with :func:`read_index`; only commands and hooks build or update.
"""

from .actions import (TRACK_EVIDENCE_PROJECTS, TRACK_EVIDENCE_TERMS, TRACK_FULL_SUPPORT,  # noqa: F401
                      TRACK_MIN_CONFIDENCE, TRACK_MIN_PROJECTS, TRACK_MIN_SHARE, actor_tags_from,
                      concept_pks, participants_of, track_record_tags, write_actor_tags, write_derived_tags)
from .db_records import (actor_records, curated_tags, need_names, opportunity_records,  # noqa: F401
                         participation_signatures, project_records)
from .encoders import (EMBEDDING_CACHE_FILE, dense_weight, encoder_config, get_encoder,  # noqa: F401
                       index_dir, load_encoder)
from .lifecycle import (STATE_VERSION, IndexStatus, build, exists, forget, generation,  # noqa: F401
                        read_index, update, update_if_present, updated_index)
