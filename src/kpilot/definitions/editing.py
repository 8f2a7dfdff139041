"""Editing a definitions file safely: read it keeping comments, check the whole workspace with the new text on a
copy, then replace the file in one step. Used by every command that writes definitions (catalogue add, targets)."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import io
import os
import secrets
import shutil
import stat
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap

from kpilot.definitions.loader import DEFINITIONS_DIR
from kpilot.definitions.yaml_source import YamlDocument, read_yaml
from kpilot.errors import Issue, Location, UserError
from kpilot.i18n import Message, Raw

Problems = Callable[[Path], list[Issue]]
LOCK_FILE = Path(".kpilot") / "definitions.lock"


_HELD = threading.local()  # the lock files this thread holds (so that an edit inside an edit does not wait on itself)


@contextlib.contextmanager
def editing_lock(root: Path) -> Iterator[None]:
    """One edit of a workspace's definitions at a time, across processes (server workers, the command line): held
    from reading the version an edit is checked against to replacing the file, so no edit is lost between. Every
    writer of definitions takes it; taken again by the thread that holds it, it is already held."""
    path = root / LOCK_FILE
    key = str(path.resolve())
    held: set[str] = getattr(_HELD, "paths", set())
    if key in held:
        yield
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        _HELD.paths = held | {key}
        try:
            yield
        finally:
            _HELD.paths = held
            fcntl.flock(handle, fcntl.LOCK_UN)


def read_document(path: Path, header: str, purpose: Message) -> CommentedMap:
    """The file's mapping (a new one, with `header` as its comment, when the file does not exist yet).

    `purpose` says what cannot be done when the file is broken ("targets cannot be merged into it")."""
    if not path.is_file():
        document = CommentedMap()
        document.yaml_set_start_comment(header)
        return document
    parsed = read_yaml(path, str(path))
    if isinstance(parsed, YamlDocument) and parsed.root is None:
        return CommentedMap()
    if isinstance(parsed, YamlDocument) and isinstance(parsed.root, CommentedMap):
        return parsed.root
    if isinstance(parsed, Issue):
        problem = Message("definitions.problem_at", location=str(parsed.location), problem=parsed.message)
    else:
        problem = Message("definitions.not_a_mapping_file")
    raise UserError(
        Message("definitions.invalid_file", path=str(path), problem=problem, purpose=purpose),
        location=Location(str(path)),
        hint=Message("definitions.fix_or_move_hint"),
    )


def dump(document: CommentedMap) -> str:
    yaml = YAML()
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    stream = io.StringIO()
    yaml.dump(document, stream)
    return stream.getvalue()


def definition_files(folder: Path) -> list[Path]:
    return sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")]) if folder.is_dir() else []


def new_problems(root: Path, file_name: str, text: str, problems: Problems) -> list[Issue]:
    """The problems the workspace would have with `text` as definitions/`file_name`, and does not have now."""
    before = {str(issue) for issue in problems(root)}
    try:
        with tempfile.TemporaryDirectory(prefix="kpilot-edit-") as scratch:
            copy = Path(scratch)
            (copy / DEFINITIONS_DIR).mkdir()
            for path in definition_files(root / DEFINITIONS_DIR):
                if path.name != file_name:
                    shutil.copyfile(path, copy / DEFINITIONS_DIR / path.name)
            (copy / DEFINITIONS_DIR / file_name).write_text(text, encoding="utf-8")
            return [issue for issue in problems(copy) if str(issue) not in before]
    except OSError as error:
        raise UserError(
            Message("definitions.scratch_check_failed", reason=_reason(error)),
            hint=Message("definitions.scratch_space_hint", folder=tempfile.gettempdir()),
        ) from error


def write_atomically(path: Path, text: str | bytes) -> None:
    """Replace the file in one step: readers see the old file or the new one, never half of it. Text is written
    as UTF-8; bytes (an XLSX export) as they are.

    The new file keeps the old one's permission bits (and, where allowed, its owner and group); a new file gets the
    umask's default, as `open` gives it. When the disk is full or writing is not allowed, the old file is left as
    it was, no temporary file stays behind, and the error is a UserError that names the file and the reason.
    """
    temporary: Path | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        existing = _stat_or_none(path)
        descriptor, temporary = _create_beside(path)
        with os.fdopen(descriptor, "wb") as stream:
            if existing is not None:
                _keep_owner_and_mode(stream.fileno(), existing)
            stream.write(text.encode("utf-8") if isinstance(text, str) else text)
            stream.flush()
            os.fsync(stream.fileno())  # the data is on disk before the name points to it
        os.replace(temporary, path)
    except BaseException as error:
        if temporary is not None:
            with contextlib.suppress(OSError):
                temporary.unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise write_error(path, error) from error
        raise


def write_error(path: Path, error: OSError, *, folder: bool = False) -> UserError:
    """The one message for a file (or folder) of a workspace that could not be written."""
    permission = Message("definitions.permission_hint", path=str(path), folder=str(path.parent))
    hints = {
        errno.ENOSPC: Message("definitions.no_space_hint"),
        errno.EDQUOT: Message("definitions.quota_hint"),
        errno.EACCES: permission,
        errno.EPERM: permission,
        errno.EROFS: Message("definitions.read_only_hint"),
    }
    code = "definitions.cannot_create_folder" if folder else "definitions.cannot_write_file"
    return UserError(
        Message(code, reason=_reason(error)),
        location=Location(str(path)),
        hint=hints.get(error.errno or 0, Message("definitions.write_check_hint")),
    )


def _reason(error: OSError) -> Raw:
    """The system's own words for the failure ("no space left on device"), passed on as they are."""
    text = os.strerror(error.errno) if error.errno else str(error)
    return Raw(text[:1].lower() + text[1:])


def _stat_or_none(path: Path) -> os.stat_result | None:
    try:
        return os.stat(path)
    except FileNotFoundError:
        return None


def _create_beside(path: Path) -> tuple[int, Path]:
    """A new empty file next to `path` (so os.replace stays on one file system), opened for writing.

    Not tempfile.mkstemp: that creates the file with mode 0600 whatever the umask, which the replaced file would
    then keep. Mode 0666 here is reduced by the umask, as for any file a program creates.
    """
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    for _ in range(100):
        candidate = path.with_name(f".{path.stem}-{secrets.token_hex(4)}.tmp")
        try:
            return os.open(candidate, flags, 0o666), candidate
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(path.parent))  # told by write_error


def _keep_owner_and_mode(descriptor: int, existing: os.stat_result) -> None:
    if hasattr(os, "fchown"):
        current = os.fstat(descriptor)
        if (current.st_uid, current.st_gid) != (existing.st_uid, existing.st_gid):
            # Only root may give a file away; anyone may keep a group they belong to. Either is best effort.
            for owner in (existing.st_uid, -1):
                try:
                    os.fchown(descriptor, owner, existing.st_gid)
                    break
                except OSError:
                    continue
    os.fchmod(descriptor, stat.S_IMODE(existing.st_mode))
