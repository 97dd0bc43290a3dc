"""Bringing a diary in: the JSON backup (backup.py) or the CSV files that /export/ writes.

Four stages, each a module, so that nothing is written before the person has seen what will be:

- read: read_upload(files) turns the uploaded files into a payload: the text of the backup, or
  of each CSV file (recognised by its header row), counted and checked. A file that cannot be
  read at all raises UploadRejected, whose message the form shows.
- check: each row of the payload checked with the models' own rules (field choices and lengths,
  clean(), the CHECK constraints evaluated in Python) and diary.rules (when an entry can be).
- plan: plan_import(owner, payload) finds the entries already in the diary and says what would
  be written. It writes nothing, so the preview and the confirmation run the same code.
- write: run_import(owner, plan) writes what the plan adds: in batches of short transactions,
  so that others' saves go on, and all of it or nothing (a failed batch takes back the earlier
  ones). The upload waits for the person's confirmation as a PendingImport (keep_pending,
  confirm_import, cancel_import).

Each stage imports only from the ones before it. The names below are the ones used outside the
package; a test that changes a limit patches the stage module that reads it (importer.write.BATCH),
since a name copied here is not the one the stage looks up.

A backup also brings back what the person's clinicians wrote about them (review notes and visit
measures): they become the importing person's, with the author's name kept and no author
account, since that account may not exist here.

Rows with errors are left out and the rest is imported: someone bringing in ten years should not
lose them to one bad cell, and since entries already in the diary are skipped, the fixed rows can
be uploaded again later without doubling anything.
"""

from sci_tracker.exports.importer.check import unguarded
from sci_tracker.exports.importer.plan import ImportPlan, plan_import
from sci_tracker.exports.importer.read import (
    MAX_DEPTH,
    MAX_ROWS,
    MAX_UPLOAD_BYTES,
    UPGRADES,
    UploadRejected,
    read_upload,
)
from sci_tracker.exports.importer.write import (
    ImportResult,
    batch_written,
    cancel_import,
    confirm_import,
    keep_pending,
    run_import,
    waiting_import,
)

__all__ = [
    "MAX_DEPTH",
    "MAX_ROWS",
    "MAX_UPLOAD_BYTES",
    "UPGRADES",
    "ImportPlan",
    "ImportResult",
    "UploadRejected",
    "batch_written",
    "cancel_import",
    "confirm_import",
    "keep_pending",
    "plan_import",
    "read_upload",
    "run_import",
    "unguarded",
    "waiting_import",
]
