"""`audit --html`: one self-contained HTML report (egress map, money, findings), built from reports."""
