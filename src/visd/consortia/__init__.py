"""The EDF consortium builder: a consortium workspace for a call topic, checked rule by rule against
Regulation (EU) 2021/697 (``engine``, plain Python over ``data/edf_rules.yaml``), with suggestions of
partners from the registry, a funding estimate, the eligibility note (XLSX, PDF) and the step into the
VISD project database. See docs/consortia.md.
"""
