"""A Typer group whose commands are imported when they run, so that a command pays only for its own imports.

`kpilot --help` lists every command by its name and summary (`cli.commands`), with no command module imported;
`kpilot COMMAND ...` imports that command's module, which registers it on the app as an eager import would, and
runs it as Typer built it. Click resolves the command to run through `resolve_command` (for help, completion and
running alike), and lists commands through `self.commands`: so a listed command is a `Summary` until it is resolved.
"""

from __future__ import annotations

import importlib
from typing import Any, ClassVar

import typer
import typer.main
from typer import _click as click  # Typer's own copy of Click, which its commands and contexts are made of
from typer.core import TyperCommand, TyperGroup

from kpilot.cli.commands import Command
from kpilot.errors import InternalError


class Summary(TyperCommand):
    """A command as `--help` lists it before its module is imported: its name and summary, nothing to run."""

    def __init__(self, entry: Command) -> None:
        super().__init__(entry.name, help=entry.summary)

    def invoke(self, ctx: click.Context) -> Any:
        # `LazyGroup.resolve_command` puts the real command in its place before anything can run it.
        raise InternalError(f"command {self.name!r} was run before its module was imported")


class LazyGroup(TyperGroup):
    """The commands of `table` (in its order, which `--help` keeps), each imported on first use; a subclass names
    the table and the Typer app the command modules register on (`root`)."""

    table: ClassVar[tuple[Command, ...]] = ()

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        built = dict(self.commands)  # the commands of the modules imported so far, as Typer made them
        listed: dict[str, click.Command] = {
            entry.name: built.pop(entry.name) if entry.name in built else Summary(entry) for entry in self.table
        }
        self.commands = {**listed, **built}

    @classmethod
    def root(cls) -> typer.Typer:
        raise NotImplementedError

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        if args:
            name = ctx.token_normalize_func(args[0]) if ctx.token_normalize_func else args[0]
            if isinstance(self.commands.get(name), Summary):
                self.commands[name] = self.load(name)
        return super().resolve_command(ctx, args)

    @classmethod
    def load(cls, name: str) -> click.Command:
        """Import the module of the command `name` and return the command Typer makes of it."""
        cls._register(next(entry for entry in cls.table if entry.name == name))
        command = typer.main.get_group(cls.root()).commands.get(name)
        if command is None or isinstance(command, Summary):
            raise InternalError(f"importing the module of command {name!r} did not define it")
        return command

    @classmethod
    def load_all(cls) -> typer.Typer:
        """Import every command's module: the root app as an eager import of them all would have made it."""
        for entry in cls.table:
            cls._register(entry)
        return cls.root()

    @classmethod
    def _register(cls, entry: Command) -> None:
        module = importlib.import_module(entry.module)  # a command registers itself on the root app
        if entry.group is None:
            return
        group = getattr(module, entry.group)
        root = cls.root()
        if not any(info.typer_instance is group for info in root.registered_groups):
            root.add_typer(group, name=entry.name)
