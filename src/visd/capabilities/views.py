from dataclasses import dataclass

from django.forms import HiddenInput
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _

from .filtersets import CapabilityNeedFilterSet
from .models import CapabilityNeed


@dataclass
class TreeRow:
    """One line of the needs tree. ``context`` rows do not match the filters themselves but are the
    dimension or capability a match belongs to. Totals are the node's own amount or, when the
    source gives none for it, the sum of its descendants' (``*_summed``)."""

    need: CapabilityNeed
    depth: int
    context: bool
    committed: int | None
    paid: int | None
    committed_summed: bool
    paid_summed: bool


def _subtree_total(need, children, field, totals):
    """Fill ``totals[pk] = (amount, summed)`` for ``need`` and everything under it; return its amount."""
    parts = [_subtree_total(child, children, field, totals) for child in children.get(need.pk, [])]
    own = getattr(need, field)
    if own is not None:
        totals[need.pk] = (own, False)
        return own
    parts = [part for part in parts if part is not None]
    total = sum(parts) if parts else None
    totals[need.pk] = (total, total is not None)
    return total


def needs_tree(needs: list[CapabilityNeed], matched_ids: set[int]) -> list[TreeRow]:
    """Depth-first rows (dimension > capability > item) of the nodes that match, with the
    ancestors of each match for context. ``needs`` must hold every node (they are a few hundred)."""
    by_id = {need.pk: need for need in needs}
    children: dict[int | None, list[CapabilityNeed]] = {}
    for need in needs:
        children.setdefault(need.parent_id, []).append(need)

    visible = set()
    for pk in matched_ids:
        while pk is not None and pk not in visible:
            visible.add(pk)
            pk = by_id[pk].parent_id if pk in by_id else None

    committed, paid = {}, {}
    for root in children.get(None, []):
        _subtree_total(root, children, "committed_eur", committed)
        _subtree_total(root, children, "paid_eur", paid)

    rows = []

    def walk(need, depth):
        if need.pk not in visible:
            return
        committed_total, committed_summed = committed[need.pk]
        paid_total, paid_summed = paid[need.pk]
        rows.append(TreeRow(need, depth, need.pk not in matched_ids, committed_total, paid_total,
                            committed_summed, paid_summed))
        for child in children.get(need.pk, []):
            walk(child, depth + 1)

    for root in children.get(None, []):
        walk(root, 0)
    return rows


def need_list(request):
    filterset = CapabilityNeedFilterSet(request.GET, queryset=CapabilityNeed.objects.all(), request=request)
    form = filterset.form
    # The parent filter is an id, reached through links rather than typed; and for a yes/no filter
    # the empty choice means 'any', not Django's 'unknown'.
    form.fields["parent"].widget = HiddenInput()
    form.fields["consolidated_development"].widget.choices = [("", "---------"), ("true", _("Yes")), ("false", _("No"))]
    matched = set(filterset.qs.values_list("pk", flat=True)) if filterset.is_valid() else set()
    rows = needs_tree(list(CapabilityNeed.objects.all()), matched) if matched else []
    return render(request, "capabilities/need_list.html", {
        "filter": filterset,
        "rows": rows,
        "match_count": len(matched),
    })


def need_detail(request, pk):
    need = get_object_or_404(CapabilityNeed.objects.select_related("parent__parent"), pk=pk)
    ancestors = []
    node = need.parent
    while node is not None:
        ancestors.insert(0, node)
        node = node.parent
    return render(request, "capabilities/need_detail.html", {
        "need": need,
        "ancestors": ancestors,
        "children": need.children.all(),
    })
