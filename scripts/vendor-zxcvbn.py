"""Vendor zxcvbn-ts into pwa/vendor/zxcvbn-ts/ as ES modules, from unpacked npm packages.

Each package ships an IIFE bundle (``dist/zxcvbn-ts.js``) that assigns to
``this.zxcvbnts[<name>]``. The bundle is copied byte for byte inside a wrapper that runs it
with ``this`` bound to a local object and exports what it assigned, so the PWA can
``import()`` it under a CSP without eval, inline scripts or script URLs. The bundles'
sha256 are pinned: a different file stops the script.

Usage (from the repository root)::

    npm pack @zxcvbn-ts/core@4.2.0 @zxcvbn-ts/language-common@4.1.3 fastest-levenshtein@1.0.16
    # unpack each tarball into its own directory, then:
    python scripts/vendor-zxcvbn.py CORE_DIR LANGUAGE_COMMON_DIR FASTEST_LEVENSHTEIN_DIR

fastest-levenshtein is needed only for its licence: the core bundle already contains it.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "pwa" / "vendor" / "zxcvbn-ts"
BUNDLE = "dist/zxcvbn-ts.js"


@dataclass(frozen=True)
class Package:
    name: str
    version: str
    bundle_sha256: str
    accessor: str  # how the bundle's this.zxcvbnts property is reached: .core, ["a-b"]
    module: str  # the file written under pwa/vendor/zxcvbn-ts/

    @property
    def tarball(self) -> str:
        return f"https://registry.npmjs.org/{self.name}/-/{self.name.split('/')[-1]}-{self.version}.tgz"


CORE = Package(
    name="@zxcvbn-ts/core",
    version="4.2.0",
    bundle_sha256="dbb38801628e80514c0f6ee91621e173f421fa21bcadb05ad0fe83d02de7d5f4",
    accessor=".core",
    module="core.js",
)
LANGUAGE_COMMON = Package(
    name="@zxcvbn-ts/language-common",
    version="4.1.3",
    bundle_sha256="bc720aa611008d6d70f15253dd71425fee0b6427fc122c99a329daf17c922b74",
    accessor='["language-common"]',
    module="language-common.js",
)
LEVENSHTEIN = ("fastest-levenshtein", "1.0.16")  # bundled inside core's dist/zxcvbn-ts.js


def check_package(directory: Path, name: str, version: str) -> None:
    manifest = json.loads((directory / "package.json").read_text())
    found = (manifest.get("name"), manifest.get("version"))
    if found != (name, version):
        raise SystemExit(f"{directory}: expected {name}@{version}, found {found[0]}@{found[1]}")


def wrap(package: Package, directory: Path) -> bytes:
    """The bundle, unchanged, inside an ES-module wrapper; stops if its hash is not pinned."""
    check_package(directory, package.name, package.version)
    bundle = (directory / BUNDLE).read_bytes()
    digest = hashlib.sha256(bundle).hexdigest()
    if digest != package.bundle_sha256:
        raise SystemExit(f"{package.name}: sha256 {digest}, pinned {package.bundle_sha256}")
    target = f"this.zxcvbnts{package.accessor}"
    if f"\n{target} = (function".encode() not in bundle:
        raise SystemExit(f"{package.name}: the bundle does not assign {target}")
    return (
        b"const root = {};\n(function () {\n"
        + bundle
        + f"\n}}).call(root);\nexport default root.zxcvbnts{package.accessor};\n".encode()
    )


def licence(core_dir: Path, common_dir: Path, levenshtein_dir: Path) -> str:
    zxcvbn = (core_dir / "LICENSE.txt").read_text()
    if (common_dir / "LICENSE.txt").read_text() != zxcvbn:
        raise SystemExit("the two zxcvbn-ts packages' LICENSE.txt differ: vendor both")
    check_package(levenshtein_dir, *LEVENSHTEIN)
    levenshtein = (levenshtein_dir / "LICENSE.md").read_text()
    return (
        f"{CORE.name} {CORE.version} and {LANGUAGE_COMMON.name} {LANGUAGE_COMMON.version}"
        " (the same LICENSE.txt in both packages):\n\n"
        f"{zxcvbn.rstrip()}\n\n"
        "----\n\n"
        f"core.js also contains {LEVENSHTEIN[0]} {LEVENSHTEIN[1]}, which the zxcvbn-ts authors"
        " bundled into it:\n\n"
        f"{levenshtein.rstrip()}\n"
    )


def version_file() -> str:
    lines = []
    for package in (CORE, LANGUAGE_COMMON):
        lines += [
            f"{package.name} {package.version}",
            f"  file: {package.module} (wraps {BUNDLE})",
            f"  sha256 of {BUNDLE}: {package.bundle_sha256}",
            f"  source: {package.tarball}",
            "",
        ]
    lines.append(f"{LEVENSHTEIN[0]} {LEVENSHTEIN[1]}: inside core.js, bundled by zxcvbn-ts")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("core", type=Path, help="unpacked @zxcvbn-ts/core package")
    parser.add_argument("language_common", type=Path, help="unpacked @zxcvbn-ts/language-common")
    parser.add_argument("levenshtein", type=Path, help="unpacked fastest-levenshtein (licence)")
    args = parser.parse_args()
    files = {
        CORE.module: wrap(CORE, args.core),
        LANGUAGE_COMMON.module: wrap(LANGUAGE_COMMON, args.language_common),
        "LICENSE": licence(args.core, args.language_common, args.levenshtein).encode(),
        "VERSION": version_file().encode(),
    }
    OUT.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        (OUT / name).write_bytes(content)
        print(f"wrote {OUT / name} ({len(content)} bytes)")


if __name__ == "__main__":
    main()
