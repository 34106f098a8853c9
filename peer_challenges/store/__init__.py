"""The built dataset: the validated atomic build (data/sources -> data/*.parquet), the DuckDB query layer (the
only place SQL runs) and datasets in object storage (``remote``: DATA_DIR=s3://…; ``publish``). Imports sources
and domain.

Importing the package lets DATA_DIR be an s3:// URL: domain.paths.data_dir() then asks store.remote for the
local folder of the version being served."""

from peer_challenges.store import remote as _remote

_remote.install()
