from __future__ import annotations

from typing import Any

from django import template

from aigaq.matching.selectors import RepeatFlag, repeat_flag

register = template.Library()


@register.simple_tag(takes_context=True)
def repeat_suspect(context: dict[str, Any], suspect_id: int) -> RepeatFlag | None:
    request = context.get("request")
    if request is None:
        return None
    return repeat_flag(request.user, suspect_id=suspect_id)
