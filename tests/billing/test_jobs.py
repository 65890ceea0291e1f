"""Background jobs: one active job per key, each job claimed by exactly one worker however many
look at once, progress visible while a job runs, failures recorded, a dead worker's job taken
over; ``jobs run`` does a page's run and sends the mail."""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from coworking import jobs
from coworking.extensions import db
from coworking.jobs import Job, claim_next, enqueue, run_job
from coworking.mail import OutboxMessage, queue_mail
from coworking.types import utcnow
from tests.conftest import run_together


@pytest.fixture
def handled():
    """A job kind ``test-count`` whose handler notes each job it runs (and fails on request)."""
    calls: list[int] = []
    lock = threading.Lock()

    def handler(job, progress):
        if job.payload.get("fail") == "domain":
            from coworking.errors import DomainError
            raise DomainError("The hub has no drafts to issue.")
        if job.payload.get("fail"):
            raise RuntimeError("boom")
        progress(1, 2)
        with db.engine.connect() as other:  # another connection sees the progress at once
            seen = other.execute(sa.select(Job.progress_done, Job.progress_total).where(Job.id == job.id)).one()
        with lock:
            calls.append(job.id)
        return f"seen {tuple(seen)}"

    jobs.register_handler("test-count", handler)
    yield calls
    jobs._handlers.pop("test-count", None)


def queue(count: int = 1, **payload) -> list[int]:
    made = [enqueue("test-count", payload=dict(payload)) for _ in range(count)]
    db.session.commit()
    return [job.id for job in made]


def test_a_key_has_one_active_job_and_a_new_one_once_it_is_done(app, handled):
    first = enqueue("test-count", unique_key="k:1")
    again = enqueue("test-count", unique_key="k:1")
    db.session.commit()
    assert first.id == again.id
    run_job(claim_next("w"))
    later = enqueue("test-count", unique_key="k:1")
    db.session.commit()
    assert later.id != first.id and later.status == "queued"


def test_a_job_runs_records_its_progress_and_its_summary(app, handled):
    (job_id,) = queue()
    job = claim_next("worker-a")
    assert (job.id, job.status, job.worker) == (job_id, "running", "worker-a")
    assert run_job(job) == "done"
    db.session.expire_all()
    done = db.session.get(Job, job_id)
    assert (done.status, done.progress_done, done.progress_total, done.message) == ("done", 1, 2, "seen (1, 2)")
    assert done.finished_at is not None and claim_next("worker-a") is None


@pytest.mark.parametrize("fail, message", [("domain", "The hub has no drafts to issue."), ("crash", "RuntimeError: boom")])
def test_a_failing_job_is_marked_failed_with_why_and_not_run_again(app, handled, fail, message):
    (job_id,) = queue(fail=fail)
    assert run_job(claim_next("w")) == "failed"
    db.session.expire_all()
    assert (db.session.get(Job, job_id).status, db.session.get(Job, job_id).message) == ("failed", message)
    assert claim_next("w") is None


def test_a_job_of_an_unknown_kind_fails_plainly(app):
    job = enqueue("no-such-kind")
    db.session.commit()
    assert run_job(claim_next("w")) == "failed"
    db.session.expire_all()
    assert "No handler" in db.session.get(Job, job.id).message


def test_every_job_is_run_exactly_once_by_workers_racing_for_them(app, handled):
    job_ids = queue(12)

    def worker(index):
        ran = 0
        while (job := claim_next(f"worker-{index}")) is not None:
            run_job(job)
            ran += 1
        return ran

    results = run_together(app, 4, worker)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sorted(handled) == sorted(job_ids) and sum(results) == 12
    db.session.expire_all()
    assert set(db.session.scalars(sa.select(Job.status))) == {"done"}


def test_a_job_whose_worker_died_is_taken_over_later_and_not_before(app, handled):
    (job_id,) = queue()
    claim_next("dead-worker")
    assert claim_next("other", now=utcnow() + timedelta(minutes=5)) is None
    taken = claim_next("other", now=utcnow() + jobs.STALE_AFTER + timedelta(minutes=1))
    assert (taken.id, taken.worker) == (job_id, "other")


def test_jobs_run_does_the_queued_jobs_and_sends_the_mail(app, runner, handled):
    queue(2)
    queue_mail("someone@example.org", "Hello", "A message")
    db.session.commit()
    result = runner.invoke(args=["jobs", "run"])
    assert result.exit_code == 0, result.output
    assert "Jobs done 2, failed 0; mail sent 1, failed 0." in result.output
    assert len(handled) == 2
    db.session.expire_all()
    assert db.session.scalar(sa.select(OutboxMessage.status)) == "sent"


def test_jobs_work_stops_when_asked_after_doing_what_was_due(app, handled):
    queue(3)
    naps = []
    jobs.work(interval=0.01, should_stop=lambda: bool(naps), sleep=naps.append)
    assert len(handled) == 3 and naps == [0.01]
