"""Past one machine: extraction partitions on a dask.distributed cluster, and the streamed millions path.

dask is the optional extra `paper-kg[dask]`; nothing here imports it until a cluster is asked for.
"""

from kg.distributed.cluster import DaskMissingError, open_client, parse_dask_spec
from kg.distributed.extract import DaskExtractor, PartitionFailedError

__all__ = ["DaskExtractor", "DaskMissingError", "PartitionFailedError", "open_client", "parse_dask_spec"]
