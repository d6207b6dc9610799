"""The cross-cluster matching index: suggested partners for every published cluster, with the reasons."""
