"""Which files hold credentials by their name, and which files are the same file under another name.

The names follow public secret-scanning conventions: the file signatures of Gitrob (michenriksson/gitrob,
`signatures.json`: ssh keys, `.pgpass`, `.htpasswd`, `.git-credentials`, `*.ppk`, `.s3cfg`, shell and database
histories, ...) and of shhgit (eth0izzle/shhgit, `config.yaml`, which extends Gitrob's), with GitHub's gitignore
templates for Terraform state and cloud tool credential files. Written here as gitignore globs, matched
case-insensitively; a glob with a `/` matches that path at any depth (`.kube/config` in a workspace or in home).

A hard link is the same file as the sensitive one, whatever its name: a regular file with more than one link is
private when its inode is one of a sensitive file's in the workspace or in the usual places in home.
"""

from __future__ import annotations

import os
import re
import stat
import time
from collections.abc import Callable
from pathlib import Path, PurePosixPath

from livepair.context.ignore_rules import translate

SENSITIVE = (
    # environment and generic secrets
    ".env*", "*secret*", "credentials*", "token.json", "*.tfvars", ".vault-token", "master.key",
    # private keys and keystores
    "*.pem", "*.key", "*.p12", "*.pfx", "*.p8", "*.ppk", "*.jks", "*.keystore", "*.keychain", "*.kdb", "*.kdbx",
    "id_rsa*", "id_dsa*", "id_ecdsa*", "id_ed25519*", "*_rsa", "*_dsa", "*_ecdsa", "*_ed25519", "secring.*",
    ".ssh/*", "*.ovpn",
    # credentials of tools
    ".netrc", "_netrc", ".npmrc", ".pypirc", ".git-credentials", ".pgpass", ".my.cnf", ".htpasswd", "proftpdpasswd",
    ".dockercfg", ".docker/config.json", ".kube/config", "kubeconfig*", ".s3cfg", ".boto", ".aws/credentials",
    ".aws/config", "application_default_credentials.json", "service-account*.json", "service_account*.json",
    "accessTokens.json", ".azure/*", ".composer/auth.json", ".terraformrc", "terraform.rc", "sftp-config.json",
    ".ftpconfig", ".remote-sync.json", "filezilla.xml", "recentservers.xml", "wp-config.php",
    # state that embeds secrets
    "terraform.tfstate*", "*.tfstate", "*.tfstate.backup",
    # histories (typed passwords)
    ".bash_history", ".zsh_history", ".sh_history", ".psql_history", ".mysql_history", ".python_history",
    ".irb_history", ".node_repl_history", "etc/shadow",
)  # fmt: skip

# Where home keeps credentials, for the hard-link check (a link into the workspace from outside it).
HOME_SECRETS = (
    ".ssh", ".aws/credentials", ".netrc", ".git-credentials", ".pgpass", ".my.cnf", ".docker/config.json",
    ".kube/config", ".vault-token", ".pypirc", ".npmrc", ".config/gcloud/application_default_credentials.json",
    ".config/gcloud/credentials.db", ".azure/accessTokens.json", ".gnupg/private-keys-v1.d",
)  # fmt: skip

# Names (no `/`) are matched against each part of a path; the few paths (`.kube/config`) at any depth, ending at a
# part's end (a folder or the file). One regex each: the gate runs on every tool path, search hit and digest excerpt.
_NAME_ANY = re.compile("|".join(translate(p, anchored=True).pattern for p in SENSITIVE if "/" not in p), re.I | re.S)
_PATH_ANY = re.compile(
    "(?:^|/)(?:" + "|".join(translate(p, anchored=True).pattern for p in SENSITIVE if "/" in p) + ")(?:/|$)",
    re.I | re.S,
)
INDEX_TTL_S = 5.0
MAX_INDEXED_FILES = 20_000
INDEX_BUDGET_S = 0.5
_SKIP = frozenset({".git", "node_modules", "__pycache__", ".mypy_cache", ".tox"})


def sensitive_name(rel: PurePosixPath) -> bool:
    """Whether the built-in list marks `rel` (relative, or an absolute path without its leading `/`)."""
    return any(_NAME_ANY.fullmatch(part) for part in rel.parts) or _PATH_ANY.search(str(rel)) is not None


def _linked_inode(path: Path) -> tuple[int, int] | None:
    """(device, inode) of a regular file with more than one hard link, else None."""
    try:
        st = path.stat()
    except (OSError, ValueError):
        return None
    if not stat.S_ISREG(st.st_mode) or st.st_nlink < 2:
        return None
    return st.st_dev, st.st_ino


class HardLinks:
    """The inodes of sensitive files with several links, rebuilt at most every INDEX_TTL_S, and only when a file
    with several links is asked about (rare: most files have one)."""

    def __init__(self, private_name: Callable[[Path], bool]) -> None:
        self._private_name = private_name  # the gate's name rules (built-in, extra globs, .livepairignore)
        self._built: tuple[float, Path | None, set[tuple[int, int]]] | None = None

    def is_link_to_private(self, path: Path, root: Path | None) -> bool:
        inode = _linked_inode(path)
        return inode is not None and inode in self._index(root)

    def _index(self, root: Path | None) -> set[tuple[int, int]]:
        now = time.monotonic()
        if self._built is not None and self._built[1] == root and now - self._built[0] < INDEX_TTL_S:
            return self._built[2]
        inodes: set[tuple[int, int]] = set()
        home = Path.home()
        for name in HOME_SECRETS:
            place = home / name
            try:
                files = [p for p in place.rglob("*") if p.is_file()][:1000] if place.is_dir() else [place]
            except OSError:
                continue
            inodes.update(i for p in files if (i := _linked_inode(p)) is not None)
        if root is not None:
            inodes |= self._workspace(root, now + INDEX_BUDGET_S)
        self._built = (now, root, inodes)
        return inodes

    def _workspace(self, root: Path, deadline: float) -> set[tuple[int, int]]:
        found: set[tuple[int, int]] = set()
        seen = 0
        for folder, dirs, names in os.walk(root):
            dirs[:] = [d for d in dirs if d not in _SKIP]
            for name in names:
                seen += 1
                path = Path(folder, name)
                if self._private_name(path) and (inode := _linked_inode(path)) is not None:
                    found.add(inode)
            if seen > MAX_INDEXED_FILES or time.monotonic() > deadline:
                break
        return found
