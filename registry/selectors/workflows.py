"""Compiling workflow definitions against the current catalog (a read: nothing is written)."""

from __future__ import annotations

from django.conf import settings

from executor.compiler import CompilationResult, CompilerConfig, compile_workflow
from registry.selectors.catalog import catalog_snapshot


def compiler_config() -> CompilerConfig:
    return CompilerConfig(max_steps=settings.BLOCKWISE_MAX_STEPS)


def workflow_compile(definition: object) -> CompilationResult:
    return compile_workflow(definition, catalog_snapshot(), compiler_config())
