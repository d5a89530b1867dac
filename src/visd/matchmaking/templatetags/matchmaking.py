from django import template

register = template.Library()

# Sequential blue scale (light to dark); text switches to white on the dark half for contrast >= 4.5:1.
_SCALE = ["#ffffff", "#e8f0f8", "#c9dcef", "#9ec2e3", "#6a9fcf", "#3d78b3", "#1f5a94", "#0b3d6b"]


@register.filter
def heat(value, maximum=1):
    """Inline style for a heat-map cell: the share ``value / maximum`` picks a colour."""
    try:
        share = float(value or 0) / float(maximum or 1)
    except (TypeError, ValueError, ZeroDivisionError):
        share = 0.0
    share = min(max(share, 0.0), 1.0)
    step = 0 if share <= 0 else 1 + round(share * (len(_SCALE) - 2))
    colour = _SCALE[step]
    text = "#ffffff" if step >= 5 else "#1b1f24"
    return f"background:{colour};color:{text}"
