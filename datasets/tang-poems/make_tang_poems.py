"""Rebuild tang300.json from Debian's fortunes-zh package (no network once the package is installed).

    apt-get install fortunes-zh          # or: apt-get download fortunes-zh && dpkg-deb -x fortunes-zh_*.deb root
    python make_tang_poems.py [/usr/share/games/fortunes/tang300]

The fortune file colours titles and authors with ANSI escape codes and separates
poems with lines holding a single %; we keep the text exactly, without the codes.
"""

import json
import re
import sys
from pathlib import Path

SOURCE = Path(sys.argv[1] if len(sys.argv) > 1 else "/usr/share/games/fortunes/tang300")
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def poems(text: str):
    for block in text.split("\n%\n"):
        lines = [ANSI.sub("", line).strip() for line in block.strip().splitlines()]
        lines = [line for line in lines if line]
        if not lines:
            continue
        title, author, body = lines[0], lines[1], lines[2:]
        if not (title.startswith("《") and author.startswith("作者：") and body):
            raise SystemExit(f"make_tang_poems: unexpected poem layout near {title!r}")
        yield {"title": title.strip("《》"), "author": author.removeprefix("作者："), "lines": body}


def main():
    items = list(poems(SOURCE.read_text(encoding="utf-8")))
    out = Path(__file__).with_name("tang300.json")
    out.write_text(json.dumps(items, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    print(f"{len(items)} poems, {sum(len(''.join(p['lines'])) for p in items)} characters -> {out.name}")


if __name__ == "__main__":
    main()
