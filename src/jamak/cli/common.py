"""Small pieces every command shares: building settings and the model registry."""

from __future__ import annotations

from jamak.asr.registry import ModelRegistry
from jamak.settings import Settings


def build_registry(settings: Settings, *, workers: int = 1) -> ModelRegistry:
    """``workers``: how many files the command recognises at once with one loaded model."""
    return ModelRegistry(
        model_dir=settings.model_dir,
        device=settings.device,
        compute_type=settings.compute_type,
        cpu_threads=settings.cpu_threads,
        workers=workers,
        allow_download=settings.allow_download,
        forced_cpu_isa=settings.ct2_force_cpu_isa,
    )
