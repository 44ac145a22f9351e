"""The languages the tool speaks to the analyst: Vietnamese (the default, and the language
of every input), and English (``--lang en``) for those who do not read it."""

from __future__ import annotations

from typing import Literal

Lang = Literal["vi", "en"]
LANGUAGES: tuple[Lang, ...] = ("vi", "en")
DEFAULT_LANG: Lang = "vi"
