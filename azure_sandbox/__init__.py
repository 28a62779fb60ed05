"""Local Azure sandbox like Azurite, for ARM + Entra ID: see ``Sandbox`` and ``pytest_plugin``."""

from azure_sandbox.faults import FaultRule, FaultSet
from azure_sandbox.sandbox import Sandbox
from azure_sandbox.world import World
from azure_sandbox.worldgen import default_world
from azure_sandbox.worldgen_large import generate_world

__all__ = ["FaultRule", "FaultSet", "Sandbox", "World", "default_world", "generate_world"]
