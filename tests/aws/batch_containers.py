"""AWS Batch containers played inside moto: each Batch job the state machine submits runs
the command it carries, with the real jamak worker steps.

moto's Batch without Docker ends every job at once (see tests/aws/test_state_machine.py).
Here its "finish" is replaced, for one test, by what the container would do: the command
(the ASL's ContainerOverrides, else the job definition's with its ``Ref::`` parameters
filled) is read like ``jamak worker`` reads it, the step runs against the same DynamoDB and
S3 (over HTTP, on moto's server), and the Batch job ends SUCCEEDED or FAILED by the exit
code ``jamak worker`` would give (:func:`jamak.cli.worker.step_exit_code`). Only the
recogniser is a stand-in: the step functions are the CLI's own.

Each job's queue is kept with its command (``queues``), so a test can see which route
(the CPU queue or the GPU one) the state machine sent every step to.

``lose`` names commands whose first attempt dies as a reclaimed instance would (the Batch
job fails, nothing is stored), to show that a failed part is retried alone; ``doom`` those
that die on every attempt.
"""

from __future__ import annotations

import datetime
import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from jamak.cli.worker import step_exit_code
from jamak.jobs.limits import JobLimits
from jamak.jobs.parts import merge_job, plan_job, run_part
from jamak.jobs.ports import JobStore, ObjectStore
from jamak.jobs.recognizers import RecognizerProvider
from jamak.jobs.runner import run_job


@dataclass
class BatchContainers:
    store: JobStore
    objects: ObjectStore
    recognizers: RecognizerProvider
    limits: JobLimits
    lose: set[tuple[str, ...]] = field(default_factory=set)
    doom: set[tuple[str, ...]] = field(default_factory=set)  # these fail every attempt
    commands: list[tuple[str, ...]] = field(default_factory=list)
    exit_codes: list[int] = field(default_factory=list)
    # (command, the ARN of the job queue it was submitted to), one per attempt.
    queues: list[tuple[tuple[str, ...], str]] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def install(self, setattr_: Any) -> None:
        """Replace moto's instant finish for the test's duration (``monkeypatch.setattr``)."""
        from moto.batch_simple.models import BatchSimpleBackend

        containers = self

        def finish(backend: Any, include_start_attempt: bool, job: Any) -> None:
            backend.backend._jobs[job.job_id] = job
            job.job_started_at = datetime.datetime.now()
            job.log_stream_name = job._stream_name
            if include_start_attempt:
                job._start_attempt()
            command = containers.command_of(job)
            with containers._lock:
                containers.queues.append((command, job.job_queue.arn))
            job._mark_stopped(success=containers.run(command) == 0)

        setattr_(BatchSimpleBackend, "_mark_job_as_finished", finish)

    @staticmethod
    def command_of(job: Any) -> tuple[str, ...]:
        overrides = job.container_overrides or {}
        command = overrides.get("command") or job.job_definition.container_properties["command"]
        parameters = {**job.job_definition.parameters, **(job.parameters or {})}
        return tuple(
            parameters.get(part.removeprefix("Ref::"), part) if part.startswith("Ref::") else part
            for part in command
        )

    def queues_of(self, verb: str) -> set[str]:
        """The queues the ``jamak worker <verb>`` jobs went to."""
        return {queue for command, queue in self.queues if command[2] == verb}

    def attempts(self) -> Counter[tuple[str, ...]]:
        return Counter(self.commands)

    def run(self, command: tuple[str, ...]) -> int:
        with self._lock:
            first = command not in self.commands
            self.commands.append(command)
        # A lost attempt: killed with its instance (exit 137), nothing stored.
        lost = command in self.doom or (first and command in self.lose)
        code = 137 if lost else self._step(command)
        with self._lock:
            self.exit_codes.append(code)
        return code

    def _step(self, command: tuple[str, ...]) -> int:
        program, group, verb, job_id, *rest = command
        assert (program, group) == ("jamak", "worker"), command
        job = self.store.get(job_id)
        steps: dict[str, Any] = {
            "store": self.store,
            "objects": self.objects,
            "recognizers": self.recognizers,
            "limits": self.limits,
            "progress_interval_s": 0.0,
        }
        if verb == "plan":
            planned = plan_job(job, **steps)
            return step_exit_code(planned, step_done=planned.parts > 1)
        if verb == "run" and rest[:1] == ["--part"]:
            return step_exit_code(run_part(job, int(rest[1]), **steps), step_done=True)
        if verb == "run":
            return step_exit_code(run_job(job, **steps))
        if verb == "merge":
            return step_exit_code(merge_job(job, store=self.store, objects=self.objects))
        raise AssertionError(f"no such worker command: {command}")
