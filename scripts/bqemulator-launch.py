"""Start bqemulator offline, its EXPORT DATA files visible through fake-gcs-server.

bqemulator's DuckDB engine runs `INSTALL spatial; LOAD spatial` at start-up
and refuses to start when that fails. The extension is only needed for
GEOGRAPHY columns and ST_* functions, which backcourt never uses, and it
cannot be downloaded here (no network but the package registries). So
replace the loader with a no-op, then hand over to bqemulator's own CLI with
the arguments unchanged, e.g.

    python3 scripts/bqemulator-launch.py start --rest-port 9050 \
        --grpc-port 9060 --project backcourt-test --ephemeral

Useful options of `start` (bqemulator 1.4.0, bqemulator/cli.py):
--rest-host/--rest-port, --grpc-host/--grpc-port (0 = any free port),
--ephemeral (in-memory DuckDB, the default) or --data-dir DIR (persistent),
--project ID (default project id), --log-level, --log-format json|console.
Environment: BQEMU_GCS_LOCAL_ROOT (where gs://bucket/name is read from and
written to: ROOT/bucket/name), BQEMU_ENABLE_FORMAT_EXTENSIONS=false (skip the
best-effort `INSTALL avro`, which also needs the network).

Second patch: the files bqemulator's EXPORT DATA writes under
BQEMU_GCS_LOCAL_ROOT are plain files, which fake-gcs-server does not serve
(it keeps each object's metadata in an extended attribute, so such a file
is a 404, and so is any listing that covers it). In real GCS an exported
object is an object like any other. So after each export, every file
written is uploaded again through fake-gcs-server's JSON API (at
STORAGE_EMULATOR_HOST), which makes it a proper object in place.
"""

import os
import sys
import urllib.parse
import urllib.request

from bqemulator.jobs import executor
from bqemulator.storage.engine import DuckDBEngine


def _no_spatial(self) -> None:  # noqa: ARG001 - same signature as the original
    """GEOGRAPHY is not needed: skip INSTALL/LOAD spatial."""


DuckDBEngine._load_spatial = _no_spatial

_write_export = executor.write_export


def _publish(uri: str) -> None:
    """Re-upload gs://bucket/name, as written on disk, through fake-gcs-server."""
    bucket, name = uri.removeprefix("gs://").split("/", 1)
    root = os.environ["BQEMU_GCS_LOCAL_ROOT"]
    with open(os.path.join(root, bucket, name), "rb") as f:
        body = f.read()
    url = "{}/upload/storage/v1/b/{}/o?uploadType=media&name={}".format(
        os.environ["STORAGE_EMULATOR_HOST"].rstrip("/"),
        urllib.parse.quote(bucket, safe=""),
        urllib.parse.quote(name, safe=""),
    )
    request = urllib.request.Request(
        url, data=body, method="POST", headers={"Content-Type": "application/octet-stream"}
    )
    with urllib.request.urlopen(request, timeout=60):
        pass


def _write_export_as_objects(arrow_table, options, ctx):
    outcome = _write_export(arrow_table, options, ctx)
    if os.environ.get("STORAGE_EMULATOR_HOST"):
        for uri in outcome.uris:
            _publish(uri)
    return outcome


executor.write_export = _write_export_as_objects

if __name__ == "__main__":
    from bqemulator.cli import main

    sys.exit(main(args=sys.argv[1:], prog_name="bqemulator"))
