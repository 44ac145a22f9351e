"""The languages the tool speaks to the analyst: Vietnamese, and English behind a flag.

Vietnamese is the default and the language of every input (forms, criteria, unit names),
which stay as they are in every output. English is for analysts or auditors who do not
read Vietnamese; ``--lang en`` selects it where a command supports it.
"""

from __future__ import annotations

from typing import Literal

Lang = Literal["vi", "en"]
LANGUAGES: tuple[Lang, ...] = ("vi", "en")
DEFAULT_LANG: Lang = "vi"
