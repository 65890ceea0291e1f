"""Says plainly, before the suite runs, whether the PostgreSQL half will run or be skipped."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.conftest import postgres_unavailable_reason, postgres_url  # noqa: E402

reason = postgres_unavailable_reason(postgres_url())
if reason:
    print(f"*** {reason}: the PostgreSQL half of the suite will be SKIPPED (SQLite only). ***")
else:
    print("PostgreSQL answers: every database test runs on SQLite and on PostgreSQL.")
