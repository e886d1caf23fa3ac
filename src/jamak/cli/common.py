"""Small pieces every command shares: building settings and the model registry."""

from __future__ import annotations

from jamak.asr.registry import ModelRegistry
from jamak.settings import Settings


def build_registry(settings: Settings) -> ModelRegistry:
    return ModelRegistry(
        model_dir=settings.model_dir,
        device=settings.device,
        compute_type=settings.compute_type,
        cpu_threads=settings.cpu_threads,
        allow_download=settings.allow_download,
    )
