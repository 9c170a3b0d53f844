"""Starting text for a new disclosure guide, drawn from the 条例.

Each function returns the text in the editor's active language when the page
is created; the editor then adapts it. Referenced by migrations: keep the
names.
"""

from django.utils.translation import gettext


def information_arrangement() -> str:
    return "<p>%s</p>" % gettext(
        "Information this body discloses on its own initiative is listed under "
        "“Statutory active disclosure”, arranged by category (organisation and "
        "functions, policy documents, plans, budgets and final accounts, key areas "
        "of education and so on) and, within each category, newest first. Every "
        "item shows its index number, title, summary and date."
    )


def active_access() -> str:
    return "<p>%s</p>" % gettext(
        "This body publishes information in the disclosure column of its website, "
        "on its official social media accounts and at press conferences, and "
        "provides it at public reading places such as archives, libraries and "
        "government service centres. Information is published within 20 working "
        "days of being formed or changed."
    )


def application_procedure() -> str:
    return "".join(
        "<p>%s</p>" % paragraph
        for paragraph in (
            gettext(
                "Citizens, legal persons and other organisations may apply to this body "
                "for government information. Applications are made in writing, by letter "
                "or online, and give: the applicant's name, proof of identity and contact "
                "details; the name, document number or another description of the "
                "information sought; and the form in which it should be provided."
            ),
            gettext(
                "Where possible the office replies on the spot. Otherwise it replies "
                "within 20 working days of receiving the application; with the approval "
                "of the person in charge and notice to the applicant, this may be "
                "extended once by at most 20 working days."
            ),
            gettext(
                "If an application is unclear, the office asks the applicant, once and "
                "within 7 working days of receipt, to correct it; the time limit starts "
                "again when the corrected application arrives."
            ),
        )
    )


def fees() -> str:
    return "<p>%s</p>" % gettext(
        "Information is provided free of charge. Only where the number or frequency "
        "of applications clearly exceeds a reasonable range is a processing fee "
        "charged, under the Measures on Information Processing Fees (国办函〔2020〕109号)."
    )


def remedies() -> str:
    return "<p>%s</p>" % gettext(
        "Anyone who considers that this body has infringed their lawful rights and "
        "interests in its disclosure work may complain to the competent department "
        "for government information disclosure or to the body at the next level up, "
        "or apply for administrative reconsideration or bring an administrative "
        "lawsuit according to law."
    )
