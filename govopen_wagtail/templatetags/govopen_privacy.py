from django import template

register = template.Library()


@register.simple_tag
def privacy_review(task_state):
    """The screening of what a review task would approve (see services.privacy_review)."""
    from ..services.privacy_review import review_task_state

    return review_task_state(task_state.pk) if task_state is not None else None


@register.simple_tag
def privacy_review_token(task_state):
    from ..forms_privacy import sign_review

    return sign_review(task_state.pk)
