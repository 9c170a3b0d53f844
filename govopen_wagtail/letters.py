"""Wording of the letters of disclosure on application (告知书), and filling it in.

Plain functions and the built-in Chinese wording; a site may replace any of
them with a :class:`~govopen_wagtail.models.LetterTemplate`. Placeholders are
``str.format`` fields from :data:`PLACEHOLDERS`; anything else is refused when
the template is saved, so a letter never fails to render at the moment it is
needed.
"""

from __future__ import annotations

import string
from dataclasses import dataclass

from django.utils.translation import gettext as _

__all__ = ["DEFAULT_TEMPLATES", "PLACEHOLDERS", "TemplateError", "check_template", "fill"]

PLACEHOLDERS = frozenset({
    "organisation", "applicant", "receipt_number", "received_on", "description", "article", "outcome",
    "reason", "due_on", "correction_items", "correction_due", "extension_days", "extended_due", "approver",
    "party", "opinion_due", "letter_number", "date",
})

_APPEAL = ("如对本答复不服，可以自收到本告知书之日起六十日内依法申请行政复议，"
           "或者自收到本告知书之日起六个月内依法提起行政诉讼。")


@dataclass(frozen=True)
class DefaultTemplate:
    title: str
    body: str


DEFAULT_TEMPLATES: dict[str, DefaultTemplate] = {
    "reply": DefaultTemplate(
        "政府信息公开申请答复告知书",
        "{applicant}：\n"
        "本机关于{received_on}收到您（单位）提出的政府信息公开申请（受理编号：{receipt_number}），"
        "申请获取：{description}。\n"
        "经审查，答复如下：{outcome}。{reason}\n"
        "根据《中华人民共和国政府信息公开条例》{article}的规定，特此告知。\n"
        + _APPEAL + "\n{organisation}\n{date}",
    ),
    "correction": DefaultTemplate(
        "政府信息公开申请补正告知书",
        "{applicant}：\n"
        "本机关于{received_on}收到您（单位）提出的政府信息公开申请（受理编号：{receipt_number}）。"
        "经审查，申请内容不够明确。根据《中华人民共和国政府信息公开条例》第三十条的规定，"
        "请您于{correction_due}前对以下内容作出补正：\n"
        "{correction_items}\n"
        "答复期限自本机关收到补正的申请之日起计算。无正当理由逾期不补正的，视为放弃申请，"
        "本机关不再处理该政府信息公开申请。\n"
        "{organisation}\n{date}",
    ),
    "extension": DefaultTemplate(
        "政府信息公开申请延期答复告知书",
        "{applicant}：\n"
        "本机关于{received_on}收到您（单位）提出的政府信息公开申请（受理编号：{receipt_number}）。"
        "因{reason}，本机关不能在规定期限内作出答复。经{approver}同意，根据《中华人民共和国政府信息公开条例》"
        "第三十三条第二款的规定，答复期限延长{extension_days}个工作日，本机关将于{extended_due}前作出答复。\n"
        "{organisation}\n{date}",
    ),
    "third_party": DefaultTemplate(
        "政府信息公开征求第三方意见书",
        "{party}：\n"
        "本机关于{received_on}收到政府信息公开申请（受理编号：{receipt_number}），申请公开的信息为：{description}。"
        "该信息的公开可能损害贵方合法权益。根据《中华人民共和国政府信息公开条例》第三十二条的规定，"
        "现书面征求贵方意见，请于{opinion_due}前提出意见。逾期未提出意见的，由本机关依照条例的规定决定是否公开。\n"
        "{organisation}\n{date}",
    ),
}


class TemplateError(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def check_template(body: str) -> None:
    """Raise :class:`TemplateError` unless ``body`` only uses known placeholders."""
    try:
        names = {name for _lit, name, _spec, _conv in string.Formatter().parse(body or "") if name is not None}
    except ValueError:
        raise TemplateError(
            _("The text has an unmatched brace “{” or “}”. Write placeholders as {receipt_number}.")
        ) from None
    unknown = sorted(n for n in names if n not in PLACEHOLDERS)
    if unknown:
        raise TemplateError(
            _("Unknown placeholder(s): %(names)s. Use only those listed under the text.")
            % {"names": "、".join("{%s}" % n for n in unknown)}
        )
    if not (body or "").strip():
        raise TemplateError(_("The letter has no text."))


def fill(body: str, values: dict[str, str]) -> str:
    """The letter's text: every placeholder replaced; missing ones become “　”."""
    check_template(body)
    complete = {name: str(values.get(name, "") or "") for name in PLACEHOLDERS}
    return body.format(**complete)
