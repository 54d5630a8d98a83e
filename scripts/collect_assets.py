"""Copy the front-end files the pages use from node_modules/ into src/opendvc/web/static/vendor/.

Run after ``npm ci`` (``make assets`` does both). The vendor folder is rebuilt from scratch each
time, so running it twice gives the same files. Nothing is fetched from the network.

USWDS's stylesheet is copied with two changes, so pages load no web fonts (UX.md: light pages):
its ``@font-face`` rules are dropped and its three font stacks are replaced by the system ones.
Every image the stylesheet still refers to is copied beside it, which ``collectstatic``'s
manifest storage needs.
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NODE_MODULES = ROOT / "node_modules"
VENDOR = ROOT / "src" / "opendvc" / "web" / "static" / "vendor"

USWDS_DIST = NODE_MODULES / "@uswds" / "uswds" / "dist"

SYSTEM_SANS = (
    'system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Helvetica Neue",Arial,"Liberation Sans",sans-serif'
)
SYSTEM_MONO = 'ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono","DejaVu Sans Mono",monospace'
FONT_STACKS = {
    "Source Sans Pro Web,Helvetica Neue,Helvetica,Roboto,Arial,sans-serif": SYSTEM_SANS,
    "Merriweather Web,Georgia,Cambria,Times New Roman,Times,serif": SYSTEM_SANS,
    "Roboto Mono Web,Bitstream Vera Sans Mono,Consolas,Courier,monospace": SYSTEM_MONO,
    '"Source Sans Pro Web"': SYSTEM_SANS,
    '"Merriweather Web"': SYSTEM_SANS,
    '"Roboto Mono Web"': SYSTEM_MONO,
}

# (source inside node_modules, destination inside vendor/)
PLAIN_COPIES = [
    ("htmx.org/dist/htmx.min.js", "htmx/htmx.min.js"),
    ("axe-core/axe.min.js", "axe-core/axe.min.js"),
    ("echarts/dist/echarts.simple.min.js", "echarts/echarts.simple.min.js"),
    ("echarts/LICENSE", "echarts/LICENSE"),
    ("@uswds/uswds/LICENSE.md", "uswds/LICENSE.md"),
    ("htmx.org/LICENSE", "htmx/LICENSE"),
]

_FONT_FACE = re.compile(r"@font-face\{[^}]*\}")
_SOURCE_MAP = re.compile(r"/\*# sourceMappingURL=[^*]*\*/")
_URL = re.compile(r"url\(\s*['\"]?([^'\")]+?)['\"]?\s*\)")


class AssetError(Exception):
    pass


def _require(path: Path) -> Path:
    if not path.exists():
        raise AssetError(f"missing {path.relative_to(ROOT)}")
    return path


def uswds_css(source: str) -> str:
    """USWDS's minified stylesheet without web fonts or a source-map reference."""
    css = _FONT_FACE.sub("", source)
    css = _SOURCE_MAP.sub("", css)
    for stack, replacement in FONT_STACKS.items():
        css = css.replace(f"font-family:{stack}", f"font-family:{replacement}")
    if "woff" in css:
        raise AssetError("USWDS stylesheet still refers to a web font; update FONT_STACKS")
    return css.rstrip() + "\n"


def referenced_files(css: str) -> list[str]:
    """Relative paths of the files a stylesheet loads with ``url(...)`` (data: and absolute ones left out)."""
    found = set()
    for match in _URL.finditer(css):
        url = match.group(1).split("#")[0].split("?")[0]
        if url and not url.startswith(("data:", "http:", "https:", "//", "/")):
            found.add(url)
    return sorted(found)


def collect() -> list[Path]:
    if not NODE_MODULES.is_dir():
        raise AssetError("node_modules/ is missing: run `npm ci` first (or `make assets`)")
    written: list[Path] = []
    staging = VENDOR.with_name("vendor.tmp")
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)

    css_source = _require(USWDS_DIST / "css" / "uswds.min.css").read_text(encoding="utf-8")
    css = uswds_css(css_source)
    css_target = staging / "uswds" / "css" / "uswds.min.css"
    css_target.parent.mkdir(parents=True)
    css_target.write_text(css, encoding="utf-8")
    written.append(css_target)
    for relative in referenced_files(css):
        source = _require((USWDS_DIST / "css" / relative).resolve())
        target = (css_target.parent / relative).resolve()
        if staging.resolve() not in target.parents:
            raise AssetError(f"stylesheet refers outside the vendor folder: {relative}")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        written.append(target)

    for source_name, target_name in PLAIN_COPIES:
        source = _require(NODE_MODULES / source_name)
        target = staging / target_name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        written.append(target)

    if VENDOR.exists():
        shutil.rmtree(VENDOR)
    staging.rename(VENDOR)
    return [VENDOR / path.resolve().relative_to(staging.resolve()) for path in written]


def main() -> int:
    try:
        files = collect()
    except AssetError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    size = sum(path.stat().st_size for path in files)
    print(f"Copied {len(files)} front-end files ({size // 1024} KiB) into {VENDOR.relative_to(ROOT)}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
