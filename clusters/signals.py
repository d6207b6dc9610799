"""Changes that move a cluster in the matching index mark it for an incremental update (sent after commit)."""

from django.db.models import Q
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.dispatch import receiver

from directory.choices import PublicationStatus
from directory.models import Organisation

from .matching.choices import MatchingIndexStatus
from .matching.services import matching_clusters_mark_dirty
from .models import Cluster, Membership, PartnerSuggestion


def _mark(cluster_ids) -> None:
    """Mark the clusters that are public or in the live index: edits to drafts never touch the index."""
    ids = {int(pk) for pk in cluster_ids if pk}
    if not ids:
        return
    relevant = set(Cluster.objects.filter(pk__in=ids, status=PublicationStatus.PUBLISHED).values_list("pk", flat=True))
    rest = ids - relevant
    if rest:
        pairs = (
            PartnerSuggestion.objects.filter(version__status=MatchingIndexStatus.ACTIVE)
            .filter(Q(cluster_id__in=rest) | Q(partner_id__in=rest))
            .values_list("cluster_id", "partner_id")
        )
        relevant |= {pk for pair in pairs for pk in pair} & rest
    matching_clusters_mark_dirty(cluster_ids=relevant)


def _current_clusters_of(organisation_ids) -> list[int]:
    return list(
        Membership.objects.filter(organisation_id__in=list(organisation_ids), left_on__isnull=True).values_list(
            "cluster_id", flat=True
        )
    )


@receiver(post_save, sender=Cluster, dispatch_uid="matching_cluster_saved")
def cluster_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        _mark([instance.pk])


@receiver(pre_delete, sender=Cluster, dispatch_uid="matching_cluster_deleted")
def cluster_deleted(sender, instance, **kwargs):
    # The cluster's own rows go with it; the clusters that listed it must refill their lists.
    _mark(
        PartnerSuggestion.objects.filter(
            version__status=MatchingIndexStatus.ACTIVE, partner_id=instance.pk
        ).values_list("cluster_id", flat=True)
    )


@receiver(post_save, sender=Membership, dispatch_uid="matching_membership_saved")
@receiver(post_delete, sender=Membership, dispatch_uid="matching_membership_deleted")
def membership_changed(sender, instance, raw=False, origin=None, **kwargs):
    # Memberships deleted with their cluster: the cluster's deletion already refills the lists it was in, and a
    # mark for it would point at a row the same transaction removes.
    if raw or isinstance(origin, Cluster) or getattr(origin, "model", None) is Cluster:
        return
    _mark([instance.cluster_id])


@receiver(m2m_changed, sender=Cluster.secondary_sectors.through, dispatch_uid="matching_cluster_sectors")
@receiver(m2m_changed, sender=Cluster.technologies.through, dispatch_uid="matching_cluster_technologies")
def cluster_relation_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if not reverse:
        if action in ("post_add", "post_remove", "post_clear"):
            _mark([instance.pk])
    elif action in ("post_add", "post_remove"):
        _mark(pk_set or ())
    elif action == "pre_clear":
        # A sector or priority losing all its clusters: read them while the links still exist.
        other = next(f for f in sender._meta.get_fields() if f.is_relation and f.name != "cluster")
        _mark(sender.objects.filter(**{other.name: instance}).values_list("cluster_id", flat=True))


@receiver(m2m_changed, sender=Organisation.sectors.through, dispatch_uid="matching_member_sectors")
def member_sectors_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if not reverse:
        if action in ("post_add", "post_remove", "post_clear"):
            _mark(_current_clusters_of([instance.pk]))
    elif action in ("post_add", "post_remove"):
        _mark(_current_clusters_of(pk_set or ()))
    elif action == "pre_clear":
        _mark(_current_clusters_of(sender.objects.filter(sector=instance).values_list("organisation_id", flat=True)))
